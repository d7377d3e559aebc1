// The Amazon connector inside the hub (sync runtime on PGlite, simulator in process): polled
// orders land with a buyer's cancellation request on hold and an FBA order reserving nothing;
// a feed's rejected SKUs are recorded on their listings and pushed again until Amazon shows them;
// the drift check does not take the quantity before an accepted, unapplied patch for drift,
// and a drift it repaired is pushed even when Amazon throttles the rest of the check.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAmazonConnector } from '../../connectors/amazon/connector.ts';
import { type AmazonSimulator, createAmazonSimulator } from '../../connectors/amazon/simulator/index.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { setAppCredentials } from '../../core/accounts/channel-apps.ts';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { accountDecorator } from '../../sync/account-services.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { MemoryRateStore, RateLimiter } from '../../sync/rate/bucket.ts';
import { pollAccountOrders } from '../../sync/orders-poll.ts';
import { pushAccountStock, type StockDeps } from '../../sync/stock/push.ts';
import { recomputeTargets } from '../../sync/stock/recompute.ts';
import { reconcileAccount } from '../../sync/stock/reconcile.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, type Started, start, type World, world } from '../sync/helpers.ts';

const pglite = testDatabases().find((d) => d.kind === 'pglite');
const AMZ = 'amz';
const US = 'ATVPDKIKX0DER';

