// The polling safety net in the sync layer: a crash mid-sweep loses nothing and re-reads at
// most the page it was reading (the cursor moves with the events, one transaction per page),
// and a running poll never holds up the events webhooks already stored for the account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelConnector } from '../../connectors/connector.ts';
import { ORDER_SNAPSHOT_TOPIC, type PollCursor } from '../../connectors/shopify/orders.ts';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { Prisma } from '../../core/db/generated/prisma/client.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { pollAccountOrders } from '../../sync/orders-poll.ts';
import { testDatabases } from '../support/databases.ts';
import { type Backend, eventually, redisAvailable, type Shop, start, type World, world } from './helpers.ts';

const pglite = testDatabases().find((d) => d.kind === 'pglite');

/** The world's connector with pollOrders wrapped (the rest unchanged). */
function withPoll(w: World, poll: ChannelConnector['pollOrders']): ChannelConnector {
  const c = Object.create(w.connector) as ChannelConnector;
  c.pollOrders = poll;
  return c;
}

async function placeOrders(shop: Shop, w: World, n: number) {
  shop.sim.store.addVariant({
    sku: `P-${shop.accountId}`,
    productTitle: 'P',
    price: 1000,
    stock: { [shop.location]: 1000 },
  });
  const out = [];
  for (let i = 0; i < n; i++) {
    w.clock.advance(1000);
    out.push(
      await shop.sim.placeOrder({
        lines: [{ sku: `P-${shop.accountId}`, quantity: 1 }],
        shippingAddress: { address1: `${i} Main St`, city: 'Ottawa', countryCode: 'CA', zip: 'K1A 0A1' },
      }),
    );
  }
  return out;
}

