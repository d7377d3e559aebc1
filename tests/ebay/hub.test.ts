// eBay through the hub's doors and core, against the simulator on a virtual clock:
// - the marketplace account deletion endpoint check (GET challenge_code) and a deletion
//   notice that erases the buyer's personal data through core/privacy/erase.ts;
// - a signed ORDER_CONFIRMATION stored for the seller's account (one per line item), a
//   tampered one refused with 412 and nothing stored;
// - a buyer's cancellation request reaching the hold (cancel_requested) and its approval
//   reaching eBay through the Post-Order API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountContext } from '../../connectors/connector.ts';
import { createEbayConnector, type EbayConnector } from '../../connectors/ebay/connector.ts';
import { createEbaySimulator, type EbaySimulator } from '../../connectors/ebay/simulator/index.ts';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { approveCancelRequest } from '../../core/orders/cancel-request.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { buildHarness, type Harness } from '../api/harness.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { testDatabases } from '../support/databases.ts';
import { quietLogger } from '../sync/helpers.ts';
import { seedLocation, seedSku, stock } from '../support/seed.ts';
import { ebayAccount, withPlatformRefresh } from './helpers.ts';

const PUBLIC = 'https://hub.example.com';
const VERIFICATION_TOKEN = 'ebay-verification-token-0123456789abcdef';

