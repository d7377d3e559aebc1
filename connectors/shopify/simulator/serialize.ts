// Renders simulator state in Shopify's shapes: GraphQL nodes exactly as queries.ts selects
// them, and REST-shaped webhook bodies (Order and Refund resources, snake_case, decimal
// strings, numeric ids next to admin_graphql_api_id) as Shopify sends them to webhooks.
import { formatMinor } from '../../../core/money/money.ts';
import type { SimAddress, SimFulfillmentOrder, SimLine, SimOrder, SimRefund, SimStore } from './state.ts';

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
/** REST timestamps carry an offset; the simulated shop runs on UTC. */
export function restTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', '+00:00');
}

export interface OrderTotals {
  lineItems: number;
  discounts: number;
  subtotal: number;
  tax: number;
  shipping: number;
  tip: number;
  total: number;
}

export function totals(o: SimOrder): OrderTotals {
  const lineItems = o.lines.reduce((s, l) => s + l.unitPrice * l.currentQuantity, 0);
  const discounts = o.lines.reduce((s, l) => s + l.discountPerUnit * l.currentQuantity, 0);
  const tax = o.lines.reduce((s, l) => s + l.taxPerUnit * l.currentQuantity, 0);
  const shipping = o.shippingLines.filter((s) => !s.isRemoved).reduce((s, l) => s + l.price, 0);
  const subtotal = lineItems - discounts;
  const tip = o.tip;
  return {
    lineItems,
    discounts,
    subtotal,
    tax,
    shipping,
    tip,
    total: subtotal + shipping + tip + (o.taxesIncluded ? 0 : tax),
  };
}

function presentmentMinor(o: SimOrder, amount: number): { amount: number; currency: string } {
  if (!o.presentment) return { amount, currency: o.currency };
  return { amount: Math.round((amount * o.presentment.ratePpm) / 1_000_000), currency: o.presentment.currency };
}

export function gqlMoney(o: SimOrder, amount: number) {
  const p = presentmentMinor(o, amount);
  return {
    shopMoney: { amount: formatMinor(amount, o.currency), currencyCode: o.currency },
    presentmentMoney: { amount: formatMinor(p.amount, p.currency), currencyCode: p.currency },
  };
}

export function restMoney(o: SimOrder, amount: number) {
  const p = presentmentMinor(o, amount);
  return {
    shop_money: { amount: formatMinor(amount, o.currency), currency_code: o.currency },
    presentment_money: { amount: formatMinor(p.amount, p.currency), currency_code: p.currency },
  };
}

function fullName(a: { firstName?: string | null; lastName?: string | null }): string | null {
  const n = [a.firstName, a.lastName].filter(Boolean).join(' ');
  return n || null;
}

function gqlAddress(a: SimAddress | null) {
  if (!a) return null;
  return {
    name: fullName(a),
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    provinceCode: a.provinceCode ?? null,
    zip: a.zip ?? null,
    countryCodeV2: a.countryCode ?? null,
    phone: a.phone ?? null,
  };
}

function restAddress(a: SimAddress | null) {
  if (!a) return null;
  return {
    first_name: a.firstName ?? null,
    last_name: a.lastName ?? null,
    name: fullName(a),
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: a.province ?? null,
    province_code: a.provinceCode ?? null,
    zip: a.zip ?? null,
    country: a.country ?? null,
    country_code: a.countryCode ?? null,
    phone: a.phone ?? null,
  };
}

function fulfilledUnits(store: SimStore, o: SimOrder, lineId: string): number {
  return store
    .fulfillmentsOf(o.id)
    .filter((f) => f.status === 'SUCCESS')
    .reduce((s, f) => s + f.lines.filter((l) => l.lineItemId === lineId).reduce((n, l) => n + l.quantity, 0), 0);
}

function displayFulfillmentStatus(store: SimStore, o: SimOrder): string {
  const want = o.lines.reduce((s, l) => s + l.currentQuantity, 0);
  const done = o.lines.reduce((s, l) => s + Math.min(l.currentQuantity, fulfilledUnits(store, o, l.id)), 0);
  if (want > 0 && done >= want) return 'FULFILLED';
  if (done > 0) return 'PARTIALLY_FULFILLED';
  return 'UNFULFILLED';
}