describe.runIf(pglite)('orders poll in the sync layer (pglite)', () => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await pglite!.open();
    w = await world(db, 2);
  });
  afterAll(() => db?.close());

  it('a crash mid-sweep loses nothing: the next run resumes after the last committed page', async () => {
    const shop = w.shops[0]!;
    const placed = await placeOrders(shop, w, 20);
    let calls = 0;
    const crashing = withPoll(w, async (account, cursor, now) => {
      calls += 1;
      if (calls === 3) throw new Error('process killed while reading page 3');
      return w.connector.pollOrders(account, cursor, now);
    });
    const deps = (connector: ChannelConnector) => ({
      prisma: db.prisma,
      secretKey: w.key,
      connectors: { shopify: connector },
      logger: w.logger,
      clock: w.clock,
    });
    await expect(pollAccountOrders(deps(crashing), shop.accountId)).rejects.toThrow('process killed');
    // Two pages are committed with the cursor that follows them.
    const row = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: shop.accountId } });
    expect((row.cursor as PollCursor | null)?.after).not.toBeNull();
    const committed = await db.prisma.inboxEvent.count({
      where: { accountId: shop.accountId, topic: ORDER_SNAPSHOT_TOPIC },
    });
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(20);

    const readsBefore = shop.sim.stats.byOperation.OrdersById ?? 0;
    const listingsBefore = shop.sim.stats.byOperation.OrdersUpdatedSince ?? 0;
    const run = await pollAccountOrders(deps(w.connector), shop.accountId);
    // The restart reads only what was not committed: one whole-order read per batch of the
    // rest, which the cursor kept from the listing (the page is not listed again).
    const perPage = committed / 2;
    expect((shop.sim.stats.byOperation.OrdersById ?? 0) - readsBefore).toBe(Math.ceil((20 - committed) / perPage));
    expect((shop.sim.stats.byOperation.OrdersUpdatedSince ?? 0) - listingsBefore).toBe(0);
    expect(run.stored).toBe(20 - committed);
    const events = await db.prisma.inboxEvent.findMany({
      where: { accountId: shop.accountId, topic: ORDER_SNAPSHOT_TOPIC },
      select: { payload: true },
    });
    const ids = events.map((e) => (e.payload as { id: string }).id);
    expect(ids.sort()).toEqual(placed.map((o) => o.id).sort());
  });

  it('orders the hub holds at that version are only listed; the unknown and the changed are read whole', async () => {
    const shop = w.shops[1]!;
    const d = {
      prisma: db.prisma,
      secretKey: w.key,
      connectors: { shopify: w.connector },
      logger: w.logger,
      clock: w.clock,
    };
    const placed = await placeOrders(shop, w, 12);
    // The hub learns them all (as webhooks would bring them): one sweep, processed into orders.
    await pollAccountOrders(d, shop.accountId);
    for (;;) if (!(await processInbox(d, shop.accountId)).more) break;
    expect(await db.prisma.order.count({ where: { accountId: shop.accountId } })).toBe(12);

    // A sweep over the same orders from the start of the lookback: listing only, nothing stored.
    await db.prisma.channelAccount.update({ where: { id: shop.accountId }, data: { cursor: Prisma.JsonNull } });
    const calls = () => ({ ...shop.sim.stats.byOperation });
    const diff = (before: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(shop.sim.stats.byOperation)
          .map(([op, n]) => [op, n - (before[op] ?? 0)] as const)
          .filter(([, n]) => n > 0),
      );
    let before = calls();
    const known = await pollAccountOrders(d, shop.accountId);
    expect(diff(before)).toEqual({ OrdersUpdatedSince: 1 });
    expect(known.events).toBe(0);
    expect(known.stored).toBe(0);

    // Two orders change and one arrives; the next sweep's overlap lists all 13, reads 3.
    w.clock.advance(1000);
    await shop.sim.updateOrder(placed[2]!.id, { tags: ['changed'] });
    await shop.sim.updateOrder(placed[7]!.id, { tags: ['changed'] });
    const fresh = await shop.sim.placeOrder({
      lines: [{ sku: `P-${shop.accountId}`, quantity: 1 }],
      shippingAddress: { address1: '9 Main St', city: 'Ottawa', countryCode: 'CA', zip: 'K1A 0A1' },
    });
    before = calls();
    const mixed = await pollAccountOrders(d, shop.accountId);
    expect(diff(before)).toEqual({ OrdersUpdatedSince: 1, OrdersById: 1 });
    expect(mixed.events).toBe(3);
    expect(mixed.stored).toBe(3);
    const latest = await db.prisma.inboxEvent.findMany({
      where: { accountId: shop.accountId, processedAt: null },
      select: { payload: true },
    });
    expect(new Set(latest.map((e) => (e.payload as { id: string }).id))).toEqual(
      new Set([placed[2]!.id, placed[7]!.id, fresh.id]),
    );

    for (;;) if (!(await processInbox(d, shop.accountId)).more) break;
    // An order the hub recorded provisionally (a field the channel has not confirmed) is not
    // held: the poll's read is what completes it.
    await db.prisma.order.updateMany({
      where: { accountId: shop.accountId, externalId: placed[0]!.id },
      data: { unconfirmed: ['fulfilmentMethod'] },
    });
    before = calls();
    const provisional = await pollAccountOrders(d, shop.accountId);
    expect(diff(before)).toEqual({ OrdersUpdatedSince: 1, OrdersById: 1 });
    expect(provisional.events).toBe(1);
  });
});

const pg = testDatabases().find((d) => d.kind === 'postgres');
const redisUp = await redisAvailable();
const backends: { backend: Backend; kind: string; open: () => Promise<Database> }[] = [
  ...(pglite ? [{ backend: 'memory' as const, kind: 'pglite', open: () => pglite.open() }] : []),
  ...(pg && redisUp ? [{ backend: 'bullmq' as const, kind: 'postgres', open: () => pg.open() }] : []),
];

