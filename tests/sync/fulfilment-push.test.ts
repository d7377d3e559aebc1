// What the hub does with an order reaches the channel: a shipment with tracking is
// created once on Shopify (the simulator), and a push Shopify refuses for good (cancel)
// becomes an exception instead of endless retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { cancelOrder, shipOrder } from '../../core/orders/actions.ts';
import { testDatabases } from '../support/databases.ts';
import { product, type Started, sell, start, type World, world } from './helpers.ts';

/** Polls until `get` returns a value (bounded). */
async function waitFor<T>(get: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(testDatabases())('fulfilment pushes on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  let s: Started;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'FP-1', 5, { shown: 5 });
    await product(w, 'FP-2', 5, { shown: 5 });
    s = await start(w, 'memory');
  });
  afterAll(async () => {
    await s?.stop();
    await db?.close();
  });

  const hubOrder = async (externalId: string) =>
    waitFor(async () => (await db.prisma.order.findFirst({ where: { externalId } })) ?? undefined, 'order ingested');

  it('creates the shipment with its tracking on the channel, once', async () => {
    const sold = await sell(w, 0, 'FP-1', 2);
    await s.runtime.flush();
    const order = await hubOrder(sold.id);
    await shipOrder(
      db.prisma,
      order.id,
      { tracking: { company: 'DHL', number: 'TRK-1', url: 'https://track/TRK-1' }, idempotencyKey: 'ship-1' },
      'key:test',
    );
    await shipOrder(db.prisma, order.id, { idempotencyKey: 'ship-1' }, 'key:test');
    const sim = w.shops[0]!.sim;
    const fulfilments = await waitFor(async () => {
      await s.runtime.flush();
      const f = sim.store.fulfillmentsOf(sold.id);
      return f.length ? f : undefined;
    }, 'shipment on the channel');
    expect(fulfilments).toHaveLength(1);
    expect(JSON.stringify(fulfilments[0])).toContain('TRK-1');
    const row = await waitFor(
      async () =>
        (await db.prisma.fulfilment.findFirst({ where: { orderId: order.id, pushedAt: { not: null } } })) ?? undefined,
      'push recorded',
    );
    expect(row.externalId).toBeTruthy();
  });

  it('files an exception when the channel refuses a push for good', async () => {
    const sold = await sell(w, 0, 'FP-2', 1);
    await s.runtime.flush();
    const order = await hubOrder(sold.id);
    await cancelOrder(db.prisma, order.id, { reason: 'test' }, 'key:test');
    const ex = await waitFor(async () => {
      await s.runtime.flush();
      return (
        (await db.prisma.exceptionItem.findFirst({ where: { orderId: order.id, kind: 'fulfilment_push_refused' } })) ??
        undefined
      );
    }, 'exception filed');
    expect(ex.message).toMatch(/cancel/);
    expect(ex.occurrences).toBe(1);
  });
});
