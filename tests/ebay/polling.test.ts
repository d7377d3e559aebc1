// Orders in by polling: getOrders over a last-modified window with offset paging. 450 orders
// are three pages of 200; one order is modified while the sweep pages, which shifts every
// later order one place forward (offset paging over a shrinking set) — the connector sees
// `total` move and sweeps the window again, so every order is imported once, in its latest state.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../connectors/connector.ts';
import type { EbayOrder } from '../../connectors/ebay/payloads.ts';
import { type Harness, harness } from './helpers.ts';

/** A tiny inbox: events once per id, the newest version per order applied (as core does). */
function hub() {
  const events = new Map<string, InboundEvent>();
  const applied = new Map<string, EbayOrder>();
  return {
    events,
    applied,
    store(list: InboundEvent[]) {
      for (const e of list) {
        if (events.has(e.externalEventId)) continue;
        events.set(e.externalEventId, e);
        const o = e.payload as EbayOrder;
        const held = applied.get(o.orderId);
        if (!held || Date.parse(held.lastModifiedDate) < Date.parse(o.lastModifiedDate)) applied.set(o.orderId, o);
      }
    },
    held: async (ids: string[]) =>
      new Map(
        ids.flatMap((id) => (applied.has(id) ? [[id, applied.get(id)?.lastModifiedDate as string] as const] : [])),
      ),
  };
}

describe('eBay polling', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  async function sweep(cursor: unknown, inbox: ReturnType<typeof hub>) {
    let c = cursor;
    let calls = 0;
    for (;;) {
      const r = await h.connector.pollOrders(h.account, c, h.clock.now(), inbox.held);
      inbox.store(r.events);
      c = r.cursor;
      calls += 1;
      if (!r.hasMore) return { cursor: c, calls };
    }
  }

  it('imports 450 orders over three pages once each, latest state, with one modified mid-sweep', async () => {
    const placed: EbayOrder[] = [];
    for (let i = 0; i < 450; i++) {
      placed.push(
        h.sim.state.placeOrder({ buyer: `buyer${i}`, lines: [{ sku: `SKU-${i % 7}`, quantity: 1, price: '10.00' }] }),
      );
      h.clock.advance(1000);
    }
    // One awaiting payment: eBay's getOrders does not return it.
    const unpaid = h.sim.state.placeOrder({ lines: [{ sku: 'SKU-X', quantity: 1, price: '5.00' }], unpaid: true });
    h.clock.advance(60_000);
    const target = placed[10] as EbayOrder;
    let changed = false;
    h.sim.hooks.afterGetOrders = (offset) => {
      if (offset === 0 && !changed) {
        changed = true;
        h.clock.advance(1000);
        h.sim.state.modifyOrder(target.orderId, (o) => {
          o.buyerCheckoutNotes = 'please gift wrap';
        });
      }
    };
    const inbox = hub();
    const first = await sweep(null, inbox);
    // Three pages, then the same window again (total moved from 450 to 449), three pages more.
    expect(first.calls).toBe(6);
    // The order shifted past the page boundary was found by the second round: all 450 are in.
    expect(inbox.applied.size).toBe(450);
    expect(inbox.applied.get(target.orderId)?.buyerCheckoutNotes).toBeUndefined();
    // The modified order left the window of this sweep; the next sweep brings its new version.
    h.clock.advance(5 * 60_000);
    await sweep(first.cursor, inbox);
    expect(inbox.applied.size).toBe(450);
    expect(inbox.applied.has(unpaid.orderId)).toBe(false);
    expect(inbox.applied.get(target.orderId)?.buyerCheckoutNotes).toBe('please gift wrap');
    for (const o of placed) expect(inbox.applied.get(o.orderId)?.lastModifiedDate).toBe(o.lastModifiedDate);
    // Imported once: one event per order version, none twice.
    const perOrder = new Map<string, number>();
    for (const e of inbox.events.values()) {
      const id = (e.payload as EbayOrder).orderId;
      perOrder.set(id, (perOrder.get(id) ?? 0) + 1);
    }
    expect([...perOrder.entries()].filter(([id, n]) => n > 1 && id !== target.orderId)).toEqual([]);
    expect(perOrder.get(target.orderId)).toBe(2);
  });

  it("asks for pages of at most 200 with the window in eBay's bracket syntax, percent-encoded", async () => {
    h.sim.state.placeOrder({ lines: [{ sku: 'A', quantity: 1, price: '1.00' }] });
    await h.connector.pollOrders(h.account, null, h.clock.now());
    const url = new URL(h.urls.find((u) => u.includes('/sell/fulfillment/v1/order?')) as string);
    expect(url.searchParams.get('limit')).toBe('200');
    expect(url.searchParams.get('offset')).toBe('0');
    expect(url.search).toMatch(/filter=lastmodifieddate%3A%5B.+\.\..+%5D/);
    expect(url.searchParams.get('filter')).toBe(
      `lastmodifieddate:[${new Date(Date.parse('2026-11-30T18:00:00Z') - 7 * 86_400_000 - 5 * 60_000).toISOString()}..2026-11-30T18:00:00.000Z]`,
    );
  });

  it('reads one order per notification batch with getOrders orderIds (50 a call)', async () => {
    const ids = Array.from(
      { length: 60 },
      () => h.sim.state.placeOrder({ lines: [{ sku: 'A', quantity: 2, price: '1.00' }] }).orderId,
    );
    const got = await h.connector.fetchOrders?.(h.account, ids);
    expect(got?.size).toBe(60);
    expect(h.sim.stats.calls.getOrders).toBe(2);
    expect(await h.connector.fetchOrder(h.account, 'no-such-order')).toBeNull();
  });
});

describe('the promised date', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  it("is the latest maxEstimatedDeliveryDate over the order's lines, as getOrders returns them", async () => {
    const o = h.sim.state.placeOrder({
      lines: [
        { sku: 'A', quantity: 1, price: '1.00', deliverBy: '2026-12-04T07:59:59.000Z' },
        { sku: 'B', quantity: 1, price: '1.00', deliverBy: '2026-12-08T07:59:59.000Z' },
        { sku: 'C', quantity: 1, price: '1.00' },
      ],
    });
    const got = await h.connector.fetchOrders?.(h.account, [o.orderId]);
    const meaning = h.connector.interpret(h.account, got?.get(o.orderId) as InboundEvent);
    if (meaning.kind !== 'order') throw new Error(`expected an order, got ${meaning.kind}`);
    expect(meaning.draft.promisedAt).toBe('2026-12-08T07:59:59.000Z');
    // The simulator states every line's window as eBay does: the third defaults to 5 days out.
    expect(o.lineItems[2]?.lineItemFulfillmentInstructions?.maxEstimatedDeliveryDate).toBe('2026-12-05T18:00:00.000Z');
  });
});
