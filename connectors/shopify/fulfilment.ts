// Fulfilments out. Shopify fulfils fulfillment orders (one per assigned location and delivery
// method), not orders: we read the order's fulfillment orders, place the hub's lines and
// quantities on their open line items, then
// - ship: fulfillmentCreate with tracking (company, number, url), partial quantities allowed;
// - pickup_ready: fulfillmentOrderLineItemsPreparedForPickup (Shopify notifies the buyer);
// - pickup_collected: fulfillmentCreate at hand-over, no tracking;
// - refund (goods taken back outside Shopify): refundCreate, see refund.ts.
// fulfillmentCreate has no @idempotent directive, so a push is made idempotent by reading
// first: a fulfilment with the same tracking number, or nothing left to fulfil, means the
// push already happened (a retry after a timeout), and nothing is created twice.
import { ConnectorError, type FulfilmentPush, type FulfilmentPushResult } from '../connector.ts';
import type { ShopifyClient } from './client.ts';
import type { UserError } from './payloads.ts';
import { pushRefund } from './refund.ts';
import {
  FULFILLMENT_CREATE_MUTATION,
  FULFILLMENT_ORDERS_FOR_ORDER_QUERY,
  OP,
  PREPARED_FOR_PICKUP_MUTATION,
} from './queries.ts';

interface FoLine {
  id: string;
  totalQuantity: number;
  remainingQuantity: number;
  lineItem: { id: string };
}
interface Fo {
  id: string;
  status: string;
  deliveryMethod: { methodType: string } | null;
  assignedLocation: { location: { id: string } | null } | null;
  lineItems: { nodes: FoLine[] };
}
interface FoPayload {
  order: {
    id: string;
    fulfillments: {
      id: string;
      status: string;
      trackingInfo: { company: string | null; number: string | null; url: string | null }[];
    }[];
    fulfillmentOrders: { nodes: Fo[] };
  } | null;
}

const OPEN = new Set(['OPEN', 'IN_PROGRESS']);

export interface Allocation {
  fulfillmentOrderId: string;
  locationId: string | null;
  lines: { id: string; quantity: number }[];
}

/**
 * Places requested (line, quantity) pairs on the open fulfillment order line items that hold
 * them, first come first served. An empty request takes everything still open. Quantities
 * beyond what is open are dropped: they were fulfilled already (a replay) or never existed.
 */
export function allocate(fos: Fo[], wanted: FulfilmentPush['lines']): Allocation[] {
  const byFo = new Map<string, Allocation>();
  const take = (fo: Fo, line: FoLine, qty: number) => {
    const a = byFo.get(fo.id) ?? {
      fulfillmentOrderId: fo.id,
      locationId: fo.assignedLocation?.location?.id ?? null,
      lines: [],
    };
    a.lines.push({ id: line.id, quantity: qty });
    byFo.set(fo.id, a);
    line.remainingQuantity -= qty;
  };
  if (wanted.length === 0) {
    for (const fo of fos)
      for (const line of fo.lineItems.nodes) if (line.remainingQuantity > 0) take(fo, line, line.remainingQuantity);
    return [...byFo.values()];
  }
  for (const w of wanted) {
    let left = w.quantity;
    for (const fo of fos) {
      for (const line of fo.lineItems.nodes) {
        if (left <= 0) break;
        if (line.lineItem.id !== w.channelLineId || line.remainingQuantity <= 0) continue;
        const q = Math.min(left, line.remainingQuantity);
        take(fo, line, q);
        left -= q;
      }
    }
  }
  return [...byFo.values()];
}

function rejectOnErrors(what: string, errors: UserError[] | undefined): void {
  if (errors && errors.length > 0) {
    throw new ConnectorError('fulfilment_rejected', `${what}: ${errors.map((e) => e.message).join('; ')}`, {
      retryable: false,
    });
  }
}

