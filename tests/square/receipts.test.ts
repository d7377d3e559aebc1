// Goods booked in at the Square till (an ADJUSTMENT NONE → IN_STOCK, Square's "introduces stock
// into the system") raise on hand at the store once, however often the inventory is read; the
// till's sales and the hub's own writes are never receipts; a receipt a later count already holds
// is not added again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { applyCounts } from '../../sync/inbox-counts.ts';
import type { InboxDeps } from '../../sync/inbox-processor.ts';
import { testDatabases } from '../support/databases.ts';
import { drainTill, level, type Store, storeProduct, storeWorld, TILL } from './helpers.ts';

describe.each(testDatabases())('stock received in Square on $kind', ({ open }) => {
  let db: Database;
  let s: Store;
  beforeAll(async () => {
    db = await open();
    s = await storeWorld(db);
  });
  afterAll(() => db?.close());

  const receipts = (skuId: string) =>
    db.prisma.inventoryMovement.findMany({
      where: { skuId, reason: 'receipt', actor: `channel:${TILL}` },
      select: { locationId: true, onHandDelta: true, reference: true },
    });

  it('a delivery booked in at the till raises on hand at the store once; sales are not receipts', async () => {
    const { skuId, variation } = await storeProduct(s, 'MUG', { store: 5 });
    await s.square.counterSale(s.squareLocation, [{ variationId: variation, quantity: '1' }]);
    await s.square.receiveStock(variation, s.squareLocation, 6);
    expect(await drainTill(s)).toMatchObject({ failed: 0 });
    expect((await level(s, 'MUG')).onHand).toBe(10); // 5 − 1 sold + 6 received
    const [adjustment] = s.square.state.changes.filter((c) => c.adjustment?.from_state === 'NONE');
    expect(await receipts(skuId)).toEqual([
      { locationId: 'store', onHandDelta: 6, reference: `receipt:${TILL}:${adjustment?.adjustment?.id}` },
    ]);
    // Read again (every inventory notification re-reads a day of changes): not received twice.
    for (const d of s.delivered.filter((x) => JSON.parse(x.body).type === 'inventory.count.updated')) {
      const body = JSON.parse(d.body);
      await storeEvents(db.prisma, TILL, [
        { externalEventId: `again:${body.event_id}`, topic: body.type, occurredAt: body.created_at, payload: body },
      ]);
    }
    await s.square.counterSale(s.squareLocation, [{ variationId: variation, quantity: '1' }]);
    expect(await drainTill(s)).toMatchObject({ failed: 0 });
    expect((await level(s, 'MUG')).onHand).toBe(9);
    expect(await receipts(skuId)).toHaveLength(1);
  });

  it("the hub's own writes to Square are not receipts, even when they add to IN_STOCK", async () => {
    const { skuId, variation } = await storeProduct(s, 'CUP', { store: 3 });
    s.square.state.adjust({
      variationId: variation,
      locationId: s.squareLocation,
      from: 'NONE',
      to: 'IN_STOCK',
      quantity: 2,
      referenceId: `omnihub:${TILL}:${TILL}:CUP`,
      source: 'api',
    });
    await s.square.receiveStock(variation, s.squareLocation, 1); // the notification that reads both
    await drainTill(s);
    expect((await level(s, 'CUP')).onHand).toBe(4);
    expect((await receipts(skuId)).map((r) => r.onHandDelta)).toEqual([1]);
  });

  it('a receipt a count of the same till already holds is not added again', async () => {
    const { skuId, variation } = await storeProduct(s, 'JUG', { store: 2 });
    const deps = { prisma: db.prisma } as InboxDeps;
    // Both after the setup's stock was booked (times on the till's clock, here ahead of the hub's).
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const receipt = {
      externalReceiptId: 'ADJ-OLD',
      externalItemId: variation,
      externalLocationId: s.squareLocation,
      quantity: 4,
      receivedAt: at(30_000),
    };
    // Counted after the delivery (6 = 2 + the 4 received), applied before the receipt is read.
    const count = {
      externalCountId: 'PC-AFTER',
      externalItemId: variation,
      externalLocationId: s.squareLocation,
      quantity: 6,
      countedAt: at(60_000),
    };
    await applyCounts(deps, TILL, [count]);
    expect((await level(s, 'JUG')).onHand).toBe(6);
    await applyCounts(deps, TILL, [], [receipt]);
    expect((await level(s, 'JUG')).onHand).toBe(6);
    // Both in one read: applied in the till's order, the count holds the receipt.
    const { variation: v2 } = await storeProduct(s, 'PAN', { store: 2 });
    await applyCounts(
      deps,
      TILL,
      [{ ...count, externalCountId: 'PC-PAN', externalItemId: v2 }],
      [{ ...receipt, externalReceiptId: 'ADJ-PAN', externalItemId: v2 }],
    );
    expect((await level(s, 'PAN')).onHand).toBe(6);
    expect(await receipts(skuId)).toEqual([]);
  });
});
