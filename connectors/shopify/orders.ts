// Orders in, pull side: the polling safety net behind webhooks, and fetchOrder() for events
// that only point at an order.
// A sweep lists orders with updated_at after (watermark - overlap), oldest change first
// (sortKey UPDATED_AT), 250 ids and versions per cheap listing query, asks the hub which of
// them it already holds at that version or newer, and reads whole (several per query, sized so
// the requested cost, Shopify's rules in query-cost.ts, fits the bucket) only the others.
// - The watermark is the newest updatedAt the previous sweep saw, not "now": a clock
//   difference between us and Shopify cannot skip an order.
// - The overlap (default 5 minutes) re-reads the boundary: an order committed late with an
//   updated_at just before the watermark is still found. Re-reads repeat the same event ids,
//   which the inbox drops.
// - An order updated while we page moves to the end of the UPDATED_AT order; Shopify's
//   cursor encodes the sort value, so it appears again on a later page, never lost.
// The cursor is returned to the caller after every call and stored per account with the
// call's events: it holds the listed orders still to be read whole, so a crash re-reads at
// most one batch and never lists a page twice.
import { saneInstant } from '../../core/instant.ts';
import { makeStorable, storable } from '../../core/text/storable.ts';
import type { HeldOrderVersions, InboundEvent, PollResult } from '../connector.ts';
import type { ShopifyClient } from './client.ts';
import type { GqlOrder, GqlRefund } from './payloads.ts';
import {
  FULL_ORDER_SIZES,
  LINE_PAGE_SIZE,
  OP,
  ORDER_DETAILS_QUERY,
  ORDER_LINE_ITEMS_PAGE_QUERY,
  ORDERS_BY_ID_QUERY,
  ORDERS_UPDATED_SINCE_QUERY,
  type OrderListSizes,
} from './queries.ts';
import { requestedQueryCost, SINGLE_QUERY_LIMIT } from './query-cost.ts';

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
  /**
   * Listed orders of the page ending at `after` that the hub did not hold, still to be read
   * whole; the next calls read them before listing on. Absent between sweeps.
   */
  pending?: string[];
  /** The page ending at `after` was the listing's last. */
  listedAll?: boolean;
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
  return storableEvent({
    externalEventId: `${order.id}@${order.updatedAt}#${await shortHash(order)}`,
    topic: ORDER_SNAPSHOT_TOPIC,
    occurredAt: order.updatedAt,
    payload: order,
  });
}

function refundEvents(order: GqlOrder): InboundEvent[] {
  return (order.refunds ?? []).map((r: GqlRefund) =>
    storableEvent({
      // A refund never changes once made: its id is its version.
      externalEventId: r.id,
      topic: REFUND_SNAPSHOT_TOPIC,
      occurredAt: r.createdAt,
      payload: { ...r, order: r.order ?? { id: order.id } },
    }),
  );
}

/**
 * What was read goes to the inbox as the webhook door sends it there: a character PostgreSQL
 * cannot store (NUL, an unpaired surrogate) is replaced with U+FFFD, and a date outside the
 * accepted range does not order the event (the mapping refuses it as a content error). Else one
 * such order would fail the whole page's insert on every sweep and stop polling for good. The
 * channel keeps the original: nothing is lost that a later read cannot bring back.
 */
function storableEvent(e: InboundEvent): InboundEvent {
  return {
    externalEventId: storable(e.externalEventId),
    topic: e.topic,
    occurredAt: saneInstant(e.occurredAt),
    payload: makeStorable(e.payload).value,
  };
}

interface ListingPage {
  orders: {
    nodes: { id: string; updatedAt: string; displayFinancialStatus?: string | null }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

type LinePage = GqlOrder['lineItems'];

/**
 * Nested list sizes of the poll's whole-order read: enough for most orders (5 lines, one
 * shipping line, two fulfillment orders, one refund of up to 5 lines) at 141 requested points an
 * order, so about 7 orders fit under the 1,000-point single-query limit. An order that fills any
 * of them is re-read whole (FULL_ORDER_SIZES) or, for lines only, completed page by page.
 */
export const POLL_ORDER_SIZES: OrderListSizes = {
  lines: 5,
  shippingLines: 1,
  fulfillmentOrders: 2,
  refunds: 1,
  refundLines: 5,
};

/** The most ids one listing query asks for (Shopify's page limit). */
export const LISTING_PAGE_MAX = 250;

/** The bucket's size as last reported, capped by the single-query limit. */
function budget(bucketMax: number | null): number {
  return Math.min(SINGLE_QUERY_LIMIT, bucketMax ?? SINGLE_QUERY_LIMIT);
}

const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `gid://shopify/Order/${i}`);

/**
 * Orders per whole-order read: as many as Shopify's rules let the requested cost fit both the
 * single-query limit and the bucket (its size as last reported), capped by pollPageSize.
 */
export function pollPageFirst(maxPageSize: number, bucketMax: number | null): number {
  const perOrder = requestedQueryCost(ORDERS_BY_ID_QUERY, { ids: idsOf(1), ...POLL_ORDER_SIZES });
  return Math.max(1, Math.min(maxPageSize, Math.floor(budget(bucketMax) / perOrder)));
}

/** Ids per listing query: 250 (252 requested points), fewer if pollPageSize or a small bucket says so. */
export function listingPageFirst(maxPageSize: number, bucketMax: number | null): number {
  const base = requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, { first: 0 });
  const perOrder = requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, { first: 1 }) - base;
  return Math.max(1, Math.min(maxPageSize, LISTING_PAGE_MAX, Math.floor((budget(bucketMax) - base) / perOrder)));
}

