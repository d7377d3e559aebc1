// Nothing a channel sends disappears: an event that cannot be applied becomes an open
// exception (at once when its content is at fault, after its last attempt otherwise) that the
// API and the landing page show and a person can replay; an account whose credentials the
// channel refuses is flagged and its events that need the channel wait without spending
// attempts; an order whose re-read fails is recorded from its webhook body with the delivery
// method marked unknown, and the re-read completes it later; refund amounts are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccountContext, replaceCredentials } from '../../core/accounts/accounts.ts';
import { authRefusedAt, flagAuthRefused } from '../../core/accounts/auth-status.ts';
import type { Database } from '../../core/db/database.ts';
import { MAX_ATTEMPTS } from '../../core/inbox/failures.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import type { ChannelConnector, InterpretedEvent } from '../../connectors/connector.ts';
import { createLandingRoutes, landingSnapshot } from '../../api/landing/index.tsx';
import { processInbox } from '../../sync/inbox-processor.ts';
import { buildHarness, type Harness, type Json } from '../api/harness.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, product, quietLogger, start, type World, world } from './helpers.ts';

const ADDRESS = {
  firstName: 'Ada',
  lastName: 'L',
  address1: '1 Main St',
  city: 'Ottawa',
  countryCode: 'CA',
  zip: 'K1A',
};

