// Refunds out: goods of a Shopify order came back outside Shopify (a store's till, the hub's
// returns desk) and the hub restocked them where they arrived, so Shopify must refund the buyer.
// refundCreate (shopify.dev admin-graphql 2026-10, RefundInput / RefundLineItemInput /
// OrderTransactionInput) with
// - refundLineItems restockType NO_RESTOCK: the hub owns stock and already put the units back at
//   the location that took them; RETURN would add them a second time to Shopify's count at a
//   location Shopify picks (the hub's next stock push would correct it, but only after the shop
//   advertised units that do not exist);
// - transactions: the money goes back through the payment that took it. Shopify's
//   order.suggestedRefund for the same lines names it (parent transaction, gateway, what is
//   still refundable); the amount is the hub's when it says one, else Shopify's suggestion.
// Exactly once: the note carries the push key. A push first reads the order's refunds and a
// refund with its key means it already happened (a replay after a lost answer); from 2026-01 the
// @idempotent directive guards the mutation as well (mandatory from 2026-04). The same key in
// the note lets the refunds/create webhook of this refund be recognised as the hub's own
// (isHubRefund), so it does not record the return a second time.
import { formatMinor, parseMinor } from '../../core/money/money.ts';
import { ConnectorError, type FulfilmentPush, type FulfilmentPushResult } from '../connector.ts';
import type { ShopifyClient } from './client.ts';
import { versionAtLeast } from './config.ts';
import type { UserError } from './payloads.ts';
import { OP, REFUND_CONTEXT_QUERY, REFUND_CREATE_LEGACY_MUTATION, REFUND_CREATE_MUTATION } from './queries.ts';

const MARKER = 'omnihub-refund:';

/** The note of a refund the hub creates: why, for the merchant, and the push key. */
export function hubRefundNote(pushKey: string): string {
  return `Goods returned outside Shopify and restocked by omnihub where they arrived. ${MARKER}${pushKey}`;
}

/** Whether a refund's note says the hub created it (its refunds/create must not count again). */
export function isHubRefund(note: string | null | undefined): boolean {
  return typeof note === 'string' && note.includes(MARKER);
}

interface ShopMoney {
  shopMoney: { amount: string; currencyCode: string };
}
interface SuggestedTransaction {
  gateway: string | null;
  kind: string;
  amountSet: ShopMoney;
  maximumRefundableSet: ShopMoney | null;
  parentTransaction: { id: string } | null;
}
interface RefundContextPayload {
  order: {
    id: string;
    currencyCode: string;
    presentmentCurrencyCode: string | null;
    refunds: { id: string; note: string | null }[];
    suggestedRefund: { amountSet: ShopMoney; suggestedTransactions: SuggestedTransaction[] } | null;
  } | null;
}
interface RefundCreatePayload {
  refundCreate: { refund: { id: string } | null; userErrors: UserError[] } | null;
}

function refused(code: string, message: string): ConnectorError {
  return new ConnectorError(code, message, { retryable: false });
}

/**
 * Spreads `amount` over the payments Shopify suggests, each up to what it can still refund. What
 * is left goes on the last one: Shopify then refuses the over-refund by name, instead of the hub
 * quietly refunding less than the buyer was promised.
 */
