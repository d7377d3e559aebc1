// The job handlers end to end — outbox, queue, connector, simulated shops — run on both queue
// backends: coalescing of a burst, recovery from 429/503, oversell priority, inbox and polling,
// reconciliation, strict allocation. Counts and values are checked, never durations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { postgresTemplateUrl, testDatabases } from '../support/databases.ts';
import {
  type Backend,
  eventually,
  listing,
  product,
  redisAvailable,
  sell,
  shown,
  type Started,
  start,
  stockWrites,
  type World,
  world,
} from './helpers.ts';

const redisUp = await redisAvailable();
const pg = testDatabases().find((d) => d.kind === 'postgres');
const pglite = testDatabases().find((d) => d.kind === 'pglite');
const matrix: { backend: Backend; kind: string; open: () => Promise<Database> }[] = [
  ...(pglite ? [{ backend: 'memory' as const, kind: 'pglite', open: () => pglite.open() }] : []),
  ...(pg ? [{ backend: 'memory' as const, kind: 'postgres', open: () => pg.open() }] : []),
  ...(pg && redisUp ? [{ backend: 'bullmq' as const, kind: 'postgres', open: () => pg.open() }] : []),
];
if (!redisUp || !postgresTemplateUrl())
  console.warn('[omnihub tests] the BullMQ handler suite needs Redis and PostgreSQL: skipped.');

const HOUR = 3_600_000;
const FIXED_NOW = () => Date.parse('2026-11-20T10:00:00.000Z');
const undispatched = (db: Database) => db.prisma.outboxEvent.count({ where: { dispatchedAt: null } });

