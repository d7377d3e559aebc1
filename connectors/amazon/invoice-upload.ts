// Uploads the hub's invoices and credit notes of merchant-fulfilled orders to Amazon (Feeds API,
// feedType UPLOAD_VAT_INVOICE: the PDF as the feed document, the invoice's figures as feedOptions
// "metadata:*" keys — Amazon's "Manually upload invoices" guide for sellers outside the VAT
// Calculation Service). Amazon accepts it only in the EU/UK marketplaces of the VAT programme
// and only for orders the seller ships (Amazon invoices what it fulfils itself).
import { formatMinor } from '../../core/money/money.ts';
import type { ChannelDocument, ChannelDocumentResult } from '../connector.ts';
import type { AmazonCtx } from './client.ts';
import { createFeedWithDocument } from './feeds.ts';

export const INVOICE_FEED_TYPE = 'UPLOAD_VAT_INVOICE';

/** The marketplaces the invoicing feed is available in (Amazon's "Manually upload invoices" page). */
export const VAT_INVOICE_MARKETPLACES: ReadonlyMap<string, string> = new Map([
  ['A1RKKUPIHCS9HS', 'Spain'],
  ['A1F83G8C2ARO7P', 'UK'],
  ['A13V1IB3VIYZZH', 'France'],
  ['A1PA6795UKMFR9', 'Germany'],
  ['APJ6JRA9NG5V4', 'Italy'],
  ['A1805IZSGTT6HS', 'Netherlands'],
  ['A1C3SOZRARQ6R3', 'Poland'],
  ['A2NODRKZP88ZB9', 'Sweden'],
]);

/** The characters Amazon accepts in feedOptions values; others are replaced by a dash. */
const UNACCEPTED = /[^A-Za-z0-9 ,/\\\-_;:#]/g;

export async function uploadInvoice(ctx: AmazonCtx, doc: ChannelDocument): Promise<ChannelDocumentResult> {
  const marketplaceId = typeof doc.channelRef?.marketplaceId === 'string' ? doc.channelRef.marketplaceId : null;
  if (!marketplaceId || !VAT_INVOICE_MARKETPLACES.has(marketplaceId)) {
    return {
      status: 'not_applicable',
      reason: `Amazon takes invoice uploads only in its EU and UK marketplaces (this order: ${marketplaceId ?? 'unknown'})`,
    };
  }
  if (doc.channelRef?.fulfilledBy === 'AMAZON') {
    return { status: 'not_applicable', reason: 'fulfilled by Amazon: Amazon issues the invoice of what it ships' };
  }
  if (doc.kind === 'credit_note' && !doc.refundExternalId) {
    return {
      status: 'not_applicable',
      reason: "Amazon needs the refund's transaction id for a credit note; this refund was not made on Amazon",
    };
  }
  const options: Record<string, string> = {
    'metadata:OrderId': doc.externalOrderId,
    'metadata:InvoiceNumber': doc.number.replace(UNACCEPTED, '-'),
    'metadata:TotalAmount': formatMinor(Math.abs(doc.total), doc.currency),
    'metadata:TotalVATAmount': formatMinor(Math.abs(doc.taxTotal), doc.currency),
    'metadata:DocumentType': doc.kind === 'invoice' ? 'Invoice' : 'CreditNote',
  };
  if (doc.kind === 'credit_note' && doc.refundExternalId)
    options['metadata:TransactionId'] = doc.refundExternalId.replace(UNACCEPTED, '-');
  const feedId = await createFeedWithDocument(ctx, {
    feedType: INVOICE_FEED_TYPE,
    marketplaceIds: [marketplaceId],
    contentType: 'application/pdf',
    body: doc.pdf,
    feedOptions: options,
  });
  return { status: 'uploaded', reference: feedId };
}
