// The order as documents read it, in one query inside the transaction that records the document.
import type { Prisma } from '../db/generated/prisma/client.ts';
import type { Buyer, TaxRow } from './content.ts';

export type Tx = Prisma.TransactionClient;

export async function loadOrderForDocument(tx: Tx, orderId: string) {
  return tx.order.findUnique({
    where: { id: orderId },
    include: { lines: { orderBy: [{ position: 'asc' }, { channelLineId: 'asc' }] } },
  });
}
export type DocumentOrder = NonNullable<Awaited<ReturnType<typeof loadOrderForDocument>>>;
export type DocumentOrderLine = DocumentOrder['lines'][number];

/** A line's tax lines as stored (validated as TaxLineSchema at ingest). */
export function lineTaxes(line: DocumentOrderLine): TaxRow[] {
  const raw = Array.isArray(line.taxLines)
    ? (line.taxLines as { title?: unknown; rate?: unknown; amount?: unknown }[])
    : [];
  return raw.map((t) => ({
    title: String(t.title ?? ''),
    rate: typeof t.rate === 'string' ? t.rate : null,
    amount: Number(t.amount ?? 0),
  }));
}

/** The buyer's billing address (or shipping address) as printed lines; empty once erased. */
export function billToLines(order: DocumentOrder): string[] {
  const a = (order.billingAddress ?? order.shippingAddress) as Record<string, string | null | undefined> | null;
  if (!a) return [];
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.name, a.company, a.line1, a.line2, cityLine, a.region, a.countryCode].filter(
    (s): s is string => typeof s === 'string' && s.trim() !== '',
  );
}

/** The buyer's structured address and e-mail, for e-invoices; null once erased or never given. */
export function buyerOf(order: DocumentOrder): Buyer | null {
  const a = (order.billingAddress ?? order.shippingAddress) as Record<string, string | null | undefined> | null;
  if (!a) return null;
  const s = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const customer = order.customer as Record<string, unknown> | null;
  return {
    name: s(a.name),
    company: s(a.company),
    line1: s(a.line1),
    line2: s(a.line2),
    postalCode: s(a.postalCode),
    city: s(a.city),
    countryCode: s(a.countryCode),
    email: s(customer?.email),
    vatId: s(order.buyerVatId),
  };
}

export function orderNumber(order: DocumentOrder): string {
  return order.displayNumber ?? order.externalId;
}

/** Whether the channel's total adds the tax (net prices) or already contains it (gross prices). */
export function taxAddedToTotal(order: DocumentOrder): boolean {
  const net = order.subtotal - order.discountTotal + order.shippingTotal + order.tipTotal;
  return net + order.taxTotal === order.total;
}

/** The marketplace that collects and remits the tax on this order (connectors record it in channelRef). */
export function taxCollectedBy(order: DocumentOrder): string | null {
  const by = (order.channelRef as { taxCollectedBy?: unknown } | null)?.taxCollectedBy;
  return typeof by === 'string' && by.trim() !== '' ? by : null;
}

/** The shipping address as printed lines (a delivery note's), else the billing address. */
export function shipToLines(order: DocumentOrder): string[] {
  return billToLines({ ...order, billingAddress: order.shippingAddress ?? order.billingAddress });
}
