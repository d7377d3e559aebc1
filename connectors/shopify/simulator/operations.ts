// The Admin GraphQL operations the simulator knows, matched by operation name (the names in
// ../queries.ts), reading only `variables`. Each returns GraphQL `data` (or top-level
// `errors`) and the actual cost to charge. Behaviour follows shopify.dev: inventorySetQuantities
// is all-or-nothing with compare-and-swap and, from 2026-04, a mandatory @idempotent key;
// cursors on orders encode the UPDATED_AT sort value so a record updated during paging
// moves behind the cursor instead of being skipped.
import { versionAtLeast } from '../config.ts';
import { gqlLineItem, gqlOrder, iso, lineCursor, orderLimits, readLineCursor } from './serialize.ts';
import type { SimFulfillmentOrder, SimStore } from './state.ts';
import { refundContext, refundCreate } from './refunds.ts';
import { webhookSubscriptionCreate, webhookSubscriptions } from './subscriptions.ts';

export interface OpContext {
  store: SimStore;
  version: string;
  query: string;
  variables: Record<string, unknown>;
  /** Called when an operation changed an order (the simulator may emit orders/updated). */
  orderChanged: (orderId: string) => void;
  /** Called when refundCreate made a refund (the simulator may emit refunds/create). */
  refundCreated: (orderId: string, refundId: string) => void;
  idempotency: Map<string, { fingerprint: string; data: unknown }>;
}

export interface OpResult {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  actualCost: number;
}

type Handler = (ctx: OpContext) => OpResult;

function topError(message: string, code: string): OpResult {
  return { errors: [{ message, extensions: { code } }], actualCost: 1 };
}

function b64(v: unknown): string {
  return btoa(JSON.stringify(v));
}
function unb64<T>(s: unknown): T | null {
  if (typeof s !== 'string' || s === '') return null;
  try {
    return JSON.parse(atob(s)) as T;
  } catch {
    return null;
  }
}

/** Supports the search syntax the connector sends: updated_at:>'ISO' (or >=, quotes optional). */
export function parseUpdatedAtFilter(query: unknown): { after: number; inclusive: boolean } | null {
  if (typeof query !== 'string') return null;
  const m = /updated_at:(>=?)\s*'?"?([0-9T:.\-+Z]+)'?"?/.exec(query);
  if (!m?.[2]) return null;
  const t = Date.parse(m[2]);
  return Number.isNaN(t) ? null : { after: t, inclusive: m[1] === '>=' };
}

/** Orders matching the search filter after the cursor, oldest change first, one page of them. */
function ordersAfter(store: SimStore, variables: Record<string, unknown>) {
  const first = Math.min(250, Math.max(0, Number(variables.first ?? 50)));
  const filter = parseUpdatedAtFilter(variables.query);
  const cursor = unb64<{ u: number; id: number }>(variables.after);
  const rows = [...store.orders.values()]
    .filter((o) => !filter || (filter.inclusive ? o.updatedAt >= filter.after : o.updatedAt > filter.after))
    .sort((a, b) => a.updatedAt - b.updatedAt || a.legacyId - b.legacyId)
    .filter((o) => !cursor || o.updatedAt > cursor.u || (o.updatedAt === cursor.u && o.legacyId > cursor.id));
  const page = rows.slice(0, first);
  const last = page.at(-1);
  return {
    page,
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: last ? b64({ u: last.updatedAt, id: last.legacyId }) : null,
    },
  };
}

const ordersUpdatedSince: Handler = ({ store, variables }) => {
  const { page, pageInfo } = ordersAfter(store, variables);
  const nodes = page.map((o) => ({ id: o.id, updatedAt: iso(o.updatedAt), displayFinancialStatus: o.financialStatus }));
  return { data: { orders: { nodes, pageInfo } }, actualCost: 2 + page.length };
};

