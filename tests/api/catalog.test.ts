// Products, SKUs and listings: create, read, change, page; validation and conflicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { seedAccount, seedLocation } from '../support/seed.ts';
import { buildHarness, type Harness } from './harness.ts';

describe.each(testDatabases())('catalogue API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh' }]);
  });
  afterAll(() => db?.close());

  it('creates a product with its SKUs, and reads it back', async () => {
    const r = await h.call('POST', '/api/v1/products', {
      body: {
        id: 'tee',
        title: 'Tee',
        skus: [
          { code: 'TEE-S', title: 'Tee S' },
          { code: 'TEE-M', title: 'Tee M', barcode: '4006381333931', allowBackorder: true },
        ],
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.skus.map((s: { code: string }) => s.code)).toEqual(['TEE-M', 'TEE-S']);
    expect(r.body.skus[0]).toMatchObject({
      productId: 'tee',
      allowBackorder: true,
      allocationMode: 'auto',
      barcode: '4006381333931',
    });
    expect((await h.call('GET', '/api/v1/products/tee')).body.title).toBe('Tee');
    expect((await h.call('GET', '/api/v1/products/nope')).status).toBe(404);
  });

  it('validates products and SKUs by field, and refuses duplicates', async () => {
    const r = await h.call('POST', '/api/v1/products', {
      body: {
        title: '',
        skus: [
          { code: 'A', title: 'a' },
          { code: 'A', title: 'b' },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0].path).toBe('title');
    const dup = await h.call('POST', '/api/v1/products', {
      body: {
        title: 'x',
        skus: [
          { code: 'A', title: 'a' },
          { code: 'A', title: 'b' },
        ],
      },
    });
    expect(dup.body.error.fields).toEqual([{ path: 'skus.1.code', message: 'appears twice' }]);
    expect((await h.call('POST', '/api/v1/skus', { body: { code: 'TEE-M', title: 'again' } })).status).toBe(409);
    const bad = await h.call('POST', '/api/v1/skus', {
      body: { code: 'X', title: 'x', allocationMode: 'greedy', productId: 'nope' },
    });
    expect(bad.body.error.fields[0].path).toBe('allocationMode');
    const noProduct = await h.call('POST', '/api/v1/skus', { body: { code: 'X', title: 'x', productId: 'nope' } });
    expect(noProduct.body.error.fields).toEqual([{ path: 'productId', message: 'unknown product nope' }]);
  });

  it('creates, finds (by id or code), changes and pages SKUs', async () => {
    for (let i = 0; i < 5; i++)
      expect((await h.call('POST', '/api/v1/skus', { body: { code: `MUG-${i}`, title: `Mug ${i}` } })).status).toBe(
        201,
      );
    const byCode = await h.call('GET', '/api/v1/skus/MUG-3');
    expect(byCode.body.title).toBe('Mug 3');
    expect((await h.call('GET', `/api/v1/skus/${byCode.body.id}`)).body.code).toBe('MUG-3');
    const patched = await h.call('PATCH', '/api/v1/skus/MUG-3', {
      body: { title: 'Big mug', allowBackorder: true, productId: 'tee' },
    });
    expect(patched.body).toMatchObject({ title: 'Big mug', allowBackorder: true, productId: 'tee', code: 'MUG-3' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { code: string }[]; nextCursor: string | null } } = await h.call(
        'GET',
        `/api/v1/skus?q=mug&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((s) => s.code));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['MUG-0', 'MUG-1', 'MUG-2', 'MUG-3', 'MUG-4']);
    expect((await h.call('GET', '/api/v1/skus?cursor=garbage')).body.error.fields[0].path).toBe('cursor');
    expect((await h.call('GET', '/api/v1/skus?limit=0')).body.error.fields[0].path).toBe('limit');
    expect((await h.call('GET', '/api/v1/skus/nope')).status).toBe(404);
    const products = await h.call('GET', '/api/v1/products?q=te');
    expect(products.body.data.map((p: { id: string }) => p.id)).toEqual(['tee']);
  });

  it('links SKUs to a channel as listings, refuses duplicates, and unlinks', async () => {
    const r = await h.call('POST', '/api/v1/listings', {
      body: {
        accountId: 'shop',
        sku: 'TEE-M',
        externalVariantId: 'gid://shopify/ProductVariant/1',
        externalStockId: 'gid://shopify/InventoryItem/1',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      accountId: 'shop',
      skuCode: 'TEE-M',
      externalStockId: 'gid://shopify/InventoryItem/1',
    });
    expect((await h.call('POST', '/api/v1/listings', { body: { accountId: 'shop', sku: 'TEE-M' } })).status).toBe(409);
    const bad = await h.call('POST', '/api/v1/listings', { body: { accountId: 'nope', sku: 'TEE-M' } });
    expect(bad.body.error.fields).toEqual([{ path: 'accountId', message: 'unknown channel account nope' }]);
    expect(
      (await h.call('POST', '/api/v1/listings', { body: { accountId: 'shop', sku: 'NOPE' } })).body.error.fields[0]
        .path,
    ).toBe('sku');
    const list = await h.call('GET', '/api/v1/listings?accountId=shop');
    expect(list.body.data).toHaveLength(1);
    expect((await h.call('DELETE', `/api/v1/listings/${r.body.id}`)).status).toBe(204);
    expect((await h.call('DELETE', `/api/v1/listings/${r.body.id}`)).status).toBe(404);
  });
});
