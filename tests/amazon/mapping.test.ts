// The pure mapping of Orders API 2026-01-01 orders, checked against Amazon's own published
// examples (tests/fixtures/amazon/README.md names each source in the model file).
import { describe, expect, it } from 'vitest';
import { mapOrder, STATUS_FACTS } from '../../connectors/amazon/mapping.ts';
import type { SpOrder, SpSearchOrdersResponse } from '../../connectors/amazon/payloads.ts';
import { OrderDraftSchema } from '../../core/order/schema.ts';
import { fixture } from './helpers.ts';

const draft = (o: SpOrder) => OrderDraftSchema.parse(mapOrder(o));
const gbp = () => fixture<{ order: SpOrder }>('get-order-example-gbp.json').order;

describe('mapOrder on Amazon examples', () => {
  it('getOrder example (GBP, merchant-fulfilled, shipped): money in pence, lines, package as channel fulfilment', () => {
    const d = draft(gbp());
    expect(d).toMatchObject({
      externalId: '202-1234567-8901234',
      currency: 'GBP',
      fulfilledByChannel: false,
      state: { cancelled: false, payment: 'paid', fulfilment: 'fulfilled' },
      totals: { subtotal: 8997, shippingTotal: 1000, taxTotal: 400, discountTotal: 0, total: 10397 },
      customer: { name: 'James Wilson', email: 'buyer-email@marketplace.amazon.co.uk' },
      channelRef: { marketplaceId: 'A1F83G8C2ARO7P', fulfilledBy: 'MERCHANT', fulfillmentStatus: 'SHIPPED' },
      tags: ['PRIME'],
      cancelRequest: null,
    });
    expect(d.lines).toEqual([
      expect.objectContaining({
        channelLineId: '20212345678901',
        sku: 'ECHO-DOT-4-UK-CHARCOAL-3PACK',
        quantity: 3,
        fulfilledQuantity: 3,
        unitPrice: 2999,
        externalProductId: 'B08DFPV54V',
        taxLines: [{ title: 'Tax', amount: 400, rate: undefined }],
      }),
    ]);
    expect(d.channelFulfilments).toEqual([
      expect.objectContaining({
        externalId: 'UK-PKG-2024-001',
        tracking: [{ company: 'Royal Mail', number: 'RR123456789GB', url: null }],
        lines: [{ channelLineId: '20212345678901', quantity: 3 }],
      }),
    ]);
  });

  it('searchOrders sandbox example (JPY, FBA): yen have no minor unit, the order is fulfilled by the channel', () => {
    const [order] = fixture<SpSearchOrdersResponse>('search-orders-sandbox-jpy-fba.json').orders;
    const d = draft(order as SpOrder);
    expect(d.currency).toBe('JPY');
    expect(d.fulfilledByChannel).toBe(true);
    expect(d.totals).toMatchObject({ subtotal: 5980 + 2 * 6980, total: 19940 });
    expect(d.lines.map((l) => [l.sku, l.unitPrice, l.quantity, l.requiresShipping])).toEqual([
      ['ECHO-DOT-4-JP-CHARCOAL', 5980, 1, false],
      ['FIRE-TV-4K-MAX-JP', 6980, 2, false],
    ]);
  });

  it('searchOrders example (USD): the delivery tip is its own figure; a request already executed is no open request', () => {
    const [order] = fixture<SpSearchOrdersResponse>('search-orders-example-usd.json').orders;
    const d = draft(order as SpOrder);
    expect(d.totals).toMatchObject({ subtotal: 14997, taxTotal: 2, tipTotal: 500, total: 15499 });
    expect(d.cancelRequest).toBeNull();
  });

  it("a buyer's cancellation request still waiting for the seller becomes cancelRequest", () => {
    const o = gbp();
    o.fulfillment = { fulfillmentStatus: 'UNSHIPPED', fulfilledBy: 'MERCHANT' };
    o.lastUpdatedTime = '2026-11-20T10:00:00Z';
    (o.orderItems[0] as SpOrder['orderItems'][number]).cancellation = {
      cancellationRequest: { requester: 'BUYER', cancelReason: 'Ordered by mistake' },
    };
    expect(draft(o).cancelRequest).toEqual({ requestedAt: '2026-11-20T10:00:00Z', reason: 'Ordered by mistake' });
  });

  it('statuses map to payment and fulfilment facts; CANCELLED carries the executed reason', () => {
    expect(Object.keys(STATUS_FACTS).sort()).toEqual(
      [
        'CANCELLED',
        'PARTIALLY_SHIPPED',
        'PENDING',
        'PENDING_AVAILABILITY',
        'SHIPPED',
        'UNFULFILLABLE',
        'UNSHIPPED',
      ].sort(),
    );
    const o = gbp();
    o.fulfillment = { fulfillmentStatus: 'PENDING', fulfilledBy: 'MERCHANT' };
    expect(draft(o).state).toMatchObject({ payment: 'pending', fulfilment: 'unfulfilled', cancelled: false });
    o.fulfillment.fulfillmentStatus = 'PARTIALLY_SHIPPED';
    expect(draft(o).state.fulfilment).toBe('partial');
    o.fulfillment.fulfillmentStatus = 'CANCELLED';
    (o.orderItems[0] as SpOrder['orderItems'][number]).cancellation = {
      cancellationExecution: { cancelledBy: 'BUYER', cancelReason: 'Changed mind' },
    };
    expect(draft(o).state).toMatchObject({ cancelled: true, cancelReason: 'Changed mind', payment: 'voided' });
  });

  it('refuses a fractional quantity and an amount in another currency instead of rounding', () => {
    const o = gbp();
    (o.orderItems[0] as SpOrder['orderItems'][number]).quantityOrdered = 1.5;
    expect(() => mapOrder(o)).toThrow(/whole number/);
    const p = gbp();
    (p.orderItems[0] as SpOrder['orderItems'][number]).product.price = {
      unitPrice: { amount: '29.99', currencyCode: 'EUR' },
    };
    expect(() => mapOrder(p)).toThrow(/EUR/);
  });
});

