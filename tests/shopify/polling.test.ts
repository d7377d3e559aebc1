// Polling safety net and GraphQL mapping, through the real library, msw and the simulator:
// paging across three pages while an order changes, overlap at the boundary, POS sales,
// local pickup (webhook -> fetch -> GraphQL snapshot), long orders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HeldOrderVersions, InboundEvent, InterpretedEvent } from '../../connectors/connector.ts';
import type { PollCursor } from '../../connectors/shopify/orders.ts';
import { ORDER_SNAPSHOT_TOPIC, POLL_ORDER_SIZES } from '../../connectors/shopify/orders.ts';
import { LINE_PAGE_SIZE } from '../../connectors/shopify/queries.ts';
import type { GqlOrder } from '../../connectors/shopify/payloads.ts';
import type { OrderDraft } from '../../core/order/schema.ts';
import { unstorablePaths } from '../../core/text/storable.ts';
import { account, type Harness, harness, toWebhookRequest } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.close());

const draftOf = (m: InterpretedEvent): OrderDraft => {
  if (m.kind !== 'order') throw new Error(`expected an order, got ${m.kind}`);
  return m.draft;
};

async function seedOrders(n: number, minutesApart = 1) {
  const loc = h.sim.store.addLocation('Warehouse');
  const v = h.sim.store.addVariant({ sku: 'TEE-M', productTitle: 'Tee', price: 2500, stock: { [loc.id]: 100 } });
  const orders = [];
  for (let i = 0; i < n; i++) {
    h.clock.advance(minutesApart * 60_000);
    orders.push(
      await h.sim.placeOrder({
        lines: [{ variantId: v.id, quantity: 1 + i }],
        shippingAddress: {
          firstName: 'Ada',
          lastName: `N${i}`,
          address1: '1 Main St',
          city: 'Ottawa',
          countryCode: 'CA',
          provinceCode: 'ON',
          zip: 'K1A 0A1',
        },
        customer: { firstName: 'Ada', lastName: `N${i}`, email: `ada${i}@example.com` },
      }),
    );
  }
  return { loc, v, orders };
}

