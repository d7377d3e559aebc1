// Shopify payload -> core drafts. Pure functions, table-like, checked field by field against
// shopify.dev (REST Order / Refund resources for webhook bodies, GraphQL Order for polling).
// Money always comes from the *_set / *Set bags in shop currency (shop_money / shopMoney),
// parsed with parseMinor (no floats); the presentment bag only feeds `presentment`.
import type { RefundAmount, ReturnDraft } from '../connector.ts';
import { INSTANT_RANGE_MESSAGE, saneInstant } from '../../core/instant.ts';
import { allocateMinor, parseMinor } from '../../core/money/money.ts';
import {
  type Address,
  type ChannelFulfilmentDraft,
  type Discount,
  type OrderDraft,
  OrderDraftSchema,
  type OrderLineDraft,
  type TaxLine,
} from '../../core/order/schema.ts';
import type { PaymentStatus } from '../../core/order/state-machine.ts';
import type {
  GqlAddress,
  GqlMoneyBag,
  GqlOrder,
  GqlRefund,
  Id,
  RestAddress,
  RestMoneySet,
  RestFulfillment,
  RestOrder,
  RestRefund,
  RestTaxLine,
  RestTransaction,
} from './payloads.ts';

// ---------------------------------------------------------------------------
// Status tables (also in README.md). Keys are lower-cased so the REST values
// ("partially_refunded") and the GraphQL enums ("PARTIALLY_REFUNDED") share one table.

/** financial_status (REST) / displayFinancialStatus (GraphQL) -> core payment status. */
export const PAYMENT_STATUS: Readonly<Record<string, PaymentStatus>> = {
  pending: 'pending',
  authorized: 'authorized',
  partially_paid: 'partially_paid',
  paid: 'paid',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
  voided: 'voided',
  // The authorization lapsed without capture: no money is held any more.
  expired: 'voided',
};

export type ChannelFulfilment = 'unfulfilled' | 'partial' | 'fulfilled';

/** fulfillment_status (REST, null = unfulfilled) / displayFulfillmentStatus (GraphQL) -> core. */
export const FULFILMENT_STATUS: Readonly<Record<string, ChannelFulfilment>> = {
  unfulfilled: 'unfulfilled',
  partial: 'partial',
  partially_fulfilled: 'partial',
  fulfilled: 'fulfilled',
  // Items went back to stock (cancelled order): nothing is out of the building.
  restocked: 'unfulfilled',
  // Fulfilment-order states shown as the order's status: work not yet done.
  open: 'unfulfilled',
  in_progress: 'unfulfilled',
  on_hold: 'unfulfilled',
  pending_fulfillment: 'unfulfilled',
  scheduled: 'unfulfilled',
  request_declined: 'unfulfilled',
};

/** restock_type (REST) / restockType (GraphQL): which refunded lines go back to sellable stock. */
export const RESTOCK: Readonly<Record<string, boolean>> = {
  return: true, // fulfilled item came back
  cancel: true, // unfulfilled item cancelled: it never left
  legacy_restock: true, // deprecated "restocked" without saying which
  no_restock: false,
};

export function paymentStatus(value: string | null | undefined): PaymentStatus {
  return (value && PAYMENT_STATUS[value.toLowerCase()]) || 'pending';
}

export function fulfilmentStatus(value: string | null | undefined): ChannelFulfilment {
  return (value && FULFILMENT_STATUS[value.toLowerCase()]) || 'unfulfilled';
}

// ---------------------------------------------------------------------------
// Ids. The GraphQL global id is the canonical external id everywhere: webhook bodies carry
// admin_graphql_api_id next to numeric ids, and polling only speaks gids, so both paths
// name the same order, line and location the same way.

export function gid(type: string, id: Id): string {
  const s = String(id);
  return s.startsWith('gid://') ? s : `gid://shopify/${type}/${s}`;
}

// ---------------------------------------------------------------------------
// Small helpers

