// Orders in, through the connector's own client, msw and the simulator on a virtual clock:
// a first import over several pages within the usage plan, an order's life from PENDING to
// SHIPPED, a cancellation, a buyer's cancellation request, an FBA order, an access token that
// expires mid-run, and a 429 storm after which every order is imported exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpOrder } from '../../connectors/amazon/payloads.ts';
import { type AccountContext, ConnectorError, type InboundEvent } from '../../connectors/connector.ts';
import type { OrderDraft } from '../../core/order/schema.ts';
import { type Harness, harness } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
  h.sim.addListing({ sku: 'MUG-RED', productType: 'DRINKING_CUP', price: '12.50' });
  h.sim.addListing({ sku: 'MUG-BLUE', productType: 'DRINKING_CUP', price: '12.50' });
});
afterEach(() => h.close());

/** Polls until the sweep is complete; answers the events and the cursor. */
async function sweep(acct: AccountContext, cursor: unknown = null) {
  const events: InboundEvent[] = [];
  for (;;) {
    const res = await h.connector.pollOrders(acct, cursor, h.clock.now());
    events.push(...res.events);
    cursor = res.cursor;
    if (!res.hasMore) return { events, cursor };
  }
}

function draftOf(acct: AccountContext, e: InboundEvent): OrderDraft {
  const m = h.connector.interpret(acct, e);
  if (m.kind !== 'order') throw new Error(`expected an order, got ${m.kind}`);
  return m.draft;
}

/** Lets a change settle past the two minutes searchOrders keeps out of reach. */
const settle = () => h.clock.advance(3 * 60_000);

