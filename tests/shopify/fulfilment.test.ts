// Fulfilments out through the real library, msw and the simulator: a partial shipment with
// tracking, replay safety, and the pickup steps (ready, collected).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, type InboundEvent } from '../../connectors/connector.ts';
import { account, type Harness, harness } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.close());

async function shippedOrder() {
  const wh = h.sim.store.addLocation('Warehouse');
  const a = h.sim.store.addVariant({ sku: 'TEE-M', productTitle: 'Tee', price: 2500, stock: { [wh.id]: 10 } });
  const b = h.sim.store.addVariant({ sku: 'CAP', productTitle: 'Cap', price: 1500, stock: { [wh.id]: 10 } });
  const order = await h.sim.placeOrder({
    lines: [
      { variantId: a.id, quantity: 3 },
      { variantId: b.id, quantity: 1 },
    ],
    shippingAddress: { firstName: 'Ada', address1: '1 Main St', city: 'Ottawa', countryCode: 'CA' },
  });
  return { wh, order, lineA: order.lines[0]?.id ?? '', lineB: order.lines[1]?.id ?? '' };
}

const TRACKING = {
  company: 'UPS',
  number: '1Z999AA10123456784',
  url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
};

describe('pushFulfilment', () => {
  it('ships part of an order with tracking company, number and URL', async () => {
    const { order, lineA, lineB } = await shippedOrder();
    const res = await h.connector.pushFulfilment(account(), {
      externalOrderId: order.id,
      kind: 'ship',
      lines: [{ channelLineId: lineA, quantity: 2 }],
      tracking: TRACKING,
      idempotencyKey: 'ful-1',
    });
    expect(res.alreadyApplied).toBe(false);
    const f = h.sim.store.fulfillments.get(res.externalFulfilmentId ?? '');
    expect(f?.tracking).toEqual(TRACKING);
    expect(f?.lines).toEqual([{ lineItemId: lineA, quantity: 2 }]);
    const fo = h.sim.store.fulfillmentOrdersOf(order.id)[0];
    expect(fo?.status).toBe('IN_PROGRESS');
    expect(fo?.lines.map((l) => l.remainingQuantity)).toEqual([1, 1]);

    // The order as the hub reads it back: partially fulfilled, 2 of 3 units shipped.
    const snapshot = (await h.connector.fetchOrder(account(), order.id)) as InboundEvent;
    const meaning = h.connector.interpret(account(), snapshot);
    if (meaning.kind !== 'order') throw new Error(meaning.kind);
    expect(meaning.draft.state.fulfilment).toBe('partial');
    expect(meaning.draft.lines.map((l) => [l.channelLineId, l.quantity, l.fulfilledQuantity])).toEqual([
      [lineA, 3, 2],
      [lineB, 1, 0],
    ]);
  });

  it('a replayed push (same tracking number) does not fulfil twice', async () => {
    const { order, lineA } = await shippedOrder();
    const push = {
      externalOrderId: order.id,
      kind: 'ship' as const,
      lines: [{ channelLineId: lineA, quantity: 2 }],
      tracking: TRACKING,
      idempotencyKey: 'ful-1',
    };
    const first = await h.connector.pushFulfilment(account(), push);
    const again = await h.connector.pushFulfilment(account(), push);
    expect(again).toEqual({ externalFulfilmentId: first.externalFulfilmentId, alreadyApplied: true });
    expect(h.sim.store.fulfillmentsOf(order.id)).toHaveLength(1);
  });

  it('a lost fulfillmentCreate answer surfaces as retryable; the retried push finds the fulfilment', async () => {
    const { order, lineA } = await shippedOrder();
    const push = {
      externalOrderId: order.id,
      kind: 'ship' as const,
      lines: [{ channelLineId: lineA, quantity: 3 }],
      tracking: TRACKING,
      idempotencyKey: 'ful-2',
    };
    // The read goes through; the create runs but its answer is lost.
    const original = h.sim.fetch.bind(h.sim);
    let creates = 0;
    h.sim.fetch = async (req: Request) => {
      const body = await req.clone().text();
      if (body.includes('mutation FulfillmentCreate') && creates++ === 0) h.sim.faults.loseNextResponses(1);
      return original(req);
    };
    const err = await h.connector.pushFulfilment(account(), push).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(true);
    const retried = await h.connector.pushFulfilment(account(), push);
    expect(retried.alreadyApplied).toBe(true);
    expect(h.sim.store.fulfillmentsOf(order.id)).toHaveLength(1);
  });

  it('pickup: ready for pickup, then collected at hand-over', async () => {
    const store = h.sim.store.addLocation('Store Soho');
    const v = h.sim.store.addVariant({ sku: 'BAG', productTitle: 'Bag', price: 4900, stock: { [store.id]: 3 } });
    const order = await h.sim.placeOrder({ lines: [{ variantId: v.id, quantity: 1 }], pickupLocationId: store.id });
    const line = order.lines[0]?.id ?? '';
    const fo = h.sim.store.fulfillmentOrdersOf(order.id)[0];

    const ready = await h.connector.pushFulfilment(account(), {
      externalOrderId: order.id,
      kind: 'pickup_ready',
      lines: [{ channelLineId: line, quantity: 1 }],
      idempotencyKey: 'p-1',
    });
    expect(ready).toEqual({ externalFulfilmentId: null, alreadyApplied: false });
    expect(fo?.preparedForPickup).toBe(true);

    const collected = await h.connector.pushFulfilment(account(), {
      externalOrderId: order.id,
      kind: 'pickup_collected',
      lines: [],
      idempotencyKey: 'p-2',
    });
    expect(collected.externalFulfilmentId).toMatch(/^gid:\/\/shopify\/Fulfillment\//);
    expect(fo?.status).toBe('CLOSED');
    expect(h.sim.store.fulfillments.get(collected.externalFulfilmentId ?? '')?.tracking).toBeNull();
    // Collected again (a retry): nothing left, nothing created.
    const twice = await h.connector.pushFulfilment(account(), {
      externalOrderId: order.id,
      kind: 'pickup_collected',
      lines: [],
      idempotencyKey: 'p-2',
    });
    expect(twice).toEqual({ externalFulfilmentId: collected.externalFulfilmentId, alreadyApplied: true });
  });

  it('refuses to cancel an order from the hub, and reports unknown orders', async () => {
    const cancel = await h.connector
      .pushFulfilment(account(), {
        externalOrderId: 'gid://shopify/Order/1',
        kind: 'cancel',
        lines: [],
        idempotencyKey: 'c',
      })
      .catch((e: unknown) => e);
    expect(cancel).toMatchObject({ code: 'unsupported', retryable: false });
    // Shopify buyers cannot ask to cancel, so there is no request to answer: refused, never sent.
    for (const kind of ['cancel_request_approved', 'cancel_request_declined'] as const) {
      const answer = await h.connector
        .pushFulfilment(account(), { externalOrderId: 'gid://shopify/Order/1', kind, lines: [], idempotencyKey: kind })
        .catch((e: unknown) => e);
      expect(answer).toMatchObject({ code: 'unsupported', retryable: false });
    }
    const missing = await h.connector
      .pushFulfilment(account(), {
        externalOrderId: 'gid://shopify/Order/1',
        kind: 'ship',
        lines: [],
        idempotencyKey: 'm',
      })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'order_not_found', retryable: false });
  });
});
