// Mapping of Shopify's published example payloads to core drafts (pure), and the order
// lifecycle create -> update -> cancel -> refund through signed webhooks and interpret().
// Fixtures (tests/fixtures/shopify/README.md):
// - rest-order-450789469.json: REST Order reference example, via shopify-app-js
//   packages/apps/shopify-api/rest/admin/__tests__/2025-07/order.test.ts (test_1);
// - webhook-orders-cancelled.json: Shopify's orders/cancelled webhook sample payload;
// - rest-refund-509562969.json / rest-refund-929361472.json: REST Refund reference examples,
//   via shopify-app-js .../__tests__/2025-04/refund.test.ts (test_1, test_2).
import { describe, expect, it } from 'vitest';
import type { InboundEvent, InterpretedEvent } from '../../connectors/connector.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import {
  FULFILMENT_STATUS,
  fulfilmentStatus,
  mapRestOrder,
  mapRestRefund,
  PAYMENT_STATUS,
  paymentStatus,
  restOrderNeedsFetch,
  scaleToCurrent,
} from '../../connectors/shopify/mapping.ts';
import type { RestOrder, RestRefund } from '../../connectors/shopify/payloads.ts';
import { ManualClock } from '../../core/clock.ts';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { OrderDraftSchema } from '../../core/order/schema.ts';
import { account, fixture, fixtureText, SECRET, SHOP, toWebhookRequest } from './helpers.ts';

const order450 = () => fixture<RestOrder>('rest-order-450789469.json');

describe('mapRestOrder: REST Order example 450789469 (partially refunded)', () => {
  const draft = mapRestOrder(order450());

  it('is a valid OrderDraft keyed by the GraphQL id', () => {
    expect(OrderDraftSchema.parse(draft)).toEqual(draft);
    expect(draft.externalId).toBe('gid://shopify/Order/450789469');
    expect(draft.displayNumber).toBe('#1001');
    expect(draft.currency).toBe('USD');
    expect(draft.channelCreatedAt).toBe('2008-01-10T11:00:00-05:00');
    expect(draft.channelUpdatedAt).toBe('2008-01-10T11:00:00-05:00');
    expect(draft.presentment).toBeNull();
  });

  it('keeps every line with its SKU, at current_quantity (removed units gone)', () => {
    expect(draft.lines.map((l) => [l.channelLineId, l.sku, l.quantity])).toEqual([
      ['gid://shopify/LineItem/466157049', 'IPOD2008GREEN', 0],
      ['gid://shopify/LineItem/518995019', 'IPOD2008RED', 1],
      ['gid://shopify/LineItem/703073504', 'IPOD2008BLACK', 0],
    ]);
    const red = draft.lines[1];
    expect(red).toMatchObject({
      title: 'IPod Nano - 8gb',
      variantTitle: 'red',
      unitPrice: 19900,
      discountTotal: 333,
      discounts: [{ code: 'TENOFF', title: null, amount: 333 }],
      taxLines: [{ title: 'State Tax', rate: '0.06', amount: 398 }],
      externalProductId: 'gid://shopify/Product/632910392',
      externalVariantId: 'gid://shopify/ProductVariant/49148385',
      requiresShipping: true,
      // The only fulfilment in the body has status "failure": nothing shipped.
      fulfilledQuantity: 0,
    });
    // A removed line's discount and tax allocations no longer count.
    expect(draft.lines[0]).toMatchObject({ discountTotal: 0, taxLines: [{ amount: 0 }] });
  });

  it('takes money from the *_set shop_money bags, current values', () => {
    expect(draft.totals).toEqual({
      subtotal: 19900,
      discountTotal: 333,
      shippingTotal: 0,
      taxTotal: 398,
      tipTotal: 0, // total_tip_received "0.00"
      total: 19965,
    });
    // total = subtotal - discounts + shipping + tax (taxes not included in prices)
    expect(
      draft.totals.subtotal - draft.totals.discountTotal + draft.totals.shippingTotal + draft.totals.taxTotal,
    ).toBe(draft.totals.total);
    expect(draft.shippingLines).toEqual([
      { title: 'Free Shipping', code: 'Free Shipping', price: 0, taxTotal: 0, discountTotal: 0 },
    ]);
  });

  it('maps state, customer and addresses', () => {
    expect(draft.state).toEqual({
      cancelled: false,
      cancelReason: null,
      payment: 'partially_refunded',
      fulfilment: 'unfulfilled',
      restock: true,
    });
    expect(draft.customer).toEqual({
      externalId: 'gid://shopify/Customer/207119551',
      name: 'Bob Norman',
      email: 'bob.norman@mail.example.com',
      phone: '+557734881234',
    });
    expect(draft.shippingAddress).toEqual({
      name: 'Bob Norman',
      company: null,
      line1: 'Chestnut Street 92',
      line2: null,
      city: 'Louisville',
      region: 'KY',
      postalCode: '40202',
      countryCode: 'US',
      phone: '+1(502)-459-2181',
    });
    expect(draft.fulfilmentMethod).toBe('ship');
    expect(draft.originLocation).toBeNull();
    expect(draft.sourceName).toBe('web');
    expect(draft.channelRef).toMatchObject({
      orderId: 'gid://shopify/Order/450789469',
      legacyId: '450789469',
      discountCodes: ['TENOFF'],
    });
  });

  it('a line without SKU maps to sku null', () => {
    const o = order450();
    (o.line_items[1] as { sku: string }).sku = '';
    expect(mapRestOrder(o).lines[1]?.sku).toBeNull();
  });

  it('a presentment currency different from the shop currency is kept beside the total', () => {
    const o = order450();
    o.presentment_currency = 'EUR';
    o.current_total_price_set = {
      shop_money: { amount: '199.65', currency_code: 'USD' },
      presentment_money: { amount: '183.68', currency_code: 'EUR' },
    };
    expect(mapRestOrder(o).presentment).toEqual({ currency: 'EUR', total: 18368 });
  });

  it('a POS sale carries its store as originLocation and needs no GraphQL read', () => {
    const o = { ...order450(), source_name: 'pos', location_id: '655441491', shipping_address: null };
    expect(restOrderNeedsFetch(o)).toBe(false);
    const d = mapRestOrder(o);
    expect(d.originLocation).toEqual({ externalId: 'gid://shopify/Location/655441491' });
    expect(d.sourceName).toBe('pos');
  });
});

