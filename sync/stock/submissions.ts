// Asynchronous stock submissions (Amazon feeds, eBay bulk jobs): a channel that accepts a value
// for later processing answers a push with `pending` and a submission id. The hub stores it
// (stock_submissions), does not push that listing again while the submission is open and its
// target holds (status.ts), and the stock.confirm job asks the channel what became of it:
// - confirmed: recorded exactly as a synchronous confirmation (record.ts);
// - rejected: recorded as a synchronous refusal (the listing's error, an exception when it is
//   for good), with the channel's message on the submission; a later push retries it;
// - superseded: a newer push for the listing (its target moved) replaced it;
// - timed_out: the channel never finished within the timeout; the value is in doubt (still in
//   flight, so strict allocation keeps counting it) and the listing is pushed again.
// Until it is settled the value stays in flight on the listing (last_sent_qty after the last
// confirmation): strict allocation counts it as advertised, and the status is never in_sync.
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../core/clock.ts';
import type { Sql } from '../../core/db/sql.ts';
import type { StockPushResult, StockUpdate } from '../../connectors/connector.ts';
import { openAccount } from '../connectors.ts';
import type { StockDeps } from './push.ts';
import { recomputeTargets } from './recompute.ts';
import { type Doubt, recordPush } from './record.ts';

/** How long a channel may take to process a submission when its connector does not say. */
export const DEFAULT_SUBMISSION_TIMEOUT_MS = 2 * 3_600_000;

/**
 * Stores the channel's pending submissions of one push, superseding the listings' earlier open
 * ones; a value the channel confirmed at once also ends an earlier open submission.
 */
export async function recordSubmissions(
  sql: Sql,
  accountId: string,
  result: StockPushResult,
  sent: {
    updates: StockUpdate[];
    targetOf: ReadonlyMap<string, number | null>;
    doubt: ReadonlyMap<string, Doubt>;
  },
  now: Date,
): Promise<void> {
  const byId = new Map(sent.updates.map((u) => [u.listingId, u]));
  const pending = result.pending.filter((p) => byId.has(p.listingId));
  const replaced = [...pending.map((p) => p.listingId), ...result.confirmed.map((c) => c.listingId)];
  if (replaced.length === 0) return;
  await sql.$executeRaw`
    UPDATE stock_submissions SET status = 'superseded', settled_at = ${now}
     WHERE listing_id = ANY(${replaced}::text[]) AND status = 'open'`;
  if (pending.length === 0) return;
  await sql.$executeRaw`
    INSERT INTO stock_submissions
      (id, listing_id, account_id, submission_id, quantity, target_qty, previous_qty, doubt_from_qty, doubt_lost_qty, in_doubt, submitted_at)
    SELECT u.id, u.listing_id, ${accountId}, u.submission_id, u.q, u.t, u.prev, u.doubt, u.lost, u.in_doubt, ${now}
      FROM unnest(${pending.map(() => randomUUID())}::text[], ${pending.map((p) => p.listingId)}::text[],
                  ${pending.map((p) => p.submissionId)}::text[], ${pending.map((p) => p.quantity)}::int[],
                  ${pending.map((p) => sent.targetOf.get(p.listingId) ?? null)}::int[],
                  ${pending.map((p) => byId.get(p.listingId)?.previousQuantity ?? null)}::int[],
                  ${pending.map((p) => sent.doubt.get(p.listingId)?.from ?? null)}::int[],
                  ${pending.map((p) => sent.doubt.get(p.listingId)?.lost ?? null)}::int[],
                  ${pending.map((p) => sent.doubt.has(p.listingId))}::boolean[])
           AS u(id, listing_id, submission_id, q, t, prev, doubt, lost, in_doubt)`;
}

export interface ConfirmDeps extends StockDeps {
  clock?: Clock;
  /** Used when the connector declares no limits.stockSubmissionTimeoutSeconds. */
  timeoutMs: number;
}

export interface ConfirmRun {
  confirmed: number;
  rejected: number;
  timedOut: number;
  /** Submissions still awaiting the channel: the job asks again later. */
  open: number;
}

interface OpenRow {
  id: string;
  listing_id: string;
  sku_id: string;
  external_stock_id: string;
  submission_id: string;
  quantity: number;
  previous_qty: number | null;
  doubt_from_qty: number | null;
  doubt_lost_qty: number | null;
  /** Whether the push was made while an earlier write was in doubt (sync/stock/record.ts Doubt). */
  in_doubt: boolean;
  submitted_at: Date;
}

