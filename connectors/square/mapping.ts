// Pure mapping of Square payloads to the hub's drafts (README "Mapping" holds the tables).
// Money is already in minor units (Money.amount); quantities are decimal strings, and one that
// is not a whole number is refused (RangeError: the event becomes an exception a person sees),
// never rounded. Lines carry no SKU text: the catalog variation id is matched through the listing.
import { type OrderDraft, OrderDraftSchema } from '../../core/order/schema.ts';
import type { PaymentStatus } from '../../core/order/state-machine.ts';
import type { StockCountDraft, StockReceiptDraft } from '../connector.ts';
import type { SqAdjustment, SqFulfillment, SqMoney, SqOrder, SqOrderLineItem, SqPhysicalCount } from './payloads.ts';

/** "3", "3.0", "3.00000" → 3; "2.5" and anything else → RangeError naming the path. */
export function wholeQuantity(value: unknown, path: string): number {
  const m = typeof value === 'string' ? /^(\d{1,9})(?:\.0{1,5})?$/.exec(value.trim()) : null;
  if (!m)
    throw new RangeError(
      `${path}: quantity ${JSON.stringify(value)} is not a whole number of units (the hub does not round)`,
    );
  return Number(m[1]);
}

const amount = (m: SqMoney | null | undefined): number => (typeof m?.amount === 'number' ? m.amount : 0);

/** The pickup (or other) fulfilment the order carries; Square allows one at creation. */
export function mainFulfillment(order: SqOrder): SqFulfillment | null {
  return order.fulfillments?.find((f) => f.state !== 'FAILED') ?? order.fulfillments?.[0] ?? null;
}

/** A counter sale: taken at the till, no fulfilment to carry out. */
export function isCounterSale(order: SqOrder): boolean {
  return !order.fulfillments || order.fulfillments.length === 0;
}

export function paymentStatus(order: SqOrder): PaymentStatus {
  const total = amount(order.total_money);
  const refunded = (order.refunds ?? [])
    .filter((r) => r.status !== 'REJECTED' && r.status !== 'FAILED')
    .reduce((s, r) => s + amount(r.amount_money), 0);
  const tendered = (order.tenders ?? []).length > 0;
  if (refunded > 0) return refunded >= total ? 'refunded' : 'partially_refunded';
  if (order.state === 'CANCELED' && !tendered) return 'voided';
  if (tendered && (order.net_amount_due_money ? amount(order.net_amount_due_money) === 0 : true)) return 'paid';
  if (order.state === 'COMPLETED') return 'paid';
  return 'pending';
}

function lineDraft(order: SqOrder, li: SqOrderLineItem, i: number, done: boolean, counter: boolean) {
  const quantity = wholeQuantity(li.quantity, `line_items[${i}].quantity`);
  const taxName = new Map((order.taxes ?? []).map((t) => [t.uid ?? '', t.name ?? 'Tax']));
  const discountName = new Map((order.discounts ?? []).map((d) => [d.uid ?? '', d.name ?? null]));
  return {
    channelLineId: li.uid ?? `line-${i}`,
    sku: null,
    title: li.name ?? li.variation_name ?? 'Item',
    variantTitle: li.variation_name ?? null,
    quantity,
    fulfilledQuantity: done ? quantity : 0,
    unitPrice: amount(li.base_price_money),
    discountTotal: amount(li.total_discount_money),
    taxLines: (li.applied_taxes ?? []).map((t) => ({
      title: taxName.get(t.tax_uid ?? '') ?? 'Tax',
      rate: null,
      amount: amount(t.applied_money),
    })),
    discounts: (li.applied_discounts ?? []).map((d) => ({
      title: discountName.get(d.discount_uid ?? '') ?? null,
      amount: amount(d.applied_money),
    })),
    externalVariantId: li.catalog_object_id ?? null,
    requiresShipping: !counter && mainFulfillment(order)?.type !== 'PICKUP',
  };
}

/**
 * The time Square's fulfilment promises: a pickup's `pickup_at` (the start of the pickup window:
 * ready by then), a shipment's `expected_shipped_at` (handed to the carrier by then). Delivery
 * fulfilments state only the start of a window plus a duration: left without a promise.
 */
export function promisedAt(f: SqFulfillment | null): string | null {
  if (f?.type === 'PICKUP') return f.pickup_details?.pickup_at ?? null;
  if (f?.type === 'SHIPMENT') return f.shipment_details?.expected_shipped_at ?? null;
  return null;
}