describe('mapRestOrder: orders/cancelled webhook sample (64-bit ids)', () => {
  const draft = mapRestOrder(fixture<RestOrder>('webhook-orders-cancelled.json'));

  it('keeps ids beyond 2^53 exact', () => {
    expect(draft.externalId).toBe('gid://shopify/Order/820982911946154508');
    expect(draft.lines.map((l) => l.channelLineId)).toEqual([
      'gid://shopify/LineItem/866550311766439020',
      'gid://shopify/LineItem/141249953214522974',
    ]);
    expect(draft.customer?.externalId).toBe('gid://shopify/Customer/115310627314723954');
  });

  it('maps the cancellation', () => {
    expect(draft.state).toEqual({
      cancelled: true,
      cancelReason: 'customer',
      payment: 'voided',
      fulfilment: 'unfulfilled',
      restock: true,
    });
    expect(draft.tags).toEqual(['tag1', 'tag2']);
    expect(draft.shippingLines).toEqual([
      { title: 'Generic Shipping', code: null, price: 1000, taxTotal: 0, discountTotal: 0 },
    ]);
    // current_shipping_price_set is 0.00 in the sample: the current value wins over the original.
    expect(draft.totals).toEqual({
      subtotal: 39800,
      discountTotal: 0,
      shippingTotal: 0,
      taxTotal: 0,
      tipTotal: 0,
      total: 39800,
    });
    expect(draft.lines.every((l) => l.sku === 'IPOD2008PINK' && l.quantity === 1)).toBe(true);
  });
});

