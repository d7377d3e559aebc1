// The stock.push job: one connector batch for one account, then the follow-ups — the next
// batch if more listings wait, and pushes for other channels whose strict raise waited for
// the decreases this push just confirmed. Retryable failures make the job fail so the queue
// retries it with backoff; by then the targets may have moved on, and the newest is sent.
import { type Clock, systemClock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { listingIdsLocked } from '../../core/db/listing-locks.ts';
import { secondWrite, shownBefore } from '../../core/inventory/allocation.ts';
import type { Logger } from '../../core/log.ts';
import type { HubMetrics } from '../../core/metrics/hub-metrics.ts';
import {
  type AccountContext,
  type ChannelConnector,
  ConnectorError,
  credentialsRefused,
  type StockJournal,
  type StockPushResult,
  type StockUpdate,
} from '../../connectors/connector.ts';
import {
  type AccountCache,
  type AccountSource,
  type ConnectorRegistry,
  openAccount,
  safeMessage,
} from '../connectors.ts';
import { PermanentJobError } from '../queue/types.ts';
import { journalFor, replayLostPush, settleInterim } from './journal.ts';
import { type PushPlan, planPush } from './plan.ts';
import { recomputeTargets } from './recompute.ts';
import { type Recorded, recordPush, setErrors, unstampRefused } from './record.ts';
import { PERMANENT } from './state.ts';
import { recordSubmissions } from './submissions.ts';
import { unlandedSales } from './unlanded.ts';

export interface StockDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  accountCache?: AccountCache;
  /** Completes a loaded account (in-memory tokens, shared rate limiter, mid-run refresh). */
  decorate?: AccountSource['decorate'];
  logger: Logger;
  unitsPerChannel: number;
  /** Queues a push for an account (debounced, or at once with priority). */
  requestPush(accountId: string, opts?: { prioritySkuIds?: string[] }): Promise<void>;
  /** Times each stock push call to a channel (omnihub_stock_push_duration_seconds). */
  metrics?: Pick<HubMetrics, 'stockPushDuration'>;
  /** Queues a stock.confirm for an account whose channel accepted values for later processing. */
  requestConfirm?(accountId: string): Promise<void>;
  /** The hub's clock: when an asynchronous submission was made (its timeout runs on it). */
  clock?: Clock;
}

export interface PushOutcome extends Partial<Recorded> {
  sent: number;
  deferred: number;
  more: boolean;
}

/** A channel answered, but some listings must be tried again: the queue's backoff applies. */
export class PushIncomplete extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    /** Only compare-and-set misses: the channel works, its values moved while we wrote. */
    readonly onlyStale = false,
  ) {
    super(message);
    this.name = 'PushIncomplete';
  }
}

export async function pushAccountStock(
  deps: StockDeps,
  accountId: string,
  prioritySkuIds: string[] = [],
): Promise<PushOutcome> {
  const handle = await openAccount(deps, accountId);
  if (!handle) return { sent: 0, deferred: 0, more: false };
  const first = await pushOnce(deps, handle.account, handle.connector, prioritySkuIds);
  if (!first.overwritten) return first;
  // The channel had sold units we did not know of, and the connector wrote over them (it
  // re-reads and re-sends after a stale compare): they are on sale again. Take them back now
  // rather than at the next pacing slot; the plan knows them from the new belief.
  deps.logger.info(
    { accountId, listings: first.overwritten },
    'channel sold units before our write; correcting at once',
  );
  const again = await pushOnce(deps, handle.account, handle.connector, [...first.skus]);
  return { ...again, sent: first.sent + again.sent };
}

