// A store count is applied as of when it was taken, and the till's clock is not the hub's: a
// count is compared with the till's own times for the till's own sales (channel_at), so a till
// clock two minutes fast or slow neither loses a sale made after the count nor takes off again
// one made before it. The sale always reaches the hub before the count here (the order that
// exposes the skew).
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { COUNTS_TOPIC } from '../../connectors/square/orders.ts';
import type { SqPhysicalCount } from '../../connectors/square/payloads.ts';
import { testDatabases } from '../support/databases.ts';
import { drainTill, level, skewedClock, type Store, storeProduct, storeWorld, TILL } from './helpers.ts';

const pause = () => new Promise((r) => setTimeout(r, 20));

describe.each(testDatabases())('store counts with the till clock off by two minutes on $kind', ({ open }) => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const d of opened) await d.close();
  });

  /** The count's read, as the connector stores it, delivered after the sale has landed. */
  async function deliverCount(s: Store, count: SqPhysicalCount) {
    await storeEvents(s.db.prisma, TILL, [
      {
        externalEventId: `read#${count.id}`,
        topic: COUNTS_TOPIC,
        occurredAt: count.occurred_at,
        payload: { physical_counts: [count], adjustments: [], reserved: [] },
      },
    ]);
    expect(await drainTill(s)).toMatchObject({ failed: 0 });
  }

  for (const [name, offsetMs] of [
    ['fast', 120_000],
    ['slow', -120_000],
  ] as const) {
    it(`till clock ${name}: a sale after the count is kept, a sale before it is not taken off twice`, async () => {
      const database = await open();
      opened.push(database);
      const db = database.prisma;
      const s = await storeWorld(database, { squareClock: skewedClock(offsetMs) });
      s.square.webhooks.target = null; // the test delivers in its own order
      const { variation } = await storeProduct(s, 'MUG', { store: 10 });
      // The store's stock was booked in the hub long before (hub-side moves keep the database's
      // clock: only those within the skew of a count are uncertain, README "Store counts").
      await db.$executeRaw`UPDATE inventory_movements SET created_at = created_at - interval '1 hour'`;
      const loc = s.squareLocation;

      // Counted (10), then 3 sold; the sale lands first, the count after it.
      const early = s.square.state.physicalCount({ variationId: variation, locationId: loc, quantity: 10 });
      await pause();
      const after = await s.square.counterSale(loc, [{ variationId: variation, quantity: '3' }]);
      await storeEvents(s.db.prisma, TILL, [
        { externalEventId: `sale:${after.id}`, topic: 'order.snapshot', occurredAt: after.updated_at, payload: after },
      ]);
      await drainTill(s);
      expect((await level(s, 'MUG')).onHand).toBe(7);
      await deliverCount(s, early.physical_count as SqPhysicalCount);
      expect((await level(s, 'MUG')).onHand).toBe(7); // 10 counted − 3 sold since

      // 2 sold, then counted (5); the sale lands first, the count after it.
      await pause();
      const before = await s.square.counterSale(loc, [{ variationId: variation, quantity: '2' }]);
      await storeEvents(s.db.prisma, TILL, [
        {
          externalEventId: `sale:${before.id}`,
          topic: 'order.snapshot',
          occurredAt: before.updated_at,
          payload: before,
        },
      ]);
      await drainTill(s);
      expect((await level(s, 'MUG')).onHand).toBe(5);
      await pause();
      const late = s.square.state.physicalCount({ variationId: variation, locationId: loc, quantity: 5 });
      await deliverCount(s, late.physical_count as SqPhysicalCount);
      expect((await level(s, 'MUG')).onHand).toBe(5); // the 2 sold before are already off the 5 counted
    });
  }
});
