// The synchronizer's time rules read the clock they are given (the hub's, core/clock.ts),
// never the wall clock nor the database's now(): the poller's first lookback, and the sweep
// that re-queues a fulfilment push whose job was lost. Each test puts the injected clock days
// away from the wall clock, so a rule that reads the wrong clock gives the wrong answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clock, ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { pollAccountOrders } from '../../sync/orders-poll.ts';
import { startSync } from '../../sync/runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { product, type World, world } from './helpers.ts';

const DAY = 86_400_000;

describe.each(testDatabases())('time rules of the synchronizer on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'TICK', 5);
  });
  afterAll(() => db?.close());

  it("the poller's first sweep looks back its 7 days from the hub clock", async () => {
    const shop = w.shops[0]!;
    const placed = await shop.sim.placeOrder({ lines: [{ sku: 'TICK', quantity: 1 }] });
    const poll = (clock: Clock) =>
      pollAccountOrders(
        { prisma: db.prisma, secretKey: w.key, connectors: { shopify: w.connector }, logger: w.logger, clock },
        shop.accountId,
      );
    const polledIds = async () =>
      (await db.prisma.inboxEvent.findMany({ where: { accountId: shop.accountId }, select: { payload: true } })).map(
        (e) => (e.payload as { id?: string } | null)?.id,
      );

    // Eight days after the order, the first sweep starts after it...
    expect(await poll(new ManualClock(w.clock.nowMs() + 8 * DAY))).toMatchObject({ events: 0, stored: 0 });
    await db.prisma.$executeRaw`UPDATE channel_accounts SET cursor = NULL WHERE id = ${shop.accountId}`;
    // ...six days after it, the first sweep finds it.
    expect(await poll(new ManualClock(w.clock.nowMs() + 6 * DAY))).toMatchObject({ events: 1, stored: 1 });
    expect(await polledIds()).toEqual([placed.id]);
  });

  it('the sweep re-queues a dispatched fulfilment push with no outcome after a minute, within a week', async () => {
    const t0 = w.clock.nowMs();
    // Written and dispatched at t0; its job vanished (no outcome in the audit log).
    await db.prisma.outboxEvent.create({
      data: {
        kind: 'fulfilment.push',
        payload: { pushId: 'lost-1', orderId: 'o-1', accountId: 'shop-0', kind: 'ship', fulfilmentId: null, lines: [] },
        createdAt: new Date(t0),
        dispatchedAt: new Date(t0),
      },
    });
    const clock = new ManualClock(t0 + 30_000);
    const s = await startSync({
      db,
      secretKey: w.key,
      connectors: { shopify: w.connector },
      logger: w.logger,
      clock,
      roles: { dispatcher: false, workers: false, schedules: false },
    });
    try {
      const queued = async () => {
        const c = await s.queue.counts('fulfilment.push');
        return c.waiting + c.delayed + c.active;
      };
      await s.sweep();
      expect(await queued()).toBe(0); // 30 s: its job may still be running
      clock.set(t0 + 8 * DAY);
      await s.sweep();
      expect(await queued()).toBe(0); // over a week old: left alone
      clock.set(t0 + 61_000);
      await s.sweep();
      expect(await queued()).toBe(1);
    } finally {
      await s.stop();
    }
  });
});