describe.each(matrix)('sync handlers on $backend / $kind', ({ backend, open }) => {
  let db: Database;
  let w: World;
  /** Nothing left to do for one listing: confirmed at its target, no error, no push queued or running. */
  const settled = async (s: Started, shopIndex: number, code: string) => {
    const l = await listing(w, shopIndex, code);
    const q = await s.runtime.queue.counts('stock.push');
    return l.lastError === null && l.lastConfirmedQty === l.targetQty && q.waiting + q.active + q.delayed === 0;
  };
  beforeAll(async () => {
    db = await open();
    w = await world(db, 3);
  });
  afterAll(() => db?.close());

  it('turns 1,000 changes to one SKU within one debounce window into one push per channel, with the final value', async () => {
    await product(w, 'BURST', 2000);
    // One window for the whole test: a fixed clock and an hour-long debounce (flush() ends it).
    const s = await start(w, backend, { now: FIXED_NOW, tuning: { debounceMs: HOUR } });
    try {
      await s.runtime.flush();
      await eventually(async () => [0, 1, 2].every((i) => shown(w, 'BURST', i) === 2000), 'initial values');
      const before = [0, 1, 2].map((i) => stockWrites(w, i));
      for (let i = 0; i < 1000; i++) await adjust(db.prisma, 'sku-BURST', 'wh', -1, 'sale');
      await eventually(async () => (await undispatched(db)) === 0, 'all 1,000 changes dispatched');
      expect([0, 1, 2].map((i) => shown(w, 'BURST', i))).toEqual([2000, 2000, 2000]); // still within the window
      await s.runtime.flush();
      await eventually(async () => [0, 1, 2].every((i) => shown(w, 'BURST', i) === 1000), 'final value everywhere');
      await eventually(async () => (await listing(w, 2, 'BURST')).lastConfirmedQty === 1000, 'confirmation recorded');
      expect([0, 1, 2].map((i) => stockWrites(w, i) - (before[i] ?? 0))).toEqual([1, 1, 1]);
      const l = await listing(w, 0, 'BURST');
      expect(l).toMatchObject({ targetQty: 1000, lastSentQty: 1000, lastConfirmedQty: 1000, lastError: null });
    } finally {
      await s.stop();
    }
  });

  it('gets the final value to a channel that answers 429 and 503 until it recovers', async () => {
    await product(w, 'FLAKY', 50);
    const s = await start(w, backend);
    try {
      await eventually(async () => [0, 1, 2].every((i) => shown(w, 'FLAKY', i) === 50), 'initial values');
      const shop = w.shops[0]!;
      // More failures than the connector absorbs inside one call: the job itself must retry.
      shop.sim.faults.failNext(40, 429, 1);
      shop.sim.faults.failNext(12, 503);
      await adjust(db.prisma, 'sku-FLAKY', 'wh', -5, 'sale');
      await eventually(async () => (await listing(w, 0, 'FLAKY')).lastError !== null, 'a failed push recorded');
      await adjust(db.prisma, 'sku-FLAKY', 'wh', -4, 'sale');
      await adjust(db.prisma, 'sku-FLAKY', 'wh', 2, 'return');
      await eventually(
        async () => [0, 1, 2].every((i) => shown(w, 'FLAKY', i) === 43),
        'final value 43 on every shop',
        60_000,
      );
      await eventually(async () => (await listing(w, 0, 'FLAKY')).lastError === null, 'error cleared');
      const stats = w.connector.clientStats({
        id: shop.accountId,
        type: 'shopify',
        name: '',
        credentials: { shop: shop.sim.shop, accessToken: shop.sim.accessToken },
        settings: {},
      });
      expect(stats.http429).toBeGreaterThanOrEqual(40);
      expect(stats.serverErrors).toBeGreaterThanOrEqual(12);
      expect(shop.sim.stats.faults).toBe(52);
    } finally {
      await s.stop();
    }
  });

  it('converges once after a push the channel applied but whose answer was lost', async () => {
    await product(w, 'LOST', 10);
    const s = await start(w, backend);
    try {
      await eventually(async () => (await listing(w, 0, 'LOST')).lastConfirmedQty === 10, 'initial value confirmed');
      const shop = w.shops[0]!;
      const item = w.items.get('LOST')![0]!;
      const writes = () => shop.sim.store.inventoryLog.filter((x) => x.itemId === item).length;
      const before = writes();
      shop.sim.faults.loseNextResponses(1); // Shopify applies the next call, the answer never arrives
      await adjust(db.prisma, 'sku-LOST', 'wh', -3, 'damage');
      await eventually(async () => shop.sim.stats.lostResponses >= 1, 'the answer was lost');
      await eventually(() => settled(s, 0, 'LOST'), 'the hub settled');
      expect(shown(w, 'LOST', 0)).toBe(7);
      expect(await listing(w, 0, 'LOST')).toMatchObject({ targetQty: 7, lastConfirmedQty: 7, lastError: null });
      // The retry was recognised as the same request: the change landed once.
      expect(writes() - before).toBe(1);
    } finally {
      await s.stop();
    }
  });

  it('holds an oversold order, files it, and pushes that SKU at once (no debounce)', async () => {
    await product(w, 'LAST', 1);
    const s = await start(w, backend, { now: FIXED_NOW, tuning: { debounceMs: HOUR } });
    try {
      await s.runtime.flush();
      await eventually(async () => [0, 1, 2].every((i) => shown(w, 'LAST', i) === 1), 'everyone shows the last unit');
      await eventually(async () => (await listing(w, 2, 'LAST')).lastConfirmedQty === 1, 'confirmed');
      // Two buyers on two shops take the same last unit before the hub hears of either.
      await sell(w, 0, 'LAST', 1);
      await sell(w, 1, 'LAST', 1);
      // Ordinary pushes wait for the hour-long window; the oversell's push does not.
      await eventually(async () => shown(w, 'LAST', 2) === 0, 'the third shop stops selling');
      const held = await db.prisma.order.findMany({ where: { status: 'on_hold', holdReason: 'oversold' } });
      expect(held).toHaveLength(1);
      const exceptions = await db.prisma.exceptionItem.findMany({ where: { kind: 'oversold', skuId: 'sku-LAST' } });
      expect(exceptions).toHaveLength(1);
      expect(exceptions[0]?.orderId).toBe(held[0]?.id);
    } finally {
      await s.stop();
    }
  });

  it('processes webhook orders from the inbox and propagates the reservation to the other shops', async () => {
    await product(w, 'TEE', 10);
    const s = await start(w, backend);
    try {
      await eventually(async () => [0, 1, 2].every((i) => shown(w, 'TEE', i) === 10), 'initial values');
      const placed = await sell(w, 1, 'TEE', 3);
      await eventually(async () => shown(w, 'TEE', 0) === 7 && shown(w, 'TEE', 2) === 7, 'others show 7');
      const order = await db.prisma.order.findFirstOrThrow({ where: { accountId: 'shop-1', externalId: placed.id } });
      expect(order.status).toBe('allocated');
      expect(await db.prisma.inboxEvent.count({ where: { accountId: 'shop-1', processedAt: null } })).toBe(0);
      // The selling shop already shows 7: its belief follows its sale, no push is needed there.
      expect(shown(w, 'TEE', 1)).toBe(7);
      expect((await listing(w, 1, 'TEE')).lastConfirmedQty).toBe(7);
    } finally {
      await s.stop();
    }
  });

  it('polls orders, stores the cursor with the events, and ingests them', async () => {
    await product(w, 'POLLED', 10);
    const shop = w.shops[2]!;
    w.clock.advance(60_000);
    const placed = await shop.sim.placeOrder({
      lines: [{ sku: 'POLLED', quantity: 2 }],
      shippingAddress: {
        firstName: 'Bo',
        lastName: 'P',
        address1: '2 Main St',
        city: 'Ottawa',
        countryCode: 'CA',
        zip: 'K1A 0A1',
      },
    });
    const s = await start(w, backend);
    try {
      await s.runtime.queue.add('orders.poll', { accountId: shop.accountId });
      await eventually(
        async () =>
          (await db.prisma.order.count({ where: { accountId: shop.accountId, externalId: placed.id } })) === 1,
        'polled order ingested',
      );
      const account = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: shop.accountId } });
      expect(account.cursor).toMatchObject({ v: 1, after: null });
      const events = await db.prisma.inboxEvent.count({ where: { accountId: shop.accountId } });
      // Polling again with the stored cursor repeats nothing new.
      await s.runtime.queue.add('orders.poll', { accountId: shop.accountId }, { jobId: 'again' });
      await eventually(async () => (await s.runtime.queue.counts('orders.poll')).active === 0, 'second poll done');
      await eventually(
        async () => (await db.prisma.inboxEvent.count({ where: { accountId: shop.accountId } })) === events,
        'no new event',
      );
    } finally {
      await s.stop();
    }
  });

  it('reconciles: a value edited on the channel by hand is found and repaired', async () => {
    await product(w, 'DRIFT', 12);
    const s = await start(w, backend);
    try {
      await eventually(async () => [0, 1, 2].every((i) => shown(w, 'DRIFT', i) === 12), 'initial values');
      await eventually(async () => (await listing(w, 0, 'DRIFT')).lastConfirmedQty === 12, 'confirmed');
      const shop = w.shops[0]!;
      const item = w.items.get('DRIFT')![0]!;
      shop.sim.store.levels.set(`${item}|${shop.location}`, 30); // a merchant typed 30 in the admin
      const writes = stockWrites(w, 0);
      await s.runtime.queue.add('stock.reconcile', { accountId: shop.accountId });
      await eventually(async () => shown(w, 'DRIFT', 0) === 12, 'repaired back to 12');
      expect(stockWrites(w, 0)).toBeGreaterThan(writes);
      await eventually(async () => (await listing(w, 0, 'DRIFT')).lastConfirmedQty === 12, 'belief back to 12');
    } finally {
      await s.stop();
    }
  });

  it('strict mode: what the shops advertise together never exceeds what can be sold', async () => {
    await product(w, 'RARE', 6, { mode: 'strict' });
    const s = await start(w, backend);
    const sellable = async () => {
      const l = await db.prisma.inventoryLevel.findUniqueOrThrow({
        where: { skuId_locationId: { skuId: 'sku-RARE', locationId: 'wh' } },
      });
      const unlanded = await db.prisma.inboxEvent.count({
        where: { processedAt: null, payload: { path: ['line_items', '0', 'sku'], equals: 'RARE' } },
      });
      return { free: l.onHand - l.reserved, unlanded };
    };
    let violations = 0;
    const sample = async () => {
      const { free } = await sellable();
      const total = [0, 1, 2].reduce((a, i) => a + (shown(w, 'RARE', i) ?? 0), 0);
      if (total > free) violations += 1;
    };
    try {
      await eventually(
        async () => [0, 1, 2].reduce((a, i) => a + (shown(w, 'RARE', i) ?? 0), 0) === 6,
        'the 6 units split',
      );
      expect([0, 1, 2].map((i) => shown(w, 'RARE', i))).toEqual([2, 2, 2]);
      for (const [shop, units] of [
        [0, 2],
        [1, 1],
        [0, 0],
        [2, 1],
      ] as const) {
        const have = shown(w, 'RARE', shop) ?? 0;
        if (units > 0 && have >= units) await sell(w, shop, 'RARE', units);
        for (let k = 0; k < 20; k++) {
          await sample();
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      await eventually(
        async () => (await db.prisma.inboxEvent.count({ where: { processedAt: null } })) === 0,
        'orders landed',
      );
      await eventually(async () => {
        const { free } = await sellable();
        const total = [0, 1, 2].reduce((a, i) => a + (shown(w, 'RARE', i) ?? 0), 0);
        return free === 2 && total === 2;
      }, 'the 2 units left are advertised, once');
      expect(violations).toBe(0);
      expect(await db.prisma.order.count({ where: { holdReason: 'oversold' } })).toBeLessThanOrEqual(1); // only the LAST test's
    } finally {
      await s.stop();
    }
  });
});
