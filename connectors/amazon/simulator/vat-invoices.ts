// The simulator's side of the invoicing feed (UPLOAD_VAT_INVOICE): each upload is checked as
// Amazon's "Manually upload invoices" guide describes it — an EU/UK marketplace, the order named
// by metadata:OrderId, an invoice number of the accepted characters, decimal totals, a document
// type, a transaction id for credit notes, a PDF — and kept with its outcome, the way the VAT
// invoice data report shows it per shipment. One upload every three seconds (the feed's throttle).
import type { SpOrder } from '../payloads.ts';

export const INVOICE_FEED_TYPE = 'UPLOAD_VAT_INVOICE';
/**
 * Amazon's side of the rule, kept apart from the connector's own list on purpose: a connector
 * that offered an upload to a marketplace Amazon does not take it in fails against this one.
 * Spain, UK, France, Germany, Italy, Netherlands, Poland, Sweden.
 */
const MARKETPLACES = new Set([
  'A1RKKUPIHCS9HS',
  'A1F83G8C2ARO7P',
  'A13V1IB3VIYZZH',
  'A1PA6795UKMFR9',
  'APJ6JRA9NG5V4',
  'A1805IZSGTT6HS',
  'A1C3SOZRARQ6R3',
  'A2NODRKZP88ZB9',
]);

export const INVOICE_UPLOAD_INTERVAL_MS = 3000;
const ACCEPTED_CHARACTERS = /^[A-Za-z0-9 ,/\\\-_;:#]+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

export interface SimVatInvoice {
  feedId: string;
  orderId: string;
  marketplaceId: string;
  invoiceNumber: string;
  documentType: string;
  totalAmount: string;
  totalVatAmount: string;
  transactionId: string | null;
  pdf: Uint8Array;
  /** "Accepted", or why Amazon would list the shipment as still pending an invoice. */
  status: string;
  receivedAt: number;
}

export class SimVatInvoices {
  readonly uploads: SimVatInvoice[] = [];
  private lastAt = Number.NEGATIVE_INFINITY;

  /** Whether an upload now comes within three seconds of the last one. */
  throttled(now: number): boolean {
    return now - this.lastAt < INVOICE_UPLOAD_INTERVAL_MS;
  }

  receive(input: {
    feedId: string;
    marketplaceIds: string[];
    options: Record<string, string>;
    contentType: string;
    bytes: Uint8Array;
    order: (id: string) => SpOrder | undefined;
    now: number;
  }): SimVatInvoice {
    this.lastAt = input.now;
    const o = input.options;
    const orderId = o['metadata:OrderId'] ?? '';
    const upload: SimVatInvoice = {
      feedId: input.feedId,
      orderId,
      marketplaceId: input.marketplaceIds[0] ?? '',
      invoiceNumber: o['metadata:InvoiceNumber'] ?? '',
      documentType: o['metadata:DocumentType'] ?? '',
      totalAmount: o['metadata:TotalAmount'] ?? '',
      totalVatAmount: o['metadata:TotalVATAmount'] ?? '',
      transactionId: o['metadata:TransactionId'] ?? null,
      pdf: input.bytes,
      status: problem(input) ?? 'Accepted',
      receivedAt: input.now,
    };
    this.uploads.push(upload);
    return upload;
  }
}

function problem(input: Parameters<SimVatInvoices['receive']>[0]): string | null {
  const o = input.options;
  if (input.marketplaceIds.length !== 1 || !MARKETPLACES.has(input.marketplaceIds[0] ?? ''))
    return 'Provided MarketplaceIdList is invalid.';
  const order = input.order(o['metadata:OrderId'] ?? '');
  if (!order) return 'Invalid OrderId: no such order for this seller';
  if (order.salesChannel.marketplaceId !== input.marketplaceIds[0]) return 'The order belongs to another marketplace';
  const number = o['metadata:InvoiceNumber'] ?? '';
  if (!ACCEPTED_CHARACTERS.test(number)) return 'Invalid InvoiceNumber';
  if (!DECIMAL.test(o['metadata:TotalAmount'] ?? '')) return 'Invalid TotalAmount';
  if (!DECIMAL.test(o['metadata:TotalVATAmount'] ?? '')) return 'Invalid TotalVATAmount';
  const type = o['metadata:DocumentType'];
  if (type !== 'Invoice' && type !== 'CreditNote') return 'Invalid DocumentType';
  if (type === 'CreditNote' && !o['metadata:TransactionId']) return 'TransactionId is required for a CreditNote';
  const pdf = new TextDecoder().decode(input.bytes.subarray(0, 5));
  if (input.contentType !== 'application/pdf' || pdf !== '%PDF-') return 'The document is not a PDF';
  return null;
}
