// The job handlers end to end — outbox, queue, connector, simulated shops — run on both queue
// backends: coalescing of a burst, recovery from 429/503, oversell priority, inbox and polling,
// reconciliation, strict allocation. Counts and values are checked, never durations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { pushAccountStock } from '../../sync/stock/push.ts';
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
    // One window for the whole test: a clock that does not move and an hour-long debounce (flush() ends it).
    const s = await start(w, backend, { clock: new ManualClock(w.clock.nowMs()), tuning: { debounceMs: HOUR } });
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

  it('keeps one pending push per account however many windows its requests span', async () => {
    // The clock moves a whole debounce between requests and the pushes cannot run (an hour-long
    // debounce): each request falls in a window of its own, and still joins the one waiting push.
    const clock = new ManualClock(w.clock.nowMs());
    const s = await start(w, backend, { clock, tuning: { debounceMs: HOUR } });
    try {
      await s.runtime.flush();
      await eventually(async () => (await s.runtime.queue.counts('stock.push')).delayed === 0, 'initial pushes done');
      for (let i = 0; i < 50; i++) {
        clock.advance(HOUR);
        await s.runtime.requestPush('shop-0');
      }
      const q = await s.runtime.queue.counts('stock.push');
      expect(q.waiting + q.delayed + q.active).toBe(1);
    } finally {
      await s.stop();
    }
  });

  it('holds an oversold order, files it, and pushes that SKU at once (no debounce)', async () => {
    await product(w, 'LAST', 1);
    const s = await start(w, backend, { clock: new ManualClock(w.clock.nowMs()), tuning: { debounceMs: HOUR } });
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

  it('strict mode: at every write to a shop, what the shops advertise together never exceeds what can be sold', async () => {
    await product(w, 'RARE', 6, { mode: 'strict' });
    // What can be sold: units received minus units buyers took on the shops (gone the moment a
    // shop sells them, whether or not the order has reached the hub). Only this test moves RARE.
    let received = 6;
    let sold = 0;
    const sellable = () => received - sold;
    const advertised = () => [0, 1, 2].map((i) => shown(w, 'RARE', i) ?? 0);
    const total = () => advertised().reduce((a, b) => a + b, 0);
    const violations: string[] = [];
    let observations = 0;
    const observe = (what: string) => {
      observations += 1;
      if (total() > sellable()) violations.push(`${what}: shops show ${advertised().join('+')} > ${sellable()}`);
    };
    // Every change of a shop's RARE level (each stock write a push applies, each sale) is observed
    // synchronously, before anything else can run.
    const unhook = w.shops.map((shop, i) => {
      const key = `${w.items.get('RARE')?.[i]}|${shop.location}`;
      return onLevelSet(shop.sim.store.levels, (k) => {
        if (k === key) observe(`write on shop ${i}`);
      });
    });
    const s = await start(w, backend);
    // A shop can be made to hold its RARE stock writes on the wire (a slow channel).
    const held: (() => void)[] = [];
    let holding = new Set<number>();
    const release = () => {
      holding = new Set();
      for (const go of held.splice(0)) go();
    };
    const ungate = [0, 1, 2].map((i) => {
      const sim = w.shops[i]!.sim;
      const item = w.items.get('RARE')?.[i] ?? '?';
      const fetch = sim.fetch;
      sim.fetch = async (req) => {
        const body = holding.has(i) ? await req.clone().text() : '';
        if (body.includes('inventorySetQuantities') && body.includes(item))
          await new Promise<void>((release) => held.push(release));
        return fetch.call(sim, req);
      };
      return () => Reflect.deleteProperty(sim, 'fetch');
    });
    try {
      await eventually(async () => total() === 6, 'the 6 units split');
      expect(advertised()).toEqual([2, 2, 2]);
      await eventually(async () => (await listing(w, 2, 'RARE')).lastConfirmedQty === 2, 'confirmed');

      // A rebalance: shop 0 sells its 2 units, so the 4 left are split 2/1/1, and shop 0's raise
      // must wait until shops 1 and 2 have confirmed their decreases. Their writes are held.
      holding = new Set([1, 2]);
      sold += 2;
      await sell(w, 0, 'RARE', 2);
      await eventually(async () => (await listing(w, 0, 'RARE')).lastConfirmedQty === 0, 'shop 0 sale landed');
      await eventually(() => held.length === 2, 'the decreases of shops 1 and 2 on the wire');
      // The push shop 0's job runs, now, while the decreases are still unconfirmed.
      await pushAccountStock(
        {
          prisma: db.prisma,
          secretKey: w.key,
          connectors: { shopify: w.connector },
          logger: w.logger,
          unitsPerChannel: s.runtime.tuning.strictUnitsPerChannel,
          requestPush: s.runtime.requestPush,
        },
        'shop-0',
      );
      expect(violations).toEqual([]);
      release();
      await eventually(async () => advertised().join() === '2,1,1', 'shop 0 raised once the others are down');
      await eventually(async () => (await listing(w, 0, 'RARE')).lastConfirmedQty === 2, 'raise confirmed');

      // A raise meets a sale: 3 units arrive, shop 1 is to go from 1 to 2, and while that write is on
      // the wire a buyer takes shop 1's unit. The write must not put the sold unit back on sale.
      holding = new Set([1]);
      await adjust(db.prisma, 'sku-RARE', 'wh', 3, 'receipt');
      received += 3;
      await eventually(() => held.length === 1, "shop 1's raise on the wire");
      sold += 1;
      await sell(w, 1, 'RARE', 1);
      release();
      await eventually(
        async () =>
          (await db.prisma.inboxEvent.count({ where: { processedAt: null } })) === 0 && total() === sellable(),
        'the 6 units left advertised once',
      );
      expect(violations).toEqual([]);

      // Buyers take what a shop shows without waiting for the hub, and deliveries arrive: pushes
      // (strict decreases and the raises that wait for them) are in flight meanwhile.
      const steps: ({ sell: number; units: number } | { receive: number })[] = [
        { sell: 1, units: 1 },
        { receive: 3 },
        { sell: 0, units: 1 },
        { sell: 2, units: 1 },
        { sell: 1, units: 2 },
        { receive: 1 },
        { sell: 0, units: 1 },
      ];
      for (const step of steps) {
        if ('receive' in step) {
          await adjust(db.prisma, 'sku-RARE', 'wh', step.receive, 'receipt');
          received += step.receive;
          observe(`after receiving ${step.receive}`);
        } else {
          const take = Math.min(step.units, shown(w, 'RARE', step.sell) ?? 0);
          if (take > 0) {
            sold += take;
            await sell(w, step.sell, 'RARE', take);
          }
          observe(`after selling ${take} on shop ${step.sell}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await eventually(
        async () => (await db.prisma.inboxEvent.count({ where: { processedAt: null } })) === 0,
        'orders landed',
      );
      const free = async () => {
        const l = await db.prisma.inventoryLevel.findUniqueOrThrow({
          where: { skuId_locationId: { skuId: 'sku-RARE', locationId: 'wh' } },
        });
        return l.onHand - l.reserved;
      };
      await eventually(
        async () => (await free()) === sellable() && total() === sellable(),
        'what is left is advertised, once',
      );
      expect(violations).toEqual([]);
      // The hook saw every write the shops applied to RARE (and each sale).
      const writes = w.shops.reduce(
        (n, shop, i) => n + shop.sim.store.inventoryLog.filter((e) => e.itemId === w.items.get('RARE')?.[i]).length,
        0,
      );
      expect(writes).toBeGreaterThanOrEqual(8); // 3 initial, 2 two-phase decreases, 1 raise, and more
      expect(observations).toBeGreaterThanOrEqual(writes);
      expect(sold).toBeGreaterThan(0);
      expect(await db.prisma.exceptionItem.count({ where: { kind: 'oversold', skuId: 'sku-RARE' } })).toBe(0);
      const rareOrders = await db.prisma.order.findMany({
        where: { lines: { some: { skuCode: 'RARE' } } },
        select: { status: true, holdReason: true },
      });
      expect(rareOrders.filter((o) => o.status === 'on_hold')).toEqual([]);
    } finally {
      release();
      for (const off of [...unhook, ...ungate]) off();
      await s.stop();
    }
  });
});

/** Calls `after(key)` each time `map.set` runs, right after it; returns the undo. */
function onLevelSet(map: Map<string, number>, after: (key: string) => void): () => void {
  const set = map.set;
  map.set = function (this: Map<string, number>, key: string, value: number) {
    const r = set.call(this, key, value);
    after(key);
    return r;
  };
  return () => {
    Reflect.deleteProperty(map, 'set');
  };
}