export function spreadOverPayments(
  amount: number,
  suggested: SuggestedTransaction[],
  currency: string,
  orderId: string,
): { orderId: string; parentId: string; gateway: string; kind: 'REFUND'; amount: string }[] {
  const payments = suggested.filter((t) => t.parentTransaction && t.gateway);
  const out: { orderId: string; parentId: string; gateway: string; kind: 'REFUND'; amount: number }[] = [];
  let left = amount;
  for (const t of payments) {
    if (left <= 0) break;
    const max = parseMinor((t.maximumRefundableSet ?? t.amountSet).shopMoney.amount, currency);
    const take = Math.min(left, max);
    if (take <= 0) continue;
    out.push({
      orderId,
      parentId: t.parentTransaction?.id ?? '',
      gateway: t.gateway ?? '',
      kind: 'REFUND',
      amount: take,
    });
    left -= take;
  }
  const fallback = payments.at(-1);
  if (left > 0 && out.length === 0 && fallback) {
    out.push({
      orderId,
      parentId: fallback.parentTransaction?.id ?? '',
      gateway: fallback.gateway ?? '',
      kind: 'REFUND',
      amount: 0,
    });
  }
  const tail = out.at(-1);
  if (left > 0 && tail) tail.amount += left;
  return out.map((t) => ({ ...t, amount: formatMinor(t.amount, currency) }));
}

export async function pushRefund(client: ShopifyClient, push: FulfilmentPush): Promise<FulfilmentPushResult> {
  if (push.lines.length === 0) throw refused('invalid_push', 'a refund push names no lines to refund');
  const marker = `${MARKER}${push.idempotencyKey}`;
  const refundLineItems = push.lines.map((l) => ({
    lineItemId: l.channelLineId,
    quantity: l.quantity,
    restockType: 'NO_RESTOCK',
  }));
  const ctx = await client.request<RefundContextPayload>(
    OP.refundContext,
    REFUND_CONTEXT_QUERY,
    { id: push.externalOrderId, refundLineItems },
    { retrySafe: true },
  );
  const order = ctx.order;
  if (!order) throw refused('order_not_found', `Shopify has no order ${push.externalOrderId}`);
  const done = order.refunds.find((r) => r.note?.includes(marker));
  if (done) return { externalFulfilmentId: done.id, alreadyApplied: true };

  const currency = order.currencyCode;
  if (order.presentmentCurrencyCode && order.presentmentCurrencyCode !== currency) {
    // Shopify refunds such an order in the buyer's currency, which the hub does not hold.
    throw refused(
      'unsupported',
      `the buyer paid in ${order.presentmentCurrencyCode}, the shop's currency is ${currency}: refund it in Shopify without restocking (the hub restocked the goods)`,
    );
  }
  if (push.refund && push.refund.currency !== currency) {
    throw refused('refund_rejected', `the refund is in ${push.refund.currency}, the order in ${currency}`);
  }
  const suggested = order.suggestedRefund;
  const amount = push.refund ? push.refund.amount : parseMinor(suggested?.amountSet.shopMoney.amount ?? '0', currency);
  const transactions = spreadOverPayments(amount, suggested?.suggestedTransactions ?? [], currency, order.id);
  if (amount > 0 && transactions.length === 0) {
    throw refused(
      'refund_rejected',
      `Shopify shows no payment to refund ${formatMinor(amount, currency)} ${currency} to (unpaid, or paid outside Shopify): refund the buyer by hand`,
    );
  }

  const input = {
    orderId: order.id,
    note: hubRefundNote(push.idempotencyKey),
    notify: push.notifyCustomer ?? false,
    refundLineItems,
    transactions,
  };
  const modern = versionAtLeast(client.config.apiVersion, '2026-01');
  const res = await client.request<RefundCreatePayload>(
    modern ? OP.refundCreate : OP.refundCreateLegacy,
    modern ? REFUND_CREATE_MUTATION : REFUND_CREATE_LEGACY_MUTATION,
    modern ? { input, idempotencyKey: push.idempotencyKey } : { input },
    // With the key Shopify answers a repeat with the first result; without it, an unclear
    // failure is retried as a whole push, whose read above finds a refund that went through.
    { retrySafe: modern },
  );
  const errors = res.refundCreate?.userErrors ?? [];
  if (errors.length > 0) {
    throw refused('refund_rejected', `refundCreate: ${errors.map((e) => e.message).join('; ')}`);
  }
  return { externalFulfilmentId: res.refundCreate?.refund?.id ?? null, alreadyApplied: false };
}
