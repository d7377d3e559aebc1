// confirmShipment has no idempotency key: the connector derives the package reference from the
// hub's push key, so a replay after a lost answer is recognised and the shipment confirmed once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageReferenceId } from '../../connectors/amazon/fulfilment.ts';
import { ConnectorError } from '../../connectors/connector.ts';
import { type Harness, harness } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
  h.sim.addListing({ sku: 'LAMP', productType: 'LAMP' });
});
afterEach(() => h.close());

describe('Amazon shipment confirmation', () => {
  it('replays a partial confirmation whose answer was lost: confirmed once, reported as applied', async () => {
    const acct = h.account();
    const o = h.sim.placeOrder({ items: [{ sku: 'LAMP', quantity: 3 }] });
    const line = o.orderItems[0]?.orderItemId as string;
    const push = {
      externalOrderId: o.orderId,
      kind: 'ship' as const,
      lines: [{ channelLineId: line, quantity: 2 }],
      tracking: { company: 'DHL', number: 'JD014600003' },
      idempotencyKey: 'fulfilment-42',
    };
    h.sim.faults.loseNextResponses(1, 'confirmShipment');
    await expect(h.connector.pushFulfilment(acct, push)).rejects.toMatchObject({ retryable: true });
    const replay = await h.connector.pushFulfilment(acct, push);
    const reference = await packageReferenceId('fulfilment-42');
    expect(replay).toEqual({ externalFulfilmentId: reference, alreadyApplied: true });
    const order = h.sim.seller.order(o.orderId);
    expect(order.packages?.map((p) => [p.packageReferenceId, p.trackingNumber])).toEqual([[reference, 'JD014600003']]);
    expect(order.orderItems[0]?.fulfillment).toEqual({ quantityFulfilled: 2, quantityUnfulfilled: 1 });
    expect(order.fulfillment?.fulfillmentStatus).toBe('PARTIALLY_SHIPPED');
    expect(h.sim.stats.byOperation.confirmShipment).toBe(1);
  });

  it("treats Amazon's refusal of a second confirmation of its own package as applied", async () => {
    const acct = h.account();
    const o = h.sim.placeOrder({ items: [{ sku: 'LAMP', quantity: 1 }] });
    const push = {
      externalOrderId: o.orderId,
      kind: 'ship' as const,
      lines: [{ channelLineId: o.orderItems[0]?.orderItemId as string, quantity: 1 }],
      tracking: { company: 'UPS', number: '1Z1' },
      idempotencyKey: 'fulfilment-7',
    };
    expect(await h.connector.pushFulfilment(acct, push)).toMatchObject({ alreadyApplied: false });
    // The first read said "not there yet" (a read served before the confirmation landed):
    // Amazon refuses the second confirmation and the connector reads the package back.
    const reference = await packageReferenceId('fulfilment-7');
    const saved = h.sim.seller.order(o.orderId).packages;
    h.sim.seller.order(o.orderId).packages = [];
    const sim = h.sim.seller;
    const original = sim.confirmShipment.bind(sim);
    sim.confirmShipment = (id, body) => {
      sim.order(id).packages = saved;
      original(id, body);
    };
    expect(await h.connector.pushFulfilment(acct, push)).toEqual({
      externalFulfilmentId: reference,
      alreadyApplied: true,
    });
    expect(h.sim.stats.byOperation.confirmShipment).toBe(2);
  });

  it('derives a positive numeric package reference, stable per push key', async () => {
    const a = await packageReferenceId('k-1');
    expect(a).toMatch(/^[1-9][0-9]*$/);
    expect(await packageReferenceId('k-1')).toBe(a);
    expect(await packageReferenceId('k-2')).not.toBe(a);
  });

  it('refuses what Amazon cannot take: a cancel push, a shipment without tracking, an FBA order', async () => {
    const acct = h.account();
    const mfn = h.sim.placeOrder({ items: [{ sku: 'LAMP', quantity: 1 }] });
    const fba = h.sim.placeOrder({ items: [{ sku: 'LAMP', quantity: 1 }], fulfilledBy: 'AMAZON' });
    const base = { lines: [], idempotencyKey: 'x', tracking: { number: 'T1' } };
    for (const [order, kind, tracking, code] of [
      [mfn.orderId, 'cancel', { number: 'T1' }, 'unsupported'],
      [mfn.orderId, 'ship', null, 'missing_tracking'],
      [fba.orderId, 'ship', { number: 'T1' }, 'fulfilled_by_amazon'],
    ] as const) {
      const error = await h.connector
        .pushFulfilment(acct, { ...base, externalOrderId: order, kind, tracking })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code, retryable: false });
    }
  });

  it('refuses a refund push, telling the person to refund in Seller Central', async () => {
    const order = h.sim.placeOrder({ items: [{ sku: 'LAMP', quantity: 1 }] });
    const error = await h.connector
      .pushFulfilment(h.account(), { externalOrderId: order.orderId, kind: 'refund', lines: [], idempotencyKey: 'r' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unsupported', retryable: false });
    expect((error as ConnectorError).message).toMatch(/refund the buyer in Seller Central/);
  });
});