describe('Amazon orders in', () => {
  it('imports 250 orders over three pages within the usage plan: 3 searchOrders calls, none throttled', async () => {
    const acct = h.account();
    for (let i = 0; i < 250; i++) {
      h.clock.advance(1000);
      h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    }
    settle();
    const { events } = await sweep(acct);
    expect(new Set(events.map((e) => (e.payload as SpOrder).orderId)).size).toBe(250);
    expect(events).toHaveLength(250);
    expect(h.sim.stats.byOperation.searchOrders).toBe(3);
    expect(h.sim.stats.throttled).toBe(0);
    expect(h.sim.stats.tokensIssued).toBe(1);
    expect(h.connector.clientStats().byOperation).toEqual({ searchOrders: 3 });
  });

  it('paces itself to the usage plan past the burst (25 pages of 10): waits, never throttled', async () => {
    const acct = h.account({ pollPageSize: 10 });
    for (let i = 0; i < 250; i++) {
      h.clock.advance(1000);
      h.sim.placeOrder({ items: [{ sku: 'MUG-BLUE', quantity: 1 }] });
    }
    settle();
    const started = h.clock.nowMs();
    const { events } = await sweep(acct);
    expect(events).toHaveLength(250);
    expect(h.sim.stats.byOperation.searchOrders).toBe(25);
    expect(h.sim.stats.throttled).toBe(0);
    // 5 calls beyond the burst of 20, one per 1 / 0.0056 s.
    expect(h.clock.nowMs() - started).toBeGreaterThanOrEqual(Math.floor((5 / 0.0056) * 1000));
  });

  it('follows an order PENDING → UNSHIPPED → PARTIALLY_SHIPPED → SHIPPED, confirming the shipments itself', async () => {
    const acct = h.account();
    const placed = h.sim.placeOrder({
      items: [
        { sku: 'MUG-RED', quantity: 2 },
        { sku: 'MUG-BLUE', quantity: 1 },
      ],
      status: 'PENDING',
    });
    settle();
    let { events, cursor } = await sweep(acct);
    expect(draftOf(acct, events[0] as InboundEvent).state).toMatchObject({
      payment: 'pending',
      fulfilment: 'unfulfilled',
    });

    h.sim.setStatus(placed.orderId, 'UNSHIPPED');
    settle();
    ({ events, cursor } = await sweep(acct, cursor));
    expect(events.map((e) => draftOf(acct, e).state.payment)).toEqual(['paid']);

    const [red, blue] = placed.orderItems.map((i) => i.orderItemId) as [string, string];
    await h.connector.pushFulfilment(acct, {
      externalOrderId: placed.orderId,
      kind: 'ship',
      lines: [{ channelLineId: red, quantity: 2 }],
      tracking: { company: 'UPS', number: '1Z999' },
      idempotencyKey: 'ful-1',
    });
    settle();
    ({ events, cursor } = await sweep(acct, cursor));
    const partial = draftOf(acct, events.at(-1) as InboundEvent);
    expect(partial.state.fulfilment).toBe('partial');
    expect(partial.lines.map((l) => l.fulfilledQuantity)).toEqual([2, 0]);

    await h.connector.pushFulfilment(acct, {
      externalOrderId: placed.orderId,
      kind: 'ship',
      lines: [{ channelLineId: blue, quantity: 1 }],
      tracking: { company: 'UPS', number: '1Z998' },
      idempotencyKey: 'ful-2',
    });
    settle();
    ({ events } = await sweep(acct, cursor));
    const shipped = draftOf(acct, events.at(-1) as InboundEvent);
    expect(shipped.state.fulfilment).toBe('fulfilled');
    expect(shipped.channelFulfilments?.map((f) => f.tracking[0]?.number)).toEqual(['1Z999', '1Z998']);
  });

  it('reads a cancellation, a buyer cancellation request and an FBA order', async () => {
    const acct = h.account();
    const cancelled = h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    const asked = h.sim.placeOrder({ items: [{ sku: 'MUG-BLUE', quantity: 1 }] });
    const fba = h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 4 }], fulfilledBy: 'AMAZON' });
    settle();
    const first = await sweep(acct);
    h.sim.cancelOrder(cancelled.orderId, 'BUYER', 'No longer needed');
    h.sim.requestCancellation(asked.orderId, 'Ordered by mistake');
    settle();
    const { events } = await sweep(acct, first.cursor);
    const byId = new Map(events.map((e) => [(e.payload as SpOrder).orderId, draftOf(acct, e)]));
    expect(byId.get(cancelled.orderId)?.state).toMatchObject({ cancelled: true, cancelReason: 'No longer needed' });
    expect(byId.get(asked.orderId)?.cancelRequest).toMatchObject({ reason: 'Ordered by mistake' });
    expect(byId.has(fba.orderId)).toBe(false);
    const fbaDraft = first.events.map((e) => draftOf(acct, e)).find((d) => d.externalId === fba.orderId);
    expect(fbaDraft?.fulfilledByChannel).toBe(true);
  });

  it('renews an access token that expired mid-run, once, and goes on', async () => {
    const acct = h.account();
    h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    settle();
    const first = await sweep(acct);
    expect(first.events).toHaveLength(1);
    h.sim.faults.expireTokens();
    h.sim.placeOrder({ items: [{ sku: 'MUG-BLUE', quantity: 1 }] });
    settle();
    const second = await sweep(acct, first.cursor);
    expect(second.events).toHaveLength(1);
    expect(h.sim.stats.unauthorized).toBe(1);
    expect(h.sim.stats.tokensIssued).toBe(2);
  });

  it("asks the sync runtime's refreshCredentials() for the new token when it offers one", async () => {
    let refreshes = 0;
    const base = h.account();
    const withToken = (token: string): AccountContext => ({
      ...base,
      credentials: { ...base.credentials, accessToken: token },
      refreshCredentials: async () => {
        refreshes += 1;
        const fresh = await h.connector.refreshCredentials?.(base);
        return withToken(fresh?.ephemeral?.accessToken ?? '');
      },
    });
    h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    settle();
    // A token the simulator never issued is refused like an expired one.
    const { events } = await sweep(withToken('Atza|stale'));
    expect(events).toHaveLength(1);
    expect(refreshes).toBe(1);
    expect(h.connector.clientStats().tokenRequests).toBe(0);
  });

  it('rides out a 429 storm (with and without x-amzn-RateLimit-Limit): every order imported once', async () => {
    const acct = h.account({ pollPageSize: 20 });
    for (let i = 0; i < 130; i++) {
      h.clock.advance(1000);
      h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    }
    settle();
    h.sim.faults.failNext(3, 429, true);
    h.sim.faults.failNext(3, 429, false);
    const seen = new Map<string, number>();
    let cursor: unknown = null;
    let throttled = 0;
    for (;;) {
      try {
        const res = await h.connector.pollOrders(acct, cursor, h.clock.now());
        for (const e of res.events) seen.set(e.externalEventId, (seen.get(e.externalEventId) ?? 0) + 1);
        cursor = res.cursor;
        if (!res.hasMore) break;
      } catch (error) {
        // What the queue does: wait as long as Amazon's plan says, spend no attempt.
        if (!(error instanceof ConnectorError) || error.code !== 'throttled') throw error;
        expect(error.retryable).toBe(true);
        expect(error.retryAfterMs).toBe(Math.ceil(1000 / 0.0056));
        throttled += 1;
        await h.clock.sleep(error.retryAfterMs ?? 0);
      }
    }
    expect(throttled).toBe(6);
    expect(seen.size).toBe(130);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // 7 pages of 20 beyond the 6 refusals; the plan's own bucket never refused.
    expect(h.sim.stats.byOperation.searchOrders).toBe(13);
    expect(h.sim.stats.throttled).toBe(6);
  });

  it('starts the window again when Amazon refuses a pagination token (expired after 24 h)', async () => {
    const acct = h.account();
    h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    settle();
    const stale = {
      watermark: null,
      sweep: {
        after: '2026-11-19T00:00:00Z',
        before: '2026-11-20T10:00:00Z',
        nextToken: 'gone',
        tokenAt: h.clock.now().toISOString(),
      },
    };
    const restart = await h.connector.pollOrders(acct, stale, h.clock.now());
    expect(restart).toEqual({ events: [], cursor: { watermark: null }, hasMore: true });
    const { events } = await sweep(acct, restart.cursor);
    expect(events).toHaveLength(1);
  });

  it('reads a page again with the same pagination token after a crash lost its cursor (tokens last 24 h, not one use)', async () => {
    const acct = h.account({ pollPageSize: 2 });
    for (let i = 0; i < 5; i++) h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    settle();
    const first = await h.connector.pollOrders(acct, null, h.clock.now());
    const second = await h.connector.pollOrders(acct, first.cursor, h.clock.now());
    // The process died before storing `second`: the retry asks with the same cursor.
    const again = await h.connector.pollOrders(acct, first.cursor, h.clock.now());
    expect(second.events).toHaveLength(2);
    expect(again.events.map((e) => e.externalEventId)).toEqual(second.events.map((e) => e.externalEventId));
  });

  it('reads one order with getOrder for an ORDER_CHANGE pointer; an unknown id is null', async () => {
    const acct = h.account();
    const o = h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    const event = await h.connector.fetchOrder(acct, o.orderId);
    expect(draftOf(acct, event as InboundEvent).externalId).toBe(o.orderId);
    expect(await h.connector.fetchOrder(acct, '999-0000000-0000000')).toBeNull();
  });
});