function text(v: string | null | undefined): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function shopAmount(set: RestMoneySet | GqlMoneyBag | null | undefined, currency: string, what: string): number | null {
  if (!set) return null;
  const m = 'shop_money' in set ? set.shop_money : set.shopMoney;
  if (!m) return null;
  const code = 'currency_code' in m ? m.currency_code : m.currencyCode;
  if (code && code !== currency) {
    throw new Error(`${what}: shop money is in ${code}, the order in ${currency}`);
  }
  return parseMinor(m.amount, currency);
}

/** A channel time the draft carries: out of range ("+275760-…", "-001000-…") is a content error. */
function instantOf(v: string, what: string): string {
  const ok = saneInstant(v);
  if (ok === null) throw new RangeError(`${what}: ${INSTANT_RANGE_MESSAGE} (got ${JSON.stringify(v).slice(0, 40)})`);
  return ok;
}

function need(v: number | null, what: string): number {
  if (v === null) throw new Error(`${what} is missing`);
  return v;
}

function presentmentAmount(
  set: RestMoneySet | GqlMoneyBag | null | undefined,
): { amount: string; currency: string } | null {
  if (!set) return null;
  if ('shop_money' in set) {
    const p = set.presentment_money;
    return p ? { amount: p.amount, currency: p.currency_code } : null;
  }
  const p = set.presentmentMoney;
  return p ? { amount: p.amount, currency: p.currencyCode } : null;
}

/** Tax rate as a decimal fraction text ("0.06"); null when the channel value is not a plain decimal. */
function rateText(rate: number | string | null | undefined): string | null {
  if (rate === null || rate === undefined) return null;
  const t = typeof rate === 'number' ? String(rate) : rate.trim();
  return /^\d+(\.\d+)?$/.test(t) ? t : null;
}

/**
 * Shopify keeps a line's discount and tax allocations for the ordered quantity after items
 * are removed (order edit, refund); the order's current_* totals do not. Scale them to the
 * current quantity with integer largest-remainder allocation so nothing is invented.
 */
export function scaleToCurrent(amount: number, current: number, original: number): number {
  if (original <= 0 || current >= original) return amount;
  if (current <= 0) return 0;
  return allocateMinor(amount, [current, original - current])[0] ?? 0;
}

function countryCode(v: string | null | undefined): string | null {
  const t = text(v)?.toUpperCase() ?? null;
  return t && /^[A-Z]{2}$/.test(t) ? t : null;
}

function restAddress(a: RestAddress | null | undefined): Address | null {
  if (!a) return null;
  const name = text(a.name) ?? text([a.first_name, a.last_name].filter(Boolean).join(' '));
  return {
    name,
    company: text(a.company),
    line1: text(a.address1),
    line2: text(a.address2),
    city: text(a.city),
    region: text(a.province_code),
    postalCode: text(a.zip),
    countryCode: countryCode(a.country_code),
    phone: text(a.phone),
  };
}

function gqlAddress(a: GqlAddress | null | undefined): Address | null {
  if (!a) return null;
  return {
    name: text(a.name),
    company: text(a.company),
    line1: text(a.address1),
    line2: text(a.address2),
    city: text(a.city),
    region: text(a.provinceCode),
    postalCode: text(a.zip),
    countryCode: countryCode(a.countryCodeV2),
    phone: text(a.phone),
  };
}

function presentment(
  currency: string,
  presentmentCurrency: string | null | undefined,
  total: RestMoneySet | GqlMoneyBag,
) {
  const p = presentmentAmount(total);
  if (!presentmentCurrency || presentmentCurrency === currency || !p) return null;
  return { currency: presentmentCurrency, total: parseMinor(p.amount, presentmentCurrency) };
}

function restocks(types: (string | null | undefined)[]): boolean {
  const known = types.filter((t): t is string => typeof t === 'string' && t.toLowerCase() in RESTOCK);
  // No refund lines (e.g. an unpaid order cancelled): nothing says the goods stay out.
  if (known.length === 0) return true;
  return known.some((t) => RESTOCK[t.toLowerCase()] === true);
}

