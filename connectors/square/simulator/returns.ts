// The return order the simulated till creates when goods come back: Square models a return as
// its own order (never a change to the sale), with `returns[0]` naming the sale and the lines
// returned, priced from the catalog, the money given back in `return_amounts`, and no
// `line_items` of its own (that would be an exchange). Shapes: square/connect-api-specification
// (Order.returns, OrderReturn, OrderReturnLineItem, OrderMoneyAmounts).
import type { SqOrder } from '../payloads.ts';
import type { SimState } from './state.ts';

export function returnOrder(
  state: SimState,
  id: string,
  locationId: string,
  sourceOrderId: string | null,
  lines: { sourceLineUid?: string; variationId: string; quantity?: string }[],
): SqOrder {
  const now = state.now();
  const money = (amount: number) => ({ amount, currency: state.currency });
  const items = lines.map((l, i) => {
    const v = state.variations.get(l.variationId);
    if (!v) throw new Error(`unknown variation ${l.variationId}`);
    const q = l.quantity ?? '1';
    return {
      uid: `rli-${i + 1}`,
      source_line_item_uid: l.sourceLineUid ?? null,
      name: state.items.get(v.itemId)?.name ?? v.name,
      quantity: q,
      catalog_object_id: v.id,
      variation_name: v.name,
      item_type: 'ITEM' as const,
      base_price_money: money(v.price),
      total_money: money(Math.round(v.price * Number(q))),
    };
  });
  const total = items.reduce((s, l) => s + (l.total_money.amount ?? 0), 0);
  return {
    id,
    location_id: locationId,
    source: { name: 'Square Point of Sale' },
    state: 'COMPLETED',
    created_at: now,
    updated_at: now,
    closed_at: now,
    returns: [
      {
        uid: 'ret-1',
        source_order_id: sourceOrderId,
        return_line_items: items,
        return_amounts: { total_money: money(total) },
      },
    ],
    return_amounts: { total_money: money(total) },
    total_money: money(0),
    net_amount_due_money: money(0),
  };
}
