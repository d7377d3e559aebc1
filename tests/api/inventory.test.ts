// Inventory through the API: levels with what each location can sell, adjustments with a
// reason, counts, transfers, safety stock, the ledger of one SKU — every change a movement,
// and a change the ledger refuses is a 409 that touches nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { ledgerTotals, MAX_ON_HAND } from '../../core/inventory/ledger.ts';
import { testDatabases } from '../support/databases.ts';
import { seedShop, shipOrderFixture, STORE_A, STORE_B, WH } from './fixtures.ts';
import { buildHarness, type Harness } from './harness.ts';

describe.each(testDatabases())('inventory API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  let teeId: string;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
    teeId = (await seedShop(db.prisma)).tee.id;
    await shipOrderFixture(db.prisma, 'O-1'); // reserves 2 TEE at the warehouse
  });
  afterAll(() => db?.close());

  const level = async (loc: string) =>
    (await h.call('GET', `/api/v1/inventory/levels?sku=TEE&locationId=${loc}`)).body.data[0];

  it('lists levels with reserved units and what the location can sell', async () => {
    expect(await level(WH)).toMatchObject({ skuCode: 'TEE', onHand: 10, reserved: 2, safetyStock: 0, available: 8 });
    const all = await h.call('GET', '/api/v1/inventory/levels?limit=4');
    expect(all.body.data).toHaveLength(4);
    const next = await h.call('GET', `/api/v1/inventory/levels?limit=4&cursor=${all.body.nextCursor}`);
    expect(next.body.data).toHaveLength(2);
    expect(next.body.nextCursor).toBeNull();
    expect((await h.call('GET', '/api/v1/inventory/levels?sku=NOPE')).body.data).toEqual([]);
  });

  it('adjusts with a reason, as a ledger movement', async () => {
    const r = await h.call('POST', '/api/v1/inventory/adjustments', {
      body: { sku: 'TEE', locationId: WH, delta: 5, reason: 'receipt', note: 'PO 42', reference: 'DN-42' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ onHand: 15, reserved: 2, available: 13 });
    const mv = await db.prisma.inventoryMovement.findFirstOrThrow({ where: { reference: 'DN-42' } });
    expect(mv).toMatchObject({
      kind: 'adjust',
      onHandDelta: 5,
      reason: 'receipt: PO 42',
      actor: expect.stringMatching(/^key:/),
    });
  });

  it('refuses to take on hand below what is reserved (409, nothing changes)', async () => {
    const r = await h.call('POST', '/api/v1/inventory/adjustments', {
      body: { sku: 'TEE', locationId: WH, delta: -14, reason: 'damage' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'insufficient_stock', message: expect.stringContaining('reserved 2') });
    expect((await level(WH)).onHand).toBe(15);
    const count = await h.call('POST', '/api/v1/inventory/counts', {
      body: { sku: 'TEE', locationId: WH, counted: 1 },
    });
    expect(count.status).toBe(409);
  });

  it('bounds on hand: the adjustment that would pass the limit is a 409 naming the field, and changes nothing', async () => {
    const add = (delta: number) =>
      h.call('POST', '/api/v1/inventory/adjustments', {
        body: { sku: 'TEE', locationId: STORE_B, delta, reason: 'receipt' },
      });
    // Each adjustment is within its own cap; the running total is what must be bounded.
    const start = (await level(STORE_B)).onHand;
    for (let n = start; n + 100_000_000 <= MAX_ON_HAND; n += 100_000_000) {
      expect((await add(100_000_000)).status).toBe(201);
    }
    const before = (await level(STORE_B)).onHand;
    const movements = await db.prisma.inventoryMovement.count();
    const r = await add(100_000_000);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'on_hand_limit', fields: [{ path: 'delta' }] });
    expect((await level(STORE_B)).onHand).toBe(before);
    expect(await db.prisma.inventoryMovement.count()).toBe(movements);
    // Up to the limit exactly is fine; one unit more, from anywhere, is not.
    expect((await add(MAX_ON_HAND - before)).body.onHand).toBe(MAX_ON_HAND);
    const full = await db.prisma.inventoryMovement.count();
    const into = await h.call('POST', '/api/v1/inventory/transfers', {
      body: { sku: 'TEE', fromLocationId: STORE_A, toLocationId: STORE_B, quantity: 1 },
    });
    expect(into.status).toBe(409);
    expect(into.body.error).toMatchObject({ code: 'on_hand_limit', fields: [{ path: 'quantity' }] });
    expect((await level(STORE_B)).onHand).toBe(MAX_ON_HAND);
    expect((await level(STORE_A)).onHand).toBe(10);
    expect(await db.prisma.inventoryMovement.count()).toBe(full);
    // Back to where the other tests expect it.
    expect(
      (await h.call('POST', '/api/v1/inventory/counts', { body: { sku: 'TEE', locationId: STORE_B, counted: 10 } }))
        .status,
    ).toBe(201);
  });

  it('validates adjustments and counts by field', async () => {
    const r = await h.call('POST', '/api/v1/inventory/adjustments', {
      body: { sku: 'TEE', locationId: WH, delta: 0, reason: 'gift' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['delta', 'reason']);
    const unknownLoc = await h.call('POST', '/api/v1/inventory/adjustments', {
      body: { sku: 'TEE', locationId: 'nope', delta: 1, reason: 'receipt' },
    });
    expect(unknownLoc.body.error.fields).toEqual([{ path: 'locationId', message: 'unknown location nope' }]);
    const unknownSku = await h.call('POST', '/api/v1/inventory/counts', {
      body: { sku: 'NOPE', locationId: WH, counted: 1 },
    });
    expect(unknownSku.body.error.fields[0].path).toBe('sku');
    expect(
      (await h.call('POST', '/api/v1/inventory/counts', { body: { sku: 'TEE', locationId: WH, counted: -1 } })).body
        .error.fields[0].path,
    ).toBe('counted');
  });

  it('records a count as the difference', async () => {
    const r = await h.call('POST', '/api/v1/inventory/counts', {
      body: { sku: 'TEE', locationId: STORE_A, counted: 7, note: 'cycle count' },
    });
    expect(r.status).toBe(201);
    expect(r.body.onHand).toBe(7);
    const mv = await db.prisma.inventoryMovement.findFirstOrThrow({
      where: { locationId: STORE_A, skuId: teeId },
      orderBy: { id: 'desc' },
    });
    expect(mv).toMatchObject({ onHandDelta: -3, reason: 'count: cycle count' });
  });

  it('transfers free units between locations, refusing what is not free', async () => {
    const r = await h.call('POST', '/api/v1/inventory/transfers', {
      body: { sku: 'TEE', fromLocationId: WH, toLocationId: STORE_A, quantity: 3 },
    });
    expect(r.status).toBe(201);
    expect(r.body.from).toMatchObject({ locationId: WH, onHand: 12 });
    expect(r.body.to).toMatchObject({ locationId: STORE_A, onHand: 10 });
    const tooMany = await h.call('POST', '/api/v1/inventory/transfers', {
      body: { sku: 'TEE', fromLocationId: WH, toLocationId: STORE_A, quantity: 11 },
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.message).toContain('only 10 free');
    expect((await level(WH)).onHand).toBe(12);
    const same = await h.call('POST', '/api/v1/inventory/transfers', {
      body: { sku: 'TEE', fromLocationId: WH, toLocationId: WH, quantity: 1 },
    });
    expect(same.body.error.fields).toEqual([{ path: 'toLocationId', message: 'must differ from fromLocationId' }]);
  });

  it('sets safety stock, which lowers what the location and channels can sell', async () => {
    const r = await h.call('PUT', '/api/v1/inventory/safety-stock', {
      body: { sku: 'TEE', locationId: WH, safetyStock: 4 },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ safetyStock: 4, available: 6 });
    const stock = await h.call('GET', '/api/v1/skus/TEE/stock');
    expect(stock.body.levels.find((l: { locationId: string }) => l.locationId === WH)).toMatchObject({ available: 6 });
    expect(stock.body.channels).toEqual([{ accountId: 'shop', name: 'shop', availableToSell: 6 + 10 + 10 }]);
    expect(await db.prisma.outboxEvent.count({ where: { kind: 'inventory.changed' } })).toBeGreaterThan(0);
  });

  it('pages the ledger of one SKU, newest first, and its sums match the level', async () => {
    const first = await h.call('GET', `/api/v1/skus/TEE/ledger?locationId=${WH}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(Number(first.body.data[0].id)).toBeGreaterThan(Number(first.body.data[1].id));
    const rest = await h.call(
      'GET',
      `/api/v1/skus/TEE/ledger?locationId=${WH}&limit=50&cursor=${first.body.nextCursor}`,
    );
    const all = [...first.body.data, ...rest.body.data];
    const sum = all.reduce((a: number, m: { onHandDelta: number }) => a + m.onHandDelta, 0);
    expect(sum).toBe((await ledgerTotals(db.prisma, teeId, WH)).onHand);
    expect(sum).toBe((await level(WH)).onHand);
    expect(all.map((m: { kind: string }) => m.kind)).toEqual(
      expect.arrayContaining(['adjust', 'reserve', 'transfer_out']),
    );
    expect((await h.call('GET', '/api/v1/skus/NOPE/ledger')).status).toBe(404);
  });
});
