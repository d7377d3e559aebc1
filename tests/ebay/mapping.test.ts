// The pure mapping of a Sell Fulfillment order to the hub's OrderDraft, field by field against
// the README's table. The fixture follows eBay's getOrder contract (sell_fulfillment_v1_oas3).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EbayMappingError, mapOrder, needsCancelDetail } from '../../connectors/ebay/mapping.ts';
import type { EbayOrder } from '../../connectors/ebay/payloads.ts';

const order = (): EbayOrder =>
  JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/ebay/order.json', import.meta.url)), 'utf8')) as EbayOrder;

describe('eBay order mapping', () => {
  it('maps ids, lines, money in minor units, buyer, address and statuses', () => {
    const d = mapOrder(order());
    expect(d).toMatchObject({
      externalId: '05-11111-22222',
      displayNumber: '17602',
      currency: 'USD',
      presentment: { currency: 'EUR', total: 5950 },
      state: { cancelled: false, payment: 'paid', fulfilment: 'unfulfilled' },
      customer: {
        externalId: 'jane_buyer',
        name: 'Jane Buyer',
        email: '0a1b2c3d4e@members.ebay.com',
        phone: '4085550199',
      },
      shippingAddress: {
        name: 'Jane Buyer',
        company: 'Buyer Co',
        line1: '2 Elm St',
        line2: 'Apt 4',
        city: 'San Jose',
        region: 'CA',
        postalCode: '95125',
        countryCode: 'US',
      },
      totals: { subtotal: 5997, discountTotal: 750, shippingTotal: 750, taxTotal: 412, total: 6409 },
      shippingLines: [{ title: 'USPSPriority', price: 750, discountTotal: 250 }],
      channelCreatedAt: '2026-11-28T10:15:02.000Z',
      channelUpdatedAt: '2026-11-28T11:40:10.000Z',
      sourceName: 'ebay',
    });
    expect(d.lines).toEqual([
      expect.objectContaining({
        channelLineId: '10000111',
        sku: 'MUG-BLUE',
        quantity: 2,
        unitPrice: 1999,
        discountTotal: 500,
        discounts: [{ code: '5001', title: 'Buy 2, save $5', amount: 500 }],
        taxLines: [{ title: 'STATE_SALES_TAX', rate: null, amount: 338 }],
        externalProductId: '110551234567',
        externalVariantId: null,
      }),
      expect.objectContaining({
        channelLineId: '10000112',
        sku: null,
        variantTitle: 'Colour: Red, Size: M',
        unitPrice: 1999,
        externalProductId: '110559999999',
        externalVariantId: '420001234',
      }),
    ]);
  });

  it("reports the buyer's open cancellation request (getOrder), which getOrders hides", () => {
    expect(mapOrder(order()).cancelRequest).toEqual({
      requestedAt: '2026-11-28T11:40:09.000Z',
      reason: 'BUYER_ASKED_CANCEL',
    });
    const listed = order();
    listed.cancelStatus.cancelRequests = [];
    expect(needsCancelDetail(listed)).toBe(true);
    expect(mapOrder(listed).cancelRequest).toBeNull();
  });

  it('maps a cancelled, shipped, refunded order', () => {
    const o = order();
    o.cancelStatus = {
      cancelState: 'CANCELED',
      cancelRequests: [{ cancelRequestState: 'COMPLETED', cancelReason: 'OUT_OF_STOCK' }],
    };
    o.orderPaymentStatus = 'FULLY_REFUNDED';
    o.orderFulfillmentStatus = 'FULFILLED';
    for (const l of o.lineItems) l.lineItemFulfillmentStatus = 'FULFILLED';
    const d = mapOrder(o);
    expect(d.state).toMatchObject({
      cancelled: true,
      cancelReason: 'OUT_OF_STOCK',
      payment: 'refunded',
      fulfilment: 'fulfilled',
    });
    expect(d.lines.map((l) => l.fulfilledQuantity)).toEqual([2, 1]);
    expect(d.cancelRequest).toBeNull();
  });

  it('refuses what does not fit, naming the field: a fractional quantity, a cost not split in equal units, another currency', () => {
    const fractional = order();
    (fractional.lineItems[0] as { quantity: number }).quantity = 1.5;
    expect(() => mapOrder(fractional)).toThrow(
      new EbayMappingError('lineItems[0].quantity', 'must be a whole number, got 1.5'),
    );
    const uneven = order();
    (uneven.lineItems[0] as { lineItemCost: { value: string } }).lineItemCost.value = '39.99';
    expect(() => mapOrder(uneven)).toThrow(/lineItems\[0\]\.lineItemCost/);
    const currency = order();
    (currency.lineItems[1] as { lineItemCost: { currency: string } }).lineItemCost.currency = 'GBP';
    expect(() => mapOrder(currency)).toThrow(/lineItems\[1\]\.lineItemCost\.currency/);
  });
});

describe('eBay order mapping: marketplace facilitator', () => {
  it('records that eBay collects the tax when a line lists ebayCollectAndRemitTaxes, else null', () => {
    const o = order();
    expect(mapOrder(o).channelRef.taxCollectedBy).toBeNull();
    const [line] = o.lineItems;
    if (!line) throw new Error('no line');
    line.ebayCollectAndRemitTaxes = [
      { taxType: 'STATE_SALES_TAX', amount: { value: '1.20', currency: 'USD' }, collectionMethod: 'NET' },
    ];
    expect(mapOrder(o).channelRef.taxCollectedBy).toBe('eBay');
  });

  it('takes the latest maxEstimatedDeliveryDate as the promised date; refuses one that is no date, naming it', () => {
    const o = order();
    expect(mapOrder(o).promisedAt ?? null).toBeNull();
    o.lineItems[0] = {
      ...(o.lineItems[0] as EbayOrder['lineItems'][number]),
      lineItemFulfillmentInstructions: { maxEstimatedDeliveryDate: '2026-12-04T07:59:59.000Z' },
    };
    expect(mapOrder(o).promisedAt).toBe('2026-12-04T07:59:59.000Z');
    o.lineItems[0] = {
      ...(o.lineItems[0] as EbayOrder['lineItems'][number]),
      lineItemFulfillmentInstructions: { maxEstimatedDeliveryDate: 'next week' },
    };
    expect(() => mapOrder(o)).toThrow(EbayMappingError);
    expect(() => mapOrder(o)).toThrow('lineItems[0].lineItemFulfillmentInstructions.maxEstimatedDeliveryDate');
  });

  it("the buyer's VAT id from buyer.taxIdentifier of type VATIN (getOrder), with its issuing country's prefix", () => {
    const o = order();
    expect(mapOrder(o).buyerVatId).toBeNull();
    if (!o.buyer) throw new Error('the fixture has a buyer');
    o.buyer.taxIdentifier = { taxpayerId: '12345678901', taxIdentifierType: 'VATIN', issuingCountry: 'IT' };
    expect(mapOrder(o).buyerVatId).toBe('IT12345678901');
    o.buyer.taxIdentifier = { taxpayerId: 'ESB12345678', taxIdentifierType: 'VATIN', issuingCountry: 'ES' };
    expect(mapOrder(o).buyerVatId).toBe('ESB12345678');
    // Other tax ids are not VAT ids: a Spanish NIF (tax number) is not necessarily a VAT registration.
    o.buyer.taxIdentifier = { taxpayerId: 'B12345678', taxIdentifierType: 'NIF', issuingCountry: 'ES' };
    expect(mapOrder(o).buyerVatId).toBeNull();
  });
});