function lineTotals(lines: OrderLineDraft[]): number {
  return lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
}

// ---------------------------------------------------------------------------
// REST-shaped webhook bodies (orders/create, orders/updated, orders/cancelled)

function restTaxLines(tax: RestTaxLine[] | null | undefined, currency: string, cur: number, orig: number): TaxLine[] {
  return (tax ?? []).map((t, i) => ({
    title: text(t.title) ?? 'Tax',
    rate: rateText(t.rate),
    amount: scaleToCurrent(
      need(shopAmount(t.price_set, currency, `tax_lines[${i}]`), `tax_lines[${i}].price_set`),
      cur,
      orig,
    ),
  }));
}

/** Line quantities shipped by successful fulfillments in the body, by line id. */
function restFulfilled(order: RestOrder): Map<string, number> {
  const done = new Map<string, number>();
  for (const f of order.fulfillments ?? []) {
    if (f.status !== 'success') continue;
    for (const li of f.line_items ?? []) {
      const key = li.admin_graphql_api_id ?? gid('LineItem', li.id);
      done.set(key, (done.get(key) ?? 0) + li.quantity);
    }
  }
  return done;
}

function restLines(order: RestOrder): OrderLineDraft[] {
  const c = order.currency;
  const fulfilled = restFulfilled(order);
  const apps = order.discount_applications ?? [];
  return order.line_items.map((li, i) => {
    const id = li.admin_graphql_api_id ?? gid('LineItem', li.id);
    const orig = li.quantity;
    const cur = li.current_quantity ?? li.quantity;
    const allocations = li.discount_allocations ?? [];
    const discounts: Discount[] = allocations.map((a, j) => {
      const app = a.discount_application_index == null ? undefined : apps[a.discount_application_index];
      return {
        code: text(app?.code),
        title: text(app?.title) ?? text(app?.description),
        amount: scaleToCurrent(
          need(shopAmount(a.amount_set, c, `line_items[${i}].discount_allocations[${j}]`), 'amount_set'),
          cur,
          orig,
        ),
      };
    });
    const allocated = discounts.reduce((s, d) => s + d.amount, 0);
    // Older bodies put a line discount only in total_discount_set.
    const legacy =
      allocations.length === 0 ? (shopAmount(li.total_discount_set, c, `line_items[${i}].total_discount_set`) ?? 0) : 0;
    return {
      channelLineId: id,
      sku: text(li.sku),
      title: text(li.title) ?? text(li.name) ?? '',
      variantTitle: text(li.variant_title),
      quantity: cur,
      // A refund can take a shipped unit back out of current_quantity; the draft cannot say more than it holds.
      fulfilledQuantity: Math.min(cur, fulfilled.get(id) ?? 0),
      unitPrice: need(shopAmount(li.price_set, c, `line_items[${i}].price_set`), `line_items[${i}].price_set`),
      discountTotal: allocated + scaleToCurrent(legacy, cur, orig),
      taxLines: restTaxLines(li.tax_lines, c, cur, orig),
      discounts,
      externalProductId: li.product_id == null ? null : gid('Product', li.product_id),
      externalVariantId: li.variant_id == null ? null : gid('ProductVariant', li.variant_id),
      requiresShipping: li.requires_shipping ?? true,
    };
  });
}

/**
 * Fulfilments recorded on Shopify (the merchant's admin, a fulfilment app), with their tracking:
 * `tracking_numbers` / `tracking_urls` are parallel lists under one `tracking_company`; older
 * bodies carry only the singular `tracking_number` / `tracking_url`.
 */