describe.each(testDatabases())('nothing disappears on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  let h: Harness;
  let storeLocation: string;
  let n = 0;
  const deps = (connector: ChannelConnector = w.connector) => ({
    prisma: db.prisma,
    secretKey: w.key,
    connectors: { shopify: connector },
    logger: quietLogger(),
    clock: w.clock,
  });
  /** An orders/* or refunds/create webhook as the door stores it (occurredAt from the body, as webhooks.ts does). */
  const deliver = async (accountId: string, topic: string, payload: unknown) => {
    const body = payload as { updated_at?: string; processed_at?: string };
    const id = `e-${++n}`;
    await storeEvents(db.prisma, accountId, [
      { externalEventId: id, topic, occurredAt: body?.updated_at ?? body?.processed_at ?? null, payload },
    ]);
    return db.prisma.inboxEvent.findFirstOrThrow({ where: { accountId, externalEventId: id } });
  };
  const orderOf = (externalId: string) =>
    db.prisma.order.findUniqueOrThrow({
      where: { accountId_externalId: { accountId: 'shop-0', externalId } },
      include: { reservations: { where: { status: 'active' } } },
    });
  const correctCredentials = () => ({
    shop: w.shops[0]!.sim.shop,
    accessToken: w.shops[0]!.sim.accessToken,
    apiSecretKey: w.shops[0]!.sim.apiSecret,
  });

  beforeAll(async () => {
    db = await open();
    w = await world(db, 2);
    await product(w, 'MUG', 20);
    h = await buildHarness(db, { secretKey: w.key });
    // A store where shop-0's buyers collect, behind the warehouse in shop-0's priority order.
    const sim = w.shops[0]!.sim;
    storeLocation = sim.store.addLocation('Store').id;
    await db.prisma.location.create({
      data: { id: 'st', code: 'ST', name: 'Store', kind: 'store', pickupEnabled: true },
    });
    await db.prisma.channelLocation.create({
      data: { accountId: 'shop-0', locationId: 'st', externalLocationId: storeLocation, priority: 1 },
    });
    await adjust(db.prisma, 'sku-MUG', 'st', 5, 'receipt');
  });
  afterAll(() => db?.close());

  it('an event whose content cannot be applied is an open exception at once, in the API and on the landing page', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 1 }], shippingAddress: ADDRESS });
    const body = sim.orderWebhookBody(order.id) as { line_items: { quantity: number; current_quantity: number }[] };
    const tooMany = structuredClone(body);
    tooMany.line_items[0]!.quantity = 5_000_000;
    tooMany.line_items[0]!.current_quantity = 5_000_000;
    const unknownCurrency = JSON.parse(JSON.stringify(body).replaceAll('"USD"', '"ZZZ"'));
    const events = [
      await deliver('shop-0', 'orders/create', { hello: 'not an order' }),
      await deliver('shop-0', 'orders/updated', tooMany),
      await deliver('shop-0', 'orders/updated', unknownCurrency),
    ];

    const run = await processInbox(deps(), 'shop-0');
    expect(run.failed).toBe(3);
    for (const e of events) {
      const after = await db.prisma.inboxEvent.findUniqueOrThrow({ where: { id: e.id } });
      expect(after).toMatchObject({ processedAt: null, attempts: MAX_ATTEMPTS });
    }
    // Given up for good: a second run tries none of them again.
    expect((await processInbox(deps(), 'shop-0')).failed).toBe(0);

    const listed = await h.call('GET', '/api/v1/exceptions?kind=inbox_event_failed&accountId=shop-0');
    expect(listed.status).toBe(200);
    const byEvent = new Map<string, Json>(listed.body.data.map((x: Json) => [x.data.eventId, x]));
    const [notOrder, outOfRange, currency] = events.map((e) => byEvent.get(String(e.id)));
    expect(notOrder).toMatchObject({ resolvedAt: null, occurrences: 1, replayable: true });
    expect(notOrder?.message).toMatch(/^orders\/create event e-\d+ could not be applied: does not map/);
    expect(outOfRange?.message).toMatch(/quantity/);
    expect(outOfRange).toMatchObject({ data: { externalOrderId: null, failure: 'permanent' } });
    expect(currency?.message).toMatch(/ZZZ/);

    const snap = await landingSnapshot(db.prisma);
    expect(snap.exceptions.byKind.inbox_event_failed).toBeGreaterThanOrEqual(3);
    const page = await (await createLandingRoutes({ prisma: db.prisma, access: { public: true } }).request('/')).text();
    expect(page).toContain(`/api/v1/exceptions/${notOrder.id}/replay`);
  });

  it('a transient failure spends one attempt per run and becomes an exception after the last; a replay that succeeds resolves it', async () => {
    let healed = false;
    const flaky: ChannelConnector = {
      ...w.connector,
      interpret: (): InterpretedEvent =>
        healed
          ? { kind: 'ignored', reason: 'fixed' }
          : { kind: 'fetch', externalOrderId: 'gid://shopify/Order/77', reason: 'pointer' },
      fetchOrder: async () => {
        throw new Error('connection reset by the database'); // not a channel error: worth retrying, within limits
      },
      fetchOrders: async () => {
        throw new Error('connection reset by the database');
      },
    };
    const e = await deliver('shop-1', 'orders/create', { id: 77 });
    const key = `inbox_event:${e.id}`;
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      expect((await processInbox(deps(flaky), 'shop-1')).failed).toBe(1);
      expect((await db.prisma.inboxEvent.findUniqueOrThrow({ where: { id: e.id } })).attempts).toBe(i);
      expect(await db.prisma.exceptionItem.count({ where: { dedupeKey: key } })).toBe(0);
    }
    await processInbox(deps(flaky), 'shop-1');
    const ex = await db.prisma.exceptionItem.findUniqueOrThrow({ where: { dedupeKey: key } });
    expect(ex).toMatchObject({ resolvedAt: null, data: { failure: 'transient', attempts: MAX_ATTEMPTS } });
    expect(ex.message).toContain('connection reset');

    const outboxBefore = await db.prisma.outboxEvent.count({ where: { kind: 'inbox.received' } });
    const replayed = await h.call('POST', `/api/v1/exceptions/${ex.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ outcome: 'queued', exception: { id: ex.id, resolvedAt: null } });
    expect(await db.prisma.outboxEvent.count({ where: { kind: 'inbox.received' } })).toBe(outboxBefore + 1);
    expect((await db.prisma.inboxEvent.findUniqueOrThrow({ where: { id: e.id } })).attempts).toBe(0);

    healed = true; // e.g. the hub was upgraded
    expect((await processInbox(deps(flaky), 'shop-1')).processed).toBe(1);
    const resolved = await db.prisma.exceptionItem.findUniqueOrThrow({ where: { id: ex.id } });
    expect(resolved).toMatchObject({ resolvedBy: 'system:inbox' });
    expect(resolved.resolvedAt).not.toBeNull();
    // Replaying what is applied already only closes the exception; other kinds have nothing to replay.
    expect((await h.call('POST', `/api/v1/exceptions/${ex.id}/replay`)).body.outcome).toBe('already_applied');
    await db.prisma.exceptionItem.create({
      data: { id: 'ex-oversold', kind: 'oversold', dedupeKey: 'oversold:x', message: 'short' },
    });
    expect((await h.call('POST', '/api/v1/exceptions/ex-oversold/replay')).status).toBe(409);
    expect((await h.call('POST', '/api/v1/exceptions/nope/replay')).status).toBe(404);
    expect((await h.call('POST', `/api/v1/exceptions/${ex.id}/replay`, { key: h.readonly })).status).toBe(403);
  });

  it('refused credentials flag the account; its events wait; the order is recorded from the body as unknown; new credentials complete it', async () => {
    const sim = w.shops[0]!.sim;
    await replaceCredentials(db.prisma, w.key, 'shop-0', { ...correctCredentials(), accessToken: 'shpat_revoked' });
    const pickup = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 2 }], pickupLocationId: storeLocation });
    const shipped = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 1 }], shippingAddress: ADDRESS });
    const waiting = await deliver('shop-0', 'orders/create', sim.orderWebhookBody(pickup.id));
    await deliver('shop-0', 'orders/create', sim.orderWebhookBody(shipped.id));

    const run = await processInbox(deps(), 'shop-0');
    expect(run).toMatchObject({ processed: 1, waiting: 1, failed: 0 });
    const account = await h.call('GET', '/api/v1/channel-accounts/shop-0');
    expect(account.body.authRefusedAt).toEqual(expect.any(String));
    expect(account.body.authError).toMatch(/unauthorized/);
    expect(JSON.stringify(account.body)).not.toContain('shpat_');
    // The order the body describes is there, its delivery method flagged unknown, its units held.
    const provisional = await orderOf(pickup.id);
    const shown = await h.call('GET', `/api/v1/orders/${provisional.id}`);
    expect(shown.body).toMatchObject({ fulfilmentMethod: 'unknown', unconfirmed: ['fulfilmentMethod'] });
    expect(provisional.reservations.map((r) => [r.locationId, r.quantity])).toEqual([['wh', 2]]);
    expect((await orderOf(shipped.id)).unconfirmed).toEqual([]); // needs no channel call: applied meanwhile

    // It waits, whatever the number of runs: no attempt spent, no call made, one exception.
    const refusedCalls = sim.stats.unauthorized;
    for (let i = 0; i < 3; i++) expect((await processInbox(deps(), 'shop-0')).waiting).toBe(1);
    expect(sim.stats.unauthorized).toBe(refusedCalls);
    expect(await db.prisma.inboxEvent.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({
      attempts: 0,
      processedAt: null,
    });
    const flagged = await db.prisma.exceptionItem.findMany({
      where: { kind: 'credentials_refused', accountId: 'shop-0' },
    });
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ occurrences: 1, resolvedAt: null });
    const snap = await landingSnapshot(db.prisma);
    expect(snap.channels.find((c) => c.accountId === 'shop-0')?.authRefusedAt).toEqual(expect.any(String));
    expect(snap.exceptions.latest.find((e) => e.kind === 'credentials_refused')?.replayable).toBe(true);

    // A person enters working credentials: the flag goes, the exception resolves, the events are queued again.
    const queued = await db.prisma.outboxEvent.count({ where: { kind: 'inbox.received' } });
    const patched = await h.call('PATCH', '/api/v1/channel-accounts/shop-0', {
      body: { credentials: correctCredentials() },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.authRefusedAt).toBeNull();
    expect(
      (await db.prisma.exceptionItem.findUniqueOrThrow({ where: { id: flagged[0]!.id } })).resolvedAt,
    ).not.toBeNull();
    expect(await db.prisma.outboxEvent.count({ where: { kind: 'inbox.received' } })).toBe(queued + 1);

    await processInbox(deps(), 'shop-0');
    const confirmed = await orderOf(pickup.id);
    expect(confirmed).toMatchObject({ fulfilmentMethod: 'pickup', pickupLocationId: 'st', unconfirmed: [] });
    // The units moved from the warehouse (a shipment's source) to the store where the buyer collects.
    expect(confirmed.reservations.map((r) => [r.locationId, r.quantity])).toEqual([['st', 2]]);
    expect((await h.call('GET', `/api/v1/orders/${confirmed.id}`)).body.fulfilmentMethod).toBe('pickup');
  });

  it('a person retries: replaying the credentials exception lets the waiting events through', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 1 }] });
    sim.faults.failNext(1, 403); // a scope withdrawn, then granted again on the channel's side
    await deliver('shop-0', 'orders/create', sim.orderWebhookBody(order.id));
    expect((await processInbox(deps(), 'shop-0')).waiting).toBe(1);
    const ex = await db.prisma.exceptionItem.findFirstOrThrow({
      where: { kind: 'credentials_refused', accountId: 'shop-0', resolvedAt: null },
    });
    expect(ex.occurrences).toBe(2); // the same exception as before, opened again

    const replayed = await h.call('POST', `/api/v1/exceptions/${ex.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body.exception.resolvedAt).toEqual(expect.any(String));
    expect((await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'shop-0' } })).authRefusedAt).toBeNull();
    await processInbox(deps(), 'shop-0');
    expect(await orderOf(order.id)).toMatchObject({ fulfilmentMethod: 'ship', unconfirmed: [] });
  });

  it('a channel outage during the re-read records the order from the body and keeps the attempts for later', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 1 }] });
    sim.faults.failNext(20, 503);
    const e = await deliver('shop-0', 'orders/create', sim.orderWebhookBody(order.id));
    const run = await processInbox(deps(), 'shop-0');
    expect(run.retryAfterMs).not.toBeNull();
    expect((await orderOf(order.id)).unconfirmed).toEqual(['fulfilmentMethod']);
    expect((await db.prisma.inboxEvent.findUniqueOrThrow({ where: { id: e.id } })).attempts).toBe(0);
    sim.faults.clear();
    await processInbox(deps(), 'shop-0');
    expect(await orderOf(order.id)).toMatchObject({ fulfilmentMethod: 'ship', unconfirmed: [] });
  });

  it('a refused orders poll flags the account through the sync runtime instead of failing over and over', async () => {
    const shop = w.shops[1]!;
    await replaceCredentials(db.prisma, w.key, 'shop-1', {
      shop: shop.sim.shop,
      accessToken: 'shpat_revoked',
      apiSecretKey: shop.sim.apiSecret,
    });
    const started = await start(w, 'memory');
    try {
      await started.runtime.queue.add('orders.poll', { accountId: 'shop-1' }, { jobId: 'poll-refused' });
      await eventually(
        async () =>
          (await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'shop-1' } })).authRefusedAt !== null,
        'shop-1 flagged',
      );
    } finally {
      await started.stop();
    }
    expect(
      await db.prisma.exceptionItem.count({
        where: { kind: 'credentials_refused', accountId: 'shop-1', resolvedAt: null },
      }),
    ).toBe(1);
  });

  it('a refusal of credentials that were replaced meanwhile flags nothing', async () => {
    const shop = w.shops[1]!;
    const refused = await loadAccountContext(db.prisma, w.key, 'shop-1'); // what a worker still held
    await replaceCredentials(db.prisma, w.key, 'shop-1', {
      shop: shop.sim.shop,
      accessToken: shop.sim.accessToken,
      apiSecretKey: shop.sim.apiSecret,
    });
    expect(await flagAuthRefused(db.prisma, w.key, refused, 'unauthorized: HTTP 401', w.clock.now())).toBe(false);
    expect(await authRefusedAt(db.prisma, 'shop-1')).toBeNull();
    const current = await loadAccountContext(db.prisma, w.key, 'shop-1');
    expect(await flagAuthRefused(db.prisma, w.key, current, 'unauthorized: HTTP 401', w.clock.now())).toBe(true);
    expect(await authRefusedAt(db.prisma, 'shop-1')).not.toBeNull();
  });

  it('stores refund amounts, in the order currency when the transaction names none, also for money-only refunds', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 2, price: 1500 }], shippingAddress: ADDRESS });
    await deliver('shop-0', 'orders/create', sim.orderWebhookBody(order.id));
    await processInbox(deps(), 'shop-0');
    const { restRefund } = await import('../../connectors/shopify/simulator/serialize.ts');
    const refund = await sim.refund(order.id, [{ lineItemId: order.lines[0]!.id, quantity: 1, restockType: 'CANCEL' }]);
    const body = restRefund(sim.store, sim.store.mustOrder(order.id), refund) as {
      transactions: { currency?: string; amount: string }[];
    };
    for (const t of body.transactions) delete t.currency;
    await deliver('shop-0', 'refunds/create', body);
    const goodwill = { ...body, id: 991, admin_graphql_api_id: 'gid://shopify/Refund/991', refund_line_items: [] };
    goodwill.transactions = [{ ...body.transactions[0]!, amount: '2.50', currency: 'USD' }];
    await deliver('shop-0', 'refunds/create', goodwill);
    expect((await processInbox(deps(), 'shop-0')).failed).toBe(0);

    const stored = await orderOf(order.id);
    const shown = await h.call('GET', `/api/v1/orders/${stored.id}`);
    const refunds = shown.body.returns.map((r: { externalId: string; refund: unknown }) => [r.externalId, r.refund]);
    expect(refunds).toHaveLength(2);
    expect(refunds).toEqual(
      expect.arrayContaining([
        [refund.id, { amount: refund.amount, currency: 'USD' }],
        ['gid://shopify/Refund/991', { amount: 250, currency: 'USD' }],
      ]),
    );

    // An amount that is no number is content at fault, found by core: an exception at once.
    const garbled = { ...goodwill, id: 992, admin_graphql_api_id: 'gid://shopify/Refund/992' };
    garbled.transactions = [{ ...body.transactions[0]!, amount: '1e3' }];
    const e = await deliver('shop-0', 'refunds/create', garbled);
    expect((await processInbox(deps(), 'shop-0')).failed).toBe(1);
    expect((await db.prisma.inboxEvent.findUniqueOrThrow({ where: { id: e.id } })).attempts).toBe(MAX_ATTEMPTS);
    expect(await db.prisma.exceptionItem.count({ where: { dedupeKey: `inbox_event:${e.id}` } })).toBe(1);
  });
});