/** The stock.confirm job: asks the channel about each open submission of the account, oldest first. */
export async function confirmAccountSubmissions(deps: ConfirmDeps, accountId: string): Promise<ConfirmRun> {
  const run: ConfirmRun = { confirmed: 0, rejected: 0, timedOut: 0, open: 0 };
  const handle = await openAccount(deps, accountId);
  if (!handle) return run;
  const { account, connector } = handle;
  const rows = await deps.prisma.$queryRaw<OpenRow[]>`
    SELECT s.id, s.listing_id, l.sku_id, l.external_stock_id, s.submission_id, s.quantity, s.previous_qty,
           s.doubt_from_qty, s.doubt_lost_qty, s.in_doubt, s.submitted_at
      FROM stock_submissions s JOIN listings l ON l.id = s.listing_id
     WHERE s.account_id = ${accountId} AND s.status = 'open'
     ORDER BY s.submitted_at, s.submission_id`;
  const bySubmission = new Map<string, OpenRow[]>();
  for (const r of rows) bySubmission.set(r.submission_id, [...(bySubmission.get(r.submission_id) ?? []), r]);
  const clock = deps.clock ?? systemClock;
  const timeoutSeconds = connector.limits.stockSubmissionTimeoutSeconds;
  const timeoutMs = timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds * 1000 : deps.timeoutMs;
  const touched = new Set<string>();

  for (const [submissionId, group] of bySubmission) {
    // A connector without the check cannot tell: its submissions only time out.
    const answer: StockPushResult = connector.checkStockSubmission
      ? await connector.checkStockSubmission(account, submissionId, group.map(submittedUpdate))
      : { confirmed: [], failed: [], pending: [] };
    const now = clock.now();
    const settled = await deps.prisma.$transaction((tx) => settle(tx, accountId, group, answer, now, timeoutMs), {
      timeout: 30_000,
      maxWait: 30_000,
    });
    run.confirmed += settled.confirmed;
    run.rejected += settled.rejected;
    run.timedOut += settled.timedOut;
    run.open += settled.open;
    for (const skuId of settled.skus) touched.add(skuId);
  }
  if (touched.size) {
    // Confirmed values may free strict room elsewhere; rejected and timed-out ones need a new push.
    const { dirty } = await deps.prisma.$transaction((tx) => recomputeTargets(tx, [...touched], deps.unitsPerChannel), {
      timeout: 30_000,
      maxWait: 30_000,
    });
    for (const other of dirty.keys()) await deps.requestPush(other);
  }
  if (run.confirmed || run.rejected || run.timedOut || run.open)
    deps.logger.info({ accountId, ...run }, 'stock submissions checked');
  return run;
}

/** What was sent for one listing of a submission, as the connector was given it. */
function submittedUpdate(r: OpenRow): StockUpdate {
  return {
    listingId: r.listing_id,
    externalStockId: r.external_stock_id,
    externalLocationId: null,
    quantity: r.quantity,
    previousQuantity: r.previous_qty,
  };
}

/** Records one answer for the submission's rows that are still open (a newer push may have superseded some). */
async function settle(
  tx: Sql,
  accountId: string,
  group: OpenRow[],
  answer: StockPushResult,
  now: Date,
  timeoutMs: number,
): Promise<ConfirmRun & { skus: Set<string> }> {
  const out = { confirmed: 0, rejected: 0, timedOut: 0, open: 0, skus: new Set<string>() };
  const stillOpen = new Set(
    (
      await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM stock_submissions WHERE id = ANY(${group.map((r) => r.id)}::text[]) AND status = 'open'
           FOR UPDATE`
    ).map((r) => r.id),
  );
  const rows = new Map(group.filter((r) => stillOpen.has(r.id)).map((r) => [r.listing_id, r]));
  const confirmed = answer.confirmed.filter((c) => rows.has(c.listingId));
  const failed = answer.failed.filter((f) => rows.has(f.listingId));
  // The same record a synchronous push makes, from what was sent with the submission.
  const updates: StockUpdate[] = [...rows.values()].map(submittedUpdate);
  const doubt = new Map<string, Doubt>(
    [...rows.values()]
      .filter((r) => r.in_doubt)
      .map((r) => [r.listing_id, { from: r.doubt_from_qty, lost: r.doubt_lost_qty }]),
  );
  await recordPush(tx, accountId, updates, { confirmed, failed, pending: [] }, new Set(), doubt);
  const close = async (listingId: string, status: string, message: string | null) => {
    const r = rows.get(listingId);
    if (!r) return;
    rows.delete(listingId);
    out.skus.add(r.sku_id);
    await tx.$executeRaw`
      UPDATE stock_submissions SET status = ${status}, message = ${message?.slice(0, 1000) ?? null}, settled_at = ${now}
       WHERE id = ${r.id}`;
  };
  for (const c of confirmed) {
    await close(c.listingId, 'confirmed', null);
    out.confirmed += 1;
  }
  for (const f of failed) {
    await close(f.listingId, 'rejected', `${f.code}: ${f.message}`);
    out.rejected += 1;
  }
  // What the channel has not finished: left open, or timed out (the value stays in doubt).
  for (const r of [...rows.values()]) {
    if (now.getTime() - r.submitted_at.getTime() >= timeoutMs) {
      await close(r.listing_id, 'timed_out', `the channel did not finish submission ${r.submission_id} in time`);
      out.timedOut += 1;
    } else out.open += 1;
  }
  return out;
}

/** Accounts with submissions awaiting the channel (the sweep queues stock.confirm for them). */
export async function accountsAwaitingSubmissions(sql: Sql): Promise<string[]> {
  const rows = await sql.$queryRaw<{ account_id: string }[]>`
    SELECT DISTINCT s.account_id FROM stock_submissions s JOIN channel_accounts a ON a.id = s.account_id
     WHERE s.status = 'open' AND a.active`;
  return rows.map((r) => r.account_id);
}