const orderDetails: Handler = ({ store, variables }) => {
  const ids = Array.isArray(variables.ids) ? (variables.ids as string[]) : [];
  const limits = orderLimits(variables);
  const nodes = ids.map((id) => {
    const o = store.orders.get(id);
    return o ? gqlOrder(store, o, limits) : null;
  });
  return { data: { nodes }, actualCost: Math.max(1, nodes.length) };
};

const orderLineItemsPage: Handler = ({ store, variables }) => {
  const o = store.orders.get(String(variables.id));
  if (!o) return { data: { node: null }, actualCost: 1 };
  const from = readLineCursor(variables.after as string | null);
  const linePage = Math.min(250, Math.max(1, Number(variables.first ?? 20)));
  const page = o.lines.slice(from, from + linePage);
  return {
    data: {
      node: {
        id: o.id,
        lineItems: {
          nodes: page.map((l) => gqlLineItem(store, o, l)),
          pageInfo: {
            hasNextPage: from + linePage < o.lines.length,
            endCursor: page.length ? lineCursor(from + page.length) : null,
          },
        },
      },
    },
    actualCost: 2 + page.length * 6,
  };
};

interface QuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  changeFromQuantity?: number | null;
  compareQuantity?: number | null;
}

interface UserErr {
  code: string;
  field: string[];
  message: string;
}

function err(code: string, index: number, field: string[], message: string): UserErr {
  return { code, field: ['input', 'quantities', String(index), ...field], message };
}

/** The first thing Shopify would refuse about one quantity (messages as in the enum docs), or null. */
function checkQuantity(
  store: SimStore,
  q: QuantityInput,
  i: number,
  modern: boolean,
  ignoreCompare: boolean,
): UserErr | null {
  const k = `${q.inventoryItemId}|${q.locationId}`;
  if (!store.variantsByItem.has(q.inventoryItemId))
    return err('INVALID_INVENTORY_ITEM', i, ['inventoryItemId'], 'The specified inventory item could not be found.');
  if (!store.locations.has(q.locationId))
    return err('INVALID_LOCATION', i, ['locationId'], 'The specified location could not be found.');
  if (!store.levels.has(k))
    return err(
      'ITEM_NOT_STOCKED_AT_LOCATION',
      i,
      ['locationId'],
      'The specified inventory item is not stocked at the location.',
    );
  if (q.quantity < 0) return err('INVALID_QUANTITY_NEGATIVE', i, ['quantity'], "The quantity can't be negative.");
  const current = store.levels.get(k) ?? 0;
  if (modern) {
    if (!Object.hasOwn(q, 'changeFromQuantity'))
      return err(
        'CHANGE_FROM_QUANTITY_REQUIRED',
        i,
        ['changeFromQuantity'],
        'changeFromQuantity must be given (null to opt out).',
      );
    if (q.changeFromQuantity != null && q.changeFromQuantity !== current)
      return err(
        'CHANGE_FROM_QUANTITY_STALE',
        i,
        ['changeFromQuantity'],
        'The changeFromQuantity value does not match persisted value.',
      );
    return null;
  }
  if (ignoreCompare) return null;
  if (q.compareQuantity == null)
    return err(
      'COMPARE_QUANTITY_REQUIRED',
      i,
      ['compareQuantity'],
      'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.',
    );
  if (q.compareQuantity !== current)
    return err(
      'COMPARE_QUANTITY_STALE',
      i,
      ['compareQuantity'],
      'The compareQuantity value does not match persisted value.',
    );
  return null;
}

