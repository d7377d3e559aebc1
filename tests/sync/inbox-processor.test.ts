// The inbox processor on its own: an order event becomes an order, updates that arrive
// before their create end at the latest state, a refund that arrives before its order waits
// without spending attempts, a webhook that lacks the delivery method
// is resolved by fetching the order, an unknown topic is ignored, and a payload that does not
// map becomes an exception at once, with a message that carries no credential.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { MAX_ATTEMPTS } from '../../core/inbox/failures.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { processInbox, WAIT_FOR_ORDER_MS } from '../../sync/inbox-processor.ts';
import { testDatabases } from '../support/databases.ts';
import { product, quietLogger, type World, world } from './helpers.ts';

describe.each(testDatabases())('inbox processor on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  const deps = () => ({
    prisma: db.prisma,
    secretKey: w.key,
    connectors: { shopify: w.connector },
    logger: quietLogger(),
    clock: w.clock,
  });
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'MUG', 20);
  });
  afterAll(() => db?.close());

  // Dated by the hub's clock (the world's, shared with the simulated shop), so the refund's wait
  // for its order is measured on the clock the processor reads, whatever today's date.
  const event = (id: string, topic: string, payload: unknown, occurredAt = w.clock.now().toISOString()) => ({
    externalEventId: id,
    topic,
    occurredAt,
    payload,
  });

  it('waits for an order whose refund came first, then applies both', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({
      lines: [{ sku: 'MUG', quantity: 2 }],
      shippingAddress: {
        firstName: 'A',
        lastName: 'B',
        address1: '1 St',
        city: 'Ottawa',
        countryCode: 'CA',
        zip: 'K1A 0A1',
      },
    });
    const refund = await sim.refund(order.id, [{ lineItemId: order.lines[0]!.id, quantity: 1, restockType: 'CANCEL' }]);
    const { restRefund } = await import('../../connectors/shopify/simulator/serialize.ts');
    const refundBody = restRefund(sim.store, sim.store.mustOrder(order.id), refund);
    await storeEvents(db.prisma, 'shop-0', [event('r-1', 'refunds/create', refundBody)]);
    const first = await processInbox(deps(), 'shop-0');
    expect(first).toMatchObject({ processed: 0, waiting: 1, failed: 0 });
    const waiting = await db.prisma.inboxEvent.findFirstOrThrow({ where: { externalEventId: 'r-1' } });
    expect(waiting).toMatchObject({ processedAt: null, attempts: 0 });
    expect(waiting.lastError).toContain('waiting for order');

    await storeEvents(db.prisma, 'shop-0', [
      event('o-1', 'orders/create', sim.orderWebhookBody(order.id), new Date(w.clock.nowMs() - 60_000).toISOString()),
    ]);
    const second = await processInbox(deps(), 'shop-0');
    expect(second).toMatchObject({ processed: 2, waiting: 0, failed: 0 });
    const stored = await db.prisma.order.findFirstOrThrow({
      where: { externalId: order.id },
      include: { lines: true },
    });
    expect(stored.lines[0]?.cancelledQty).toBe(1);
  });

  it('ends at the latest state when an order’s updates arrive before its create', async () => {
    const sim = w.shops[0]!.sim;
    const stocked = async () =>
      (
        await db.prisma.inventoryLevel.findUniqueOrThrow({
          where: { skuId_locationId: { skuId: 'sku-MUG', locationId: 'wh' } },
        })
      ).reserved;
    const reservedBefore = await stocked();
    const order = await sim.placeOrder({
      lines: [{ sku: 'MUG', quantity: 3 }],
      shippingAddress: {
        firstName: 'A',
        lastName: 'B',
        address1: '1 St',
        city: 'Ottawa',
        countryCode: 'CA',
        zip: 'K1A 0A1',
      },
    });
    const created = sim.orderWebhookBody(order.id);
    w.clock.advance(60_000);
    await sim.updateOrder(order.id, { tags: ['gift'] });
    const tagged = sim.orderWebhookBody(order.id);
    w.clock.advance(60_000);
    await sim.cancelOrder(order.id, 'customer');
    const cancelled = sim.orderWebhookBody(order.id);
    const at = (body: unknown) => (body as { updated_at: string }).updated_at;
    // Newest first, the create last: one run, and a create that comes a run later still.
    await storeEvents(db.prisma, 'shop-0', [
      event('late-3', 'orders/cancelled', cancelled, at(cancelled)),
      event('late-2', 'orders/updated', tagged, at(tagged)),
    ]);
    const pending = async () =>
      db.prisma.inboxEvent.count({ where: { externalEventId: { startsWith: 'late-' }, processedAt: null } });
    await processInbox(deps(), 'shop-0');
    expect(await pending()).toBe(0);
    await storeEvents(db.prisma, 'shop-0', [event('late-1', 'orders/create', created, at(created))]);
    await processInbox(deps(), 'shop-0');
    expect(await pending()).toBe(0);

    const stored = await db.prisma.order.findFirstOrThrow({ where: { externalId: order.id } });
    expect(stored).toMatchObject({ status: 'cancelled', tags: ['gift'] });
    expect(stored.channelUpdatedAt.toISOString()).toBe(new Date(at(cancelled)).toISOString());
    expect(await db.prisma.order.count({ where: { externalId: order.id } })).toBe(1);
    // The late create reserved nothing: the cancelled order holds no stock.
    expect(await db.prisma.reservation.count({ where: { orderId: stored.id, status: 'active' } })).toBe(0);
    expect(await stocked()).toBe(reservedBefore);
  });

  it('fetches an order whose webhook does not say how it is delivered, and ignores unknown topics', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 1 }] }); // no shipping address
    await storeEvents(db.prisma, 'shop-0', [
      event('o-2', 'orders/create', sim.orderWebhookBody(order.id)),
      event('x-1', 'products/update', { id: 1 }),
    ]);
    const run = await processInbox(deps(), 'shop-0');
    expect(run.failed).toBe(0);
    expect(await db.prisma.order.count({ where: { externalId: order.id } })).toBe(1);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'shop-0', processedAt: null } })).toBe(0);
    expect(await db.prisma.inboxEvent.count({ where: { topic: 'orders/snapshot' } })).toBe(1);
  });

  it('does not read again an order it already holds whole at the version a late webhook describes', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 1 }] }); // no shipping address
    await storeEvents(db.prisma, 'shop-0', [event('again-1', 'orders/create', sim.orderWebhookBody(order.id))]);
    await processInbox(deps(), 'shop-0'); // read once: the hub now holds this version whole
    const snapshots = await db.prisma.inboxEvent.count({ where: { topic: 'orders/snapshot' } });
    const calls = sim.stats.requests;

    // The shop's retry of a delivery that was lost, arriving after the hub has the order.
    await storeEvents(db.prisma, 'shop-0', [event('again-2', 'orders/updated', sim.orderWebhookBody(order.id))]);
    const run = await processInbox(deps(), 'shop-0');
    expect(run).toMatchObject({ processed: 1, failed: 0 });
    expect(sim.stats.requests).toBe(calls);
    expect(await db.prisma.inboxEvent.count({ where: { topic: 'orders/snapshot' } })).toBe(snapshots);

    // A newer version of the same order is read.
    w.clock.advance(1_000);
    await sim.updateOrder(order.id, { tags: ['newer'] });
    await storeEvents(db.prisma, 'shop-0', [event('again-3', 'orders/updated', sim.orderWebhookBody(order.id))]);
    await processInbox(deps(), 'shop-0');
    expect(sim.stats.requests).toBeGreaterThan(calls);
  });

  it('gives up a payload that does not map at once, as an exception that does not leak the access token', async () => {
    const sim = w.shops[0]!.sim;
    const token = sim.accessToken;
    const order = await sim.placeOrder({
      lines: [{ sku: 'MUG', quantity: 1 }],
      shippingAddress: {
        firstName: 'A',
        lastName: 'B',
        address1: '1 St',
        city: 'Ottawa',
        countryCode: 'CA',
        zip: 'K1A 0A1',
      },
    });
    // The mapping's error quotes the currency it found; here the token stands where a currency should.
    const body = sim.orderWebhookBody(order.id) as {
      line_items: { price_set: { shop_money: { currency_code: string } } }[];
    };
    body.line_items[0]!.price_set.shop_money.currency_code = token;
    await storeEvents(db.prisma, 'shop-0', [event('bad-1', 'orders/create', body)]);
    const run = await processInbox(deps(), 'shop-0');
    expect(run.failed).toBeGreaterThanOrEqual(1);
    const bad = await db.prisma.inboxEvent.findFirstOrThrow({ where: { externalEventId: 'bad-1' } });
    expect(bad.attempts).toBe(MAX_ATTEMPTS); // content cannot change: no pointless retries
    expect(bad.processedAt).toBeNull();
    expect(bad.lastError).not.toContain(token);
    expect(bad.lastError).toMatch(/shop money is in \[redacted\]/);
    const ex = await db.prisma.exceptionItem.findUniqueOrThrow({ where: { dedupeKey: `inbox_event:${bad.id}` } });
    expect(ex).toMatchObject({ kind: 'inbox_event_failed', accountId: 'shop-0', resolvedAt: null });
    expect(JSON.stringify(ex)).not.toContain(token);
  });

  // Last: it moves the shared clock a week on.
  it('gives up on a refund whose order never comes once the wait is over on the hub clock', async () => {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'MUG', quantity: 1 }] });
    const refund = await sim.refund(order.id, [{ lineItemId: order.lines[0]!.id, quantity: 1, restockType: 'CANCEL' }]);
    const { restRefund } = await import('../../connectors/shopify/simulator/serialize.ts');
    await storeEvents(db.prisma, 'shop-0', [
      event('r-lost', 'refunds/create', restRefund(sim.store, sim.store.mustOrder(order.id), refund)),
    ]);
    // The wall clock hardly moves during the test: only the hub clock can end the wait.
    w.clock.advance(WAIT_FOR_ORDER_MS);
    expect(await processInbox(deps(), 'shop-0')).toMatchObject({ processed: 0, waiting: 1, failed: 0 });
    w.clock.advance(1);
    expect(await processInbox(deps(), 'shop-0')).toMatchObject({ processed: 0, waiting: 0, failed: 1 });
    const lost = await db.prisma.inboxEvent.findFirstOrThrow({ where: { externalEventId: 'r-lost' } });
    expect(lost).toMatchObject({ processedAt: null, attempts: MAX_ATTEMPTS });
    expect(lost.lastError).toContain('never arrived');
    const ex = await db.prisma.exceptionItem.findUniqueOrThrow({ where: { dedupeKey: `inbox_event:${lost.id}` } });
    expect(ex.message).toContain('never arrived');
  });
});