describe('the promised date', () => {
  it("is the end of Amazon's deliver-by window; without one, the end of the ship-by window", async () => {
    const acct = h.account();
    const windowed = h.sim.placeOrder({
      items: [{ sku: 'MUG-RED', quantity: 1 }],
      shipBy: '2026-11-22T23:59:59Z',
      deliverBy: '2026-11-26T23:59:59Z',
    });
    const shipOnly = h.sim.placeOrder({
      items: [{ sku: 'MUG-BLUE', quantity: 1 }],
      shipBy: '2026-11-23T23:59:59Z',
      deliverBy: null,
    });
    const read = async (id: string) => draftOf(acct, (await h.connector.fetchOrder(acct, id)) as InboundEvent);
    expect((await read(windowed.orderId)).promisedAt).toBe('2026-11-26T23:59:59Z');
    expect((await read(shipOnly.orderId)).promisedAt).toBe('2026-11-23T23:59:59Z');
    // The simulator states both windows by default, as Amazon does.
    const plain = h.sim.placeOrder({ items: [{ sku: 'MUG-RED', quantity: 1 }] });
    expect((await read(plain.orderId)).promisedAt).toBe(plain.fulfillment?.deliverByWindow?.latestDateTime);
    expect(plain.fulfillment?.deliverByWindow?.latestDateTime).toBe('2026-11-25T10:00:00Z');
  });
});