export function gqlLineItem(store: SimStore, o: SimOrder, l: SimLine) {
  const fulfilled = Math.min(l.currentQuantity, fulfilledUnits(store, o, l.id));
  return {
    id: l.id,
    sku: l.sku,
    title: l.title,
    variantTitle: l.variantTitle,
    quantity: l.quantity,
    currentQuantity: l.currentQuantity,
    unfulfilledQuantity: Math.max(0, l.currentQuantity - fulfilled),
    requiresShipping: l.requiresShipping,
    originalUnitPriceSet: gqlMoney(o, l.unitPrice),
    // Allocations and tax lines stay as booked for the ordered quantity, as Shopify keeps them.
    discountAllocations: l.discountPerUnit
      ? [
          {
            allocatedAmountSet: gqlMoney(o, l.discountPerUnit * l.quantity),
            discountApplication: l.discountCode ? { code: l.discountCode } : { title: 'Discount' },
          },
        ]
      : [],
    taxLines: l.taxPerUnit
      ? [
          {
            title: 'Tax',
            rate: l.taxRate === null ? null : Number(l.taxRate),
            priceSet: gqlMoney(o, l.taxPerUnit * l.quantity),
          },
        ]
      : [],
    variant: l.variantId ? { id: l.variantId } : null,
    product: l.productId ? { id: l.productId } : null,
  };
}

export function gqlRefund(o: SimOrder, r: SimRefund, lineLimit = 20) {
  return {
    id: r.id,
    createdAt: iso(r.createdAt),
    note: r.note,
    order: { id: o.id },
    totalRefundedSet: gqlMoney(o, r.amount),
    refundLineItems: {
      nodes: r.lines
        .slice(0, lineLimit)
        .map((l) => ({ lineItem: { id: l.lineItemId }, quantity: l.quantity, restockType: l.restockType })),
      pageInfo: { hasNextPage: r.lines.length > lineLimit },
    },
  };
}

function gqlFulfillmentOrderSummary(fo: SimFulfillmentOrder) {
  return {
    id: fo.id,
    status: fo.status,
    deliveryMethod: { methodType: fo.methodType, maxDeliveryDateTime: fo.maxDeliveryDateTime },
    assignedLocation: { location: { id: fo.locationId } },
  };
}

/** How many of each nested list an order read asked for (the variables of ORDER_FIELDS in queries.ts). */
export interface OrderLimits {
  lines: number;
  shippingLines: number;
  fulfillmentOrders: number;
  refunds: number;
  refundLines: number;
}

const DEFAULT_LIMITS: OrderLimits = {
  lines: 50,
  shippingLines: 10,
  fulfillmentOrders: 10,
  refunds: 5,
  refundLines: 20,
};

/** Reads the list sizes from a query's variables (the defaults where one is missing). */
export function orderLimits(variables: Record<string, unknown>): OrderLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(out) as (keyof OrderLimits)[]) {
    const v = variables[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[k] = Math.min(250, v);
  }
  return out;
}

