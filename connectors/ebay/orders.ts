// Orders in, pull side: the polling sweep (getOrders by last-modified window with offset
// paging) and the reads pointer notifications ask for (getOrders by orderIds, getOrder).
// - A sweep's window is [watermark − overlap .. b] with `b` fixed when the sweep starts: the
//   set being paged then only loses members (an order modified meanwhile moves past b), it
//   never gains any.
// - Offset paging over a set that loses members skips: the orders behind a leaver shift one
//   place forward, across a page boundary. eBay's `total` shows it, so when `total` moved
//   during a sweep the same window is swept again (up to MAX_RESWEEPS times); the leavers
//   themselves are in the next sweep's window (their new lastModifiedDate is after b).
// - getOrders returns cancelRequests empty; an order whose cancelState is IN_PROGRESS is read
//   again with getOrder to see the buyer's request (the hub holds the order on it).
// - `held` (the versions the hub holds) keeps orders the hub already has at that version out
//   of the events and out of those getOrder reads.
import { saneInstant } from '../../core/instant.ts';
import { makeStorable, storable } from '../../core/text/storable.ts';
import type { HeldOrderVersions, InboundEvent, PollResult } from '../connector.ts';
import type { EbayClient } from './client.ts';
import { GET_ORDERS_IDS_MAX, OP } from './limits.ts';
import { needsCancelDetail } from './mapping.ts';
import type { EbayOrder, EbayOrderPage } from './payloads.ts';

/** Topic of an order read through the Fulfillment API; interpret() maps it with mapOrder. */
export const ORDER_SNAPSHOT_TOPIC = 'order/snapshot';

/** Sweeps of one window after the first, when `total` keeps moving. */
export const MAX_RESWEEPS = 2;

export interface SweepState {
  from: string;
  /** `b`: fixed when the sweep starts. */
  to: string;
  offset: number;
  /** `total` eBay gave on the previous page of this round; null before the first page. */
  total: number | null;
  /** `total` changed during this round. */
  moved: boolean;
  /** Rounds of this window already completed. */
  rounds: number;
}

export interface PollCursor {
  v: 1;
  /** The `b` of the last complete sweep. */
  watermark: string;
  sweep: SweepState | null;
}

export function isPollCursor(c: unknown): c is PollCursor {
  const x = c as PollCursor | null;
  return Boolean(x && x.v === 1 && typeof x.watermark === 'string');
}

/** eBay's filter syntax; URLSearchParams percent-encodes the brackets as eBay requires. */
export function lastModifiedFilter(from: string, to: string): string {
  return `lastmodifieddate:[${from}..${to}]`;
}

async function shortHash(value: unknown): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(value))));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** One version of an order as an inbox event (same id for the same content, whoever read it). */
export async function orderEvent(order: EbayOrder): Promise<InboundEvent> {
  return {
    externalEventId: storable(`${order.orderId}@${order.lastModifiedDate}#${await shortHash(order)}`),
    topic: ORDER_SNAPSHOT_TOPIC,
    occurredAt: saneInstant(order.lastModifiedDate),
    payload: makeStorable(order).value,
  };
}

/** getOrder, for an order whose cancel request getOrders does not show; null when eBay does not know it. */
export async function getOrder(client: EbayClient, orderId: string): Promise<EbayOrder | null> {
  const res = await client.rest<EbayOrder>(OP.getOrder, 'fulfillment', `/order/${encodeURIComponent(orderId)}`, {
    retrySafe: true,
    allow404: true,
  });
  return res?.body ?? null;
}

/** Replaces orders whose cancel request is hidden by getOrders with their getOrder read. */
async function withCancelDetail(client: EbayClient, orders: EbayOrder[]): Promise<EbayOrder[]> {
  const out: EbayOrder[] = [];
  for (const o of orders) out.push(needsCancelDetail(o) ? ((await getOrder(client, o.orderId)) ?? o) : o);
  return out;
}

async function notHeld(orders: EbayOrder[], held?: HeldOrderVersions): Promise<EbayOrder[]> {
  if (!held || orders.length === 0) return orders;
  const versions = await held(orders.map((o) => o.orderId));
  return orders.filter((o) => {
    const v = versions.get(o.orderId);
    return !v || Date.parse(v) < Date.parse(o.lastModifiedDate);
  });
}

export async function pollOrders(
  client: EbayClient,
  cursor: unknown | null,
  now: Date,
  held?: HeldOrderVersions,
): Promise<PollResult> {
  const cfg = client.config;
  const c: PollCursor = isPollCursor(cursor)
    ? structuredClone(cursor)
    : { v: 1, watermark: new Date(now.getTime() - cfg.pollLookbackDays * 86_400_000).toISOString(), sweep: null };
  if (!c.sweep) {
    c.sweep = {
      from: new Date(Date.parse(c.watermark) - cfg.pollOverlapMinutes * 60_000).toISOString(),
      to: now.toISOString(),
      offset: 0,
      total: null,
      moved: false,
      rounds: 0,
    };
  }
  const s = c.sweep;
  const res = await client.rest<EbayOrderPage>(OP.getOrders, 'fulfillment', '/order', {
    query: {
      filter: lastModifiedFilter(s.from, s.to),
      limit: String(cfg.pollPageSize),
      offset: String(s.offset),
    },
    retrySafe: true,
  });
  const page = res?.body ?? { orders: [], total: 0, limit: cfg.pollPageSize, offset: s.offset };
  const orders = page.orders ?? [];
  if (s.total !== null && page.total !== s.total) s.moved = true;
  s.total = page.total;
  const fresh = await withCancelDetail(client, await notHeld(orders, held));
  const events = await Promise.all(fresh.map(orderEvent));
  s.offset += orders.length;

  if (orders.length > 0 && s.offset < page.total) return { events, cursor: c, hasMore: true };
  if (s.moved && s.rounds < MAX_RESWEEPS) {
    // Members left the window while we paged: someone behind them may have been skipped.
    c.sweep = { ...s, offset: 0, total: null, moved: false, rounds: s.rounds + 1 };
    return { events, cursor: c, hasMore: true };
  }
  return { events, cursor: { v: 1, watermark: s.to, sweep: null }, hasMore: false };
}

/** getOrders by id, 50 at a time; ids eBay does not know are absent from the map. */
export async function fetchOrders(client: EbayClient, orderIds: string[]): Promise<Map<string, InboundEvent>> {
  const out = new Map<string, InboundEvent>();
  for (let i = 0; i < orderIds.length; i += GET_ORDERS_IDS_MAX) {
    const ids = orderIds.slice(i, i + GET_ORDERS_IDS_MAX);
    const res = await client.rest<EbayOrderPage>(OP.getOrders, 'fulfillment', '/order', {
      query: { orderIds: ids.join(',') },
      retrySafe: true,
    });
    const orders = await withCancelDetail(client, res?.body.orders ?? []);
    for (const o of orders) out.set(o.orderId, await orderEvent(o));
  }
  return out;
}

export async function fetchOrder(client: EbayClient, orderId: string): Promise<InboundEvent | null> {
  const order = await getOrder(client, orderId);
  return order ? orderEvent(order) : null;
}
