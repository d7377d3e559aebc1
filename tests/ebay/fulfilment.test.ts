// Fulfilments out: createShippingFulfillment per parcel (a multi-quantity line in two parcels),
// made idempotent by reading the order's fulfilments first (eBay offers no idempotency key).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/connector.ts';
import { mapOrder } from '../../connectors/ebay/mapping.ts';
import { type Harness, harness } from './helpers.ts';

describe('eBay fulfilments', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  it('ships a line of 3 in two parcels, each once, and the order ends fulfilled', async () => {
    const order = h.sim.state.placeOrder({
      lines: [
        { sku: 'MUG', quantity: 3, price: '12.00' },
        { sku: 'CAP', quantity: 1, price: '8.00' },
      ],
    });
    const [mug, cap] = order.lineItems;
    const first = {
      externalOrderId: order.orderId,
      kind: 'ship' as const,
      lines: [{ channelLineId: mug?.lineItemId as string, quantity: 2 }],
      tracking: { company: 'UPS', number: '1Z999AA10123456784' },
      idempotencyKey: 'f-1',
    };
    const a = await h.connector.pushFulfilment(h.account, first);
    expect(a.alreadyApplied).toBe(false);
    expect(a.externalFulfilmentId).toBe(h.sim.state.fulfilments.get(order.orderId)?.[0]?.fulfillmentId);
    expect(mapOrder(h.sim.state.mustOrder(order.orderId)).state.fulfilment).toBe('partial');
    // A retry of the same parcel (the answer was lost) finds it by its tracking number.
    const again = await h.connector.pushFulfilment(h.account, first);
    expect(again).toEqual({ externalFulfilmentId: a.externalFulfilmentId, alreadyApplied: true });
    expect(h.sim.stats.calls.createShippingFulfillment).toBe(1);
    // The second parcel: the last mug and the cap, another tracking number.
    const b = await h.connector.pushFulfilment(h.account, {
      ...first,
      lines: [
        { channelLineId: mug?.lineItemId as string, quantity: 1 },
        { channelLineId: cap?.lineItemId as string, quantity: 1 },
      ],
      tracking: { company: 'USPS', number: '9400111899223197428490' },
      idempotencyKey: 'f-2',
    });
    expect(b.alreadyApplied).toBe(false);
    const parcels = h.sim.state.fulfilments.get(order.orderId) ?? [];
    expect(parcels.map((p) => [p.shipmentTrackingNumber, p.shippingCarrierCode, p.lineItems])).toEqual([
      ['1Z999AA10123456784', 'UPS', [{ lineItemId: mug?.lineItemId, quantity: 2 }]],
      [
        '9400111899223197428490',
        'USPS',
        [
          { lineItemId: mug?.lineItemId, quantity: 1 },
          { lineItemId: cap?.lineItemId, quantity: 1 },
        ],
      ],
    ]);
    const mapped = mapOrder(h.sim.state.mustOrder(order.orderId));
    expect(mapped.state.fulfilment).toBe('fulfilled');
    expect(mapped.lines.map((l) => l.fulfilledQuantity)).toEqual([3, 1]);
  });

  it('an empty line list ships what is still open', async () => {
    const order = h.sim.state.placeOrder({ lines: [{ sku: 'MUG', quantity: 3, price: '12.00' }] });
    const line = order.lineItems[0]?.lineItemId as string;
    await h.connector.pushFulfilment(h.account, {
      externalOrderId: order.orderId,
      kind: 'ship',
      lines: [{ channelLineId: line, quantity: 1 }],
      tracking: { company: 'DHL', number: 'JD014600006281230701' },
      idempotencyKey: 'p-1',
    });
    await h.connector.pushFulfilment(h.account, {
      externalOrderId: order.orderId,
      kind: 'ship',
      lines: [],
      tracking: { company: 'DHL', number: 'JD014600006281230702' },
      idempotencyKey: 'p-2',
    });
    expect(h.sim.state.fulfilments.get(order.orderId)?.[1]?.lineItems).toEqual([{ lineItemId: line, quantity: 2 }]);
  });

  it('refuses pickup steps: eBay orders have none the hub can send', async () => {
    const order = h.sim.state.placeOrder({ lines: [{ sku: 'MUG', quantity: 1, price: '1.00' }] });
    const err = await h.connector
      .pushFulfilment(h.account, {
        externalOrderId: order.orderId,
        kind: 'pickup_ready',
        lines: [],
        idempotencyKey: 'x',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(false);
  });

  it('refuses a refund push, telling the person to refund in Seller Hub', async () => {
    const order = h.sim.state.placeOrder({ lines: [{ sku: 'MUG', quantity: 1, price: '1.00' }] });
    const err = await h.connector
      .pushFulfilment(h.account, {
        externalOrderId: order.orderId,
        kind: 'refund',
        lines: [{ channelLineId: order.lineItems[0]?.lineItemId ?? '', quantity: 1 }],
        refund: { amount: 100, currency: 'USD' },
        idempotencyKey: 'r',
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unsupported', retryable: false });
    expect((err as ConnectorError).message).toMatch(/refund the buyer in Seller Hub/);
  });
});