function restChannelFulfilments(order: RestOrder): ChannelFulfilmentDraft[] {
  return (order.fulfillments ?? []).map((f: RestFulfillment, i) => {
    const company = text(f.tracking_company);
    const numbers = (f.tracking_numbers?.length ? f.tracking_numbers : [f.tracking_number]).map(text);
    const urls = (f.tracking_urls?.length ? f.tracking_urls : [f.tracking_url]).map(text);
    const tracking = [];
    for (let k = 0; k < Math.max(numbers.length, urls.length); k++) {
      const number = numbers[k] ?? null;
      const url = urls[k] ?? null;
      if (number || url) tracking.push({ company, number, url });
    }
    const id = f.admin_graphql_api_id ?? (f.id == null ? null : gid('Fulfillment', f.id));
    return {
      externalId: id ?? `${gid('Order', order.id)}#fulfillment-${i}`,
      status: text(f.status),
      tracking,
      lines: (f.line_items ?? []).map((li) => ({
        channelLineId: li.admin_graphql_api_id ?? gid('LineItem', li.id),
        quantity: li.quantity,
      })),
      createdAt: f.created_at ? instantOf(f.created_at, `fulfillments[${i}].created_at`) : null,
    };
  });
}

/** `total_tip_received`: decimal text in the shop currency; absent or blank is no tip. */
function restTip(order: RestOrder): number {
  const raw = order.total_tip_received;
  const t = typeof raw === 'number' ? String(raw) : text(raw);
  return t === null ? 0 : parseMinor(t, order.currency);
}

function restShippingLines(order: RestOrder) {
  const c = order.currency;
  return (order.shipping_lines ?? [])
    .filter((s) => s.is_removed !== true)
    .map((s, i) => ({
      title: text(s.title) ?? 'Shipping',
      code: text(s.code),
      price: need(shopAmount(s.price_set, c, `shipping_lines[${i}].price_set`), `shipping_lines[${i}].price_set`),
      taxTotal: (s.tax_lines ?? []).reduce((sum, t) => sum + (shopAmount(t.price_set, c, 'shipping tax') ?? 0), 0),
      discountTotal: (s.discount_allocations ?? []).reduce(
        (sum, d) => sum + (shopAmount(d.amount_set, c, 'shipping discount') ?? 0),
        0,
      ),
    }));
}

function isPos(sourceName: string | null | undefined): boolean {
  return sourceName === 'pos';
}

/**
 * Whether a webhook body cannot settle the delivery method. REST order bodies do not carry it
 * (local pickup is only visible on fulfillment orders, GraphQL `deliveryMethod.methodType`);
 * a pickup checkout collects no shipping address, so an open order with goods to hand over
 * and no shipping address is read again through GraphQL before core sees it.
 */
export function restOrderNeedsFetch(order: RestOrder): boolean {
  if (isPos(order.source_name) || order.shipping_address) return false;
  return order.line_items.some((li) => li.requires_shipping !== false && (li.current_quantity ?? li.quantity) > 0);
}

/**
 * The order a body that needs a re-read describes, for the hub to record while the re-read
 * cannot be made: shipped, with the delivery method marked unconfirmed. Null when the body does
 * not map (the re-read may still succeed).
 */
export function provisionalRestOrder(order: RestOrder): OrderDraft | null {
  try {
    return { ...mapRestOrder(order), unconfirmed: ['fulfilmentMethod'] };
  } catch {
    return null;
  }
}

