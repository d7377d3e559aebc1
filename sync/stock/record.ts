// Records what a channel did with a push: per listing, what it confirmed (the hub's belief
// of what the channel shows), or why it refused. Refusals for good (unknown item, wrong
// location) are filed as exceptions for a person; the others are retried.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../core/db/sql.ts';
import type { StockPushResult, StockUpdate } from '../../connectors/connector.ts';
import { PERMANENT } from './state.ts';

export interface Recorded {
  confirmed: number;
  retryable: number;
  permanent: number;
  pending: number;
  /** A value the channel confirmed over a change on its side (an unlanded sale, an edit there). */
  overwritten: number;
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
): Promise<Recorded> {
  const sent = new Map(updates.map((u) => [u.listingId, u]));
  const all = result.confirmed.filter((c) => sent.has(c.listingId));
  const first = all.filter((c) => interim.has(c.listingId));
  if (first.length) {
    await sql.$executeRaw`
      UPDATE listings l SET
        last_confirmed_qty = CASE WHEN u.prev IS NULL OR l.last_confirmed_qty IS NULL THEN u.q
                                  ELSE GREATEST(0, u.q + l.last_confirmed_qty - COALESCE(u.chprev, u.prev)) END
        FROM unnest(${first.map((c) => c.listingId)}::text[], ${first.map((c) => c.quantity)}::int[],
                    ${first.map((c) => sent.get(c.listingId)?.previousQuantity ?? null)}::int[],
                    ${first.map((c) => c.channelPrevious ?? null)}::int[]) AS u(id, q, prev, chprev)
       WHERE l.id = u.id`;
  }
  const confirmed = all.filter((c) => !interim.has(c.listingId));
  if (confirmed.length) {
    // The SQL form of beliefAfterConfirm (core/inventory/allocation.ts), evaluated on the row as
    // it is now, so that units whose orders landed while the push was in flight are kept out.
    const prev = confirmed.map((c) => sent.get(c.listingId)?.previousQuantity ?? null);
    const chprev = confirmed.map((c) => (c.channelPrevious === undefined ? null : c.channelPrevious));
    await sql.$executeRaw`
      UPDATE listings l SET
        last_confirmed_qty = CASE WHEN u.prev IS NULL OR l.last_confirmed_qty IS NULL THEN u.q
                                  ELSE GREATEST(0, u.q + l.last_confirmed_qty - COALESCE(u.chprev, u.prev)) END,
        last_confirmed_at = clock_timestamp(),
        last_sent_qty = u.q,
        last_error = NULL
        FROM unnest(${confirmed.map((c) => c.listingId)}::text[], ${confirmed.map((c) => c.quantity)}::int[],
                    ${prev}::int[], ${chprev}::int[]) AS u(id, q, prev, chprev)
       WHERE l.id = u.id`;
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
    overwritten: confirmed.filter(
      (c) => c.channelPrevious != null && c.channelPrevious !== sent.get(c.listingId)?.previousQuantity,
    ).length,
  };
}

export async function setErrors(sql: Sql, errors: [listingId: string, message: string][]): Promise<void> {
  if (errors.length === 0) return;
  await sql.$executeRaw`
    UPDATE listings l SET last_error = u.e
      FROM unnest(${errors.map((e) => e[0])}::text[], ${errors.map((e) => e[1].slice(0, 1000))}::text[]) AS u(id, e)
     WHERE l.id = u.id`;
}
