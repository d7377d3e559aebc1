// Records what a channel did with a push: per listing, what it confirmed (the hub's belief
// of what the channel shows), or why it refused. Refusals for good (unknown item, wrong
// location) are filed as exceptions for a person; the others are retried.
import { randomUUID } from 'node:crypto';
import { Prisma } from '../../core/db/generated/prisma/client.ts';
import { listingIdsLocked } from '../../core/db/listing-locks.ts';
import type { Sql } from '../../core/db/sql.ts';
import type { StockPushResult, StockUpdate } from '../../connectors/connector.ts';
import type { StampBefore } from './plan.ts';
import { PERMANENT } from './state.ts';

export interface Recorded {
  confirmed: number;
  retryable: number;
  permanent: number;
  pending: number;
  /** A value the channel confirmed over a change on its side (an unlanded sale, an edit there). */
  overwritten: number;
}

/** shownBefore (core/inventory/allocation.ts) in SQL, with the belief as claim; c is what the channel showed, d doubtFrom, w the lost write. */
const SHOWN_BEFORE_SQL = Prisma.sql`(SELECT CASE
    WHEN v.d IS NULL THEN CASE WHEN u.prev IS NULL THEN NULL ELSE v.c END
    WHEN v.c IS NULL OR v.c = v.d OR (v.c = v.w AND v.w > 0) OR v.c > GREATEST(v.d, v.w) THEN LEAST(v.d, l.last_confirmed_qty)
    ELSE LEAST(v.c - GREATEST(0, v.w - v.d), l.last_confirmed_qty) END
  FROM (SELECT COALESCE(u.chprev, u.prev) AS c, u.doubt AS d, COALESCE(u.lost, u.doubt) AS w) AS v)`;

/**
 * beliefAfterConfirm (core/inventory/allocation.ts) in SQL, evaluated on the row as it is when the
 * answer is recorded (units whose orders landed while the push was in flight are kept out). It
 * reads l.last_confirmed_qty and u.q (sent), u.prev (previousQuantity), u.chprev (channelPrevious),
 * u.doubt (doubtFrom), u.lost (the lost write), u.bplan (the belief when the write was planned).
 * tests/sync/belief-formula.test.ts runs both forms on the same cases.
 */
export const BELIEF_AFTER_CONFIRM_SQL = Prisma.sql`
  CASE WHEN l.last_confirmed_qty IS NULL OR ${SHOWN_BEFORE_SQL} IS NULL THEN u.q
       WHEN u.bplan IS NULL THEN GREATEST(0, u.q + l.last_confirmed_qty - ${SHOWN_BEFORE_SQL})
       ELSE GREATEST(0, u.q + GREATEST(0, u.bplan - ${SHOWN_BEFORE_SQL}) - GREATEST(0, u.bplan - l.last_confirmed_qty)) END`;

/** A listing's doubt: what the channel showed when it began, and the write whose answer was lost. */
export interface Doubt {
  from: number | null;
  lost: number | null;
}

/**
 * `interim`: listings whose write was the first of two (strict, see planWrite): their belief is
 * updated, but they stay in flight, bounded by the claim the second write will establish.
 */