function inventorySet(modernOp: boolean): Handler {
  return (ctx) => {
    const { store, version, variables, query } = ctx;
    const modern = versionAtLeast(version, '2026-04');
    if (modernOp !== modern && !(modernOp && versionAtLeast(version, '2026-01'))) {
      return topError(
        modern
          ? 'compareQuantity is not defined on InventoryQuantityInput in this version'
          : `Directive 'idempotent' is not defined (API ${version})`,
        'undefinedField',
      );
    }
    const input = (variables.input ?? {}) as {
      name?: string;
      reason?: string;
      ignoreCompareQuantity?: boolean;
      quantities?: QuantityInput[];
    };
    const quantities = input.quantities ?? [];
    if (quantities.length > 250) {
      return topError(
        `The input array size of ${quantities.length} is greater than the maximum allowed of 250.`,
        'MAX_INPUT_SIZE_EXCEEDED',
      );
    }
    const key = typeof variables.idempotencyKey === 'string' ? variables.idempotencyKey : null;
    if (modern && (!query.includes('@idempotent') || !key)) {
      return topError(
        'The @idempotent directive with a key is required for this mutation from 2026-04.',
        'IDEMPOTENCY_KEY_REQUIRED',
      );
    }
    const fingerprint = JSON.stringify(input);
    if (key) {
      const seen = ctx.idempotency.get(key);
      if (seen && seen.fingerprint !== fingerprint) {
        return {
          data: {
            inventorySetQuantities: {
              inventoryAdjustmentGroup: null,
              userErrors: [
                {
                  code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
                  field: null,
                  message: 'The same idempotency key cannot be used with different operation parameters.',
                },
              ],
            },
          },
          actualCost: 10,
        };
      }
      if (seen) return { data: seen.data, actualCost: 10 };
    }
    const errors: UserErr[] = [];
    const pairs = new Set<string>();
    for (const [i, q] of quantities.entries()) {
      const k = `${q.inventoryItemId}|${q.locationId}`;
      if (pairs.has(k))
        errors.push(
          err(
            'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
            i,
            [],
            'The combination of inventoryItemId and locationId must be unique.',
          ),
        );
      pairs.add(k);
      const problem = checkQuantity(store, q, i, modern, Boolean(input.ignoreCompareQuantity));
      if (problem) errors.push(problem);
    }
    let data: unknown;
    if (errors.length > 0) {
      // All or nothing: one refused quantity and none is applied.
      data = { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: errors } };
    } else {
      const changes = quantities.map((q) => {
        const k = `${q.inventoryItemId}|${q.locationId}`;
        const before = store.levels.get(k) ?? 0;
        store.levels.set(k, q.quantity);
        store.inventoryLog.push({
          itemId: q.inventoryItemId,
          locationId: q.locationId,
          before,
          after: q.quantity,
          idempotencyKey: key,
        });
        return { name: 'available', delta: q.quantity - before, quantityAfterChange: q.quantity };
      });
      data = {
        inventorySetQuantities: { inventoryAdjustmentGroup: { reason: input.reason ?? null, changes }, userErrors: [] },
      };
    }
    if (key) ctx.idempotency.set(key, { fingerprint, data });
    return { data, actualCost: 10 };
  };
}

const inventoryLevelsAtLocation: Handler = ({ store, variables }) => {
  const ids = Array.isArray(variables.ids) ? (variables.ids as string[]) : [];
  const locationId = String(variables.locationId ?? '');
  const nodes = ids.map((id) => {
    if (!store.variantsByItem.has(id)) return null;
    const quantity = store.levels.get(`${id}|${locationId}`);
    return { id, inventoryLevel: quantity === undefined ? null : { quantities: [{ name: 'available', quantity }] } };
  });
  return { data: { nodes }, actualCost: 1 + ids.length * 3 };
};

function foNode(store: SimStore, fo: SimFulfillmentOrder) {
  return {
    id: fo.id,
    status: fo.status,
    deliveryMethod: { methodType: fo.methodType },
    assignedLocation: { location: store.locations.has(fo.locationId) ? { id: fo.locationId } : null },
    lineItems: {
      nodes: fo.lines.map((l) => ({
        id: l.id,
        totalQuantity: l.totalQuantity,
        remainingQuantity: l.remainingQuantity,
        lineItem: { id: l.lineItemId },
      })),
    },
  };
}

