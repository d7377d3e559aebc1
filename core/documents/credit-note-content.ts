// A credit note for one refund (a Return row): the returned quantities of each line, with the
// line's discount and tax shared out in proportion (line-shares.ts). It names the invoice it
// corrects; the invoice itself is never changed.
import type { DocumentContent, Merchant } from './content.ts';
import type { DocumentLanguage } from './language.ts';
import { type LinePart, lineShares } from './line-shares.ts';
import {
  billToLines,
  buyerOf,
  type DocumentOrder,
  orderNumber,
  taxAddedToTotal,
  taxCollectedBy,
} from './order-state.ts';

export type ReturnedLine = LinePart;

export function creditNoteContent(
  order: DocumentOrder,
  returned: readonly ReturnedLine[],
  merchant: Merchant,
  head: { number: string; issuedAt: Date; language: DocumentLanguage; refersToNumber: string },
): DocumentContent {
  const { lines, taxes, discount, subtotal } = lineShares(order, returned);
  const taxIncluded = !taxAddedToTotal(order);
  const tax = taxes.reduce((s, t) => s + t.amount, 0);
  return {
    kind: 'credit_note',
    ...head,
    orderNumber: orderNumber(order),
    merchant,
    billTo: billToLines(order),
    buyer: buyerOf(order),
    currency: order.currency,
    lines,
    subtotal,
    discount,
    shipping: 0,
    tip: 0,
    taxes,
    shippingTax: 0,
    taxIncluded,
    total: subtotal - discount + (taxIncluded ? 0 : tax),
    taxCollectedBy: taxCollectedBy(order),
    tracking: null,
  };
}