export async function pushFulfilment(client: ShopifyClient, push: FulfilmentPush): Promise<FulfilmentPushResult> {
  if (push.kind === 'cancel_request_approved' || push.kind === 'cancel_request_declined') {
    // Shopify buyers cannot ask to cancel (only the merchant cancels), so the mapping never
    // reports a request and there is nothing on Shopify to answer.
    throw new ConnectorError('unsupported', 'Shopify has no buyer cancellation requests to answer', {
      retryable: false,
    });
  }
  // Goods taken back outside Shopify: Shopify refunds the buyer (refund.ts).
  if (push.kind === 'refund') return pushRefund(client, push);
  if (push.kind === 'cancel') {
    // orderCancel moves money (refund method) and is the merchant's call in the Shopify admin.
    throw new ConnectorError(
      'unsupported',
      'cancelling a Shopify order from the hub is not supported; cancel it in Shopify',
      { retryable: false },
    );
  }
  const data = await client.request<FoPayload>(
    OP.fulfillmentOrdersForOrder,
    FULFILLMENT_ORDERS_FOR_ORDER_QUERY,
    { id: push.externalOrderId },
    { retrySafe: true },
  );
  const order = data.order;
  if (!order)
    throw new ConnectorError('order_not_found', `Shopify has no order ${push.externalOrderId}`, { retryable: false });

  const number = push.tracking?.number ?? null;
  if (push.kind === 'ship' && number) {
    const done = order.fulfillments.find(
      (f) => f.status !== 'CANCELLED' && f.trackingInfo.some((t) => t.number === number),
    );
    if (done) return { externalFulfilmentId: done.id, alreadyApplied: true };
  }

  const pickup = push.kind !== 'ship';
  const candidates = order.fulfillmentOrders.nodes.filter(
    (fo) => OPEN.has(fo.status) && (pickup ? fo.deliveryMethod?.methodType === 'PICK_UP' : true),
  );
  const allocations = allocate(candidates, push.lines);

  if (push.kind === 'pickup_ready') {
    if (allocations.length === 0) return { externalFulfilmentId: null, alreadyApplied: true };
    const res = await client.request<{
      fulfillmentOrderLineItemsPreparedForPickup: { userErrors: UserError[] } | null;
    }>(
      OP.preparedForPickup,
      PREPARED_FOR_PICKUP_MUTATION,
      {
        input: { lineItemsByFulfillmentOrder: allocations.map((a) => ({ fulfillmentOrderId: a.fulfillmentOrderId })) },
      },
      // Marking ready twice is harmless for the order but e-mails the buyer twice: no blind retry.
      { retrySafe: false },
    );
    rejectOnErrors(
      'fulfillmentOrderLineItemsPreparedForPickup',
      res.fulfillmentOrderLineItemsPreparedForPickup?.userErrors,
    );
    return { externalFulfilmentId: null, alreadyApplied: false };
  }

  if (allocations.length === 0) {
    const last = order.fulfillments.filter((f) => f.status !== 'CANCELLED').at(-1);
    return { externalFulfilmentId: last?.id ?? null, alreadyApplied: true };
  }

  // One fulfilment per assigned location: a fulfilment ships from one place.
  const byLocation = new Map<string, Allocation[]>();
  for (const a of allocations) {
    const key = a.locationId ?? '';
    byLocation.set(key, [...(byLocation.get(key) ?? []), a]);
  }
  const ids: string[] = [];
  for (const group of byLocation.values()) {
    const tracking = push.kind === 'ship' && push.tracking ? stripNulls(push.tracking) : null;
    const res = await client.request<{
      fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: UserError[] } | null;
    }>(
      OP.fulfillmentCreate,
      FULFILLMENT_CREATE_MUTATION,
      {
        fulfillment: {
          notifyCustomer: push.notifyCustomer ?? false,
          ...(tracking ? { trackingInfo: tracking } : {}),
          lineItemsByFulfillmentOrder: group.map((a) => ({
            fulfillmentOrderId: a.fulfillmentOrderId,
            fulfillmentOrderLineItems: a.lines,
          })),
        },
      },
      // Not idempotent on Shopify's side: after an unclear failure the job retries the whole
      // push, whose read above notices a fulfilment that did go through.
      { retrySafe: false },
    );
    rejectOnErrors('fulfillmentCreate', res.fulfillmentCreate?.userErrors);
    const id = res.fulfillmentCreate?.fulfillment?.id;
    if (id) ids.push(id);
  }
  return { externalFulfilmentId: ids[0] ?? null, alreadyApplied: false };
}

function stripNulls(t: NonNullable<FulfilmentPush['tracking']>): Record<string, string> {
  const out: Record<string, string> = {};
  if (t.company) out.company = t.company;
  if (t.number) out.number = t.number;
  if (t.url) out.url = t.url;
  return out;
}
