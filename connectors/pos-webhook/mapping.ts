// Till event -> what it means for core. Pure; the README's tables list every field.
// - sale: an order sold over the counter at `location`: paid and handed over, so every line is
//   fulfilled at once and its units leave the store's stock in the same ingestion (reserved and
//   committed together). Line ids are the SKUs (schema: one line per SKU), which is how returns
//   name them.
// - delivery_order: an order taken at the till for home delivery (endless aisle): paid, nothing
//   fulfilled, no origin location, so it reserves from the account's locations in priority order
//   (the warehouse) and goes through the hub's shipping flow like a web order.
// - return: goods brought back to the store, restocked there; the order is this till's receipt or
//   another channel's order (a web order returned at the store).
// - count: a physical count at the store, applied as of when it was taken (core/inventory/store-count.ts).
import type { ChannelLocationRef, InterpretedEvent, ReturnDraft } from '../connector.ts';
import { type OrderDraft, OrderDraftSchema } from '../../core/order/schema.ts';
import {
  type TillCount,
  type TillDeliveryOrder,
  TillEventSchema,
  type TillReturn,
  type TillSale,
  topicOf,
} from './schema.ts';

type Lines = TillSale['lines'];

function draftLines(lines: Lines, fulfilled: boolean) {
  return lines.map((l) => ({
    channelLineId: l.sku,
    sku: l.sku,
    title: l.title ?? l.sku,
    quantity: l.quantity,
    fulfilledQuantity: fulfilled ? l.quantity : 0,
    unitPrice: l.unitPrice,
    discountTotal: l.discount,
    taxLines: l.tax > 0 ? [{ title: 'Tax', amount: l.tax }] : [],
    requiresShipping: !fulfilled,
  }));
}

function totals(lines: Lines, shipping: number, total: number) {
  return {
    subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
    discountTotal: lines.reduce((s, l) => s + l.discount, 0),
    shippingTotal: shipping,
    taxTotal: lines.reduce((s, l) => s + l.tax, 0),
    total,
  };
}

export function mapSale(e: TillSale): OrderDraft {
  return OrderDraftSchema.parse({
    externalId: e.receipt,
    displayNumber: e.receipt,
    currency: e.currency,
    state: { payment: 'paid', fulfilment: 'fulfilled' },
    lines: draftLines(e.lines, true),
    totals: totals(e.lines, 0, e.total),
    fulfilmentMethod: 'ship',
    originLocation: { externalId: e.location },
    sourceName: 'till',
    channelRef: { receipt: e.receipt, location: e.location, eventId: e.eventId },
    channelCreatedAt: e.occurredAt,
    channelUpdatedAt: e.occurredAt,
  });
}

export function mapDeliveryOrder(e: TillDeliveryOrder): OrderDraft {
  return OrderDraftSchema.parse({
    externalId: e.receipt,
    displayNumber: e.receipt,
    currency: e.currency,
    state: { payment: 'paid', fulfilment: 'unfulfilled' },
    customer: e.customer ?? null,
    shippingAddress: e.shippingAddress,
    lines: draftLines(e.lines, false),
    shippingLines: e.shipping > 0 ? [{ title: 'Delivery', price: e.shipping }] : [],
    totals: totals(e.lines, e.shipping, e.total),
    fulfilmentMethod: 'ship',
    sourceName: 'till',
    // Taken at the store, shipped from wherever the account's locations say (not the store's shelf).
    channelRef: { receipt: e.receipt, takenAt: e.location, eventId: e.eventId },
    channelCreatedAt: e.occurredAt,
    channelUpdatedAt: e.occurredAt,
  });
}

export function mapReturn(e: TillReturn): Extract<InterpretedEvent, { kind: 'return' }> {
  const restockLocation: ChannelLocationRef = { externalId: e.location };
  const draft: ReturnDraft = {
    externalReturnId: e.returnId,
    // Named by SKU: this till's own lines are SKUs, another channel's are matched by SKU in core.
    lines: e.lines.map((l) => ({ channelLineId: l.sku, sku: l.sku, quantity: l.quantity, restock: e.restock })),
    occurredAt: e.occurredAt,
    reason: e.reason ?? null,
    refund: e.refund ? { amount: e.refund.amount, currency: e.refund.currency } : null,
    restockLocation,
  };
  if ('receipt' in e.order) return { kind: 'return', externalOrderId: e.order.receipt, draft };
  return { kind: 'return', externalOrderId: e.order.externalId, orderAccountId: e.order.accountId, draft };
}

/** Counted at `occurredAt`: applied as of then (sales recorded since are kept), once per event and SKU. */
export function mapCount(e: TillCount): Extract<InterpretedEvent, { kind: 'count' }> {
  return {
    kind: 'count',
    counts: e.counts.map((c) => ({
      externalCountId: e.eventId,
      externalItemId: c.sku,
      sku: c.sku,
      externalLocationId: e.location,
      quantity: c.onHand,
      countedAt: e.occurredAt,
    })),
  };
}

/** Interprets a stored till event; throws (a zod error) when the payload is not one. */
export function interpretTillEvent(topic: string, payload: unknown): InterpretedEvent {
  const e = TillEventSchema.parse(payload);
  if (topicOf(e.kind) !== topic) return { kind: 'ignored', reason: `topic ${topic} does not match kind ${e.kind}` };
  switch (e.kind) {
    case 'sale':
      return { kind: 'order', draft: mapSale(e) };
    case 'delivery_order':
      return { kind: 'order', draft: mapDeliveryOrder(e) };
    case 'return':
      return mapReturn(e);
    case 'count':
      return mapCount(e);
  }
}
