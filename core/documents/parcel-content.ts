// The documents of one parcel (a Fulfilment): its delivery note, listing only the units in that
// parcel, and — when the merchant invoices per shipment — its invoice, with each line's discount
// and tax shared out in proportion (line-shares.ts) and the order's shipping on the first parcel.
import type { DocumentContent, Merchant } from './content.ts';
import type { DocumentLanguage } from './language.ts';
import { type LinePart, lineShares } from './line-shares.ts';
import {
  billToLines,
  buyerOf,
  type DocumentOrder,
  orderNumber,
  shipToLines,
  taxAddedToTotal,
  taxCollectedBy,
} from './order-state.ts';

type Head = { number: string; issuedAt: Date; language: DocumentLanguage };

export interface Parcel {
  parts: LinePart[];
  trackingCompany: string | null;
  trackingNumber: string | null;
  /** The first parcel of the order carries the order's shipping charge on a per-shipment invoice. */
  first: boolean;
}

export function deliveryNoteContent(
  order: DocumentOrder,
  parcel: Parcel,
  merchant: Merchant,
  head: Head,
): DocumentContent {
  const { lines } = lineShares(order, parcel.parts);
  const tracking = [parcel.trackingCompany, parcel.trackingNumber].filter(Boolean).join(' ') || null;
  return {
    kind: 'delivery_note',
    ...head,
    orderNumber: orderNumber(order),
    refersToNumber: null,
    merchant,
    billTo: shipToLines(order),
    // A delivery note is no invoice: no e-invoice reads a buyer from it.
    buyer: null,
    currency: order.currency,
    lines,
    subtotal: 0,
    discount: 0,
    shipping: 0,
    tip: 0,
    taxes: [],
    shippingTax: 0,
    taxIncluded: false,
    total: 0,
    taxCollectedBy: null,
    tracking,
  };
}

export function shipmentInvoiceContent(
  order: DocumentOrder,
  parcel: Parcel,
  merchant: Merchant,
  head: Head,
): DocumentContent {
  const { lines, taxes, discount, subtotal } = lineShares(order, parcel.parts);
  const shippingTax = parcel.first
    ? (Array.isArray(order.shippingLines) ? (order.shippingLines as { taxTotal?: number }[]) : []).reduce(
        (s, l) => s + Number(l.taxTotal ?? 0),
        0,
      )
    : 0;
  const shipping = parcel.first ? Number(order.shippingTotal) : 0;
  const taxIncluded = !taxAddedToTotal(order);
  const tax = taxes.reduce((s, t) => s + t.amount, 0) + shippingTax;
  return {
    kind: 'invoice',
    ...head,
    orderNumber: orderNumber(order),
    refersToNumber: null,
    merchant,
    billTo: billToLines(order),
    buyer: buyerOf(order),
    currency: order.currency,
    lines,
    subtotal,
    discount,
    shipping,
    tip: 0,
    taxes,
    shippingTax,
    taxIncluded,
    total: subtotal - discount + shipping + (taxIncluded ? 0 : tax),
    taxCollectedBy: taxCollectedBy(order),
    tracking: null,
  };
}