/** True when a nested list other than the lines may hold more than the page asked for. */
function truncatedBeyondLines(o: GqlOrder, sizes: OrderListSizes): boolean {
  const refunds = o.refunds ?? [];
  return Boolean(
    o.shippingLines?.pageInfo?.hasNextPage ||
      o.fulfillmentOrders?.pageInfo?.hasNextPage ||
      refunds.length >= sizes.refunds ||
      refunds.some((r) => r.refundLineItems?.pageInfo?.hasNextPage),
  );
}

/** Reads the lines beyond the first page: a truncated order would look like removed lines to core. */
async function completeLines(client: ShopifyClient, order: GqlOrder): Promise<GqlOrder> {
  let page: LinePage = order.lineItems;
  const nodes = [...page.nodes];
  while (page.pageInfo?.hasNextPage && page.pageInfo.endCursor) {
    const variables = { id: order.id, after: page.pageInfo.endCursor, first: LINE_PAGE_SIZE };
    const data = await client.request<{ node: { lineItems: LinePage } | null }>(
      OP.orderLineItemsPage,
      ORDER_LINE_ITEMS_PAGE_QUERY,
      variables,
      { retrySafe: true, requestedCost: requestedQueryCost(ORDER_LINE_ITEMS_PAGE_QUERY, variables) },
    );
    if (!data.node) break;
    page = data.node.lineItems;
    nodes.push(...page.nodes);
  }
  return { ...order, lineItems: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } };
}

/** Full orders by id, one per query (a full read of one order is 874 of the 1,000 points). */
async function readOrders(client: ShopifyClient, ids: string[]): Promise<GqlOrder[]> {
  const out: GqlOrder[] = [];
  for (const id of ids) {
    const variables = { ids: [id], ...FULL_ORDER_SIZES };
    const data = await client.request<{ nodes: (GqlOrder | null)[] }>(OP.orderDetails, ORDER_DETAILS_QUERY, variables, {
      retrySafe: true,
      requestedCost: requestedQueryCost(ORDER_DETAILS_QUERY, variables),
    });
    for (const n of data.nodes)
      if (n && typeof n === 'object' && 'lineItems' in n) out.push(await completeLines(client, n));
  }
  return out;
}

/** An order of the whole-order read made complete: re-read when a list other than lines was cut short. */
async function wholeOrder(client: ShopifyClient, o: GqlOrder): Promise<GqlOrder | null> {
  if (truncatedBeyondLines(o, POLL_ORDER_SIZES)) return (await readOrders(client, [o.id]))[0] ?? null;
  return completeLines(client, o);
}

/** Financial statuses of an order that has refunds (REST and GraphQL spellings, case-insensitive). */
const REFUNDED_STATUSES = new Set(['refunded', 'partially_refunded']);

/**
 * The listed orders to read whole: those the hub does not hold at the listed updatedAt or newer.
 * Shopify moves an order's updatedAt on every change, so the same updatedAt is the same version
 * (README, Polling). An order with refunds is read whatever the hub holds, once: in the sweep
 * that first lists that version (updatedAt after the previous sweep's watermark; the overlap
 * lists it again, and again, for minutes). Its refunds reach the hub only through
 * refunds/create or this read, and an orders/updated webhook that arrived says nothing about a
 * refunds/create that was lost.
 */