export function mapRestOrder(order: RestOrder): OrderDraft {
  const c = order.currency;
  const lines = restLines(order);
  const shippingLines = restShippingLines(order);
  const orderGid = order.admin_graphql_api_id ?? gid('Order', order.id);
  const pos = isPos(order.source_name);
  const customer = order.customer;
  const shippingTotal =
    shopAmount(order.current_shipping_price_set, c, 'current_shipping_price_set') ??
    shopAmount(order.total_shipping_price_set, c, 'total_shipping_price_set') ??
    shippingLines.reduce((s, l) => s + l.price - l.discountTotal, 0);
  return OrderDraftSchema.parse({
    externalId: orderGid,
    displayNumber: text(order.name),
    currency: c,
    presentment: order.current_total_price_set
      ? presentment(c, order.presentment_currency, order.current_total_price_set)
      : null,
    state: {
      cancelled: Boolean(order.cancelled_at),
      cancelReason: text(order.cancel_reason),
      payment: paymentStatus(order.financial_status),
      fulfilment: fulfilmentStatus(order.fulfillment_status ?? 'unfulfilled'),
      restock: restocks((order.refunds ?? []).flatMap((r) => (r.refund_line_items ?? []).map((x) => x.restock_type))),
    },
    customer: customer
      ? {
          externalId: customer.admin_graphql_api_id ?? (customer.id == null ? null : gid('Customer', customer.id)),
          name: text([customer.first_name, customer.last_name].filter(Boolean).join(' ')),
          email: text(order.email) ?? text(order.contact_email) ?? text(customer.email),
          phone: text(order.phone) ?? text(customer.phone),
        }
      : null,
    billingAddress: restAddress(order.billing_address),
    shippingAddress: restAddress(order.shipping_address),
    lines,
    shippingLines,
    totals: {
      subtotal: lineTotals(lines),
      discountTotal:
        shopAmount(order.current_total_discounts_set, c, 'current_total_discounts_set') ??
        lines.reduce((s, l) => s + l.discountTotal, 0),
      shippingTotal,
      taxTotal: shopAmount(order.current_total_tax_set, c, 'current_total_tax_set') ?? 0,
      tipTotal: restTip(order),
      total: need(shopAmount(order.current_total_price_set, c, 'current_total_price_set'), 'current_total_price_set'),
    },
    test: order.test === true,
    discountCodes: (order.discount_codes ?? []).map((d) => text(d.code)).filter((x): x is string => x !== null),
    channelFulfilments: restChannelFulfilments(order),
    fulfilmentMethod: 'ship',
    pickupLocation: null,
    originLocation: pos && order.location_id != null ? { externalId: gid('Location', order.location_id) } : null,
    sourceName: text(order.source_name),
    tags: (order.tags ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    channelRef: {
      orderId: orderGid,
      legacyId: String(order.id),
      name: text(order.name),
      taxesIncluded: order.taxes_included ?? false,
      test: order.test ?? false,
      discountCodes: (order.discount_codes ?? []).map((d) => d.code).filter(Boolean),
    },
    channelCreatedAt: order.created_at,
    channelUpdatedAt: order.updated_at ?? order.created_at,
  });
}

// ---------------------------------------------------------------------------
// GraphQL orders (polling, fetchOrder)

function gqlLines(order: GqlOrder): OrderLineDraft[] {
  const c = order.currencyCode;
  return order.lineItems.nodes.map((li, i) => {
    const cur = li.currentQuantity;
    const orig = li.quantity;
    const discounts: Discount[] = (li.discountAllocations ?? []).map((a, j) => ({
      code: text(a.discountApplication?.code),
      title: text(a.discountApplication?.title),
      amount: scaleToCurrent(
        need(shopAmount(a.allocatedAmountSet, c, `lineItems[${i}].discountAllocations[${j}]`), 'allocatedAmountSet'),
        cur,
        orig,
      ),
    }));
    const unfulfilled = li.unfulfilledQuantity ?? cur;
    return {
      channelLineId: li.id,
      sku: text(li.sku),
      title: li.title,
      variantTitle: text(li.variantTitle),
      quantity: cur,
      fulfilledQuantity: Math.max(0, Math.min(cur, cur - unfulfilled)),
      unitPrice: need(
        shopAmount(li.originalUnitPriceSet, c, `lineItems[${i}].originalUnitPriceSet`),
        'originalUnitPriceSet',
      ),
      discountTotal: discounts.reduce((s, d) => s + d.amount, 0),
      taxLines: (li.taxLines ?? []).map((t, j) => ({
        title: text(t.title) ?? 'Tax',
        rate: rateText(t.rate),
        amount: scaleToCurrent(
          need(shopAmount(t.priceSet, c, `lineItems[${i}].taxLines[${j}]`), 'priceSet'),
          cur,
          orig,
        ),
      })),
      discounts,
      externalProductId: li.product?.id ?? null,
      externalVariantId: li.variant?.id ?? null,
      requiresShipping: li.requiresShipping ?? true,
    };
  });
}

export function mapGraphqlOrder(order: GqlOrder): OrderDraft {
  const c = order.currencyCode;
  const lines = gqlLines(order);
  const shippingLines = (order.shippingLines?.nodes ?? [])
    .filter((s) => s.isRemoved !== true)
    .map((s, i) => ({
      title: s.title,
      code: text(s.code),
      price: need(shopAmount(s.originalPriceSet, c, `shippingLines[${i}].originalPriceSet`), 'originalPriceSet'),
      taxTotal: (s.taxLines ?? []).reduce((sum, t) => sum + (shopAmount(t.priceSet, c, 'shipping tax') ?? 0), 0),
      discountTotal: (s.discountAllocations ?? []).reduce(
        (sum, d) => sum + (shopAmount(d.allocatedAmountSet, c, 'shipping discount') ?? 0),
        0,
      ),
    }));
  // Local pickup is a property of the fulfillment orders (DeliveryMethodType PICK_UP),
  // assigned to the store where the customer collects.
  const pickup = (order.fulfillmentOrders?.nodes ?? []).find(
    (fo) => fo.deliveryMethod?.methodType === 'PICK_UP' && fo.status !== 'CANCELLED',
  );
  const pickupLocationId = pickup?.assignedLocation?.location?.id ?? null;
  const pos = isPos(order.sourceName);
  // The latest DeliveryMethod.maxDeliveryDateTime of the live fulfillment orders (only shops with
  // processing times have one); without it, what the hub knew stays.
  const promisedAt = (order.fulfillmentOrders?.nodes ?? [])
    .filter((fo) => fo.status !== 'CANCELLED')
    .map((fo) => fo.deliveryMethod?.maxDeliveryDateTime)
    .filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)))
    .reduce<string | null>((a, t) => (a === null || Date.parse(t) > Date.parse(a) ? t : a), null);
  return OrderDraftSchema.parse({
    externalId: order.id,
    displayNumber: text(order.name),
    currency: c,
    presentment: presentment(c, order.presentmentCurrencyCode, order.currentTotalPriceSet),
    state: {
      cancelled: Boolean(order.cancelledAt),
      cancelReason: order.cancelReason ? order.cancelReason.toLowerCase() : null,
      payment: paymentStatus(order.displayFinancialStatus),
      fulfilment: fulfilmentStatus(order.displayFulfillmentStatus),
      restock: restocks((order.refunds ?? []).flatMap((r) => r.refundLineItems.nodes.map((x) => x.restockType))),
    },
    customer: order.customer
      ? {
          externalId: order.customer.id,
          name: text(order.customer.displayName),
          email: text(order.email),
          phone: text(order.phone),
        }
      : order.email || order.phone
        ? { externalId: null, name: null, email: text(order.email), phone: text(order.phone) }
        : null,
    billingAddress: gqlAddress(order.billingAddress),
    shippingAddress: gqlAddress(order.shippingAddress),
    lines,
    shippingLines,
    totals: {
      subtotal: lineTotals(lines),
      discountTotal:
        shopAmount(order.currentTotalDiscountsSet, c, 'currentTotalDiscountsSet') ??
        lines.reduce((s, l) => s + l.discountTotal, 0),
      shippingTotal:
        shopAmount(order.currentShippingPriceSet, c, 'currentShippingPriceSet') ??
        shippingLines.reduce((s, l) => s + l.price - l.discountTotal, 0),
      taxTotal: shopAmount(order.currentTotalTaxSet, c, 'currentTotalTaxSet') ?? 0,
      tipTotal: shopAmount(order.totalTipReceivedSet, c, 'totalTipReceivedSet') ?? 0,
      total: need(shopAmount(order.currentTotalPriceSet, c, 'currentTotalPriceSet'), 'currentTotalPriceSet'),
    },
    test: order.test === true,
    discountCodes: (order.discountCodes ?? []).map(text).filter((x): x is string => x !== null),
    // The order query does not read fulfilments: channelFulfilments stays unstated (kept as held).
    fulfilmentMethod: pickupLocationId ? 'pickup' : 'ship',
    pickupLocation: pickupLocationId ? { externalId: pickupLocationId } : null,
    originLocation: pos && order.retailLocation ? { externalId: order.retailLocation.id } : null,
    sourceName: text(order.sourceName),
    tags: order.tags ?? [],
    channelRef: {
      orderId: order.id,
      legacyId: order.legacyResourceId ?? null,
      name: text(order.name),
      taxesIncluded: order.taxesIncluded ?? false,
      test: order.test ?? false,
      discountCodes: order.discountCodes ?? [],
    },
    promisedAt,
    channelCreatedAt: order.createdAt,
    channelUpdatedAt: order.updatedAt,
  });
}