export async function recordPush(
  sql: Sql,
  accountId: string,
  updates: StockUpdate[],
  result: StockPushResult,
  interim: ReadonlySet<string> = new Set(),
  doubt: ReadonlyMap<string, Doubt> = new Map(),
  /** Each listing's belief when the push was planned (BELIEF_AFTER_CONFIRM_SQL); absent: the belief now. */
  beliefAtPlan: ReadonlyMap<string, number | null> = new Map(),
): Promise<Recorded> {
  const sent = new Map(updates.map((u) => [u.listingId, u]));
  const args = (cs: StockPushResult['confirmed']) =>
    Prisma.sql`unnest(${cs.map((c) => c.listingId)}::text[], ${cs.map((c) => c.quantity)}::int[],
                      ${cs.map((c) => sent.get(c.listingId)?.previousQuantity ?? null)}::int[],
                      ${cs.map((c) => c.channelPrevious ?? null)}::int[],
                      ${cs.map((c) => doubt.get(c.listingId)?.from ?? null)}::int[],
                      ${cs.map((c) => doubt.get(c.listingId)?.lost ?? null)}::int[],
                      ${cs.map((c) => beliefAtPlan.get(c.listingId) ?? null)}::int[]) AS u(id, q, prev, chprev, doubt, lost, bplan)`;
  const all = result.confirmed.filter((c) => sent.has(c.listingId));
  const first = all.filter((c) => interim.has(c.listingId));
  if (first.length) {
    // The channel now shows the first write's value, known for certain: the base of any later doubt.
    await sql.$executeRaw`
      ${listingIdsLocked(first.map((c) => c.listingId))}
      UPDATE listings l SET last_confirmed_qty = ${BELIEF_AFTER_CONFIRM_SQL}, doubt_from_qty = u.q
        FROM locked k, ${args(first)}
       WHERE l.id = k.id AND l.id = u.id`;
  }
  const confirmed = all.filter((c) => !interim.has(c.listingId));
  if (confirmed.length) {
    await sql.$executeRaw`
      ${listingIdsLocked(confirmed.map((c) => c.listingId))}
      UPDATE listings l SET
        last_confirmed_qty = ${BELIEF_AFTER_CONFIRM_SQL},
        last_confirmed_at = clock_timestamp(),
        last_sent_qty = u.q,
        last_error = NULL,
        doubt_from_qty = NULL
        FROM locked k, ${args(confirmed)}
       WHERE l.id = k.id AND l.id = u.id`;
  }
  const retry = result.failed.filter((f) => f.retryable);
  if (retry.length)
    await setErrors(
      sql,
      retry.map((f) => [f.listingId, `${f.code}: ${f.message}`]),
    );
  const refused = result.failed.filter((f) => !f.retryable);
  if (refused.length) {
    await setErrors(
      sql,
      refused.map((f) => [f.listingId, `${PERMANENT}${f.code}: ${f.message}`]),
    );
    for (const f of refused) {
      await sql.$executeRaw`
        INSERT INTO exceptions (id, kind, dedupe_key, account_id, sku_id, message, data)
        SELECT ${randomUUID()}, 'stock_push_refused', ${`stock_push_refused:${f.listingId}`}, ${accountId}, sku_id,
               ${`the channel refused the stock of listing ${f.listingId}: ${f.code}: ${f.message}`.slice(0, 1000)},
               ${JSON.stringify({ listingId: f.listingId, code: f.code })}::jsonb
          FROM listings WHERE id = ${f.listingId}
        ON CONFLICT (dedupe_key) DO UPDATE SET occurrences = exceptions.occurrences + 1, updated_at = now(),
               message = EXCLUDED.message, resolved_at = NULL`;
    }
  }
  return {
    confirmed: all.length,
    retryable: retry.length,
    permanent: refused.length,
    pending: result.pending.length,
    // In doubt, a different value on the channel is expected (our own unconfirmed write), not a sale.
    overwritten: confirmed.filter(
      (c) =>
        !doubt.has(c.listingId) &&
        c.channelPrevious != null &&
        c.channelPrevious !== sent.get(c.listingId)?.previousQuantity,
    ).length,
  };
}

export async function setErrors(sql: Sql, errors: [listingId: string, message: string][]): Promise<void> {
  if (errors.length === 0) return;
  await sql.$executeRaw`
    ${listingIdsLocked(errors.map((e) => e[0]))}
    UPDATE listings l SET last_error = u.e
      FROM locked k, unnest(${errors.map((e) => e[0])}::text[], ${errors.map((e) => e[1].slice(0, 1000))}::text[]) AS u(id, e)
     WHERE l.id = k.id AND l.id = u.id`;
}

/**
 * Writes the channel answered it did not apply (a compare-and-set refusal): they leave nothing
 * in doubt, so each listing's in-flight stamp goes back to what it was before the plan. Left
 * stamped, the next plan would take the refused write for one that may have been applied and
 * measure the belief from the value the channel showed before it ("doubt"): the channel's own
 * sales meanwhile, landed later, would then be counted twice, and a listing whose channel
 * shows the target would be pushed again without end. Retryable refusals only: a permanent one
 * keeps its stamp, which tells the planner that very value was refused for good.
 */
export async function unstampRefused(
  sql: Sql,
  result: StockPushResult,
  before: ReadonlyMap<string, StampBefore>,
): Promise<number> {
  const rows = result.failed
    .filter((f) => f.refused && f.retryable)
    .map((f) => [f.listingId, before.get(f.listingId)] as const)
    .filter((r): r is readonly [string, StampBefore] => r[1] !== undefined);
  if (rows.length === 0) return 0;
  // Not in flight before: last_sent_at no later than the confirmation (or unset), as it was.
  return sql.$executeRaw`
    ${listingIdsLocked(rows.map((r) => r[0]))}
    UPDATE listings l SET
      last_sent_qty = u.q,
      doubt_from_qty = u.f,
      last_sent_at = CASE WHEN u.was_in_flight THEN l.last_sent_at
                          WHEN u.was_sent THEN l.last_confirmed_at ELSE NULL END
      FROM locked k, unnest(${rows.map((r) => r[0])}::text[], ${rows.map((r) => r[1].lastSentQty)}::int[],
                  ${rows.map((r) => r[1].doubtFromQty)}::int[], ${rows.map((r) => r[1].inFlight)}::boolean[],
                  ${rows.map((r) => r[1].sent)}::boolean[]) AS u(id, q, f, was_in_flight, was_sent)
     WHERE l.id = k.id AND l.id = u.id`;
}