export function mapOrder(order: SqOrder): OrderDraft {
  const counter = isCounterSale(order);
  const f = mainFulfillment(order);
  const pickup = f?.type === 'PICKUP';
  const cancelled = order.state === 'CANCELED' || f?.state === 'CANCELED';
  // Goods left: a counter sale once completed, a fulfilment once COMPLETED.
  const done = counter ? order.state === 'COMPLETED' : f?.state === 'COMPLETED';
  const lines = (order.line_items ?? []).map((li, i) => lineDraft(order, li, i, done, counter));
  const currency =
    order.total_money?.currency ??
    order.line_items?.find((l) => l.base_price_money?.currency)?.base_price_money?.currency;
  const recipient = f?.pickup_details?.recipient ?? f?.shipment_details?.recipient ?? null;
  return OrderDraftSchema.parse({
    externalId: order.id,
    displayNumber: order.ticket_name ?? null,
    currency,
    state: {
      cancelled,
      cancelReason: cancelled ? (f?.pickup_details?.cancel_reason ?? null) : null,
      payment: paymentStatus(order),
      fulfilment: lines.length > 0 && done ? 'fulfilled' : 'unfulfilled',
      restock: true,
    },
    customer: recipient
      ? {
          externalId: order.customer_id ?? null,
          name: recipient.display_name ?? null,
          email: recipient.email_address ?? null,
          phone: recipient.phone_number ?? null,
        }
      : order.customer_id
        ? { externalId: order.customer_id }
        : null,
    lines,
    totals: {
      subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
      discountTotal: amount(order.total_discount_money),
      shippingTotal: 0,
      taxTotal: amount(order.total_tax_money),
      tipTotal: amount(order.total_tip_money),
      total: amount(order.total_money),
    },
    fulfilmentMethod: pickup ? 'pickup' : 'ship',
    pickupLocation: pickup ? { externalId: order.location_id } : null,
    originLocation: counter ? { externalId: order.location_id } : null,
    sourceName: order.source?.name ?? (counter ? 'square-pos' : 'square'),
    channelRef: { locationId: order.location_id, version: order.version ?? null, fulfillmentUid: f?.uid ?? null },
    promisedAt: promisedAt(f),
    channelCreatedAt: order.created_at,
    channelUpdatedAt: order.updated_at,
  });
}

/**
 * Physical counts staff made in the store, as store counts for the ledger: counts of IN_STOCK
 * not written by the hub (its reference ids start with `hubPrefix`). `heldUnits` is what Square
 * holds in RESERVED_FOR_SALE for the item at the location (the units the hub asked it to keep off
 * the counter, which a count of the shelf does not include): the store has both.
 */
export function storeCounts(
  counts: readonly SqPhysicalCount[],
  hubPrefix: string,
  heldUnits: (itemId: string, locationId: string) => number,
): StockCountDraft[] {
  const out: StockCountDraft[] = [];
  counts.forEach((c, i) => {
    if (c.state !== 'IN_STOCK') return;
    if (c.reference_id?.startsWith(hubPrefix)) return;
    if (!c.id) return;
    out.push({
      externalCountId: c.id,
      externalItemId: c.catalog_object_id,
      externalLocationId: c.location_id,
      quantity:
        wholeQuantity(c.quantity, `physical_counts[${i}].quantity`) + heldUnits(c.catalog_object_id, c.location_id),
      countedAt: c.occurred_at,
    });
  });
  return out;
}

/**
 * Goods received in the store, as receipts for the ledger: adjustments `NONE → IN_STOCK` (Square:
 * "introduces stock into the system") not written by the hub (`hubPrefix`) and not caused by a
 * payment or refund. Returns put back on the shelf (`RETURNED_BY_CUSTOMER`/`UNLINKED_RETURN →
 * IN_STOCK`) are not receipts: they reach the hub as returns on the return order.
 */
export function storeReceipts(adjustments: readonly SqAdjustment[], hubPrefix: string): StockReceiptDraft[] {
  const out: StockReceiptDraft[] = [];
  adjustments.forEach((a, i) => {
    if (a.from_state !== 'NONE' || a.to_state !== 'IN_STOCK' || !a.id) return;
    if (a.reference_id?.startsWith(hubPrefix) || a.transaction_id || a.refund_id) return;
    const quantity = wholeQuantity(a.quantity, `adjustments[${i}].quantity`);
    if (quantity === 0) return;
    out.push({
      externalReceiptId: a.id,
      externalItemId: a.catalog_object_id,
      externalLocationId: a.location_id,
      quantity,
      receivedAt: a.occurred_at,
    });
  });
  return out;
}
