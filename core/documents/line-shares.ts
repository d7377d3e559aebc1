// Part of an order's lines (a refund's returned units, a parcel's shipped units): the quantities
// with each line's discount and tax shared out in proportion (allocateMinor, so that the shares
// of all parts add up exactly to the line's amounts).
import { allocateMinor, multiplyMoney, money } from '../money/money.ts';
import type { ContentLine, TaxRow } from './content.ts';
import { combinedRate, taxesByRate } from './content.ts';
import { type DocumentOrder, lineTaxes } from './order-state.ts';

/** A line named by the hub's id (the hub's own returns and parcels) or by the channel's (channel returns). */
export interface LinePart {
  orderLineId?: string;
  channelLineId?: string;
  quantity: number;
}

/** The part of `amount` that `part` of `whole` units carry. */
function share(amount: number, part: number, whole: number): number {
  return part >= whole ? amount : (allocateMinor(amount, [part, whole - part])[0] ?? 0);
}

export function lineShares(order: DocumentOrder, parts: readonly LinePart[]) {
  const c = order.currency;
  const lines: ContentLine[] = [];
  const taxes: TaxRow[] = [];
  let discount = 0;
  for (const r of parts) {
    const line = order.lines.find((l) =>
      r.orderLineId ? l.id === r.orderLineId : l.channelLineId === r.channelLineId,
    );
    // Units sold on the line: its current quantity, or what shipped when more did.
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
  return { lines, taxes: taxesByRate(taxes), discount, subtotal: lines.reduce((s, l) => s + l.amount, 0) };
}

/** Parts as stored in a Return's or a Fulfilment's `lines` JSON. */
export function storedParts(json: unknown): LinePart[] {
  return (Array.isArray(json) ? json : []).flatMap(
    (p: { orderLineId?: unknown; channelLineId?: unknown; quantity?: unknown }): LinePart[] => {
      if (typeof p?.quantity !== 'number') return [];
      if (typeof p.orderLineId === 'string') return [{ orderLineId: p.orderLineId, quantity: p.quantity }];
      if (typeof p.channelLineId === 'string') return [{ channelLineId: p.channelLineId, quantity: p.quantity }];
      return [];
    },
  );
}
