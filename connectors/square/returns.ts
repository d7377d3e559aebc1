// Square return orders → the hub's returns. Square never changes a sale order when goods come
// back: the till creates a separate order whose `returns[]` (OrderReturn, one per sale order)
// names the sale (`source_order_id`) and its lines (`return_line_items[].source_line_item_uid`),
// with the refund in `return_amounts` (square/connect-api-specification, api.json 2025-08-20:
// Order.returns, OrderReturn, OrderReturnLineItem, OrderMoneyAmounts). Pure.
// - Itemized return (lines with a catalog variation): restocked at the order's location (the
//   store where the goods came back), applied once per return (`{return order id}:{return uid}`).
// - Refund only (custom-amount lines, no variation): the refund is recorded, nothing restocked.
// - Exchange (the return order also sells `line_items`): the returned units are recorded as
//   returned without restock (a like-for-like swap: one unit back on the shelf, one out).
// - Unlinked return (no source order) or several sales in one return order: refused (RangeError:
//   the event becomes an exception a person sees).
import type { InterpretedEvent, ReturnDraft } from '../connector.ts';
import { wholeQuantity } from './mapping.ts';
import type { SqOrder } from './payloads.ts';

/** How long a return may wait for its sale order: Square reads the sale first; only racing notifications delay it. */
export const RETURN_WAITS_FOR_SALE_MS = 15 * 60_000;

export function isReturnOrder(order: SqOrder): boolean {
  return (order.returns ?? []).length > 0;
}

export function mapReturnOrder(order: SqOrder): Extract<InterpretedEvent, { kind: 'return' }> {
  const returns = order.returns ?? [];
  if (returns.length !== 1)
    throw new RangeError(
      `return order ${order.id}: returns items of ${returns.length} sale orders; record them by hand`,
    );
  const r = returns[0] as NonNullable<SqOrder['returns']>[number];
  if (!r.source_order_id)
    throw new RangeError(
      `return order ${order.id}: an unlinked return (no source_order_id): no sale to return to; restock by hand`,
    );
  const exchange = (order.line_items ?? []).length > 0;
  const lines: ReturnDraft['lines'] = [];
  (r.return_line_items ?? []).forEach((li, i) => {
    // A custom amount refunds money, no goods: nothing to restock or to count as returned.
    if (!li.catalog_object_id || !li.source_line_item_uid || li.item_type === 'CUSTOM_AMOUNT') return;
    lines.push({
      channelLineId: li.source_line_item_uid,
      quantity: wholeQuantity(li.quantity, `returns[0].return_line_items[${i}].quantity`),
      restock: !exchange,
    });
  });
  const total = r.return_amounts?.total_money ?? order.return_amounts?.total_money ?? null;
  return {
    kind: 'return',
    externalOrderId: r.source_order_id,
    waitForOrderMs: RETURN_WAITS_FOR_SALE_MS,
    draft: {
      externalReturnId: `${order.id}:${r.uid ?? r.source_order_id}`,
      lines,
      occurredAt: order.created_at,
      reason: exchange ? 'exchanged at the Square till' : 'returned at the Square till',
      refund:
        typeof total?.amount === 'number' && total.currency ? { amount: total.amount, currency: total.currency } : null,
      restockLocation: { externalId: order.location_id },
    },
  };
}