describe.each(testDatabases())('eBay through the hub on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  let sim: EbaySimulator;
  let connector: EbayConnector;
  let account: AccountContext;
  const clock = new ManualClock('2026-11-30T18:00:00Z');
  const inbox = () => db.prisma.inboxEvent.findMany({ where: { accountId: 'ebay-1' }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    db = await open();
    sim = createEbaySimulator({ clock });
    connector = createEbayConnector({ clock, transport: (req) => sim.fetch(req) });
    h = await buildHarness(db, {
      connectors: { ebay: connector },
      config: { adminToken: undefined, publicUrl: PUBLIC },
      clock,
    });
    sim.notifications.url = `${PUBLIC}/webhooks/channel/ebay`;
    sim.notifications.target = (req) => Promise.resolve(h.app.fetch(req));
    account = withPlatformRefresh(connector, { ...ebayAccount(sim), id: 'ebay-1' });
    const created = await h.call('POST', '/api/v1/channel-accounts', {
      body: { id: 'ebay-1', type: 'ebay', name: 'eBay seller', credentials: account.credentials },
    });
    expect(created.status).toBe(201);
    const put = await h.call('PUT', '/api/v1/channel-apps/ebay', {
      body: {
        credentials: {
          clientId: sim.credentials.clientId,
          clientSecret: sim.credentials.clientSecret,
          verificationToken: VERIFICATION_TOKEN,
        },
      },
    });
    expect(put.status).toBe(200);
    await seedLocation(db.prisma, 'wh');
    await db.prisma.channelLocation.create({
      data: { accountId: 'ebay-1', locationId: 'wh', externalLocationId: 'default' },
    });
    for (const sku of ['MUG', 'CAP']) {
      await seedSku(db.prisma, sku);
      await stock(db.prisma, `sku-${sku}`, 'wh', 10);
    }
  });
  afterAll(() => db?.close());

  it("answers eBay's endpoint check with sha256(challengeCode + verificationToken + endpoint)", async () => {
    expect(await sim.notifications.challenge(VERIFICATION_TOKEN)).toEqual({ status: 200, ok: true });
  });

  it('stores a signed ORDER_CONFIRMATION per line item for the seller; refuses a tampered one with 412, storing nothing', async () => {
    const order = sim.state.placeOrder({
      lines: [
        { sku: 'MUG', quantity: 1, price: '9.00' },
        { sku: 'CAP', quantity: 1, price: '5.00' },
      ],
    });
    expect(await sim.notifications.orderConfirmation(order.orderId)).toEqual([204, 204]);
    const stored = await inbox();
    expect(stored.map((e) => e.topic)).toEqual(['notification/ORDER_CONFIRMATION', 'notification/ORDER_CONFIRMATION']);
    const message = sim.notifications.message('ORDER_CONFIRMATION', {
      user: { username: sim.sellerUsername },
      order: { orderId: order.orderId },
    });
    const good = await sim.notifications.request(message);
    const tampered = await sim.notifications.request(message, {
      body: JSON.stringify(message).replace(order.orderId, '99-99999-99999'),
      signature: good.headers.get('x-ebay-signature') as string,
    });
    const res = await h.app.fetch(tampered);
    expect(res.status).toBe(412);
    expect((await res.json()).error.code).toBe('invalid_signature');
    expect(await inbox()).toHaveLength(2);
    // The inbox resolves the two pointers with one getOrders read and records the order.
    const reads = sim.stats.calls.getOrders ?? 0;
    const run = await processInbox(
      { prisma: db.prisma, secretKey: h.secretKey, connectors: { ebay: connector }, logger: quietLogger(), clock },
      'ebay-1',
    );
    expect(run).toMatchObject({ processed: 3, failed: 0 });
    expect((sim.stats.calls.getOrders ?? 0) - reads).toBe(1);
    const recorded = await db.prisma.order.findFirstOrThrow({
      where: { externalId: order.orderId },
      include: { lines: true },
    });
    expect(recorded.lines.map((l) => l.skuCode).sort()).toEqual(['CAP', 'MUG']);
  });

  it('refuses a notification signed under a kid eBay does not know with 412 JSON; a failing key endpoint is a 500', async () => {
    const before = (await inbox()).length;
    const message = sim.notifications.message('ORDER_CONFIRMATION', {
      user: { username: sim.sellerUsername },
      order: { orderId: '11-11111-11111' },
    });
    // Another key pair under its own kid: the simulator's getPublicKey answers 404 for it, as eBay does.
    const forger = createEbaySimulator({ clock });
    forger.notifications.url = `${PUBLIC}/webhooks/channel/ebay`;
    const lookups = sim.stats.publicKeyLookups;
    const res = await h.app.fetch(await forger.notifications.request(message));
    expect(res.status).toBe(412);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await res.json()).error).toMatchObject({
      code: 'invalid_signature',
      message: expect.stringContaining('kid'),
    });
    expect(sim.stats.publicKeyLookups).toBe(lookups + 1);
    // The key endpoint failing (eBay's 503) is not the sender's fault: 500, so eBay delivers again.
    sim.faults.failNext(1, 503);
    const again = await h.app.fetch(await createEbaySimulator({ clock }).notifications.request(message));
    expect(again.status).toBe(500);
    expect(await inbox()).toHaveLength(before);
  });

  it("erases a buyer's personal data on eBay's marketplace account deletion notice", async () => {
    const leaving = sim.state.placeOrder({
      buyer: 'leaving_buyer',
      lines: [{ sku: 'MUG', quantity: 1, price: '9.00' }],
    });
    const staying = sim.state.placeOrder({
      buyer: 'staying_buyer',
      lines: [{ sku: 'MUG', quantity: 1, price: '9.00' }],
    });
    for (const o of [leaving, staying]) {
      const event = await connector.fetchOrder(account, o.orderId);
      await db.prisma.inboxEvent.create({
        data: {
          accountId: 'ebay-1',
          externalEventId: event?.externalEventId as string,
          topic: event?.topic as string,
          payload: event?.payload as object,
        },
      });
      const interpreted = connector.interpret(account, event as never);
      if (interpreted.kind !== 'order') throw new Error('expected an order');
      await ingestOrder(db.prisma, 'ebay-1', interpreted.draft, { now: clock.now() });
    }
    expect(await sim.notifications.accountDeletion('leaving_buyer')).toBe(204);
    const gone = await db.prisma.order.findFirstOrThrow({ where: { externalId: leaving.orderId } });
    expect(gone.customer).toBeNull();
    expect(gone.shippingAddress).toBeNull();
    expect(gone.personalDataErasedAt).not.toBeNull();
    const raw = JSON.stringify(
      (await inbox()).find((e) => (e.payload as { orderId?: string }).orderId === leaving.orderId)?.payload,
    );
    expect(raw).not.toContain('leaving_buyer');
    expect(raw).not.toContain('1 Main St');
    const kept = await db.prisma.order.findFirstOrThrow({ where: { externalId: staying.orderId } });
    expect(kept.customer).toMatchObject({ externalId: 'staying_buyer' });
    expect(kept.personalDataErasedAt).toBeNull();
  });

  it("holds an order on the buyer's cancellation request and tells eBay when a person approves it", async () => {
    const order = sim.state.placeOrder({ buyer: 'changed_mind', lines: [{ sku: 'CAP', quantity: 2, price: '5.00' }] });
    const ingest = async () => {
      const events = await connector.fetchOrders?.(account, [order.orderId]);
      const interpreted = connector.interpret(account, events?.get(order.orderId) as never);
      if (interpreted.kind !== 'order') throw new Error('expected an order');
      return ingestOrder(db.prisma, 'ebay-1', interpreted.draft, { now: clock.now() });
    };
    expect((await ingest()).status).toBe('allocated');
    clock.advance(60_000);
    sim.state.requestCancel(order.orderId, 'ORDERED_BY_MISTAKE');
    // getOrders hides the request; the connector reads the order again with getOrder.
    const held = await ingest();
    expect(held).toMatchObject({ status: 'on_hold', holdReason: 'cancel_requested' });
    const exception = await db.prisma.exceptionItem.findFirst({
      where: { orderId: held.orderId, kind: 'cancel_requested' },
    });
    expect(exception?.data).toMatchObject({ reason: 'ORDERED_BY_MISTAKE' });
    const approved = await approveCancelRequest(db.prisma, held.orderId, {}, 'key:test', clock);
    expect(approved.status).toBe('cancelled');
    const push = (await db.prisma.outboxEvent.findMany({ where: { kind: 'fulfilment.push' } }))
      .map((e) => e.payload as { orderId: string; kind: string })
      .find((p) => p.orderId === held.orderId);
    expect(push?.kind).toBe('cancel_request_approved');
    const told = await connector.pushFulfilment(account, {
      externalOrderId: order.orderId,
      kind: 'cancel_request_approved',
      lines: [],
      idempotencyKey: 'cr-1',
    });
    expect(told.alreadyApplied).toBe(false);
    expect(sim.state.mustOrder(order.orderId).cancelStatus.cancelState).toBe('CANCELED');
    // A replay finds the request answered and sends nothing.
    const again = await connector.pushFulfilment(account, {
      externalOrderId: order.orderId,
      kind: 'cancel_request_approved',
      lines: [],
      idempotencyKey: 'cr-1',
    });
    expect(again.alreadyApplied).toBe(true);
    expect(sim.stats.calls['cancellation.approve']).toBe(1);
    // eBay's cancelled order, read again, keeps the hub order cancelled.
    clock.advance(60_000);
    expect((await ingest()).status).toBe('cancelled');
  });
});
