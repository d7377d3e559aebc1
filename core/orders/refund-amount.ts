// A refund's amount as a channel reports it, and the money the hub stores for it. Channels
// name the currency of a refund transaction, except when they do not: then the amounts are
// read in the order's currency, the only one the refund can be in that the hub knows of.
import { type Money, money, parseMinor } from '../money/money.ts';

/** Integer minor units in a named currency, or the channel's decimal texts when it named none. */
export type RefundAmount = { amount: number; currency: string } | { decimals: string[]; currency: null };

/** Throws a MoneyError for an unknown currency or an amount that is not a plain decimal. */
export function refundMinor(refund: RefundAmount, orderCurrency: string): Money {
  if (refund.currency !== null) return money(refund.amount, refund.currency);
  return money(
    refund.decimals.reduce((sum, d) => sum + parseMinor(d, orderCurrency), 0),
    orderCurrency,
  );
}
