// One rule for a listing's stock status, in SQL and in TypeScript, used by the push planner,
// the target recomputation, the sweep, the API, the landing page and the gauges:
// - in flight: a write was sent after the last confirmation; it may or may not have been
//   applied (its answer can be lost, the process can die), so what the channel shows is in doubt;
// - in sync: the channel confirmed the target and nothing is in doubt;
// - needs a push: not in sync, unless the channel refused that very target for good, or an
//   asynchronous submission (a feed) planned for that very target still awaits the channel's
//   answer (stock.confirm records it; a moved target supersedes it). Such a listing is in flight.
// The SQL forms expect the listings table under the alias `l`.
import { Prisma } from '../../core/db/generated/prisma/client.ts';
import type { Sql } from '../../core/db/sql.ts';

/** Prefix of last_error for a push the channel refused for good (unknown item, wrong location). */
export const PERMANENT = 'permanent: ';

export const IN_FLIGHT_SQL = Prisma.sql`(l.last_sent_at IS NOT NULL AND (l.last_confirmed_at IS NULL OR l.last_sent_at > l.last_confirmed_at))`;

export const IN_SYNC_SQL = Prisma.sql`(l.target_qty IS NOT NULL AND l.last_confirmed_qty IS NOT DISTINCT FROM l.target_qty AND NOT ${IN_FLIGHT_SQL})`;

/** An open asynchronous submission (sync/stock/submissions.ts) planned for the listing's current target. */
export const AWAITING_SUBMISSION_SQL = Prisma.sql`EXISTS (SELECT 1 FROM stock_submissions s
  WHERE s.listing_id = l.id AND s.status = 'open' AND s.target_qty IS NOT DISTINCT FROM l.target_qty)`;

export const NEEDS_PUSH_SQL = Prisma.sql`((l.target_qty IS DISTINCT FROM l.last_confirmed_qty OR ${IN_FLIGHT_SQL})
  AND NOT (COALESCE(l.last_error, '') LIKE ${`${PERMANENT}%`} AND l.last_sent_qty IS NOT DISTINCT FROM l.target_qty)
  AND NOT ${AWAITING_SUBMISSION_SQL})`;

/**
 * The active accounts with a listing that needs a push (one account's id, or every account):
 * the sweep at start and every drift check ask each of them for a push.
 */
export async function accountsNeedingPush(sql: Sql, accountId: string | null = null): Promise<string[]> {
  const rows = await sql.$queryRaw<{ account_id: string }[]>`
    SELECT DISTINCT l.account_id FROM listings l JOIN channel_accounts a ON a.id = l.account_id
     WHERE a.active AND l.external_stock_id IS NOT NULL AND l.target_qty IS NOT NULL
       AND (${accountId}::text IS NULL OR l.account_id = ${accountId}) AND ${NEEDS_PUSH_SQL}`;
  return rows.map((r) => r.account_id);
}

export interface StockStatusRow {
  targetQty: number | null;
  lastSentQty: number | null;
  lastSentAt: Date | null;
  lastConfirmedQty: number | null;
  lastConfirmedAt: Date | null;
  lastError: string | null;
}

/** A value sent after the last confirmation may have been applied: it bounds the channel too. */
export function inFlight(l: Omit<StockStatusRow, 'targetQty' | 'lastConfirmedQty' | 'lastError'>): number | null {
  if (l.lastSentQty === null || !l.lastSentAt) return null;
  return !l.lastConfirmedAt || l.lastSentAt > l.lastConfirmedAt ? l.lastSentQty : null;
}

function inDoubt(l: Pick<StockStatusRow, 'lastSentAt' | 'lastConfirmedAt'>): boolean {
  return l.lastSentAt !== null && (l.lastConfirmedAt === null || l.lastSentAt > l.lastConfirmedAt);
}

export function isInSync(l: StockStatusRow): boolean {
  return l.targetQty !== null && l.lastConfirmedQty === l.targetQty && !inDoubt(l);
}

/**
 * Whether a listing still has to be pushed towards `target` (the target just computed, or the stored one).
 * `openSubmission`: the target of the listing's open asynchronous submission, when it has one.
 */
export function needsPush(
  l: StockStatusRow & { openSubmission?: { target: number | null } | null },
  target: number | null = l.targetQty,
): boolean {
  if (target === l.lastConfirmedQty && !inDoubt(l)) return false;
  if (l.openSubmission && l.openSubmission.target === target) return false;
  return !(l.lastError?.startsWith(PERMANENT) && l.lastSentQty === target);
}
