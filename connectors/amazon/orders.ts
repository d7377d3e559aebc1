// Orders in: Amazon sends no order webhooks, so polling is how orders arrive (README, "Polling").
// A sweep lists every order updated in [watermark, now − 2 min] with searchOrders (items,
// buyer, recipient, proceeds, cancellation, fulfilment and packages inside each order, up to 100
// per page), one page per pollOrders() call; the cursor keeps the sweep's window and Amazon's
// paginationToken, and the watermark moves to the window's end only when the last page is read.
import type { HeldOrderVersions, InboundEvent, PollResult } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import { type AmazonCtx, spCall } from './client.ts';
import type { SpGetOrderResponse, SpOrder, SpSearchOrdersResponse } from './payloads.ts';

export const ORDER_SNAPSHOT_TOPIC = 'orders/snapshot';
export const ORDERS_PATH = '/orders/2026-01-01/orders';
/** The datasets the mapping reads; personal data comes by role through BUYER and RECIPIENT (no Restricted Data Token). */
export const INCLUDED_DATA = [
  'BUYER',
  'RECIPIENT',
  'PROCEEDS',
  'CANCELLATION',
  'FULFILLMENT',
  'PACKAGES',
  'TAX',
] as const;
/**
 * "lastUpdatedBefore … must be … at least two minutes before the time of the request"
 * (orders_2026-01-01.json), plus 10 s against a hub clock running ahead of Amazon's.
 */
export const SETTLE_MS = 2 * 60_000 + 10_000;
/** paginationToken lives 24 h (Orders API 2026-01-01); a sweep older than this starts its window again. */
export const TOKEN_LIFETIME_MS = 23 * 3_600_000;
export interface PollCursor {
  /** lastUpdatedBefore of the last complete sweep (ISO). */
  watermark: string | null;
  /** The sweep in progress: its window, Amazon's token for the next page, and when it was handed out. */
  sweep?: { after: string; before: string; nextToken: string; tokenAt: string } | null;
}

function asCursor(c: unknown): PollCursor {
  if (c && typeof c === 'object' && 'watermark' in c) return c as PollCursor;
  return { watermark: null };
}

function iso(ms: number): string {
  // Whole seconds: Amazon's timestamps have no fractions.
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A stable id per order version: a re-listed version repeats it and the inbox drops it. */
export function orderEvent(order: SpOrder): InboundEvent {
  return {
    externalEventId: `${order.orderId}@${order.lastUpdatedTime}#${digest(order)}`,
    topic: ORDER_SNAPSHOT_TOPIC,
    occurredAt: order.lastUpdatedTime,
    payload: order,
  };
}

/** FNV-1a over the JSON: two versions within one lastUpdatedTime second still differ. */
function digest(value: unknown): string {
  const text = JSON.stringify(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export async function pollOrders(
  ctx: AmazonCtx,
  cursorIn: unknown,
  now: Date,
  held?: HeldOrderVersions,
): Promise<PollResult> {
  const cursor = asCursor(cursorIn);
  const nowMs = now.getTime();
  let sweep = cursor.sweep ?? null;
  if (sweep && nowMs - Date.parse(sweep.tokenAt) > TOKEN_LIFETIME_MS) sweep = null;
  const after = sweep?.after ?? cursor.watermark ?? iso(nowMs - ctx.cfg.pollLookbackDays * 86_400_000);
  const before = sweep?.before ?? iso(nowMs - SETTLE_MS);
  if (Date.parse(before) <= Date.parse(after)) return { events: [], cursor, hasMore: false };

  let page: SpSearchOrdersResponse;
  try {
    page = await searchPage(ctx, after, before, sweep?.nextToken);
  } catch (error) {
    // An expired or unknown paginationToken: read the window again from its start (the events
    // of pages already stored repeat with the same ids and the inbox drops them).
    if (sweep && error instanceof ConnectorError && error.code === 'http_400') {
      return { events: [], cursor: { watermark: cursor.watermark }, hasMore: true };
    }
    throw error;
  }
  let orders = page.orders;
  if (held && orders.length) {
    const versions = await held(orders.map((o) => o.orderId));
    orders = orders.filter((o) => {
      const v = versions.get(o.orderId);
      return !v || Date.parse(v) < Date.parse(o.lastUpdatedTime);
    });
  }
  const events = orders.map(orderEvent);
  const next = page.pagination?.nextToken;
  if (next) {
    return {
      events,
      cursor: { watermark: cursor.watermark, sweep: { after, before, nextToken: next, tokenAt: now.toISOString() } },
      hasMore: true,
    };
  }
  return { events, cursor: { watermark: before }, hasMore: false };
}

async function searchPage(
  ctx: AmazonCtx,
  after: string,
  before: string,
  token: string | undefined,
): Promise<SpSearchOrdersResponse> {
  const { body } = await spCall<SpSearchOrdersResponse>(ctx, 'searchOrders', {
    method: 'GET',
    path: ORDERS_PATH,
    query: {
      lastUpdatedAfter: after,
      lastUpdatedBefore: before,
      marketplaceIds: ctx.cfg.marketplaceIds.length ? ctx.cfg.marketplaceIds : undefined,
      maxResultsPerPage: ctx.cfg.pollPageSize,
      includedData: INCLUDED_DATA,
      paginationToken: token,
    },
  });
  if (!body || !Array.isArray(body.orders)) {
    throw new ConnectorError('unexpected', 'searchOrders answer has no orders array', { retryable: true });
  }
  return body;
}

export async function fetchOrder(ctx: AmazonCtx, orderId: string): Promise<InboundEvent | null> {
  const res = await spCall<SpGetOrderResponse>(ctx, 'getOrder', {
    method: 'GET',
    path: `${ORDERS_PATH}/${encodeURIComponent(orderId)}`,
    query: { includedData: INCLUDED_DATA },
    accept: [404],
  });
  if (res.status === 404 || !res.body?.order) return null;
  return orderEvent(res.body.order);
}