/** The Order node of ORDER_FIELDS (first `limits.lines` lines; the rest via OrderLineItemsPage). */
export function gqlOrder(store: SimStore, o: SimOrder, limits: OrderLimits = DEFAULT_LIMITS) {
  const lineLimit = limits.lines;
  const fos = store.fulfillmentOrdersOf(o.id);
  const t = totals(o);
  const page = o.lines.slice(0, lineLimit);
  return {
    id: o.id,
    legacyResourceId: String(o.legacyId),
    name: o.name,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    cancelledAt: o.cancelledAt === null ? null : iso(o.cancelledAt),
    cancelReason: o.cancelReason,
    displayFinancialStatus: o.financialStatus,
    displayFulfillmentStatus: displayFulfillmentStatus(store, o),
    currencyCode: o.currency,
    presentmentCurrencyCode: o.presentment?.currency ?? o.currency,
    taxesIncluded: o.taxesIncluded,
    sourceName: o.sourceName,
    tags: o.tags,
    email: o.email,
    phone: o.phone,
    test: o.test,
    discountCodes: [...new Set(o.lines.map((l) => l.discountCode).filter((c): c is string => Boolean(c)))],
    retailLocation: o.retailLocationId ? { id: o.retailLocationId } : null,
    customer: o.customer ? { id: o.customer.id, displayName: fullName(o.customer) } : null,
    billingAddress: gqlAddress(o.billingAddress),
    shippingAddress: gqlAddress(o.shippingAddress),
    currentSubtotalPriceSet: gqlMoney(o, t.subtotal),
    currentTotalDiscountsSet: gqlMoney(o, t.discounts),
    currentTotalTaxSet: gqlMoney(o, t.tax),
    currentTotalPriceSet: gqlMoney(o, t.total),
    currentShippingPriceSet: gqlMoney(o, t.shipping),
    totalTipReceivedSet: gqlMoney(o, t.tip),
    lineItems: {
      nodes: page.map((l) => gqlLineItem(store, o, l)),
      pageInfo: { hasNextPage: o.lines.length > lineLimit, endCursor: page.length ? lineCursor(lineLimit) : null },
    },
    shippingLines: {
      pageInfo: { hasNextPage: o.shippingLines.length > limits.shippingLines },
      nodes: o.shippingLines.slice(0, limits.shippingLines).map((s) => ({
        title: s.title,
        code: s.code,
        isRemoved: s.isRemoved,
        originalPriceSet: gqlMoney(o, s.price),
        discountAllocations: [],
        taxLines: [],
      })),
    },
    fulfillmentOrders: {
      nodes: fos.slice(0, limits.fulfillmentOrders).map(gqlFulfillmentOrderSummary),
      pageInfo: { hasNextPage: fos.length > limits.fulfillmentOrders },
    },
    refunds: store
      .refundsOf(o.id)
      .slice(0, limits.refunds)
      .map((r) => gqlRefund(o, r, limits.refundLines)),
  };
}