describe('mapRestRefund', () => {
  it('refund 509562969: two legacy_restock lines go back to stock', () => {
    const { externalOrderId, draft } = mapRestRefund(fixture<RestRefund>('rest-refund-509562969.json'));
    expect(externalOrderId).toBe('gid://shopify/Order/450789469');
    expect(draft).toEqual({
      externalReturnId: 'gid://shopify/Refund/509562969',
      lines: [
        { channelLineId: 'gid://shopify/LineItem/703073504', quantity: 1, restock: true },
        { channelLineId: 'gid://shopify/LineItem/466157049', quantity: 1, restock: true },
      ],
      occurredAt: '2025-04-02T11:38:15-05:00',
      reason: 'it broke during shipping',
      refund: { amount: 20900, currency: 'USD' },
    });
  });

  it('refund 929361472: no_restock keeps the goods out of stock', () => {
    const { draft } = mapRestRefund(fixture<RestRefund>('rest-refund-929361472.json'));
    expect(draft.lines).toEqual([{ channelLineId: 'gid://shopify/LineItem/518995019', quantity: 1, restock: false }]);
    expect(draft.refund).toEqual({ amount: 4194, currency: 'USD' });
  });

  it('passes the amounts on for core to read in the order currency when the transactions name none', () => {
    const refund = fixture<RestRefund>('rest-refund-929361472.json');
    const unnamed = { ...refund, transactions: (refund.transactions ?? []).map(({ currency: _c, ...t }) => t) };
    expect(mapRestRefund(unnamed).draft.refund).toEqual({ decimals: ['41.94'], currency: null });
    const mixed = { ...refund, transactions: [...(refund.transactions ?? []), ...unnamed.transactions] };
    expect(mapRestRefund(mixed).draft.refund).toBeNull(); // two currencies cannot be summed
  });
});

describe('status tables', () => {
  it('maps every financial status, REST and GraphQL spellings alike', () => {
    for (const [k, v] of Object.entries(PAYMENT_STATUS)) {
      expect(paymentStatus(k)).toBe(v);
      expect(paymentStatus(k.toUpperCase())).toBe(v);
    }
    expect(paymentStatus(null)).toBe('pending');
  });
  it('maps every fulfilment status', () => {
    for (const [k, v] of Object.entries(FULFILMENT_STATUS)) expect(fulfilmentStatus(k.toUpperCase())).toBe(v);
    expect(fulfilmentStatus(null)).toBe('unfulfilled');
    expect(fulfilmentStatus('partial')).toBe('partial');
  });
  it('scales allocations to the current quantity exactly', () => {
    expect(scaleToCurrent(1000, 3, 3)).toBe(1000);
    expect(scaleToCurrent(1000, 0, 3)).toBe(0);
    expect(scaleToCurrent(1000, 1, 3) + scaleToCurrent(1000, 2, 3)).toBe(1000);
  });
});