async function pushOnce(
  deps: StockDeps,
  account: AccountContext,
  connector: ChannelConnector,
  prioritySkuIds: string[],
): Promise<PushOutcome & { skus: Set<string> }> {
  const accountId = account.id;
  // A push whose answer was lost is settled first, from the channel's own record of it.
  try {
    await replayLostPush(deps, account, connector);
  } catch (error) {
    throw new PushIncomplete(
      `replaying the lost stock push of ${accountId} failed: ${safeMessage(error, account)}`,
      error instanceof ConnectorError ? error.retryAfterMs : null,
    );
  }
  const plan = await planPush(deps.prisma, accountId, {
    batchSize: Math.max(1, connector.limits.stockBatchSize),
    prioritySkuIds,
    unitsPerChannel: deps.unitsPerChannel,
    unlanded: () => unlandedSales(deps.prisma, account, connector),
    journal: Boolean(connector.replayStock),
  });
  if (plan.noLocation)
    deps.logger.warn({ accountId, listings: plan.noLocation }, 'account has no channel location for stock');
  if (plan.updates.length === 0) return { sent: 0, deferred: plan.deferred, more: false, skus: new Set() };

  let result: StockPushResult;
  try {
    const journal = plan.pushId ? journalFor(deps.prisma, accountId, plan.pushId) : undefined;
    result = await timedPush(deps, account, connector, plan.updates, journal);
  } catch (error) {
    // Nothing is known to have been applied: the values stay in flight (they bound the channel).
    const message = safeMessage(error, account);
    if (credentialsRefused(error)) {
      await setErrors(
        deps.prisma,
        plan.updates.map((u) => [u.listingId, message]),
      );
      throw error;
    }
    const retryable = !(error instanceof ConnectorError) || error.retryable;
    await setErrors(
      deps.prisma,
      plan.updates.map((u) => [u.listingId, retryable ? message : `${PERMANENT}${message}`]),
    );
    if (!retryable) throw new PermanentJobError(`stock push to ${accountId} refused: ${message}`);
    throw new PushIncomplete(
      `stock push to ${accountId} failed: ${message}`,
      error instanceof ConnectorError ? error.retryAfterMs : null,
    );
  }
  const interim = new Set(plan.twoPhase.keys());
  // Synchronous channels have no submissions: their record stays one statement per outcome.
  // First writes of two-phase pushes stay in flight: the journal learns, in the same
  // transaction, that their answer is recorded (journal.ts).
  const interimDone = plan.pushId ? result.confirmed.map((c) => c.listingId).filter((id) => interim.has(id)) : [];
  const recorded =
    !connector.checkStockSubmission && result.pending.length === 0 && interimDone.length === 0
      ? await recordPush(deps.prisma, accountId, plan.updates, result, interim, plan.doubt, plan.beliefAt)
      : await deps.prisma.$transaction(
          async (tx) => {
            const r = await recordPush(tx, accountId, plan.updates, result, interim, plan.doubt, plan.beliefAt);
            if (connector.checkStockSubmission || result.pending.length)
              await recordSubmissions(tx, accountId, result, plan, (deps.clock ?? systemClock).now());
            if (plan.pushId) await settleInterim(tx, accountId, plan.pushId, interimDone);
            return r;
          },
          { timeout: 30_000, maxWait: 30_000 },
        );
  if (recorded.pending) await deps.requestConfirm?.(accountId);
  await unstampRefused(deps.prisma, result, plan.before);
  if (plan.twoPhase.size) await secondPhase(deps, account, connector, plan, result);
  if (plan.more) await deps.requestPush(accountId);
  if (plan.strictSkus.size && recorded.confirmed) await unblockStrict(deps, accountId, [...plan.strictSkus]);
  if (recorded.retryable) {
    const codes = [...new Set(result.failed.filter((f) => f.retryable).map((f) => f.code))];
    throw new PushIncomplete(
      `${recorded.retryable} listing(s) of ${accountId} not applied yet (${codes.join(', ')})`,
      null,
      codes.every((c) => c === 'stale'),
    );
  }
  const skus = new Set(plan.updates.map((u) => plan.skuOf.get(u.listingId)).filter((x): x is string => !!x));
  return { sent: plan.updates.length, deferred: plan.deferred, more: plan.more, skus, ...recorded };
}

/** One connector stock push call, timed by channel and result (ok, partial: some refused, error: threw). */
async function timedPush(
  deps: StockDeps,
  account: AccountContext,
  connector: ChannelConnector,
  updates: StockUpdate[],
  journal?: StockJournal,
): Promise<StockPushResult> {
  const started = performance.now();
  const observe = (result: 'ok' | 'partial' | 'error') =>
    deps.metrics?.stockPushDuration.observe({ channel: account.type, result }, (performance.now() - started) / 1000);
  try {
    const r = await connector.pushStock(account, updates, journal);
    observe(r.failed.length ? 'partial' : 'ok');
    // Credentials the channel refused are the account's problem, not each listing's: raised as
    // one error so that the job flags the account (sync/credentials-guard.ts) and pushes wait.
    const refused = r.failed
      .map((f) => new ConnectorError(f.code, f.message, { retryable: false }))
      .find((e) => credentialsRefused(e));
    if (refused) throw refused;
    return r;
  } catch (error) {
    observe('error');
    throw error;
  }
}

/** The second write of two-phase strict writes (see planWrite): the claim, from 0. */
async function secondPhase(
  deps: StockDeps,
  account: AccountContext,
  connector: ChannelConnector,
  plan: PushPlan,
  first: StockPushResult,
): Promise<void> {
  const byId = new Map(plan.updates.map((u) => [u.listingId, u]));
  const writes: StockUpdate[] = [];
  const settled: string[] = [];
  for (const c of first.confirmed) {
    const second = plan.twoPhase.get(c.listingId);
    const u = byId.get(c.listingId);
    if (!second || !u) continue;
    const beliefAtPlan = plan.beliefAt.get(c.listingId) ?? 0;
    // In doubt, the channel's value may be our own lost write: the same reading as the belief's.
    const doubt = plan.doubt.get(c.listingId);
    const before =
      shownBefore(u.previousQuantity ?? 0, c.channelPrevious, doubt?.from ?? null, doubt?.lost ?? null, beliefAtPlan) ??
      0;
    const quantity = secondWrite(second.claim, beliefAtPlan, before);
    if (quantity === 0) settled.push(c.listingId);
    else writes.push({ ...u, quantity, previousQuantity: 0 });
  }
  if (settled.length) {
    // The units the channel sold and we have not seen use the whole claim: 0 is the final value.
    await deps.prisma.$executeRaw`
      ${listingIdsLocked(settled)}
      UPDATE listings l SET last_sent_qty = 0, last_confirmed_at = clock_timestamp(), last_error = NULL
        FROM locked k WHERE l.id = k.id`;
  }
  if (writes.length === 0) return;
  try {
    await recordPush(deps.prisma, account.id, writes, await timedPush(deps, account, connector, writes));
  } catch (error) {
    // Left in flight at its claim: safe, and retried by the next push.
    await setErrors(
      deps.prisma,
      writes.map((w) => [w.listingId, safeMessage(error, account)]),
    );
  }
}

/** After strict decreases are confirmed, the other channels' waiting raises may now fit. */
async function unblockStrict(deps: StockDeps, accountId: string, skuIds: string[]): Promise<void> {
  const { dirty } = await deps.prisma.$transaction((tx) => recomputeTargets(tx, skuIds, deps.unitsPerChannel), {
    timeout: 30_000,
    maxWait: 30_000,
  });
  for (const other of dirty.keys()) if (other !== accountId) await deps.requestPush(other);
}