const fulfillmentOrdersForOrder: Handler = ({ store, variables }) => {
  const o = store.orders.get(String(variables.id));
  if (!o) return { data: { order: null }, actualCost: 1 };
  const fos = store.fulfillmentOrdersOf(o.id);
  const fs = store.fulfillmentsOf(o.id);
  return {
    data: {
      order: {
        id: o.id,
        fulfillments: fs.map((f) => ({ id: f.id, status: f.status, trackingInfo: f.tracking ? [f.tracking] : [] })),
        fulfillmentOrders: { nodes: fos.map((fo) => foNode(store, fo)) },
      },
    },
    actualCost: 1 + fs.length * 2 + fos.reduce((s, fo) => s + 4 + fo.lines.length * 2, 0),
  };
};

interface FulfillmentInput {
  notifyCustomer?: boolean;
  trackingInfo?: { company?: string; number?: string; url?: string };
  lineItemsByFulfillmentOrder?: {
    fulfillmentOrderId: string;
    fulfillmentOrderLineItems?: { id: string; quantity: number }[];
  }[];
}

const fulfillmentCreate: Handler = (ctx) => {
  const { store } = ctx;
  const input = (ctx.variables.fulfillment ?? {}) as FulfillmentInput;
  const groups = input.lineItemsByFulfillmentOrder ?? [];
  const fail = (message: string, field: string[]) => ({
    data: { fulfillmentCreate: { fulfillment: null, userErrors: [{ field, message }] } },
    actualCost: 10,
  });
  if (groups.length === 0)
    return fail('lineItemsByFulfillmentOrder must not be empty', ['fulfillment', 'lineItemsByFulfillmentOrder']);
  const fos: SimFulfillmentOrder[] = [];
  for (const g of groups) {
    const fo = store.fulfillmentOrders.get(g.fulfillmentOrderId);
    if (!fo) return fail('Fulfillment order does not exist.', ['fulfillment']);
    if (fo.status !== 'OPEN' && fo.status !== 'IN_PROGRESS')
      return fail(`Fulfillment order ${fo.id} is not open (${fo.status}).`, ['fulfillment']);
    for (const l of g.fulfillmentOrderLineItems ?? []) {
      const line = fo.lines.find((x) => x.id === l.id);
      if (!line) return fail(`Fulfillment order line item ${l.id} does not exist.`, ['fulfillment']);
      if (l.quantity <= 0 || l.quantity > line.remainingQuantity)
        return fail(`Invalid quantity ${l.quantity} for ${l.id}: ${line.remainingQuantity} remaining.`, [
          'fulfillment',
        ]);
    }
    fos.push(fo);
  }
  if (new Set(fos.map((f) => f.locationId)).size > 1)
    return fail('All fulfillment orders must be assigned to the same location.', ['fulfillment']);
  const tracking = input.trackingInfo
    ? {
        company: input.trackingInfo.company ?? null,
        number: input.trackingInfo.number ?? null,
        url: input.trackingInfo.url ?? null,
      }
    : null;
  let made: { id: string } | null = null;
  const all: { lineItemId: string; quantity: number }[] = [];
  for (const [i, g] of groups.entries()) {
    const fo = fos[i] as SimFulfillmentOrder;
    const lines =
      g.fulfillmentOrderLineItems ??
      fo.lines.filter((l) => l.remainingQuantity > 0).map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
    const f = store.fulfil(fo, lines, tracking);
    if (made) {
      // One fulfilment for all groups: fold the lines into the first.
      all.push(...f.lines);
      store.fulfillments.delete(f.id);
    } else made = f;
  }
  const first = made ? store.fulfillments.get(made.id) : undefined;
  if (first) first.lines.push(...all);
  ctx.orderChanged(fos[0]?.orderId ?? '');
  return {
    data: { fulfillmentCreate: { fulfillment: made ? { id: made.id, status: 'SUCCESS' } : null, userErrors: [] } },
    actualCost: 10,
  };
};

