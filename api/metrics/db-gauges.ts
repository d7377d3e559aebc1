// Metrics read from the database on each scrape: they are true for the whole deployment,
// not just this process (queue depths, orders per channel, oversells, sync health).
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { MetricsRegistry } from '../../core/metrics/registry.ts';
import { IN_SYNC_SQL } from '../../sync/stock/status.ts';

export type QueueDepths = () => Promise<Record<string, number>>;

interface Totals {
  inbox_pending: bigint;
  inbox_failing: bigint;
  outbox_pending: bigint;
  oversold: bigint;
  listings_error: bigint;
  listings_behind: bigint;
}

/**
 * Adds the DB-derived metrics to `reg` (which may already hold the job queues' depths).
 * Throws when the database does not answer; the caller bounds it in time (routes.ts).
 */
export async function addDbMetrics(reg: MetricsRegistry, prisma: PrismaClient): Promise<void> {
  const [totals] = await prisma.$queryRaw<Totals[]>`
    SELECT (SELECT count(*) FROM inbox_events WHERE processed_at IS NULL) AS inbox_pending,
           (SELECT count(*) FROM inbox_events WHERE processed_at IS NULL AND attempts > 0) AS inbox_failing,
           (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL) AS outbox_pending,
           (SELECT count(*) FROM exceptions WHERE kind = 'oversold') AS oversold,
           (SELECT count(*) FROM listings WHERE last_error IS NOT NULL) AS listings_error,
           (SELECT count(*) FROM listings l
             WHERE l.target_qty IS NOT NULL AND NOT ${IN_SYNC_SQL}) AS listings_behind`;
  const orders = await prisma.$queryRaw<{ channel: string; n: bigint }[]>`
    SELECT a.type::text AS channel, count(o.id) AS n
      FROM channel_accounts a LEFT JOIN orders o ON o.account_id = a.id
     GROUP BY a.type ORDER BY a.type`;
  const byStatus = await prisma.$queryRaw<{ status: string; n: bigint }[]>`
    SELECT status::text AS status, count(*) AS n FROM orders GROUP BY status ORDER BY status`;
  const exceptions = await prisma.$queryRaw<{ kind: string; n: bigint }[]>`
    SELECT kind, count(*) AS n FROM exceptions WHERE resolved_at IS NULL GROUP BY kind ORDER BY kind`;

  const t = totals as Totals;
  const depth = queueDepthGauge(reg);
  depth.set({ queue: 'inbox' }, Number(t.inbox_pending));
  depth.set({ queue: 'outbox' }, Number(t.outbox_pending));
  reg
    .gauge('omnihub_inbox_failing', 'Inbox events waiting after at least one failed attempt')
    .set(undefined, Number(t.inbox_failing));
  const ordersTotal = reg.counter('omnihub_orders_total', 'Orders taken in, by channel (from the database)', [
    'channel',
  ]);
  for (const r of orders) ordersTotal.inc({ channel: r.channel }, Number(r.n));
  const statuses = reg.gauge('omnihub_orders_by_status', 'Orders by current status', ['status']);
  for (const r of byStatus) statuses.set({ status: r.status }, Number(r.n));
  reg
    .counter('omnihub_oversold_orders_total', 'Oversold order lines ever detected (exceptions of kind oversold)')
    .inc(undefined, Number(t.oversold));
  const open = reg.gauge('omnihub_exceptions_open', 'Open exceptions, by kind', ['kind']);
  for (const r of exceptions) open.set({ kind: r.kind }, Number(r.n));
  const listings = reg.gauge(
    'omnihub_listings',
    'Listings whose last push failed or whose channel value is behind the target',
    ['state'],
  );
  listings.set({ state: 'error' }, Number(t.listings_error));
  listings.set({ state: 'behind' }, Number(t.listings_behind));
}

/** The job queues' depths, on the same gauge as the inbox and outbox rows. */
export function addQueueDepths(reg: MetricsRegistry, depths: Record<string, number>): void {
  const depth = queueDepthGauge(reg);
  for (const [queue, n] of Object.entries(depths)) depth.set({ queue }, n);
}

function queueDepthGauge(reg: MetricsRegistry) {
  return reg.gauge('omnihub_queue_depth', 'Work waiting, by queue (inbox and outbox rows; job queues when running)', [
    'queue',
  ]);
}
