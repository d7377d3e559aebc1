// Refunds out: goods of a Shopify order came back outside Shopify and the hub restocked them, so
// the connector refunds the buyer through the order's payment (refundCreate, NO_RESTOCK), once,
// and recognises the refunds/create webhook of its own refund. Real library, msw, simulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, type FulfilmentPush, type InboundEvent } from '../../connectors/connector.ts';
import { account, type Harness, harness } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.close());

/** A paid order of 2 tees (2,500 + 200 tax each) and a cap (1,500), shipped from the warehouse. */
async function paidOrder() {
  const wh = h.sim.store.addLocation('Warehouse');
  const a = h.sim.store.addVariant({ sku: 'TEE', productTitle: 'Tee', price: 2500, stock: { [wh.id]: 10 } });
  const b = h.sim.store.addVariant({ sku: 'CAP', productTitle: 'Cap', price: 1500, stock: { [wh.id]: 10 } });
  const order = await h.sim.placeOrder({
    lines: [
      { variantId: a.id, quantity: 2, taxPerUnit: 200 },
      { variantId: b.id, quantity: 1 },
    ],
    shippingAddress: { firstName: 'Ada', address1: '1 Main St', city: 'Ottawa', countryCode: 'CA' },
  });
  const sale = order.transactions[0];
  if (!sale) throw new Error('the simulator recorded no sale');
  return {
    wh,
    order,
    sale,
    lineA: order.lines[0]?.id ?? '',
    lineB: order.lines[1]?.id ?? '',
    itemA: a.inventoryItemId,
  };
}

const refundPush = (orderId: string, lines: FulfilmentPush['lines'], extra: Partial<FulfilmentPush> = {}) => ({
  externalOrderId: orderId,
  kind: 'refund' as const,
  lines,
  idempotencyKey: 'push-r1',
  ...extra,
});

/** Loses the answer of the first refundCreate call (it runs on the shop, the hub never hears back). */
function loseFirstRefundCreateAnswer() {
  const original = h.sim.fetch.bind(h.sim);
  let creates = 0;
  h.sim.fetch = async (req: Request) => {
    const body = await req.clone().text();
    if (body.includes('refundCreate(') && creates++ === 0) h.sim.faults.loseNextResponses(1);
    return original(req);
  };
}

describe('refund push', () => {
  it('refunds the amount through the sale, without restocking on Shopify', async () => {
    const { wh, order, sale, lineA, itemA } = await paidOrder();
    const res = await h.connector.pushFulfilment(
      account(),
      refundPush(order.id, [{ channelLineId: lineA, quantity: 1 }], { refund: { amount: 2700, currency: 'USD' } }),
    );
    expect(res.alreadyApplied).toBe(false);
    const refunds = h.sim.store.refundsOf(order.id);
    expect(refunds).toHaveLength(1);
    const r = refunds[0];
    expect(r?.id).toBe(res.externalFulfilmentId);
    expect(r?.amount).toBe(2700);
    expect(r?.transactions.map((t) => [t.parentId, t.gateway, t.amount])).toEqual([[sale.id, 'bogus', 2700]]);
    expect(r?.lines.map((l) => [l.lineItemId, l.quantity, l.restockType])).toEqual([[lineA, 1, 'NO_RESTOCK']]);
    // The hub restocked where the goods arrived; Shopify's count is left alone.
    expect(h.sim.available(itemA, wh.id)).toBe(10);
    expect(order.lines[0]?.currentQuantity).toBe(1);
    expect(order.financialStatus).toBe('PARTIALLY_REFUNDED');
  });

  it("refunds Shopify's suggested amount for the lines when the hub names none", async () => {
    const { order, lineA, lineB } = await paidOrder();
    await h.connector.pushFulfilment(
      account(),
      refundPush(order.id, [
        { channelLineId: lineA, quantity: 2 },
        { channelLineId: lineB, quantity: 1 },
      ]),
    );
    // 2 x (2,500 + 200 tax) + 1,500
    expect(h.sim.store.refundsOf(order.id).map((r) => r.amount)).toEqual([6900]);
    expect(order.financialStatus).toBe('REFUNDED');
  });

  it("recognises its own refund's refunds/create webhook, and still records a merchant's", async () => {
    const { order, lineA, lineB } = await paidOrder();
    const res = await h.connector.pushFulfilment(
      account(),
      refundPush(order.id, [{ channelLineId: lineA, quantity: 1 }]),
    );
    const own: InboundEvent = {
      externalEventId: 'wh-own',
      topic: 'refunds/create',
      occurredAt: new Date(h.clock.nowMs()).toISOString(),
      payload: h.sim.refundWebhookBody(res.externalFulfilmentId ?? ''),
    };
    expect(h.connector.interpret(account(), own)).toMatchObject({ kind: 'ignored' });
    const merchant = await h.sim.refund(order.id, [{ lineItemId: lineB, quantity: 1, restockType: 'RETURN' }]);
    const theirs = { ...own, externalEventId: 'wh-theirs', payload: h.sim.refundWebhookBody(merchant.id) };
    expect(h.connector.interpret(account(), theirs)).toMatchObject({ kind: 'return', externalOrderId: order.id });
  });

  it('a replay after a lost refundCreate answer refunds once (2026-10: @idempotent key)', async () => {
    const { order, sale, lineA } = await paidOrder();
    loseFirstRefundCreateAnswer();
    const push = refundPush(order.id, [{ channelLineId: lineA, quantity: 1 }], {
      refund: { amount: 2700, currency: 'USD' },
    });
    // The client sends the keyed mutation again; Shopify answers it with the first result.
    const first = await h.connector.pushFulfilment(account(), push);
    const replay = await h.connector.pushFulfilment(account(), push);
    expect(replay).toEqual({ externalFulfilmentId: first.externalFulfilmentId, alreadyApplied: true });
    expect(h.sim.store.refundsOf(order.id)).toHaveLength(1);
    expect(h.sim.store.refundable(order, sale)).toBe(sale.amount - 2700);
  });

  it('a replay after a lost refundCreate answer refunds once (before 2026-01: the note)', async () => {
    const { order, sale, lineA } = await paidOrder();
    loseFirstRefundCreateAnswer();
    const old = account({ apiVersion: '2025-10' });
    const push = refundPush(order.id, [{ channelLineId: lineA, quantity: 1 }], {
      refund: { amount: 2700, currency: 'USD' },
    });
    const err = await h.connector.pushFulfilment(old, push).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(true);
    const retried = await h.connector.pushFulfilment(old, push);
    expect(retried.alreadyApplied).toBe(true);
    expect(h.sim.store.refundsOf(order.id)).toHaveLength(1);
    expect(h.sim.store.refundable(order, sale)).toBe(sale.amount - 2700);
  });

  it('a refund larger than what is left to refund is refused for good, naming the reason', async () => {
    const { order, sale, lineA } = await paidOrder();
    const err = await h.connector
      .pushFulfilment(
        account(),
        refundPush(order.id, [{ channelLineId: lineA, quantity: 1 }], { refund: { amount: 99_900, currency: 'USD' } }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(false);
    expect((err as ConnectorError).message).toMatch(/refundCreate: Refund amount 999\.00 is greater than/);
    expect(h.sim.store.refundsOf(order.id)).toHaveLength(0);
    expect(h.sim.store.refundable(order, sale)).toBe(sale.amount);
  });
});