const preparedForPickup: Handler = (ctx) => {
  const input = (ctx.variables.input ?? {}) as { lineItemsByFulfillmentOrder?: { fulfillmentOrderId: string }[] };
  const errors: { field: string[]; message: string }[] = [];
  const fos: SimFulfillmentOrder[] = [];
  (input.lineItemsByFulfillmentOrder ?? []).forEach((g, i) => {
    const fo = ctx.store.fulfillmentOrders.get(g.fulfillmentOrderId);
    if (!fo)
      errors.push({
        field: ['input', 'lineItemsByFulfillmentOrder', String(i)],
        message: 'Fulfillment order does not exist.',
      });
    else if (fo.methodType !== 'PICK_UP')
      errors.push({
        field: ['input', 'lineItemsByFulfillmentOrder', String(i)],
        message: 'Fulfillment order is not a local pickup.',
      });
    else fos.push(fo);
  });
  if (errors.length === 0) {
    for (const fo of fos) {
      fo.preparedForPickup = true;
      if (fo.status === 'OPEN') fo.status = 'IN_PROGRESS';
      ctx.orderChanged(fo.orderId);
    }
  }
  return { data: { fulfillmentOrderLineItemsPreparedForPickup: { userErrors: errors } }, actualCost: 10 };
};

const productVariantsPage: Handler = ({ store, variables }) => {
  const first = Math.min(250, Math.max(1, Number(variables.first ?? 25)));
  const after = unb64<{ id: number }>(variables.after);
  const rows = [...store.variants.values()]
    .sort((a, b) => a.legacyId - b.legacyId)
    .filter((v) => !after || v.legacyId > after.id);
  const page = rows.slice(0, first);
  let levels = 0;
  const nodes = page.map((v) => {
    const ls = [...store.levels.entries()]
      .filter(([k]) => k.startsWith(`${v.inventoryItemId}|`))
      .slice(0, 10)
      .map(([k, quantity]) => ({
        location: { id: k.slice(v.inventoryItemId.length + 1) },
        quantities: [{ name: 'available', quantity }],
      }));
    levels += ls.length;
    return {
      id: v.id,
      sku: v.sku,
      title: v.title,
      displayName: v.title === 'Default Title' ? v.productTitle : `${v.productTitle} - ${v.title}`,
      product: { id: v.productId, title: v.productTitle },
      inventoryItem: { id: v.inventoryItemId, tracked: true, inventoryLevels: { nodes: ls } },
    };
  });
  const last = page.at(-1);
  return {
    data: {
      productVariants: {
        nodes,
        pageInfo: { hasNextPage: rows.length > first, endCursor: last ? b64({ id: last.legacyId }) : null },
      },
    },
    actualCost: 2 + page.length * 3 + levels * 3,
  };
};

const shopInfo: Handler = ({ store }) => ({
  data: { shop: { name: 'Simulated shop', myshopifyDomain: store.shop, currencyCode: store.currency } },
  actualCost: 1,
});

export const OPERATIONS: Readonly<Record<string, Handler>> = {
  ShopInfo: shopInfo,
  OrdersUpdatedSince: ordersUpdatedSince,
  OrdersById: orderDetails,
  OrderDetails: orderDetails,
  OrderLineItemsPage: orderLineItemsPage,
  InventorySetQuantities: inventorySet(true),
  InventorySetQuantitiesLegacy: inventorySet(false),
  InventoryLevelsAtLocation: inventoryLevelsAtLocation,
  FulfillmentOrdersForOrder: fulfillmentOrdersForOrder,
  FulfillmentCreate: fulfillmentCreate,
  FulfillmentOrderLineItemsPreparedForPickup: preparedForPickup,
  ProductVariantsPage: productVariantsPage,
  WebhookSubscriptions: webhookSubscriptions,
  WebhookSubscriptionCreate: webhookSubscriptionCreate,
  RefundContext: refundContext,
  RefundCreate: refundCreate(true),
  RefundCreateLegacy: refundCreate(false),
};

/** The operation a request names: its operationName, else the name after query/mutation. */
export function operationName(body: { query?: unknown; operationName?: unknown }): string | null {
  if (typeof body.operationName === 'string' && body.operationName) return body.operationName;
  if (typeof body.query !== 'string') return null;
  const m = /^\s*(?:#[^\n]*\n\s*)*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(body.query);
  return m?.[2] ?? null;
}
