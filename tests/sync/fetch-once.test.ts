// Pointer events (eBay sends one per line item; a Shopify webhook that does not say how the order
// is delivered) are resolved with one read per order per inbox batch, several orders per call
// when the connector has fetchOrders: N events of one order -> one read; M orders -> ceil(M/max)
// calls. Driven by the real Shopify connector against its simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import type { ChannelConnector } from '../../connectors/connector.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { testDatabases } from '../support/databases.ts';
import { product, quietLogger, type World, world } from './helpers.ts';

describe.each(testDatabases())('one read per order on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'CUP', 100);
  });
  afterAll(() => db?.close());

  /** The Shopify connector with its reads counted; `max` overrides limits.fetchOrdersMax, `batch: false` drops fetchOrders. */
  function counted(opts: { max?: number; batch?: boolean } = {}) {
    const calls = { fetchOrder: [] as string[], fetchOrders: [] as string[][] };
    const base = w.connector;
    const connector: ChannelConnector = {
      ...base,
      limits: { ...base.limits, ...(opts.max ? { fetchOrdersMax: opts.max } : {}) },
      fetchOrder: (account, id) => {
        calls.fetchOrder.push(id);
        return base.fetchOrder(account, id);
      },
      fetchOrders:
        opts.batch === false
          ? undefined
          : (account, ids) => {
              calls.fetchOrders.push(ids);
              return base.fetchOrders!(account, ids);
            },
    };
    const deps = {
      prisma: db.prisma,
      secretKey: w.key,
      connectors: { shopify: connector },
      logger: quietLogger(),
      clock: w.clock,
    };
    return { calls, deps };
  }

  /** An order without a shipping address: its webhooks only point at it (the delivery method must be read). */
  async function pointedOrder() {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({ lines: [{ sku: 'CUP', quantity: 1 }] });
    return { id: order.id, body: sim.orderWebhookBody(order.id) };
  }

  const pointer = (id: string, topic: string, body: unknown) => ({
    externalEventId: id,
    topic,
    occurredAt: w.clock.now().toISOString(),
    payload: body,
  });

  const ordersByIdCalls = () => w.shops[0]!.sim.stats.byOperation.OrdersById ?? 0;
  const orderDetailsCalls = () => w.shops[0]!.sim.stats.byOperation.OrderDetails ?? 0;

  it('reads an order once for several events pointing at it, and records it', async () => {
    const { calls, deps } = counted();
    const o = await pointedOrder();
    const before = ordersByIdCalls();
    await storeEvents(db.prisma, 'shop-0', [
      pointer(`p1-${o.id}`, 'orders/create', o.body),
      pointer(`p2-${o.id}`, 'orders/updated', o.body),
      pointer(`p3-${o.id}`, 'orders/paid', o.body),
    ]);
    const run = await processInbox(deps, 'shop-0');
    expect(run).toMatchObject({ failed: 0 });
    expect(calls.fetchOrders).toEqual([[o.id]]);
    expect(calls.fetchOrder).toEqual([]);
    expect(ordersByIdCalls() - before).toBe(1);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'shop-0', processedAt: null } })).toBe(0);
    expect(await db.prisma.order.count({ where: { externalId: o.id } })).toBe(1);
  });

  it('reads M orders in ceil(M / max) calls, each order once', async () => {
    const { calls, deps } = counted({ max: 2 });
    const orders = [];
    for (let i = 0; i < 5; i++) orders.push(await pointedOrder());
    const before = ordersByIdCalls();
    // Two events per order (an eBay-like pointer per line): still one read per order.
    await storeEvents(
      db.prisma,
      'shop-0',
      orders.flatMap((o) => [
        pointer(`m1-${o.id}`, 'orders/create', o.body),
        pointer(`m2-${o.id}`, 'orders/updated', o.body),
      ]),
    );
    const run = await processInbox(deps, 'shop-0');
    expect(run).toMatchObject({ failed: 0 });
    expect(calls.fetchOrders).toHaveLength(Math.ceil(5 / 2));
    expect(calls.fetchOrders.flat().sort()).toEqual(orders.map((o) => o.id).sort());
    expect(calls.fetchOrders.every((ids) => ids.length <= 2)).toBe(true);
    expect(ordersByIdCalls() - before).toBe(3);
    for (const o of orders) expect(await db.prisma.order.count({ where: { externalId: o.id } })).toBe(1);
  });

  it('leaves out of the batched reads an order the hub already holds at the pointer’s version', async () => {
    const held = await pointedOrder();
    await storeEvents(db.prisma, 'shop-0', [pointer(`h0-${held.id}`, 'orders/create', held.body)]);
    await processInbox(counted().deps, 'shop-0');
    const { calls, deps } = counted({ max: 2 });
    const a = await pointedOrder();
    const b = await pointedOrder();
    // A late redelivery of the version held, between two orders the hub has not seen.
    await storeEvents(db.prisma, 'shop-0', [
      pointer(`h1-${a.id}`, 'orders/create', a.body),
      pointer(`h1-${held.id}`, 'orders/updated', held.body),
      pointer(`h1-${b.id}`, 'orders/create', b.body),
    ]);
    expect(await processInbox(deps, 'shop-0')).toMatchObject({ failed: 0 });
    expect(calls.fetchOrders.map((ids) => [...ids].sort())).toEqual([[a.id, b.id].sort()]);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'shop-0', processedAt: null } })).toBe(0);
  });

  it('asks which versions it holds once for the batch, again only for an order an earlier event moved', async () => {
    const held = await pointedOrder();
    await storeEvents(db.prisma, 'shop-0', [pointer(`q0-${held.id}`, 'orders/create', held.body)]);
    await processInbox(counted().deps, 'shop-0');
    const orders = [await pointedOrder(), await pointedOrder(), held];
    const { deps } = counted();
    let versionQueries = 0;
    // The held-versions read is the only findMany on orders in the inbox path.
    const order = new Proxy(db.prisma.order, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (prop !== 'findMany') return v;
        return (...args: unknown[]) => {
          versionQueries += 1;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const prisma = new Proxy(db.prisma, {
      get: (target, prop) => (prop === 'order' ? order : Reflect.get(target, prop, target)),
    });
    // One event per order, and a second for the first order: it may find that order moved on.
    await storeEvents(db.prisma, 'shop-0', [
      ...orders.map((o) => pointer(`q1-${o.id}`, 'orders/updated', o.body)),
      pointer(`q2-${orders[0]!.id}`, 'orders/paid', orders[0]!.body),
    ]);
    expect(await processInbox({ ...deps, prisma }, 'shop-0')).toMatchObject({ failed: 0 });
    expect(versionQueries).toBe(2); // the batch's, and the second event of the first order
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'shop-0', processedAt: null } })).toBe(0);
  });

  it('falls back to one fetchOrder per order when the connector cannot read several', async () => {
    const { calls, deps } = counted({ batch: false });
    const a = await pointedOrder();
    const b = await pointedOrder();
    const before = orderDetailsCalls();
    await storeEvents(db.prisma, 'shop-0', [
      pointer(`f1-${a.id}`, 'orders/create', a.body),
      pointer(`f2-${a.id}`, 'orders/updated', a.body),
      pointer(`f1-${b.id}`, 'orders/create', b.body),
    ]);
    const run = await processInbox(deps, 'shop-0');
    expect(run).toMatchObject({ failed: 0 });
    expect(calls.fetchOrder.sort()).toEqual([a.id, b.id].sort());
    expect(orderDetailsCalls() - before).toBe(2);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'shop-0', processedAt: null } })).toBe(0);
  });
});
