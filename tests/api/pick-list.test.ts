// GET /api/v1/locations/{id}/pick-list: the location's pick list as a PDF; bad input is a 400
// naming the field, an unknown location a 404 naming id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { pdfText, rows } from '../documents/helpers.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';
import { buildHarness, type Harness } from './harness.ts';

describe('pick list API on pglite', () => {
  let db: Database;
  let h: Harness;

  beforeAll(async () => {
    db = await (testDatabases()[0] as ReturnType<typeof testDatabases>[number]).open();
    h = await buildHarness(db);
    await seedLocation(db.prisma, 'wh');
    await seedLocation(db.prisma, 'store-a', 'store');
    await seedLocation(db.prisma, 'store-b', 'store');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh' }]);
    await seedSku(db.prisma, 'MUG');
    await stock(db.prisma, 'sku-MUG', 'wh', 10);
    await ingestOrder(db.prisma, 'shop', draft('A-1', [{ sku: 'MUG', quantity: 3 }]));
    // A till at store A: its order is picked there.
    await seedAccount(db.prisma, 'till-a', [{ locationId: 'store-a' }], 'pos');
    await stock(db.prisma, 'sku-MUG', 'store-a', 5);
    await ingestOrder(db.prisma, 'till-a', draft('K-1', [{ sku: 'MUG', quantity: 2 }]));
  }, 120_000);
  afterAll(() => db?.close());

  it('downloads the pick list of a location as a PDF', async () => {
    const res = await h.app.request('/api/v1/locations/wh/pick-list?groupBy=sku&language=de', {
      headers: { authorization: `Bearer ${h.readonly}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = rows(await pdfText(new Uint8Array(await res.arrayBuffer())));
    expect(text).toEqual(expect.arrayContaining(['Pickliste WH', 'Zu picken: 3', 'MUG MUG 3', '#A-1 ×3']));
  });

  it('400 naming the field for a bad groupBy, 404 naming id for an unknown location', async () => {
    const bad = await h.call('GET', '/api/v1/locations/wh/pick-list?groupBy=shelf');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([expect.objectContaining({ path: 'groupBy' })]);
    const none = await h.call('GET', '/api/v1/locations/nowhere/pick-list');
    expect(none.status).toBe(404);
    expect(none.body.error.fields).toEqual([expect.objectContaining({ path: 'id' })]);
  });

  it("a staff key prints its own store's pick list and learns nothing of another's", async () => {
    const clerkA = await h.staffKey(['store-a']);
    const own = await h.app.request('/api/v1/locations/store-a/pick-list', {
      headers: { authorization: `Bearer ${clerkA}` },
    });
    expect(own.status).toBe(200);
    expect(rows(await pdfText(new Uint8Array(await own.arrayBuffer())))).toEqual(expect.arrayContaining(['#K-1 ×2']));
    const clerkB = await h.staffKey(['store-b']);
    const foreign = await h.call('GET', '/api/v1/locations/store-a/pick-list', { key: clerkB });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect((await h.call('GET', '/api/v1/locations/wh/pick-list', { key: clerkA })).status).toBe(404);
  });
});