describe('pollOrders', () => {
  it('pages through three pages; an order updated during paging is read again, nothing is lost', async () => {
    const acct = account({ pollPageSize: 3, pollLookbackDays: 1 });
    const { orders } = await seedOrders(7);
    const events: InboundEvent[] = [];
    let cursor: unknown = null;
    let pages = 0;
    for (;;) {
      const res = await h.connector.pollOrders(acct, cursor, h.clock.now());
      pages += 1;
      events.push(...res.events);
      cursor = res.cursor;
      if (pages === 1) {
        // While we page, the merchant edits an order we already read on page 1.
        h.clock.advance(60_000);
        await h.sim.updateOrder(orders[0]?.id ?? '', { tags: ['edited-during-paging'] });
      }
      if (!res.hasMore) break;
    }
    // 7 orders, 3 per page, plus the edited one moving to the end: 3 + 3 + 2.
    expect(pages).toBe(3);
    const snapshots = events.filter((e) => e.topic === ORDER_SNAPSHOT_TOPIC);
    expect(new Set(snapshots.map((e) => (e.payload as GqlOrder).id))).toEqual(new Set(orders.map((o) => o.id)));
    const edited = snapshots.filter((e) => (e.payload as GqlOrder).id === orders[0]?.id);
    expect(edited).toHaveLength(2);
    expect(edited[1]?.occurredAt).not.toBe(edited[0]?.occurredAt);
    expect(((edited[1] as InboundEvent).payload as GqlOrder).tags).toEqual(['edited-during-paging']);
    // The newest version maps; every snapshot is a valid draft.
    for (const e of snapshots) draftOf(h.connector.interpret(acct, e));
    // The watermark is the newest updatedAt listed; the sweep is closed.
    const c = cursor as PollCursor;
    expect(c.after).toBeNull();
    expect(c.watermark).toBe(
      new Date(h.sim.store.orders.get(orders[0]?.id ?? '')?.updatedAt ?? 0).toISOString().replace('.000Z', 'Z'),
    );
  });

  it('reads many whole orders per query, each query within the bucket, and finishes long or refunded orders', async () => {
    const acct = account({ pollLookbackDays: 1 });
    const { v, orders } = await seedOrders(30, 0.1);
    // One order longer than the page's line budget, one with a refund: both must still arrive whole.
    const long = await h.sim.placeOrder({
      lines: Array.from({ length: 8 }, (_, i) => ({ variantId: v.id, quantity: 1 + i })),
      shippingAddress: { address1: 'x', countryCode: 'CA' },
    });
    const refunded = orders[3]!;
    // Two refunds: more than the page reads (one), so the order is read again whole.
    for (let i = 0; i < 2; i++)
      await h.sim.refund(refunded.id, [{ lineItemId: refunded.lines[0]!.id, quantity: 1, restockType: 'NO_RESTOCK' }]);
    const events: InboundEvent[] = [];
    let cursor: unknown = null;
    for (;;) {
      const res = await h.connector.pollOrders(acct, cursor, h.clock.now());
      events.push(...res.events);
      cursor = res.cursor;
      if (!res.hasMore) break;
    }
    const snapshots = events.filter((e) => e.topic === ORDER_SNAPSHOT_TOPIC).map((e) => e.payload as GqlOrder);
    expect(new Set(snapshots.map((o) => o.id))).toEqual(new Set([...orders, long].map((o) => o.id)));
    expect(snapshots.find((o) => o.id === long.id)?.lineItems.nodes).toHaveLength(8);
    expect(snapshots.find((o) => o.id === refunded.id)?.refunds).toHaveLength(2);
    expect(events.filter((e) => e.topic === 'refunds/snapshot')).toHaveLength(2);
    // 31 orders in one listing and a handful of whole-order queries (not one per order); one
    // re-read for the refunded order, one line page for the long one.
    const calls = h.sim.stats.byOperation;
    expect(calls.OrdersUpdatedSince).toBe(1);
    expect(calls.OrdersById).toBeLessThanOrEqual(Math.ceil(31 / 6));
    expect(calls.OrderDetails ?? 0).toBe(1);
    expect(calls.OrderLineItemsPage ?? 0).toBe(1);
    expect(h.sim.stats.maxRequested).toBeLessThanOrEqual(1000);
    expect(h.sim.stats.throttled).toBe(0);
  });

  it('the overlap re-reads the boundary: repeats keep their ids, a late commit is found', async () => {
    const acct = account({ pollPageSize: 250, pollOverlapMinutes: 5 });
    const { v } = await seedOrders(2);
    const first = await h.connector.pollOrders(acct, null, h.clock.now());
    expect(first.hasMore).toBe(false);
    const firstIds = new Set(first.events.map((e) => e.externalEventId));
    const watermark = Date.parse((first.cursor as PollCursor).watermark);

    // An order whose updated_at lands 2 minutes *before* the watermark, visible only now
    // (a late commit, or our clock ahead of Shopify's).
    h.clock.advance(10 * 60_000);
    const late = await h.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 1 }],
      shippingAddress: { address1: 'x', countryCode: 'CA' },
    });
    late.updatedAt = watermark - 2 * 60_000;
    late.createdAt = late.updatedAt;

    const second = await h.connector.pollOrders(acct, first.cursor, h.clock.now());
    const ids = second.events.map((e) => e.externalEventId);
    expect(ids.some((id) => id.startsWith(`${late.id}@`))).toBe(true);
    // The last order of the first sweep is re-read within the overlap, with the same event id: the inbox drops it.
    expect(ids.filter((id) => firstIds.has(id)).length).toBeGreaterThan(0);
  });

  it('maps a POS sale: retail location as origin, fulfilled on the spot', async () => {
    const store = h.sim.store.addLocation('Store Soho');
    const v = h.sim.store.addVariant({ sku: 'MUG', productTitle: 'Mug', price: 1200, stock: { [store.id]: 5 } });
    const sale = await h.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 2, taxPerUnit: 96, taxRate: '0.08' }],
      posLocationId: store.id,
    });
    const res = await h.connector.pollOrders(account(), null, h.clock.now());
    const draft = draftOf(h.connector.interpret(account(), res.events[0] as InboundEvent));
    expect(draft.externalId).toBe(sale.id);
    expect(draft.sourceName).toBe('pos');
    expect(draft.originLocation).toEqual({ externalId: store.id });
    expect(draft.fulfilmentMethod).toBe('ship');
    expect(draft.state.fulfilment).toBe('fulfilled');
    expect(draft.lines[0]).toMatchObject({
      sku: 'MUG',
      quantity: 2,
      fulfilledQuantity: 2,
      unitPrice: 1200,
      taxLines: [{ rate: '0.08', amount: 192 }],
    });
    expect(draft.totals).toEqual({
      subtotal: 2400,
      discountTotal: 0,
      shippingTotal: 0,
      taxTotal: 192,
      tipTotal: 0,
      total: 2592,
    });
  });

  it('a polled order keeps its tip (totalTipReceivedSet), its test flag and its phone', async () => {
    const loc = h.sim.store.addLocation('Warehouse');
    const v = h.sim.store.addVariant({ sku: 'MUG', productTitle: 'Mug', price: 1200, stock: { [loc.id]: 9 } });
    await h.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 1 }],
      shippingAddress: { firstName: 'Ada', lastName: 'L', address1: '1 Main St', city: 'Ottawa', countryCode: 'CA' },
      email: 'ada@example.com',
      phone: '+16135550101',
      tip: 300,
      test: true,
    });
    const res = await h.connector.pollOrders(account(), null, h.clock.now());
    const draft = draftOf(h.connector.interpret(account(), res.events[0] as InboundEvent));
    expect(draft.totals).toMatchObject({ subtotal: 1200, tipTotal: 300, total: 1500 });
    expect(draft.test).toBe(true);
    expect(draft.customer?.phone).toBe('+16135550101');
  });

  it('reads all lines of an order with more than one page of line items', async () => {
    const loc = h.sim.store.addLocation('Warehouse');
    const lines = Array.from({ length: 60 }, (_, i) => {
      const v = h.sim.store.addVariant({
        sku: `SKU-${i}`,
        productTitle: `P${i}`,
        price: 100 + i,
        stock: { [loc.id]: 10 },
      });
      return { variantId: v.id, quantity: 1 };
    });
    await h.sim.placeOrder({ lines, shippingAddress: { address1: 'x', countryCode: 'CA' } });
    const res = await h.connector.pollOrders(account(), null, h.clock.now());
    const draft = draftOf(h.connector.interpret(account(), res.events[0] as InboundEvent));
    expect(draft.lines).toHaveLength(60);
    // The poll page carries the first lines; the rest come in line pages.
    expect(h.sim.stats.byOperation.OrderLineItemsPage).toBe(Math.ceil((60 - POLL_ORDER_SIZES.lines) / LINE_PAGE_SIZE));
  });
});