describe.each(backends)('a running poll and the inbox on $backend / $kind', ({ backend, open }) => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
  });
  afterAll(() => db?.close());

  it('webhook events already stored are processed while a poll of the same account is running; polls never overlap', async () => {
    const shop = w.shops[0]!;
    const [order] = await placeOrders(shop, w, 1);
    let release!: () => void;
    const latch = new Promise<void>((r) => {
      release = r;
    });
    let pollStarted = false;
    let running = 0;
    let mostAtOnce = 0;
    let polls = 0;
    const held = withPoll(w, async (account, cursor, now) => {
      pollStarted = true;
      polls += 1;
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      try {
        await latch; // a slow sweep: minutes of paced reads after an outage
        return await w.connector.pollOrders(account, cursor, now);
      } finally {
        running -= 1;
      }
    });
    const s = await start(w, backend, { connectors: { shopify: held } });
    try {
      await s.runtime.queue.add('orders.poll', { accountId: shop.accountId }, { jobId: 'held-poll' });
      await eventually(() => pollStarted, 'poll running');
      // A webhook the door acknowledged: stored in the inbox while the poll holds on.
      await storeEvents(db.prisma, shop.accountId, [
        {
          externalEventId: 'webhook-during-poll',
          topic: 'orders/create',
          occurredAt: new Date(w.clock.nowMs()).toISOString(),
          payload: shop.sim.orderWebhookBody(order!.id),
        },
      ]);
      await s.runtime.requestInbox(shop.accountId);
      await s.runtime.flush();
      await eventually(
        async () =>
          (await db.prisma.order.count({ where: { accountId: shop.accountId, externalId: order!.id } })) === 1,
        'the stored webhook applied while the poll is still held',
        10_000,
      );
      expect((await s.runtime.queue.counts('orders.poll')).active).toBe(1);
      // A second poll of the account (the next tick) waits for the first: they share the cursor.
      await s.runtime.queue.add('orders.poll', { accountId: shop.accountId }, { jobId: 'second-poll' });
      await new Promise((r) => setTimeout(r, 300));
      release();
      await eventually(() => polls === 2 && running === 0, 'both polls done');
      expect(mostAtOnce).toBe(1);
    } finally {
      release();
      await eventually(async () => (await s.runtime.queue.counts('orders.poll')).active === 0, 'poll done');
      await s.stop();
    }
  });
});

describe.runIf(pglite)('a poll when the hub stops (pglite)', () => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await pglite!.open();
    w = await world(db, 1);
  });
  afterAll(() => db?.close());

  it('ends its sweep after the page in hand, so shutdown does not wait for a paced sweep; the next run resumes', async () => {
    const shop = w.shops[0]!;
    const placed = await placeOrders(shop, w, 30);
    let pages = 0;
    let stopRequested!: () => void;
    const firstPage = new Promise<void>((r) => {
      stopRequested = r;
    });
    // Each page after the first waits as a throttled channel would, until the test lets it go.
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const paced = withPoll(w, async (account, cursor, now) => {
      pages += 1;
      if (pages === 1) stopRequested();
      else await released;
      return w.connector.pollOrders(account, cursor, now);
    });
    const s = await start(w, 'memory', { connectors: { shopify: paced } });
    await s.runtime.queue.add('orders.poll', { accountId: shop.accountId }, { jobId: 'long-poll' });
    await firstPage;
    const stopped = s.stop();
    release();
    await stopped;
    // The sweep ended at a page boundary, long before the 30 orders' pages were read.
    expect(pages).toBeLessThan(3);
    const kept = await db.prisma.inboxEvent.count({
      where: { accountId: shop.accountId, topic: ORDER_SNAPSHOT_TOPIC },
    });
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(placed.length);
    // The next process resumes after the committed pages and reads the rest.
    const run = await pollAccountOrders(
      { prisma: db.prisma, secretKey: w.key, connectors: { shopify: w.connector }, logger: w.logger, clock: w.clock },
      shop.accountId,
    );
    expect(run.stored).toBe(placed.length - kept);
  });
});
