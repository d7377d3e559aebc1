// An invoice for the whole order, as the order stands when it is issued: its current lines,
// the channel's totals, tax summed per rate.
import { multiplyMoney, money } from '../money/money.ts';
import type { DocumentContent, Merchant } from './content.ts';
import { combinedRate, taxesByRate } from './content.ts';
import type { DocumentLanguage } from './language.ts';
import {
  billToLines,
  buyerOf,
  type DocumentOrder,
  lineTaxes,
  orderNumber,
  taxAddedToTotal,
  taxCollectedBy,
} from './order-state.ts';

export function invoiceContent(
  order: DocumentOrder,
  merchant: Merchant,
  head: { number: string; issuedAt: Date; language: DocumentLanguage },
): DocumentContent {
  const c = order.currency;
  const lines = order.lines.filter((l) => l.quantity > 0);
  const shippingTax = (
    Array.isArray(order.shippingLines) ? (order.shippingLines as { taxTotal?: number }[]) : []
  ).reduce((s, l) => s + Number(l.taxTotal ?? 0), 0);
  return {
    kind: 'invoice',
    ...head,
    orderNumber: orderNumber(order),
    refersToNumber: null,
    merchant,
    billTo: billToLines(order),
    buyer: buyerOf(order),
    currency: c,
    lines: lines.map((l) => {
      const taxes = lineTaxes(l);
      return {
        title: l.title,
        quantity: l.quantity,
        unitPrice: Number(l.unitPrice),
        amount: multiplyMoney(money(Number(l.unitPrice), c), l.quantity).amount,
        discount: Number(l.discountTotal),
        tax: taxes.reduce((s, t) => s + t.amount, 0),
        rate: combinedRate(taxes),
      };
    }),
    subtotal: Number(order.subtotal),
    discount: Number(order.discountTotal),
    shipping: Number(order.shippingTotal),
    tip: Number(order.tipTotal),
    taxes: taxesByRate(lines.flatMap(lineTaxes)),
    shippingTax,
    taxIncluded: !taxAddedToTotal(order),
    total: Number(order.total),
    taxCollectedBy: taxCollectedBy(order),
    tracking: null,
  };
}

/** The order confirmation: what was ordered and what it costs, as the invoice of the whole order would say. */
export function confirmationContent(
  order: DocumentOrder,
  merchant: Merchant,
  head: { number: string; issuedAt: Date; language: DocumentLanguage },
): DocumentContent {
  return { ...invoiceContent(order, merchant, head), kind: 'order_confirmation' };
}
