// A credit note for one refund (a Return row): the returned quantities of each line, with the
// line's discount and tax shared out in proportion (allocateMinor, so shares add up exactly).
// It names the invoice it corrects; the invoice itself is never changed.
import { allocateMinor, multiplyMoney, money } from '../money/money.ts';
import type { ContentLine, DocumentContent, Merchant, TaxRow } from './content.ts';
import { combinedRate, taxesByRate } from './content.ts';
import type { DocumentLanguage } from './language.ts';
import { billToLines, buyerOf, type DocumentOrder, lineTaxes, orderNumber, taxAddedToTotal } from './order-state.ts';

export interface ReturnedLine {
  orderLineId: string;
  quantity: number;
}

/** The part of `amount` that `part` of `whole` units carry. */
function share(amount: number, part: number, whole: number): number {
  return part >= whole ? amount : (allocateMinor(amount, [part, whole - part])[0] ?? 0);
}

export function creditNoteContent(
  order: DocumentOrder,
  returned: readonly ReturnedLine[],
  merchant: Merchant,
  head: { number: string; issuedAt: Date; language: DocumentLanguage; refersToNumber: string },
): DocumentContent {
  const c = order.currency;
  const lines: ContentLine[] = [];
  const taxes: TaxRow[] = [];
  let discount = 0;
  for (const r of returned) {
    const line = order.lines.find((l) => l.id === r.orderLineId);
    // Units sold on the line: its current quantity plus what was cancelled is not refunded here.
    const sold = line ? Math.max(line.quantity, line.fulfilledQty) : 0;
    if (!line || r.quantity <= 0 || sold <= 0) continue;
    const q = Math.min(r.quantity, sold);
    const unitPrice = Number(line.unitPrice);
    const lineDiscount = share(Number(line.discountTotal), q, sold);
    const lineTaxRows = lineTaxes(line).map((t) => ({ ...t, amount: share(t.amount, q, sold) }));
    lines.push({
      title: line.title,
      quantity: q,
      unitPrice,
      amount: multiplyMoney(money(unitPrice, c), q).amount,
      discount: lineDiscount,
      tax: lineTaxRows.reduce((s, t) => s + t.amount, 0),
      rate: combinedRate(lineTaxRows),
    });
    discount += lineDiscount;
    taxes.push(...lineTaxRows);
  }
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const taxRows = taxesByRate(taxes);
  const taxIncluded = !taxAddedToTotal(order);
  const tax = taxRows.reduce((s, t) => s + t.amount, 0);
  return {
    kind: 'credit_note',
    ...head,
    orderNumber: orderNumber(order),
    merchant,
    billTo: billToLines(order),
    buyer: buyerOf(order),
    currency: c,
    lines,
    subtotal,
    discount,
    shipping: 0,
    tip: 0,
    taxes: taxRows,
    shippingTax: 0,
    taxIncluded,
    total: subtotal - discount + (taxIncluded ? 0 : tax),
  };
}