describe('pollOrders with the versions the hub holds', () => {
  /** Sweeps until the poll says it is done; returns the events and the calls it made. */
  async function sweep(acct: ReturnType<typeof account>, cursor: unknown, held: HeldOrderVersions) {
    const before = { ...h.sim.stats.byOperation };
    const events: InboundEvent[] = [];
    for (;;) {
      const res = await h.connector.pollOrders(acct, cursor, h.clock.now(), held);
      events.push(...res.events);
      cursor = res.cursor;
      if (!res.hasMore) break;
    }
    const calls: Record<string, number> = {};
    for (const [op, n] of Object.entries(h.sim.stats.byOperation))
      if (n - (before[op] ?? 0)) calls[op] = n - (before[op] ?? 0);
    return { events, cursor, calls };
  }

  it('only lists when the hub holds every order; reads whole only the unknown, the newer and the refunded', async () => {
    const acct = account({ pollLookbackDays: 1 });
    const { v, orders } = await seedOrders(12, 0.1);
    // The hub's versions (as the sync layer reads them from its orders table: ISO with milliseconds).
    const hub = new Map<string, string>();
    const holdCurrent = (id: string) => hub.set(id, new Date(h.sim.store.orders.get(id)!.updatedAt).toISOString());
    for (const o of orders) holdCurrent(o.id);
    const held: HeldOrderVersions = async (ids) =>
      new Map(ids.flatMap((id): [string, string][] => (hub.has(id) ? [[id, hub.get(id)!]] : [])));

    const known = await sweep(acct, null, held);
    expect(known.events).toEqual([]);
    expect(known.calls).toEqual({ OrdersUpdatedSince: 1 });

    h.clock.advance(1000);
    await h.sim.updateOrder(orders[1]!.id, { tags: ['changed'] }); // newer than the hub's
    hub.delete(orders[4]!.id); // never reached the hub
    // Refunded: orders/updated reached the hub (same version), refunds/create was lost.
    await h.sim.refund(orders[6]!.id, [
      { lineItemId: orders[6]!.lines[0]!.id, quantity: 1, restockType: 'NO_RESTOCK' },
    ]);
    holdCurrent(orders[6]!.id);
    const fresh = await h.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 1 }],
      shippingAddress: { address1: 'x', countryCode: 'CA' },
    });
    // The next sweep's overlap lists all 13 again; only 4 are read whole.
    const mixed = await sweep(acct, known.cursor, held);
    const read = mixed.events.filter((e) => e.topic === ORDER_SNAPSHOT_TOPIC).map((e) => (e.payload as GqlOrder).id);
    expect(new Set(read)).toEqual(new Set([orders[1]!.id, orders[4]!.id, orders[6]!.id, fresh.id]));
    expect(read).toHaveLength(4);
    expect(mixed.events.filter((e) => e.topic === 'refunds/snapshot')).toHaveLength(1);
    expect(mixed.calls.OrdersUpdatedSince).toBe(1);
    expect(mixed.calls.OrdersById).toBe(1);

    // The hub now holds them all. The overlap lists the refunded order again, sweep after sweep,
    // for minutes: it was read by rule once, in the sweep that first listed its version.
    for (const id of [orders[1]!.id, orders[4]!.id, fresh.id]) holdCurrent(id);
    const again = await sweep(acct, mixed.cursor, held);
    expect(again.events).toEqual([]);
    expect(again.calls).toEqual({ OrdersUpdatedSince: 1 });
  });
});

