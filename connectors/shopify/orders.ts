// Orders in, pull side: the polling safety net behind webhooks, and fetchOrder() for events
// that only point at an order.
// A sweep lists orders with updated_at after (watermark - overlap), oldest change first
// (sortKey UPDATED_AT), 250 per page, then reads the full orders in small batches.
// - The watermark is the newest updatedAt the previous sweep saw, not "now": a clock
//   difference between us and Shopify cannot skip an order.
// - The overlap (default 5 minutes) re-reads the boundary: an order committed late with an
//   updated_at just before the watermark is still found. Re-reads repeat the same event ids,
//   which the inbox drops.
// - An order updated while we page moves to the end of the UPDATED_AT order; Shopify's
//   cursor encodes the sort value, so it appears again on a later page, never lost.
// The cursor is returned to the caller after every page and stored per account.
import type { InboundEvent, PollResult } from '../connector.ts';
import type { ShopifyClient } from './client.ts';
import type { GqlOrder, GqlRefund } from './payloads.ts';
import { OP, ORDER_DETAILS_QUERY, ORDER_LINE_ITEMS_PAGE_QUERY, ORDERS_UPDATED_SINCE_QUERY } from './queries.ts';
import { chunk } from './stock.ts';

/** Topic of an order read through GraphQL; interpret() maps it with mapGraphqlOrder. */
export const ORDER_SNAPSHOT_TOPIC = 'orders/snapshot';
/** Topic of a refund read through GraphQL (safety net for refunds/create). */
export const REFUND_SNAPSHOT_TOPIC = 'refunds/snapshot';

export interface PollCursor {
  v: 1;
  /** Newest updatedAt seen by the last complete sweep. */
  watermark: string;
  /** The search string of the sweep in progress (page cursors belong to one query). */
  query: string | null;
  /** endCursor of the last page read in the sweep in progress; null between sweeps. */
  after: string | null;
  /** Newest updatedAt seen so far in the sweep in progress. */
  sweepMax: string | null;
}

export function isPollCursor(c: unknown): c is PollCursor {
  const x = c as PollCursor | null;
  return Boolean(x && x.v === 1 && typeof x.watermark === 'string');
}

export function startCursor(now: Date, lookbackDays: number): PollCursor {
  return {
    v: 1,
    watermark: new Date(now.getTime() - lookbackDays * 86_400_000).toISOString(),
    query: null,
    after: null,
    sweepMax: null,
  };
}

/** Shopify search syntax for "changed after", with the overlap applied. */
export function sweepQuery(watermark: string, overlapMinutes: number): string {
  const from = new Date(Date.parse(watermark) - overlapMinutes * 60_000).toISOString().replace('.000Z', 'Z');
  return `updated_at:>'${from}'`;
}

function later(a: string | null, b: string): string {
  return a === null || Date.parse(b) > Date.parse(a) ? b : a;
}

async function shortHash(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Event id of a polled order version. updatedAt has one-second resolution, so two versions
 * in the same second would share it; the content hash keeps them apart.
 */
export async function orderSnapshotEvent(order: GqlOrder): Promise<InboundEvent> {
  return {
    externalEventId: `${order.id}@${order.updatedAt}#${await shortHash(order)}`,
    topic: ORDER_SNAPSHOT_TOPIC,
    occurredAt: order.updatedAt,
    payload: order,
  };
}

function refundEvents(order: GqlOrder): InboundEvent[] {
  return (order.refunds ?? []).map((r: GqlRefund) => ({
    // A refund never changes once made: its id is its version.
    externalEventId: r.id,
    topic: REFUND_SNAPSHOT_TOPIC,
    occurredAt: r.createdAt,
    payload: { ...r, order: r.order ?? { id: order.id } },
  }));
}

interface ListPage {
  orders: { nodes: { id: string; updatedAt: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

type LinePage = GqlOrder['lineItems'];

/** Reads the lines beyond the first page: a truncated order would look like removed lines to core. */
async function completeLines(client: ShopifyClient, order: GqlOrder): Promise<GqlOrder> {
  let page: LinePage = order.lineItems;
  const nodes = [...page.nodes];
  while (page.pageInfo?.hasNextPage && page.pageInfo.endCursor) {
    const data = await client.request<{ node: { lineItems: LinePage } | null }>(
      OP.orderLineItemsPage,
      ORDER_LINE_ITEMS_PAGE_QUERY,
      { id: order.id, after: page.pageInfo.endCursor },
      { retrySafe: true },
    );
    if (!data.node) break;
    page = data.node.lineItems;
    nodes.push(...page.nodes);
  }
  return { ...order, lineItems: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } };
}

async function readOrders(client: ShopifyClient, ids: string[]): Promise<GqlOrder[]> {
  const out: GqlOrder[] = [];
  for (const batch of chunk(ids, client.config.orderDetailBatch)) {
    const data = await client.request<{ nodes: (GqlOrder | null)[] }>(
      OP.orderDetails,
      ORDER_DETAILS_QUERY,
      { ids: batch },
      { retrySafe: true },
    );
    for (const n of data.nodes)
      if (n && typeof n === 'object' && 'lineItems' in n) out.push(await completeLines(client, n));
  }
  return out;
}

export async function pollOrders(client: ShopifyClient, cursor: unknown | null, now: Date): Promise<PollResult> {
  const cfg = client.config;
  const cur = isPollCursor(cursor) ? cursor : startCursor(now, cfg.pollLookbackDays);
  const query = cur.query ?? sweepQuery(cur.watermark, cfg.pollOverlapMinutes);
  const page = await client.request<ListPage>(
    OP.ordersUpdatedSince,
    ORDERS_UPDATED_SINCE_QUERY,
    { first: cfg.pollPageSize, after: cur.after, query },
    { retrySafe: true },
  );
  const listed = page.orders.nodes;
  const orders = await readOrders(
    client,
    listed.map((n) => n.id),
  );
  const events: InboundEvent[] = [];
  for (const o of orders) {
    events.push(await orderSnapshotEvent(o), ...refundEvents(o));
  }
  // The watermark follows what the listing said (the version we asked about), not the
  // possibly newer hydrated version: a newer one will be listed again in a later page/sweep.
  const sweepMax = listed.reduce<string | null>((m, n) => later(m, n.updatedAt), cur.sweepMax);
  const { hasNextPage, endCursor } = page.orders.pageInfo;
  if (hasNextPage && endCursor) {
    return { events, cursor: { ...cur, query, after: endCursor, sweepMax } satisfies PollCursor, hasMore: true };
  }
  const done: PollCursor = { v: 1, watermark: sweepMax ?? cur.watermark, query: null, after: null, sweepMax: null };
  return { events, cursor: done, hasMore: false };
}

export async function fetchOrder(client: ShopifyClient, orderId: string): Promise<InboundEvent | null> {
  const [order] = await readOrders(client, [orderId]);
  return order ? orderSnapshotEvent(order) : null;
}