/** Line-item page cursors are the offset of the next line. */
export function lineCursor(offset: number): string {
  return btoa(JSON.stringify({ offset }));
}
export function readLineCursor(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  try {
    const v = JSON.parse(atob(cursor)) as { offset?: unknown };
    return typeof v.offset === 'number' ? v.offset : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------
// REST-shaped webhook bodies

export function restRefund(store: SimStore, o: SimOrder, r: SimRefund) {
  return {
    id: r.legacyId,
    admin_graphql_api_id: r.id,
    order_id: o.legacyId,
    created_at: restTime(r.createdAt),
    processed_at: restTime(r.createdAt),
    note: r.note,
    restock: r.lines.some((l) => l.restockType !== 'NO_RESTOCK'),
    refund_line_items: r.lines.map((l, i) => {
      const line = o.lines.find((x) => x.id === l.lineItemId);
      return {
        id: r.legacyId * 100 + i,
        quantity: l.quantity,
        line_item_id: line?.legacyId ?? null,
        location_id: l.locationId ? (store.locations.get(l.locationId)?.legacyId ?? null) : null,
        restock_type: l.restockType.toLowerCase(),
        subtotal: Number(formatMinor(l.amount, o.currency)),
        subtotal_set: restMoney(o, l.amount),
        line_item: line
          ? {
              id: line.legacyId,
              admin_graphql_api_id: line.id,
              sku: line.sku,
              title: line.title,
              quantity: line.quantity,
            }
          : null,
      };
    }),
    transactions: r.transactions.length
      ? r.transactions.map((t) => ({
          id: Number(t.id.split('/').at(-1)),
          admin_graphql_api_id: t.id,
          kind: 'refund',
          status: 'success',
          amount: formatMinor(t.amount, o.currency),
          currency: o.currency,
          gateway: t.gateway,
          parent_id: t.parentId ? Number(t.parentId.split('/').at(-1)) : null,
        }))
      : r.amount > 0
        ? [
            {
              kind: 'refund',
              status: 'success',
              amount: formatMinor(r.amount, o.currency),
              currency: o.currency,
              gateway: 'bogus',
            },
          ]
        : [],
  };
}

export function restOrder(store: SimStore, o: SimOrder) {
  const t = totals(o);
  const codes = [...new Set(o.lines.map((l) => l.discountCode).filter((c): c is string => Boolean(c)))];
  const fo = store.fulfillmentOrdersOf(o.id);
  const status = displayFulfillmentStatus(store, o);
  return {
    id: o.legacyId,
    admin_graphql_api_id: o.id,
    name: o.name,
    email: o.email,
    phone: o.phone,
    created_at: restTime(o.createdAt),
    updated_at: restTime(o.updatedAt),
    cancelled_at: o.cancelledAt === null ? null : restTime(o.cancelledAt),
    cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    currency: o.currency,
    presentment_currency: o.presentment?.currency ?? o.currency,
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: status === 'FULFILLED' ? 'fulfilled' : status === 'PARTIALLY_FULFILLED' ? 'partial' : null,
    source_name: o.sourceName,
    location_id: o.retailLocationId ? (store.locations.get(o.retailLocationId)?.legacyId ?? null) : null,
    tags: o.tags.join(', '),
    test: o.test,
    taxes_included: o.taxesIncluded,
    customer: o.customer
      ? {
          id: o.customer.legacyId,
          admin_graphql_api_id: o.customer.id,
          first_name: o.customer.firstName,
          last_name: o.customer.lastName,
          email: o.customer.email,
          phone: o.customer.phone,
        }
      : null,
    billing_address: restAddress(o.billingAddress),
    shipping_address: restAddress(o.shippingAddress),
    current_subtotal_price_set: restMoney(o, t.subtotal),
    current_total_discounts_set: restMoney(o, t.discounts),
    current_total_tax_set: restMoney(o, t.tax),
    current_total_price_set: restMoney(o, t.total),
    current_shipping_price_set: restMoney(o, t.shipping),
    total_shipping_price_set: restMoney(o, t.shipping),
    total_tip_received: formatMinor(t.tip, o.currency),
    discount_codes: codes.map((code) => ({ code, type: 'fixed_amount' })),
    discount_applications: codes.map((code) => ({
      type: 'discount_code',
      code,
      target_type: 'line_item',
      allocation_method: 'each',
    })),
    line_items: o.lines.map((l) => ({
      id: l.legacyId,
      admin_graphql_api_id: l.id,
      sku: l.sku ?? '',
      title: l.title,
      name: l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title,
      variant_title: l.variantTitle,
      quantity: l.quantity,
      current_quantity: l.currentQuantity,
      fulfillable_quantity: fo.reduce(
        (s, f) => s + f.lines.filter((x) => x.lineItemId === l.id).reduce((n, x) => n + x.remainingQuantity, 0),
        0,
      ),
      price: formatMinor(l.unitPrice, o.currency),
      price_set: restMoney(o, l.unitPrice),
      total_discount: '0.00',
      total_discount_set: restMoney(o, 0),
      discount_allocations: l.discountPerUnit
        ? [
            {
              amount: formatMinor(l.discountPerUnit * l.quantity, o.currency),
              amount_set: restMoney(o, l.discountPerUnit * l.quantity),
              discount_application_index: Math.max(0, codes.indexOf(l.discountCode ?? '')),
            },
          ]
        : [],
      tax_lines: l.taxPerUnit
        ? [
            {
              title: 'Tax',
              price: formatMinor(l.taxPerUnit * l.quantity, o.currency),
              rate: l.taxRate === null ? null : Number(l.taxRate),
              price_set: restMoney(o, l.taxPerUnit * l.quantity),
            },
          ]
        : [],
      product_id: l.productId ? Number(l.productId.split('/').pop()) : null,
      variant_id: l.variantId ? Number(l.variantId.split('/').pop()) : null,
      requires_shipping: l.requiresShipping,
    })),
    shipping_lines: o.shippingLines.map((s) => ({
      id: s.legacyId,
      title: s.title,
      code: s.code,
      price: formatMinor(s.price, o.currency),
      price_set: restMoney(o, s.price),
      discount_allocations: [],
      tax_lines: [],
      is_removed: s.isRemoved,
    })),
    fulfillments: store.fulfillmentsOf(o.id).map((f) => ({
      id: f.legacyId,
      admin_graphql_api_id: f.id,
      status: f.status.toLowerCase(),
      location_id: store.locations.get(f.locationId)?.legacyId ?? null,
      tracking_company: f.tracking?.company ?? null,
      tracking_number: f.tracking?.number ?? null,
      tracking_url: f.tracking?.url ?? null,
      tracking_numbers: f.tracking?.number ? [f.tracking.number] : [],
      tracking_urls: f.tracking?.url ? [f.tracking.url] : [],
      line_items: f.lines.map((x) => {
        const line = o.lines.find((l) => l.id === x.lineItemId);
        return { id: line?.legacyId ?? 0, admin_graphql_api_id: x.lineItemId, quantity: x.quantity };
      }),
    })),
    refunds: store.refundsOf(o.id).map((r) => restRefund(store, o, r)),
  };
}