describe('local pickup: webhook -> fetch -> GraphQL snapshot', () => {
  it('maps PICK_UP fulfillment orders to a pickup order at the store', async () => {
    const store = h.sim.store.addLocation('Store Soho');
    const v = h.sim.store.addVariant({ sku: 'BAG', productTitle: 'Bag', price: 4900, stock: { [store.id]: 3 } });
    const meanings: InterpretedEvent[] = [];
    h.sim.webhooks.target = async (req) => {
      const r = await h.connector.verifyWebhook(account(), await toWebhookRequest(req));
      if (r.ok) for (const e of r.events) meanings.push(h.connector.interpret(account(), e));
      return new Response(null, { status: 200 });
    };
    const order = await h.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 1 }],
      pickupLocationId: store.id,
      customer: { firstName: 'Lin', email: 'lin@example.com' },
    });
    // The simulator sends the REST body Shopify sends; it has no delivery method.
    await h.sim.webhooks.send('orders/create', h.sim.orderWebhookBody(order.id));
    const first = meanings[0];
    expect(first).toMatchObject({ kind: 'fetch', externalOrderId: order.id });
    if (first?.kind !== 'fetch') return;
    const snapshot = await h.connector.fetchOrder(account(), first.externalOrderId);
    expect(snapshot?.topic).toBe(ORDER_SNAPSHOT_TOPIC);
    const draft = draftOf(h.connector.interpret(account(), snapshot as InboundEvent));
    expect(draft.fulfilmentMethod).toBe('pickup');
    expect(draft.pickupLocation).toEqual({ externalId: store.id });
    expect(draft.shippingAddress).toBeNull();
    expect(await h.connector.fetchOrder(account(), 'gid://shopify/Order/1')).toBeNull();
  });
});

describe('polled content the database cannot store', () => {
  it('reaches the inbox with NUL and unpaired surrogates replaced, so one order cannot stall the sweep', async () => {
    const loc = h.sim.store.addLocation('Warehouse');
    const v = h.sim.store.addVariant({ sku: 'TEE-M', productTitle: 'Tee', price: 2500, stock: { [loc.id]: 10 } });
    h.clock.advance(60_000);
    await h.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 1 }],
      shippingAddress: {
        firstName: 'Ada\u0000',
        lastName: 'L',
        address1: '1 Main St\uD800',
        city: 'Ottawa',
        countryCode: 'CA',
        zip: 'K1A 0A1',
      },
      customer: { firstName: 'Ada\u0000', lastName: 'L', email: 'ada@example.com' },
    });
    const res = await h.connector.pollOrders(account({ pollLookbackDays: 1 }), null, h.clock.now());
    const snapshot = res.events.find((e) => e.topic === ORDER_SNAPSHOT_TOPIC);
    expect(snapshot).toBeDefined();
    for (const e of res.events) expect(unstorablePaths(e.payload)).toEqual([]);
    const order = snapshot?.payload as GqlOrder;
    expect(order.shippingAddress?.address1).toBe('1 Main St\uFFFD');
    expect(order.customer?.displayName).toContain('Ada\uFFFD');
  });
});

describe('the promised date', () => {
  it("is the fulfillment order's DeliveryMethod.maxDeliveryDateTime when the shop has one, else none", async () => {
    const loc = h.sim.store.addLocation('Warehouse');
    const v = h.sim.store.addVariant({ sku: 'TEE-M', productTitle: 'Tee', price: 2500, stock: { [loc.id]: 10 } });
    const promised = await h.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 1 }],
      maxDeliveryDateTime: '2026-12-03T22:00:00Z',
    });
    const plain = await h.sim.placeOrder({ lines: [{ variantId: v.id, quantity: 1 }] });
    const read = async (id: string) =>
      draftOf(h.connector.interpret(account(), (await h.connector.fetchOrder(account(), id)) as InboundEvent));
    expect((await read(promised.id)).promisedAt).toBe('2026-12-03T22:00:00Z');
    expect((await read(plain.id)).promisedAt).toBeNull();
  });
});