describe('mapOrder: marketplace facilitator', () => {
  it('records who collects the tax when an item says MARKETPLACE_FACILITATOR (includedData TAX), else null', () => {
    const order = gbp();
    expect(draft(order).channelRef.taxCollectedBy).toBeNull();
    const [item] = order.orderItems;
    if (!item) throw new Error('no item');
    item.tax = { taxCollections: [{ model: 'MARKETPLACE_FACILITATOR', responsibleParty: 'Amazon EU S.à r.l.' }] };
    expect(draft(order).channelRef.taxCollectedBy).toBe('Amazon EU S.à r.l.');
    item.tax = { taxCollections: [{ model: 'STANDARD' }] };
    expect(draft(order).channelRef.taxCollectedBy).toBeNull();
  });

  it("takes the promised date from Amazon's examples: deliver-by end, else ship-by end (the FBA example has only that)", () => {
    expect(draft(gbp()).promisedAt).toBe('2024-12-30T23:59:59Z');
    const jpy = fixture<SpSearchOrdersResponse>('search-orders-sandbox-jpy-fba.json').orders[0] as SpOrder;
    expect(draft(jpy).promisedAt).toBe('2024-12-25T23:59:59Z');
    const none = gbp();
    delete none.fulfillment?.deliverByWindow;
    delete none.fulfillment?.shipByWindow;
    expect(draft(none).promisedAt).toBeNull();
  });

  it("the buyer's VAT id from tax.taxRegistrations (BUYER, VAT), prefixed only with a country Amazon states", () => {
    // Amazon's BRL example: a BUYER VAT registration "1234567890" with no registration address.
    const [brl] = fixture<SpSearchOrdersResponse>('search-orders-sandbox-brl-tax.json').orders;
    const order = brl as SpOrder;
    expect(draft(order).buyerVatId).toBeNull();
    const reg = order.tax?.taxRegistrations?.find((r) => r.entityType === 'BUYER');
    if (!reg) throw new Error('the example has a BUYER registration');
    reg.taxRegistrationAddress = { countryCode: 'BR' };
    expect(draft(order).buyerVatId).toBe('BR1234567890');
    reg.taxRegistrationNumber = 'atu 123.456-78';
    reg.taxRegistrationAddress = { countryCode: 'AT' };
    expect(draft(order).buyerVatId).toBe('ATU12345678');
    reg.taxRegistrationNumber = '094014298';
    reg.taxRegistrationAddress = { countryCode: 'GR' };
    expect(draft(order).buyerVatId).toBe('EL094014298');
    // Amazon's TRY example: the buyer's registration is BUSINESS, not VAT; no TAX data at all gives none.
    expect(draft(fixture<{ order: SpOrder }>('get-order-sandbox-try-tax.json').order).buyerVatId).toBeNull();
    expect(draft(gbp()).buyerVatId).toBeNull();
  });
});