describe('order lifecycle through signed webhooks: create -> update -> cancel -> refund', () => {
  it('each delivery verifies and maps; occurredAt orders the versions', async () => {
    const clock = new ManualClock();
    const sim = createShopifySimulator({ shop: SHOP, apiSecret: SECRET, clock });
    const connector = createShopifyConnector({ clock });
    const seen: { event: InboundEvent; meaning: InterpretedEvent }[] = [];
    sim.webhooks.target = async (req) => {
      const r = await connector.verifyWebhook(account(), await toWebhookRequest(req));
      if (!r.ok) return new Response(null, { status: r.status });
      for (const event of r.events) seen.push({ event, meaning: connector.interpret(account(), event) });
      return new Response(null, { status: 200 });
    };

    // The published example order, then the same order as later versions (edits are explicit here).
    const created = fixtureText('rest-order-450789469.json');
    const base = JSON.parse(created) as Record<string, unknown>;
    const updated = { ...base, updated_at: '2008-01-10T12:00:00-05:00', tags: 'vip, gift' };
    const cancelled = {
      ...base,
      updated_at: '2008-01-10T13:00:00-05:00',
      cancelled_at: '2008-01-10T13:00:00-05:00',
      cancel_reason: 'customer',
    };
    await sim.webhooks.send('orders/create', created);
    await sim.webhooks.send('orders/updated', updated);
    await sim.webhooks.send('orders/cancelled', cancelled);
    await sim.webhooks.send('refunds/create', fixtureText('rest-refund-509562969.json'), {
      triggeredAt: '2008-01-10T13:05:00-05:00',
    });

    expect(seen.map((s) => [s.event.topic, s.meaning.kind])).toEqual([
      ['orders/create', 'order'],
      ['orders/updated', 'order'],
      ['orders/cancelled', 'order'],
      ['refunds/create', 'return'],
    ]);
    const drafts = seen.slice(0, 3).map((s) => (s.meaning.kind === 'order' ? s.meaning.draft : null));
    expect(drafts.map((d) => d?.externalId)).toEqual(Array(3).fill('gid://shopify/Order/450789469'));
    expect(drafts[1]?.tags).toEqual(['vip', 'gift']);
    expect(drafts[2]?.state).toMatchObject({ cancelled: true, cancelReason: 'customer' });
    const times = seen.map((s) => Date.parse(s.event.occurredAt ?? ''));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const refund = seen[3]?.meaning;
    expect(refund).toMatchObject({
      kind: 'return',
      externalOrderId: 'gid://shopify/Order/450789469',
      draft: { externalReturnId: 'gid://shopify/Refund/509562969' },
    });
  });

  it('an order body without shipping address asks for a GraphQL read (possible local pickup)', () => {
    const connector = createShopifyConnector();
    const body = { ...order450(), shipping_address: null };
    const meaning = connector.interpret(account(), {
      externalEventId: 'w',
      topic: 'orders/create',
      occurredAt: null,
      payload: body,
    });
    expect(meaning).toEqual({
      kind: 'fetch',
      externalOrderId: 'gid://shopify/Order/450789469',
      reason: expect.stringContaining('delivery method'),
      // What the body says, to record should the read fail: a shipment, its method marked unconfirmed.
      provisional: expect.objectContaining({
        externalId: 'gid://shopify/Order/450789469',
        fulfilmentMethod: 'ship',
        unconfirmed: ['fulfilmentMethod'],
      }),
    });
  });

  it('ignores topics it does not handle and refunds that move neither goods nor money; keeps money-only refunds', () => {
    const connector = createShopifyConnector();
    expect(
      connector.interpret(account(), { externalEventId: 'a', topic: 'app/uninstalled', occurredAt: null, payload: {} })
        .kind,
    ).toBe('ignored');
    const refund = (payload: RestRefund) =>
      connector.interpret(account(), { externalEventId: 'b', topic: 'refunds/create', occurredAt: null, payload });
    const moneyOnly = { ...fixture<RestRefund>('rest-refund-929361472.json'), refund_line_items: [] };
    expect(refund(moneyOnly)).toMatchObject({
      kind: 'return',
      draft: { lines: [], refund: { amount: 4194, currency: 'USD' } },
    });
    expect(refund({ ...moneyOnly, transactions: [] }).kind).toBe('ignored');
  });
});

describe('dates out of range are content errors', () => {
  const far = [
    '+275760-09-13T00:00:00.000Z',
    '-001000-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
  ];

  it('an order dated outside 1970–9999 does not map, naming the field', () => {
    for (const at of far) {
      expect(() => mapRestOrder({ ...order450(), created_at: at }), at).toThrow(/channelCreatedAt/);
      expect(() => mapRestOrder({ ...order450(), updated_at: at }), at).toThrow(/channelUpdatedAt/);
    }
    expect(mapRestOrder({ ...order450(), updated_at: '9999-12-31T23:59:59Z' }).channelUpdatedAt).toBe(
      '9999-12-31T23:59:59Z',
    );
  });

  it('a refund dated outside 1970–9999 does not map, naming the field', () => {
    const refund = fixture<RestRefund>('rest-refund-509562969.json');
    for (const at of far) {
      expect(() => mapRestRefund({ ...refund, processed_at: at }), at).toThrow(/processed_at: must be a date between/);
    }
  });
});
