// Bad input through the REST API is a 4xx with a JSON body naming the field, and changes
// nothing: a NUL (U+0000) or an unpaired surrogate anywhere in a body, a path or a query —
// which PostgreSQL cannot store — and a body over the API's size limit, declared or streamed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_MAX_BYTES } from '../../api/rest/index.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { seedShop, shipOrderFixture } from './fixtures.ts';
import { buildHarness, type Harness } from './harness.ts';

describe.each(testDatabases())('bad input through the API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
  });
  afterAll(() => db?.close());

  const nulField = (path: string) => ({
    code: 'invalid_request',
    fields: [{ path, message: 'must not contain NUL (U+0000) or unpaired surrogate characters' }],
  });

  it('refuses a NUL in a body field with 400 naming the field, and stores nothing', async () => {
    for (const [body, path] of [
      [{ code: 'A\u0000B', title: 'mug' }, 'code'],
      [{ code: 'MUG-1', title: 'mug\u0000' }, 'title'],
      [{ code: 'MUG-1', title: 'half an emoji \uD83D' }, 'title'], // jsonb refuses it; a text column would keep it altered
    ] as const) {
      const r = await h.call('POST', '/api/v1/skus', { body });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject(nulField(path));
    }
    const nested = await h.call('POST', '/api/v1/products', {
      body: {
        title: 'Mugs',
        skus: [
          { code: 'MUG-2', title: 'ok' },
          { code: 'MUG-3', title: 'b\u0000d' },
        ],
      },
    });
    expect(nested.status).toBe(400);
    expect(nested.body.error).toMatchObject(nulField('skus.1.title'));
    expect(await db.prisma.sku.count()).toBe(0);
    expect(await db.prisma.product.count()).toBe(0);
  });

  it('refuses a NUL in a path parameter or a query with 400 naming it', async () => {
    const path = await h.call('GET', '/api/v1/orders/a%00b');
    expect(path.status).toBe(400);
    expect(path.body.error).toMatchObject(nulField('id'));
    const query = await h.call('GET', '/api/v1/skus?q=x%00y');
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject(nulField('q'));
  });

  it('refuses a body over the limit with 413 and a JSON body, declared or streamed, and stores nothing', async () => {
    const big = JSON.stringify({ code: 'BIG', title: 'x'.repeat(DEFAULT_API_MAX_BYTES) });
    const declared = await h.call('POST', '/api/v1/skus', { body: big });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: 'payload_too_large' });

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 65536) controller.enqueue(bytes.slice(i, i + 65536));
        controller.close();
      },
    });
    const streamed = await h.app.request('/api/v1/skus', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await db.prisma.sku.count()).toBe(0);
    // A body within the limit is served as usual.
    const fits = await h.call('POST', '/api/v1/skus', { body: { code: 'FITS', title: 'fits' } });
    expect(fits.status).toBe(201);
  });

  // Found by tests/api/fuzz.test.ts: an empty location reached the fulfilment's foreign key (500).
  it('refuses shipping from an empty location id with 400 naming it, and ships nothing', async () => {
    await seedShop(db.prisma);
    await shipOrderFixture(db.prisma, 'O-EMPTY');
    const order = await db.prisma.order.findFirstOrThrow({ where: { externalId: 'O-EMPTY' } });
    const r = await h.call('POST', `/api/v1/orders/${order.id}/ship`, { body: { locationId: '' } });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0].path).toBe('locationId');
    expect(await db.prisma.fulfilment.count()).toBe(0);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe(order.status);
  });
});