// ---------------------------------------------------------------------------
// Refunds -> return drafts

/** refunds/create webhook body -> the order it belongs to and a return draft. */
export function mapRestRefund(refund: RestRefund): { externalOrderId: string; draft: ReturnDraft } {
  const at = refund.processed_at ?? refund.created_at;
  if (!at) throw new Error('refund has neither processed_at nor created_at');
  const occurredAt = instantOf(at, refund.processed_at ? 'processed_at' : 'created_at');
  const txs = (refund.transactions ?? []).filter((t) => t.kind === 'refund' && t.status === 'success' && t.amount);
  return {
    externalOrderId: gid('Order', refund.order_id),
    draft: {
      externalReturnId: refund.admin_graphql_api_id ?? gid('Refund', refund.id),
      lines: (refund.refund_line_items ?? []).map((r) => {
        const lineId = r.line_item?.admin_graphql_api_id ?? gid('LineItem', r.line_item_id ?? r.line_item?.id ?? '');
        return {
          channelLineId: lineId,
          quantity: r.quantity,
          restock: RESTOCK[(r.restock_type ?? '').toLowerCase()] ?? false,
        };
      }),
      occurredAt,
      reason: text(refund.note),
      refund: restRefundAmount(txs),
    },
  };
}

/**
 * The money of a refund's successful refund transactions. A transaction that names no currency
 * is in the order's (core reads it so); transactions in two currencies cannot be summed: null.
 */
