// Amazon's invoicing feed (UPLOAD_VAT_INVOICE) through the connector's own client against the
// simulator: the PDF and its figures arrive as Amazon's guide asks, only where Amazon takes them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelDocument } from '../../connectors/connector.ts';
import { DE, type Harness, harness, UK, US } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness({ marketplaceIds: [DE, UK, US] });
  h.sim.addListing({ sku: 'LAMP', productType: 'LAMP' });
});
afterEach(() => h.close());

const PDF = new TextEncoder().encode('%PDF-1.7\n% an invoice\n%%EOF\n');
const eu = () => h.account({ marketplaceIds: [DE, UK], region: 'eu' });

function invoiceOf(orderId: string, marketplaceId: string, over: Partial<ChannelDocument> = {}): ChannelDocument {
  return {
    kind: 'invoice',
    number: 'RE-2026-000042',
    externalOrderId: orderId,
    channelRef: { marketplaceId, fulfilledBy: 'MERCHANT' },
    currency: 'EUR',
    total: 11_900,
    taxTotal: 1_900,
    refundExternalId: null,
    pdf: PDF,
    ...over,
  };
}

describe('Amazon invoice upload', () => {
  it('uploads the invoice of a merchant-fulfilled Amazon.de order: the PDF with order, number, totals and type', async () => {
    const o = h.sim.placeOrder({ marketplaceId: DE, items: [{ sku: 'LAMP', quantity: 1 }] });
    const result = await h.connector.uploadDocument?.(eu(), invoiceOf(o.orderId, DE));
    expect(result).toMatchObject({ status: 'uploaded' });
    const [upload, ...more] = h.sim.seller.vatInvoices.uploads;
    expect(more).toEqual([]);
    expect(upload).toMatchObject({
      orderId: o.orderId,
      marketplaceId: DE,
      invoiceNumber: 'RE-2026-000042',
      documentType: 'Invoice',
      totalAmount: '119.00',
      totalVatAmount: '19.00',
      transactionId: null,
      status: 'Accepted',
    });
    expect(result?.status === 'uploaded' && result.reference).toBe(upload?.feedId);
    expect(new TextDecoder().decode(upload?.pdf)).toBe(new TextDecoder().decode(PDF));
  });

  it("a credit note carries the refund's transaction id and Amazon's document type", async () => {
    const o = h.sim.placeOrder({ marketplaceId: UK, items: [{ sku: 'LAMP', quantity: 1 }] });
    const note = invoiceOf(o.orderId, UK, {
      kind: 'credit_note',
      number: 'GS-2026-000007',
      currency: 'GBP',
      total: -2_399,
      taxTotal: -400,
      refundExternalId: 'amzn-refund-8812',
    });
    expect(await h.connector.uploadDocument?.(eu(), note)).toMatchObject({ status: 'uploaded' });
    expect(h.sim.seller.vatInvoices.uploads[0]).toMatchObject({
      documentType: 'CreditNote',
      totalAmount: '23.99',
      totalVatAmount: '4.00',
      transactionId: 'amzn-refund-8812',
      status: 'Accepted',
    });
  });

  it('offers nothing where Amazon takes no upload: a US order, an FBA order, a credit note without an Amazon refund', async () => {
    const us = h.sim.placeOrder({ marketplaceId: US, items: [{ sku: 'LAMP', quantity: 1 }] });
    const fba = h.sim.placeOrder({ marketplaceId: DE, fulfilledBy: 'AMAZON', items: [{ sku: 'LAMP', quantity: 1 }] });
    const results = [
      await h.connector.uploadDocument?.(eu(), invoiceOf(us.orderId, US, { currency: 'USD' })),
      await h.connector.uploadDocument?.(
        eu(),
        invoiceOf(fba.orderId, DE, { channelRef: { marketplaceId: DE, fulfilledBy: 'AMAZON' } }),
      ),
      await h.connector.uploadDocument?.(
        eu(),
        invoiceOf(fba.orderId, DE, { kind: 'credit_note', channelRef: { marketplaceId: DE } }),
      ),
    ];
    expect(results.map((r) => r?.status)).toEqual(['not_applicable', 'not_applicable', 'not_applicable']);
    expect(h.sim.seller.vatInvoices.uploads).toEqual([]);
  });

  it('keeps an invoice number to the characters Amazon accepts', async () => {
    const o = h.sim.placeOrder({ marketplaceId: DE, items: [{ sku: 'LAMP', quantity: 1 }] });
    await h.connector.uploadDocument?.(eu(), invoiceOf(o.orderId, DE, { number: 'RE.2026.000042' }));
    expect(h.sim.seller.vatInvoices.uploads[0]).toMatchObject({ invoiceNumber: 'RE-2026-000042', status: 'Accepted' });
  });

  it("a second upload within three seconds is throttled as Amazon's invoicing feed is: retryable, nothing recorded", async () => {
    const a = h.sim.placeOrder({ marketplaceId: DE, items: [{ sku: 'LAMP', quantity: 1 }] });
    const b = h.sim.placeOrder({ marketplaceId: DE, items: [{ sku: 'LAMP', quantity: 1 }] });
    await h.connector.uploadDocument?.(eu(), invoiceOf(a.orderId, DE));
    await expect(
      h.connector.uploadDocument?.(eu(), invoiceOf(b.orderId, DE, { number: 'RE-2026-000043' })),
    ).rejects.toMatchObject({ retryable: true });
    h.clock.advance(3_000);
    await h.connector.uploadDocument?.(eu(), invoiceOf(b.orderId, DE, { number: 'RE-2026-000043' }));
    expect(h.sim.seller.vatInvoices.uploads.map((u) => [u.orderId, u.status])).toEqual([
      [a.orderId, 'Accepted'],
      [b.orderId, 'Accepted'],
    ]);
  });
});