describe.runIf(pglite)('Amazon in the hub (pglite)', () => {
  let db: Database;
  let w: World;
  let sim: AmazonSimulator;
  let s: Started | undefined;
  let connector: ReturnType<typeof createAmazonConnector>;

  // One database for both cases (opening PGlite is most of their time); their SKUs differ.
  beforeAll(async () => {
    db = await (pglite as NonNullable<typeof pglite>).open();
    w = await world(db, 0);
    sim = createAmazonSimulator({
      clock: w.clock,
      sellerId: 'A3HUBSELLER1',
      refreshToken: 'Atzr|hub',
      marketplaceIds: [US],
    });
    connector = createAmazonConnector({ clock: w.clock, transport: (req) => sim.fetch(req) });
    await setAppCredentials(
      db.prisma,
      w.key,
      'amazon',
      { lwaClientId: sim.clientId, lwaClientSecret: sim.clientSecret },
      'test',
    );
    await createAccount(db.prisma, w.key, {
      id: AMZ,
      type: 'amazon',
      name: 'Amazon US',
      credentials: { sellerId: 'A3HUBSELLER1', refreshToken: 'Atzr|hub' },
      settings: { marketplaceIds: [US], region: 'na', patchMaxSkus: 10 },
    });
    await db.prisma.channelLocation.create({
      data: { accountId: AMZ, locationId: 'wh', externalLocationId: 'DEFAULT' },
    });
  });
  afterEach(async () => {
    sim.faults.clear();
    await s?.stop();
    s = undefined;
  });
  afterAll(() => db?.close());

  async function sku(code: string, onHand: number) {
    await db.prisma.sku.create({ data: { id: `sku-${code}`, code, title: code, allocationMode: 'shared' } });
    if (onHand > 0) await adjust(db.prisma, `sku-${code}`, 'wh', onHand, 'receipt');
    sim.addListing({ sku: code, productType: 'HOME' });
    await db.prisma.listing.create({
      data: {
        id: `${AMZ}:${code}`,
        skuId: `sku-${code}`,
        accountId: AMZ,
        externalStockId: code,
        channelData: { productType: 'HOME', marketplaceId: US },
      },
    });
  }

  /** What a stock push and the drift check take, 5 units per channel; `requestPush` as the test needs. */
  const stockDeps = (requestPush: StockDeps['requestPush']): StockDeps => ({
    prisma: db.prisma,
    secretKey: w.key,
    connectors: { amazon: connector },
    logger: w.logger,
    unitsPerChannel: 5,
    requestPush,
  });

  /** What the inbox and the poll take, on the hub's clock; rateLimited: the runtime's shared rate limiter. */
  const inboxDeps = (o: { rateLimited?: boolean } = {}) => ({
    prisma: db.prisma,
    secretKey: w.key,
    connectors: { amazon: connector },
    logger: w.logger,
    clock: w.clock,
    ...(o.rateLimited
      ? { decorate: accountDecorator({ limiter: new RateLimiter(new MemoryRateStore(), w.clock), refresher: null }) }
      : {}),
  });

  /**
   * Each order's ORDER_CHANGE as the EventBridge destination delivers it, stored as the door
   * stores it (no occurredAt: first in the inbox's order) unless `occurredAt` is given.
   */
  async function storePointers(orders: { orderId: string }[], prefix: string, occurredAt: string | null = null) {
    const bodies: unknown[] = [];
    sim.notifications.url = 'http://door.test/amazon';
    sim.notifications.secret = 'eb-secret';
    sim.notifications.target = async (req) => {
      bodies.push((await req.json()).detail);
      return new Response(null, { status: 202 });
    };
    for (const o of orders) await sim.notifyOrderChange(o.orderId);
    await storeEvents(
      db.prisma,
      AMZ,
      bodies.map((payload, i) => ({ externalEventId: `${prefix}-${i}`, topic: 'ORDER_CHANGE', occurredAt, payload })),
    );
  }

  it('holds an order whose buyer asked to cancel; an FBA order is recorded and reserves nothing', async () => {
    await sku('MUG', 10);
    const asked = sim.placeOrder({ items: [{ sku: 'MUG', quantity: 2 }] });
    const fba = sim.placeOrder({ items: [{ sku: 'MUG', quantity: 3 }], fulfilledBy: 'AMAZON' });
    sim.requestCancellation(asked.orderId, 'Ordered by mistake');
    w.clock.advance(3 * 60_000);
    const deps = inboxDeps();
    const polled = await pollAccountOrders(deps, AMZ);
    expect(polled.stored).toBe(2);
    await processInbox(deps, AMZ);

    const held = await db.prisma.order.findFirstOrThrow({
      where: { externalId: asked.orderId },
      include: { reservations: true },
    });
    expect(held).toMatchObject({
      status: 'on_hold',
      holdReason: 'cancel_requested',
      cancelRequestReason: 'Ordered by mistake',
    });
    expect(held.reservations.map((r) => r.quantity)).toEqual([2]);
    const channelFulfilled = await db.prisma.order.findFirstOrThrow({
      where: { externalId: fba.orderId },
      include: { reservations: true },
    });
    expect(channelFulfilled.fulfilledByChannel).toBe(true);
    expect(channelFulfilled.reservations).toEqual([]);
    const level = await db.prisma.inventoryLevel.findFirstOrThrow({ where: { skuId: 'sku-MUG' } });
    expect(level).toMatchObject({ onHand: 10, reserved: 2 });
  });

  it('keeps every order it read when the getOrder quota runs out part-way through a batch of ORDER_CHANGE pointers', async () => {
    await sku('TEA', 50);
    const placed = Array.from({ length: 5 }, () => sim.placeOrder({ items: [{ sku: 'TEA', quantity: 1 }] }));
    await storePointers(placed, 'oc', w.clock.now().toISOString());
    const deps = inboxDeps();
    // Two reads go through, then Amazon answers QuotaExceeded.
    sim.faults.failAfter(2, 10, 429);
    const run = await processInbox(deps, AMZ);
    expect(run.retryAfterMs).not.toBeNull();
    const stored = await db.prisma.order.count({ where: { externalId: { in: placed.map((o) => o.orderId) } } });
    expect(stored).toBe(2);
    // The quota back: the rest are read, none twice.
    sim.faults.clear();
    await processInbox(deps, AMZ);
    const all = await db.prisma.order.findMany({ where: { externalId: { in: placed.map((o) => o.orderId) } } });
    expect(all).toHaveLength(5);
  });

  it('a pointer whose read is a version the poll already stored applies that stored event at once', async () => {
    await sku('CHAI', 50);
    const placed = Array.from({ length: 3 }, () => sim.placeOrder({ items: [{ sku: 'CHAI', quantity: 1 }] }));
    await storePointers(placed, 'chai');
    const deps = inboxDeps();
    w.clock.advance(3 * 60_000);
    await pollAccountOrders(deps, AMZ);
    // A run that reaches only the three pointers, on a channel that reads pointers in the order
    // they came (no pointerTopics): each read finds its version stored by the poll, still
    // pending behind the pointers, and applies it.
    const inOrder = { ...connector, limits: { ...connector.limits, pointerTopics: undefined } };
    await processInbox({ ...deps, connectors: { amazon: inOrder } }, AMZ, { limit: 3 });
    const held = await db.prisma.order.findMany({ where: { externalId: { in: placed.map((o) => o.orderId) } } });
    expect(held).toHaveLength(3);
    const snapshots = await db.prisma.inboxEvent.count({
      where: { accountId: AMZ, topic: 'orders/snapshot', processedAt: null },
    });
    expect(snapshots).toBe(0);
  });

  it("applies the poll's full reads first, which cover their ORDER_CHANGE pointers, and spends getOrder's quota on the newest orders, which the poll has not reached", async () => {
    await sku('COCOA', 500);
    // 65 orders the poll will read, then 40 newer ones still inside its two-minute settling lag.
    const older = Array.from({ length: 65 }, () => sim.placeOrder({ items: [{ sku: 'COCOA', quantity: 1 }] }));
    w.clock.advance(3 * 60_000);
    const newer = Array.from({ length: 40 }, () => sim.placeOrder({ items: [{ sku: 'COCOA', quantity: 1 }] }));
    const placed = [...older, ...newer];
    const deps = inboxDeps({ rateLimited: true });
    await pollAccountOrders(deps, AMZ);
    await storePointers(placed, 'cocoa');
    const count = () => db.prisma.order.count({ where: { externalId: { in: placed.map((o) => o.orderId) } } });
    const readsBefore = sim.stats.byOperation.getOrder ?? 0;
    // getOrder's burst (30) goes to the newest orders; then the quota is spent and the rest wait.
    const run = await processInbox(deps, AMZ);
    expect(run.retryAfterMs).toBeGreaterThan(0);
    expect(await count()).toBe(65 + 30);
    // 20 s later the quota holds 10 more reads: the last 10 orders; the 65 pointers cost nothing.
    w.clock.advance(20_000);
    await processInbox(deps, AMZ);
    expect(await count()).toBe(105);
    const waiting = await db.prisma.inboxEvent.count({
      where: { accountId: AMZ, processedAt: null, externalEventId: { startsWith: 'cocoa-' } },
    });
    expect(waiting).toBe(0);
    expect((sim.stats.byOperation.getOrder ?? 0) - readsBefore).toBe(40);
  });

  it('pushes 2,000 SKUs in one feed, records the 2 it rejected on their listings and pushes them again until Amazon shows them', async () => {
    const codes = Array.from({ length: 2000 }, (_, i) => `HOME-${String(i).padStart(4, '0')}`);
    await db.prisma.sku.createMany({
      data: codes.map((code) => ({ id: `sku-${code}`, code, title: code, allocationMode: 'shared' })),
    });
    // Stock already on hand and its targets computed (as after an import), so the first push
    // carries every listing at once: levels written directly, not 2,000 ledger receipts.
    await db.prisma.inventoryLevel.createMany({
      data: codes.map((code) => ({ skuId: `sku-${code}`, locationId: 'wh', onHand: 4 })),
    });
    await db.prisma.listing.createMany({
      data: codes.map((code) => ({
        id: `${AMZ}:${code}`,
        skuId: `sku-${code}`,
        accountId: AMZ,
        externalStockId: code,
        targetQty: 4,
        channelData: { productType: 'HOME', marketplaceId: US },
      })),
    });
    for (const code of codes) sim.addListing({ sku: code, productType: 'HOME' });
    sim.faults.rejectInNextFeed(['HOME-0003', 'HOME-1717']);
    s = await start(w, 'memory', {
      connectors: { amazon: connector },
      clock: w.clock,
      tuning: { stockConfirmIntervalMs: 20, debounceMs: 10 },
    });
    await s.runtime.requestPush(AMZ);
    const home = { listingId: { startsWith: `${AMZ}:HOME-` } };
    await eventually(
      async () => (await db.prisma.stockSubmission.count({ where: home })) === 2000,
      'the feed stored as one submission',
    );
    expect(new Set((await db.prisma.stockSubmission.findMany({ where: home })).map((x) => x.submissionId)).size).toBe(
      1,
    );
    expect(sim.stats.byOperation.createFeed).toBe(1);

    w.clock.advance(120_000);
    await s.runtime.sweep();
    await s.runtime.flush();
    await eventually(
      async () => (await db.prisma.stockSubmission.count({ where: { ...home, status: 'rejected' } })) === 2,
      'the two rejections recorded',
    );
    // Read from the submissions, the durable record: the listing's own last_error is cleared as
    // soon as the retry below (queued at once, 10 ms debounce) is confirmed, which can come first.
    const rejected = await db.prisma.stockSubmission.findMany({
      where: { ...home, status: 'rejected' },
      orderBy: { listingId: 'asc' },
    });
    expect(rejected.map((r) => r.listingId)).toEqual([`${AMZ}:HOME-0003`, `${AMZ}:HOME-1717`]);
    for (const r of rejected) expect(r.message).toContain('90220');
    expect(await db.prisma.stockSubmission.count({ where: { ...home, status: 'confirmed' } })).toBe(1998);

    // Retried: two SKUs are a patch each, applied.
    await eventually(async () => {
      await s?.runtime.sweep();
      await s?.runtime.flush();
      w.clock.advance(5_000);
      return sim.quantity('HOME-0003') === 4 && sim.quantity('HOME-1717') === 4;
    }, 'the rejected SKUs pushed again');
    expect(sim.stats.byOperation.patchListingsItem).toBe(2);
    expect(sim.stats.byOperation.createFeed).toBe(1);
    const after = await db.prisma.listing.findUniqueOrThrow({ where: { id: `${AMZ}:HOME-0003` } });
    expect(after.lastConfirmedQty).toBe(4);
    expect(after.lastError).toBeNull();
  });

  it('a drift found before Amazon throttles the rest of the check is pushed all the same, and a listing left off its target is pushed by the next check', async () => {
    const asked: string[] = [];
    const deps = stockDeps(async (accountId) => {
      asked.push(accountId);
    });
    // 21 offers: the check reads them in two pages of 20 (by seller SKU; DRIFT-00 on the first).
    const codes = Array.from({ length: 21 }, (_, i) => `DRIFT-${String(i).padStart(2, '0')}`);
    for (const code of codes) await sku(code, code === 'DRIFT-00' ? 22 : 0);
    const skuIds = codes.map((c) => `sku-${c}`);
    await db.prisma.$transaction((tx) => recomputeTargets(tx, skuIds, 5));
    // In sync long ago (Amazon showing every target, no accepted patch still landing)...
    await db.prisma.$executeRaw`
      UPDATE listings SET last_confirmed_qty = target_qty, last_confirmed_at = now() - interval '1 hour'
       WHERE id LIKE ${`${AMZ}:DRIFT-%`}`;
    // ...then DRIFT-00 (target 22) edited by hand on Seller Central to 23.
    for (const code of codes) {
      (sim.seller.listings.get(code) as { quantity: number | null }).quantity = code === 'DRIFT-00' ? 23 : 0;
    }

    // The first page is read (the drift repaired), then Amazon answers QuotaExceeded.
    sim.faults.failAfter(1, 5, 429);
    await expect(reconcileAccount({ ...deps, graceMs: 0 }, AMZ)).rejects.toThrow(/QuotaExceeded|throttl/i);
    const repaired = await db.prisma.listing.findUniqueOrThrow({ where: { id: `${AMZ}:DRIFT-00` } });
    expect({ belief: repaired.lastConfirmedQty, target: repaired.targetQty }).toEqual({ belief: 23, target: 22 });
    expect(asked).toEqual([AMZ]);

    // That request lost (a crash before its push ran): the next check finds no drift, the
    // belief now matching Amazon, but the listing still lacks its target, and asks again.
    sim.faults.clear();
    asked.length = 0;
    await reconcileAccount({ ...deps, graceMs: 0 }, AMZ);
    expect(asked).toEqual([AMZ]);
    await pushAccountStock(deps, AMZ);
    w.clock.advance(10_000);
    expect(sim.quantity('DRIFT-00')).toBe(22);
  });

  it('a patch Amazon accepted but has not applied yet is no drift: once it lands Amazon shows the target, not the quantity before it', async () => {
    const deps = stockDeps(async () => undefined);
    const code = 'LAMP-APPLY';
    const skuId = `sku-${code}`;
    const change = async (delta: number) => {
      await adjust(db.prisma, skuId, 'wh', delta, delta > 0 ? 'receipt' : 'damage');
      await db.prisma.$transaction((tx) => recomputeTargets(tx, [skuId], 5));
    };
    await sku(code, 0);
    await change(8);
    await pushAccountStock(deps, AMZ);
    w.clock.advance(10_000); // Amazon applies the patch
    expect(sim.quantity(code)).toBe(8);

    // Three units written off: 5 is pushed and ACCEPTED, Amazon shows 8 until it applies it.
    await change(-3);
    await pushAccountStock(deps, AMZ);
    expect(sim.quantity(code)).toBe(8);
    // The drift check reads Amazon meanwhile...
    await reconcileAccount({ ...deps, graceMs: 0 }, AMZ);
    // ...and the units are found again before the patch lands.
    await change(3);
    await pushAccountStock(deps, AMZ);
    w.clock.advance(10_000);
    await pushAccountStock(deps, AMZ);
    w.clock.advance(10_000);

    const l = await db.prisma.listing.findUniqueOrThrow({ where: { id: `${AMZ}:${code}` } });
    expect(l.targetQty).toBe(8);
    expect(sim.quantity(code)).toBe(8);
    expect(l.lastConfirmedQty).toBe(8);
  });
});