function restRefundAmount(txs: RestTransaction[]): RefundAmount | null {
  if (txs.length === 0) return null;
  const named = new Set(txs.map((t) => text(t.currency)));
  if (named.size > 1) return null;
  const currency = [...named][0] ?? null;
  if (currency === null) return { decimals: txs.map((t) => t.amount ?? '0'), currency: null };
  return { amount: txs.reduce((s, t) => s + parseMinor(t.amount ?? '0', currency), 0), currency };
}

/** A refund read through GraphQL (polling safety net) -> return draft. */
export function mapGraphqlRefund(refund: GqlRefund, orderId: string): { externalOrderId: string; draft: ReturnDraft } {
  const money = refund.totalRefundedSet?.shopMoney;
  return {
    externalOrderId: refund.order?.id ?? orderId,
    draft: {
      externalReturnId: refund.id,
      lines: refund.refundLineItems.nodes.map((r) => ({
        channelLineId: r.lineItem.id,
        quantity: r.quantity,
        restock: RESTOCK[r.restockType.toLowerCase()] ?? false,
      })),
      occurredAt: instantOf(refund.createdAt, 'createdAt'),
      reason: text(refund.note),
      refund: money ? { amount: parseMinor(money.amount, money.currencyCode), currency: money.currencyCode } : null,
    },
  };
}