async function toRead(
  listed: ListingPage['orders']['nodes'],
  held: HeldOrderVersions | undefined,
  watermark: string,
): Promise<string[]> {
  const versions = held && listed.length ? await held(listed.map((o) => o.id)) : new Map<string, string>();
  const since = Date.parse(watermark);
  return listed
    .filter((o) => {
      const refunded = REFUNDED_STATUSES.has(String(o.displayFinancialStatus ?? '').toLowerCase());
      if (refunded && Date.parse(o.updatedAt) > since) return true;
      const have = versions.get(o.id);
      return have === undefined || !(Date.parse(have) >= Date.parse(o.updatedAt));
    })
    .map((o) => o.id);
}

/** The orders of `ids` whole, one query for all of them (the caller sized the batch). */
async function readBatch(client: ShopifyClient, ids: string[]): Promise<GqlOrder[]> {
  if (!ids.length) return [];
  const variables = { ids, ...POLL_ORDER_SIZES };
  const data = await client.request<{ nodes: (GqlOrder | null)[] }>(OP.ordersById, ORDERS_BY_ID_QUERY, variables, {
    retrySafe: true,
    requestedCost: requestedQueryCost(ORDERS_BY_ID_QUERY, variables),
  });
  const out: GqlOrder[] = [];
  for (const n of data.nodes) {
    if (!n || typeof n !== 'object' || !('lineItems' in n)) continue; // deleted since it was listed
    const o = await wholeOrder(client, n);
    if (o) out.push(o);
  }
  return out;
}

/**
 * One poll call: lists the next page when no listed order is left to read, then reads whole
 * one batch of the listed orders the hub does not hold (`held`; without it, all of them).
 * The caller stores the call's events with the returned cursor in one transaction.
 */
export async function pollOrders(
  client: ShopifyClient,
  cursor: unknown | null,
  now: Date,
  held?: HeldOrderVersions,
): Promise<PollResult> {
  const cfg = client.config;
  const cur = isPollCursor(cursor) ? cursor : startCursor(now, cfg.pollLookbackDays);
  const query = cur.query ?? sweepQuery(cur.watermark, cfg.pollOverlapMinutes);
  const bucketMax = client.bucket()?.maximumAvailable ?? null;
  let { after, sweepMax } = cur;
  let pending = cur.pending ?? [];
  let listedAll = cur.listedAll ?? false;
  if (!pending.length) {
    const variables = { first: listingPageFirst(cfg.pollPageSize, bucketMax), after, query };
    const page = await client.request<ListingPage>(OP.ordersUpdatedSince, ORDERS_UPDATED_SINCE_QUERY, variables, {
      retrySafe: true,
      requestedCost: requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, variables),
    });
    const listed = page.orders.nodes;
    pending = await toRead(listed, held, cur.watermark);
    // The watermark follows what the listing said (the version listed), not a possibly newer
    // version read whole: a newer one will be listed again in a later page or sweep.
    sweepMax = listed.reduce<string | null>((m, n) => later(m, n.updatedAt), sweepMax);
    const { hasNextPage, endCursor } = page.orders.pageInfo;
    listedAll = !(hasNextPage && endCursor);
    after = endCursor ?? after;
  }
  const first = pollPageFirst(cfg.pollPageSize, bucketMax);
  const events: InboundEvent[] = [];
  for (const o of await readBatch(client, pending.slice(0, first)))
    events.push(await orderSnapshotEvent(o), ...refundEvents(o));
  const rest = pending.slice(first);
  if (rest.length || !listedAll) {
    const next: PollCursor = { ...cur, query, after, sweepMax, pending: rest, listedAll };
    return { events, cursor: next, hasMore: true };
  }
  const done: PollCursor = { v: 1, watermark: sweepMax ?? cur.watermark, query: null, after: null, sweepMax: null };
  return { events, cursor: done, hasMore: false };
}

export async function fetchOrder(client: ShopifyClient, orderId: string): Promise<InboundEvent | null> {
  const [order] = await readOrders(client, [orderId]);
  return order ? orderSnapshotEvent(order) : null;
}

/** Orders per fetchOrders() call the sync layer sends: as many as one poll read fits the single-query limit. */
export const FETCH_ORDERS_MAX = pollPageFirst(LISTING_PAGE_MAX, null);

/**
 * Several orders by id, read the way the poll reads them (several per OrdersById query, each
 * made whole): far fewer points than one full read each. Ids Shopify no longer resolves are absent.
 */
export async function fetchOrders(client: ShopifyClient, orderIds: string[]): Promise<Map<string, InboundEvent>> {
  const out = new Map<string, InboundEvent>();
  const ids = [...new Set(orderIds)];
  while (ids.length) {
    const batch = ids.splice(0, pollPageFirst(client.config.pollPageSize, client.bucket()?.maximumAvailable ?? null));
    for (const o of await readBatch(client, batch)) out.set(o.id, await orderSnapshotEvent(o));
  }
  return out;
}
