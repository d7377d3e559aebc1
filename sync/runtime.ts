// The synchronizer as one object the API process (or a worker process) starts and stops:
// the queue (BullMQ when a Redis URL is given, in-process otherwise), the job handlers, the
// outbox dispatcher, the schedules and a periodic sweep that re-derives jobs from database
// state (which is what makes the in-process queue durable across a crash).
import { authRefusedAt } from '../core/accounts/auth-status.ts';
import { randomUUID } from 'node:crypto';
import type { RunCoordinator } from 'node-cron';
import type { Redis } from 'ioredis';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Database } from '../core/db/database.ts';
import type { Logger } from '../core/log.ts';
import { hubMetrics } from '../core/metrics/hub-metrics.ts';
import { metrics as processMetrics, type MetricsRegistry } from '../core/metrics/registry.ts';
import type { ConnectorLimits } from '../connectors/connector.ts';
import { accountDecorator } from './account-services.ts';
import { AccountCache, type ConnectorRegistry, safeMessage } from './connectors.ts';
import { CredentialRefresher } from './credentials-refresh.ts';
import { guardCredentials } from './credentials-guard.ts';
import {
  DOCUMENT_PUSH_ENTITY,
  DOCUMENT_PUSH_OUTCOMES,
  DOCUMENT_PUSH_REPLAYED,
} from '../core/documents/channel-upload.ts';
import { DocumentIssuedPayload, pushDocument } from './document-push.ts';
import { DOCUMENTS_RUN_ENTITY, runDocumentsJob } from './documents-job.ts';
import { FulfilmentPushPayload, pushFulfilment } from './fulfilment-push.ts';
import { noticeDelayedOrders } from '../core/notifications/delayed.ts';
import { type NotificationDeps, sendNotification } from './notifications/send.ts';
import { processInbox } from './inbox-processor.ts';
import { accountGroup, JOB_NAMES, type JobName, parsePayload } from './jobs.ts';
import { cleanup, refreshAccountToken } from './maintenance.ts';
import { DEFAULT_PERSONAL_DATA_RETENTION_DAYS } from '../core/privacy/retention.ts';
import { pollAccountOrders } from './orders-poll.ts';
import {
  type DispatchHooks,
  type DispatchIntents,
  type DispatcherLoop,
  dispatchOnce,
  startDispatcher,
} from './outbox/dispatcher.ts';
import { BullQueue } from './queue/bullmq.ts';
import { jobId } from './queue/job-id.ts';
import { MemoryQueue } from './queue/memory.ts';
import { type JobQueue, RetryLater, type WorkerSpec } from './queue/types.ts';
import { MemoryRateStore, RateLimiter, type RateStore } from './rate/bucket.ts';
import { PostgresRateStore } from './rate/postgres-store.ts';
import { RedisRateStore } from './rate/redis-store.ts';
import { syncRedis } from './redis-client.ts';
import { memoryRunCoordinator, postgresRunCoordinator, redisRunCoordinator } from './run-coordinators.ts';
import { type Schedules, startSchedules } from './schedules.ts';
import { PushIncomplete, pushAccountStock, type StockDeps } from './stock/push.ts';
import { reconcileAccount } from './stock/reconcile.ts';
import { recomputeTargets } from './stock/recompute.ts';
import { archiveStores, type ArchiveStores } from '../core/documents/archive/stores.ts';
import { accountsNeedingPush } from './stock/status.ts';
import {
  accountsAwaitingSubmissions,
  confirmAccountSubmissions,
  DEFAULT_SUBMISSION_TIMEOUT_MS,
} from './stock/submissions.ts';

export interface SyncTuning {
  /** Changes to one account within this window become one push (the latest value wins). */
  debounceMs: number;
  /** Inbox events of one account within this window are processed by one job. */
  inboxDebounceMs: number;
  /** Outbox poll interval when it was empty. */
  dispatchIntervalMs: number;
  /**
   * A stock push that only missed compare-and-set (the channel's value moved while we wrote) is
   * retried at the account's next pacing slot this many times in a row before the usual backoff.
   */
  staleRetriesAtPace: number;
  dispatchBatch: number;
  /** How often jobs are re-derived from database state. */
  sweepIntervalMs: number;
  concurrency: Record<JobName, number>;
  attempts: number;
  backoff: { baseMs: number; maxMs: number };
  strictUnitsPerChannel: number;
  /** A channel showing less than believed is repaired only when nothing sold there for this long. */
  reconcileGraceMs: number;
  reconcileSeconds: number;
  tokenRefreshSeconds: number;
  cleanupPattern: string;
  inboxRetentionDays: number;
  outboxRetentionDays: number;
  /** Days after an order closed before its buyer's personal data is erased (core/privacy/retention.ts). */
  personalDataRetentionDays: number;
  /** BullMQ: how long a dead worker holds a job before another takes it over. */
  lockMs: number;
  stalledIntervalMs: number;
  /** How often an account's open asynchronous stock submissions are checked (stock.confirm). */
  stockConfirmIntervalMs: number;
  /** A submission the channel has not finished after this long is given up (connectors may declare their own). */
  stockSubmissionTimeoutMs: number;
  /** When the delayed-order check runs (cron with seconds, UTC). */
  delayedCheckPattern: string;
}

export const DEFAULT_TUNING: SyncTuning = {
  debounceMs: 50,
  inboxDebounceMs: 10,
  dispatchIntervalMs: 20,
  staleRetriesAtPace: 3,
  dispatchBatch: 500,
  sweepIntervalMs: 30_000,
  concurrency: {
    'stock.push': 8,
    'stock.confirm': 2,
    'stock.reconcile': 1,
    'inbox.process': 4,
    'orders.poll': 2,
    'token.refresh': 1,
    'fulfilment.push': 2,
    'document.push': 1,
    'documents.issue': 1,
    'notification.send': 2,
    'notifications.delayed': 1,
    'maintenance.cleanup': 1,
  },
  attempts: 8,
  backoff: { baseMs: 500, maxMs: 60_000 },
  strictUnitsPerChannel: 5,
  reconcileGraceMs: 120_000,
  reconcileSeconds: 600,
  tokenRefreshSeconds: 1800,
  cleanupPattern: '0 17 3 * * *',
  inboxRetentionDays: 7,
  outboxRetentionDays: 7,
  personalDataRetentionDays: DEFAULT_PERSONAL_DATA_RETENTION_DAYS,
  lockMs: 30_000,
  stalledIntervalMs: 30_000,
  stockConfirmIntervalMs: 60_000,
  stockSubmissionTimeoutMs: DEFAULT_SUBMISSION_TIMEOUT_MS,
  delayedCheckPattern: '0 */5 * * * *',
};

export interface SyncOptions {
  db: Database;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  /** BullMQ on this Redis; unset = the in-process queue. */
  redisUrl?: string | undefined;
  logger: Logger;
  /** PostgreSQL URL: lets several processes without Redis coordinate schedules (advisory locks). */
  databaseUrl?: string | undefined;
  /** Redis key prefix (one per deployment). */
  queuePrefix?: string;
  /** Which parts run in this process (all by default). */
  roles?: { dispatcher?: boolean; workers?: boolean; schedules?: boolean };
  tuning?: Partial<SyncTuning>;
  /** The hub's clock (core/clock.ts): debounce windows, the poller's lookback, waits, retention. */
  clock?: Clock;
  /** Test hooks to simulate crashes around the dispatch commit. */
  dispatchHooks?: DispatchHooks;
  /** Where the shared channel rate-limit buckets live (sync/rate/); chosen from redisUrl and the database by default. */
  rateStore?: RateStore;
  /** Where oversells and stock push durations are counted; defaults to the process-wide registry. */
  metrics?: MetricsRegistry;
  /** Where issued documents' bytes are read for channel uploads; the database store by default. */
  documentStores?: ArchiveStores;
  /** The hub's public address, for the status link in customer notifications. */
  statusBaseUrl?: NotificationDeps['statusBaseUrl'];
  /** How notifications leave (default: the SMTP settings through nodemailer); test hooks. */
  notifications?: Pick<NotificationDeps, 'send' | 'hooks'>;
}

export interface SyncRuntime {
  readonly queue: JobQueue;
  readonly tuning: SyncTuning;
  /** Queues a stock push for an account (debounced), or at once for prioritized SKUs. */
  requestPush(
    accountId: string,
    opts?: { prioritySkuIds?: string[] | null; priorityKey?: string | null },
  ): Promise<void>;
  requestInbox(accountId: string): Promise<void>;
  /** Drops this process's cached copy of an account (the API just created or changed it). */
  forgetAccount(accountId: string): void;
  /** Re-derives jobs from the database: listings the channels lack, pending inbox events. */
  sweep(): Promise<void>;
  /** Dispatches the whole outbox now and runs delayed jobs now (shutdown, tests). */
  flush(): Promise<void>;
  /** Stops taking jobs; jobs still running after `graceMs` are handed back (JobQueue.close). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Stock pushes per second per account when the account does not say (settings.stockPushesPerSecond).
 * The connector paces each call to the channel's real limit (Shopify: the cost bucket it reads
 * from every answer), so this is only a floor between two pushes of one account: it keeps a
 * burst of changes coalescing into few calls instead of many. A query-cost channel gets ten a
 * second (a Shopify stock mutation costs ~10 of the 100 points restored per second, and each
 * push carries up to 250 values); request-counted APIs are stricter.
 */
export function defaultPushesPerSecond(limits: ConnectorLimits): number {
  return limits.rateLimitModel === 'query-cost' ? 10 : 2;
}

/**
 * An outbox row (channel push, documents due, notification) dispatched this long ago with no
 * outcome lost its job: the sweep queues it again...
 */
const LOST_PUSH_AFTER_MS = 60_000;
/** ...if it was written within this window. */
const LOST_PUSH_GIVE_UP_MS = 7 * 86_400_000;

export async function startSync(options: SyncOptions): Promise<SyncRuntime> {
  const tuning: SyncTuning = {
    ...DEFAULT_TUNING,
    ...options.tuning,
    concurrency: { ...DEFAULT_TUNING.concurrency, ...options.tuning?.concurrency },
  };
  const { db, logger, connectors, secretKey } = options;
  const prisma = db.prisma;
  const documentStores = options.documentStores ?? archiveStores(prisma, undefined);
  const clock = options.clock ?? systemClock;
  const now = () => clock.nowMs();
  const roles = { dispatcher: true, workers: true, schedules: true, ...options.roles };
  const log = logger.child({ component: 'sync' });
  const onError = (job: { id: string; name: JobName; attempt: number }, error: unknown) =>
    log.warn({ job: job.name, jobId: job.id, attempt: job.attempt, error: safeMessage(error) }, 'job failed');

  const prefix = options.queuePrefix ?? 'omnihub';
  const queue: JobQueue = options.redisUrl
    ? new BullQueue({
        redisUrl: options.redisUrl,
        prefix,
        attemptsFor: () => tuning.attempts,
        lockMs: tuning.lockMs,
        stalledIntervalMs: tuning.stalledIntervalMs,
        onError,
      })
    : new MemoryQueue(onError);

  // Per-account pacing, learned when a job opens the account (sync gate needs a number at once).
  const paceMs = new Map<string, number>();
  const paceOf = (data: unknown) => paceMs.get((data as { accountId?: string }).accountId ?? '') ?? 250;
  const learnPace = async (accountId: string) => {
    if (paceMs.has(accountId)) return;
    const row = await prisma.channelAccount.findUnique({
      where: { id: accountId },
      select: { type: true, settings: true },
    });
    const connector = row ? connectors[row.type] : undefined;
    if (!row || !connector) return;
    const own = (row.settings as Record<string, unknown> | null)?.stockPushesPerSecond;
    const perSecond = typeof own === 'number' && own > 0 ? own : defaultPushesPerSecond(connector.limits);
    paceMs.set(accountId, Math.ceil(1000 / perSecond));
  };

  const requestPush: SyncRuntime['requestPush'] = async (accountId, opts = {}) => {
    if (opts.prioritySkuIds?.length) {
      await queue.add(
        'stock.push',
        { accountId, prioritySkuIds: opts.prioritySkuIds },
        { jobId: jobId('push', accountId, 'p', opts.priorityKey ?? randomUUID()), priority: true },
      );
      return;
    }
    // One pending push per account, reading the newest targets when it runs: a request while it
    // waits (debounce, pacing, the account's other stock job) joins it; a request while it runs
    // queues exactly one more after it. One job per debounce window instead piled up hundreds of
    // paced jobs for a busy account during a burst, and reconciliation queued behind them.
    await queue.add('stock.push', { accountId }, { jobId: jobId('push', accountId), delayMs: tuning.debounceMs });
  };
  const requestInbox = async (accountId: string) => {
    const t = now();
    const window = Math.floor(t / tuning.inboxDebounceMs);
    await queue.add(
      'inbox.process',
      { accountId },
      { jobId: jobId('inbox', accountId, window), delayMs: (window + 1) * tuning.inboxDebounceMs - t },
    );
  };

  // One job per push id: a re-dispatched row (after a crash) lands on the same job.
  const requestFulfilmentPush = (p: FulfilmentPushPayload) =>
    queue.add('fulfilment.push', p, { jobId: jobId('fpush', p.pushId) });
  const requestDocumentPush = (p: DocumentIssuedPayload) =>
    queue.add('document.push', p, { jobId: jobId('dpush', p.documentId) });
  // One job per outbox row asking (its id in the job id): a re-dispatched row lands on the same job.
  const requestDocuments = (orderId: string, rowId: string) =>
    queue.add('documents.issue', { orderId }, { jobId: jobId('docs', orderId, rowId) });
  // One job per notification: a re-dispatched row lands on the same job.
  const requestNotification = (notificationId: string) =>
    queue.add('notification.send', { notificationId }, { jobId: jobId('notify', notificationId) });
  const enqueue = async (intents: DispatchIntents) => {
    for (const [accountId, intent] of intents.push) await requestPush(accountId, intent);
    for (const accountId of intents.inbox) await requestInbox(accountId);
    for (const p of intents.fulfilments) await requestFulfilmentPush(p);
    for (const p of intents.documents) await requestDocumentPush(p);
    for (const [orderId, rowId] of intents.documentsDue) await requestDocuments(orderId, rowId);
    for (const id of intents.notifications) await requestNotification(id);
  };

  // One check per account per interval: pushes and sweeps in the same window share its job id.
  const requestConfirm = async (accountId: string) => {
    const t = now();
    const window = Math.floor(t / tuning.stockConfirmIntervalMs);
    await queue.add(
      'stock.confirm',
      { accountId },
      { jobId: jobId('confirm', accountId, window), delayMs: (window + 1) * tuning.stockConfirmIntervalMs - t },
    );
  };

  /** Stock pushes of an account retried at once in a row because only compare-and-set missed. */
  const staleStreak = new Map<string, number>();
  const accountCache = new AccountCache(clock);
  const hub = hubMetrics(options.metrics ?? processMetrics);
  // Channel rate limits shared by every process: Redis, else PostgreSQL, else (PGlite: one process) memory.
  const rateStore: RateStore =
    options.rateStore ??
    (options.redisUrl
      ? new RedisRateStore(
          syncRedis(options.redisUrl, (err) => log.warn({ err: safeMessage(err) }, 'rate limits: redis unreachable')),
          prefix,
          true,
        )
      : db.kind === 'postgres'
        ? new PostgresRateStore(prisma)
        : new MemoryRateStore());
  const limiter = new RateLimiter(rateStore, clock);
  const refresher = new CredentialRefresher({ prisma, secretKey, connectors, accountCache, logger: log, clock });
  const decorate = accountDecorator({ limiter, refresher });
  const stockDeps: StockDeps = {
    prisma,
    secretKey,
    connectors,
    accountCache,
    decorate,
    logger: log,
    unitsPerChannel: tuning.strictUnitsPerChannel,
    requestPush,
    requestConfirm,
    metrics: hub,
    clock,
  };
  const deps = { prisma, secretKey, connectors, accountCache, decorate, refresher, logger: log, clock, metrics: hub };
  const notificationDeps: NotificationDeps = {
    prisma,
    secretKey,
    clock,
    logger: log,
    statusBaseUrl: options.statusBaseUrl ?? 'http://127.0.0.1:3000',
    ...options.notifications,
  };

  /** Set by stop(): long jobs end at their next safe point. */
  let stopping = false;
  const handlers: Record<JobName, (data: unknown) => Promise<void>> = {
    'stock.push': async (data) => {
      const p = parsePayload('stock.push', data);
      await learnPace(p.accountId);
      try {
        // Flagged credentials: a person replaces them, which clears the flag; the sweep pushes then.
        if (await authRefusedAt(prisma, p.accountId)) return;
        // Refused credentials flag the account (one exception) instead of failing every listing.
        await guardCredentials(deps, p.accountId, () =>
          pushAccountStock(stockDeps, p.accountId, p.prioritySkuIds ?? []),
        );
        staleStreak.delete(p.accountId);
      } catch (e) {
        // The channel answered but its values kept moving while we set them (its own sales):
        // nothing is wrong with it, so again at the account's next pacing slot rather than after
        // a backoff of half a second or more. A few times in a row; then the usual backoff, so a
        // value that never holds still cannot keep the account busy.
        const streak = (staleStreak.get(p.accountId) ?? 0) + 1;
        if (e instanceof PushIncomplete && e.onlyStale && streak <= tuning.staleRetriesAtPace) {
          staleStreak.set(p.accountId, streak);
          throw new RetryLater(paceOf(data), e.message);
        }
        staleStreak.delete(p.accountId);
        throw e;
      }
    },
    'stock.confirm': async (data) => {
      const p = parsePayload('stock.confirm', data);
      await learnPace(p.accountId);
      if (await authRefusedAt(prisma, p.accountId)) return;
      const run = await guardCredentials(deps, p.accountId, () =>
        confirmAccountSubmissions({ ...stockDeps, timeoutMs: tuning.stockSubmissionTimeoutMs }, p.accountId),
      );
      if (run?.open) await requestConfirm(p.accountId);
    },
    'stock.reconcile': async (data) => {
      const p = parsePayload('stock.reconcile', data);
      await reconcileAccount({ ...stockDeps, graceMs: tuning.reconcileGraceMs }, p.accountId);
    },
    'inbox.process': async (data) => {
      const p = parsePayload('inbox.process', data);
      const run = await processInbox(deps, p.accountId);
      if (run.retryAfterMs !== null) throw new RetryLater(run.retryAfterMs, 'channel unavailable');
      if (run.more) await requestInbox(p.accountId);
    },
    'orders.poll': async (data) => {
      const p = parsePayload('orders.poll', data);
      const run = await guardCredentials(deps, p.accountId, () =>
        // A sweep paced by the channel's rate limit can last minutes: a stopping process ends it
        // after the page in hand (its cursor is committed) instead of holding up shutdown.
        pollAccountOrders(deps, p.accountId, { onStored: () => requestInbox(p.accountId), stopping: () => stopping }),
      );
      if (!run) return; // the account is flagged: a person fixes the credentials
      if (run.more) await queue.add('orders.poll', p, { jobId: jobId('poll-more', p.accountId, randomUUID()) });
    },
    'fulfilment.push': async (data) => {
      await pushFulfilment(deps, FulfilmentPushPayload.parse(data));
    },
    'document.push': async (data) => {
      await pushDocument({ ...deps, documentStores }, DocumentIssuedPayload.parse(data));
    },
    'notification.send': async (data) => {
      await sendNotification(notificationDeps, parsePayload('notification.send', data).notificationId);
    },
    'notifications.delayed': async () => {
      const n = await noticeDelayedOrders(prisma, clock.now());
      if (n) log.info({ orders: n }, 'delayed orders: customers to be told');
    },
    'token.refresh': async (data) => {
      await refreshAccountToken(deps, parsePayload('token.refresh', data).accountId);
    },
    'documents.issue': async (data) => {
      const { orderId } = parsePayload('documents.issue', data);
      await runDocumentsJob({ prisma, store: documentStores.active, clock, logger: log }, orderId);
    },
    'maintenance.cleanup': async () => {
      await cleanup(deps, {
        inboxRetentionDays: tuning.inboxRetentionDays,
        outboxRetentionDays: tuning.outboxRetentionDays,
        personalDataRetentionDays: tuning.personalDataRetentionDays,
      });
    },
  };

  if (roles.workers) {
    for (const name of JOB_NAMES) {
      const spec: WorkerSpec = {
        concurrency: tuning.concurrency[name],
        attempts: tuning.attempts,
        backoff: tuning.backoff,
        group: {
          of: (data) => accountGroup(name, data),
          // Checking a submission is a channel call like a push: the same pacing per account.
          intervalMs: (data) => (name === 'stock.push' || name === 'stock.confirm' ? paceOf(data) : 0),
        },
      };
      const handler = handlers[name];
      queue.work(name, (job) => handler(job.data), spec);
    }
  }

  const dispatcherDeps = {
    prisma,
    logger: log,
    unitsPerChannel: tuning.strictUnitsPerChannel,
    batchSize: tuning.dispatchBatch,
    clock,
    enqueue,
    ...(options.dispatchHooks ? { hooks: options.dispatchHooks } : {}),
  };

  const sweep = async () => {
    const fresh = await prisma.$queryRaw<{ sku_id: string }[]>`
      SELECT DISTINCT l.sku_id FROM listings l JOIN channel_accounts a ON a.id = l.account_id
       WHERE a.active AND l.external_stock_id IS NOT NULL AND l.target_qty IS NULL LIMIT 1000`;
    if (fresh.length) {
      await prisma.$transaction(
        (tx) =>
          recomputeTargets(
            tx,
            fresh.map((r) => r.sku_id),
            tuning.strictUnitsPerChannel,
          ),
        {
          timeout: 30_000,
          maxWait: 30_000,
        },
      );
    }
    for (const accountId of await accountsNeedingPush(prisma)) await requestPush(accountId);
    // Open asynchronous submissions are asked about, never resubmitted (status.ts leaves them out above).
    for (const accountId of await accountsAwaitingSubmissions(prisma)) await requestConfirm(accountId);
    const inbox = await prisma.$queryRaw<{ account_id: string }[]>`
      SELECT DISTINCT account_id FROM inbox_events WHERE processed_at IS NULL AND attempts < 10`;
    for (const r of inbox) await requestInbox(r.account_id);
    // Channel pushes dispatched a while ago that neither succeeded nor were refused: their job was lost.
    // App clock, not the database's now(): the dispatcher stamps dispatched_at and the order
    // action stamps a fulfilment.push row's created_at from the same injected clock.
    const at = now();
    const unsent = await prisma.$queryRaw<{ payload: unknown }[]>`
      SELECT o.payload FROM outbox_events o
       WHERE o.kind = 'fulfilment.push' AND o.dispatched_at < ${new Date(at - LOST_PUSH_AFTER_MS)}
         AND o.created_at > ${new Date(at - LOST_PUSH_GIVE_UP_MS)}
         AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'fulfilment_push' AND a.entity_id = o.payload->>'pushId')
       LIMIT 500`;
    for (const r of unsent) {
      const p = FulfilmentPushPayload.safeParse(r.payload);
      if (p.success) await requestFulfilmentPush(p.data);
    }
    // Documents for channels that take them, dispatched a while ago with no recorded outcome.
    const takers = Object.entries(connectors)
      .filter(([, c]) => c?.uploadDocument)
      .map(([type]) => type);
    const unsentDocuments = takers.length
      ? await prisma.$queryRaw<{ payload: unknown }[]>`
          SELECT o.payload FROM outbox_events o JOIN channel_accounts a ON a.id = o.payload->>'accountId'
           WHERE o.kind = 'document.issued' AND a.type::text = ANY(${takers}::text[])
             AND o.dispatched_at < ${new Date(at - LOST_PUSH_AFTER_MS)}
             AND o.created_at > ${new Date(at - LOST_PUSH_GIVE_UP_MS)}
             AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.entity = ${DOCUMENT_PUSH_ENTITY}
                              AND l.entity_id = o.payload->>'documentId' AND l.action = ANY(${DOCUMENT_PUSH_OUTCOMES}::text[])
                              AND l.id > COALESCE((SELECT max(r.id) FROM audit_log r WHERE r.entity = l.entity
                                                    AND r.entity_id = l.entity_id AND r.action = ${DOCUMENT_PUSH_REPLAYED}), 0))
           LIMIT 500`
      : [];
    for (const r of unsentDocuments) {
      const p = DocumentIssuedPayload.safeParse(r.payload);
      if (p.success) await requestDocumentPush(p.data);
    }
    // Orders due documents whose row was dispatched a while ago and no documents run has started
    // since: the job was lost. The newest such row per order names the job (as the dispatcher does).
    const undocumented = await prisma.$queryRaw<{ order_id: string; row_id: string }[]>`
      SELECT DISTINCT ON (o.payload->>'orderId') o.payload->>'orderId' AS order_id, o.id::text AS row_id
        FROM outbox_events o
       WHERE o.kind = 'documents.due' AND o.dispatched_at < ${new Date(at - LOST_PUSH_AFTER_MS)}
         AND o.created_at > ${new Date(at - LOST_PUSH_GIVE_UP_MS)}
         AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = ${DOCUMENTS_RUN_ENTITY}
                          AND a.entity_id = o.payload->>'orderId' AND a.created_at >= o.dispatched_at)
       ORDER BY o.payload->>'orderId', o.id DESC
       LIMIT 500`;
    for (const r of undocumented) await requestDocuments(r.order_id, r.row_id);
    // Notifications dispatched a while ago and still pending: their job was lost (or keeps failing).
    const unsentMail = await prisma.$queryRaw<{ id: string }[]>`
      SELECT n.id FROM customer_notifications n
        JOIN outbox_events o ON o.kind = 'notification.send' AND o.payload->>'notificationId' = n.id
       WHERE n.status = 'pending' AND o.dispatched_at < ${new Date(at - LOST_PUSH_AFTER_MS)}
         AND o.dispatched_at > ${new Date(at - LOST_PUSH_GIVE_UP_MS)}
       LIMIT 500`;
    for (const r of unsentMail) await requestNotification(r.id);
  };

  let dispatcher: DispatcherLoop | null = null;
  let schedules: Schedules | null = null;
  let sweepTimer: ReturnType<typeof setInterval> | null = null;
  let redis: Redis | null = null;
  let closeCoordinator: (() => Promise<void>) | null = null;

  if (roles.dispatcher) {
    await sweep().catch((err) => log.error({ err }, 'initial sweep failed'));
    dispatcher = startDispatcher(dispatcherDeps, tuning.dispatchIntervalMs);
    sweepTimer = setInterval(
      () => void sweep().catch((err) => log.error({ err }, 'sweep failed')),
      tuning.sweepIntervalMs,
    );
  }
  if (roles.schedules) {
    let coordinator: RunCoordinator;
    if (options.redisUrl) {
      redis = syncRedis(options.redisUrl, (err) => log.warn({ err: safeMessage(err) }, 'schedules: redis unreachable'));
      coordinator = redisRunCoordinator(redis, prefix);
    } else if (db.kind === 'postgres' && options.databaseUrl) {
      const pg = await postgresRunCoordinator(options.databaseUrl);
      coordinator = pg;
      closeCoordinator = () => pg.close();
    } else {
      coordinator = memoryRunCoordinator();
    }
    schedules = await startSchedules({
      prisma,
      connectors,
      queue,
      coordinator,
      logger: log,
      reconcileSeconds: tuning.reconcileSeconds,
      tokenRefreshSeconds: tuning.tokenRefreshSeconds,
      cleanupPattern: tuning.cleanupPattern,
      delayedCheckPattern: tuning.delayedCheckPattern,
      refreshMs: 60_000,
    });
  }
  log.info({ backend: queue.backend, roles }, 'synchronizer started');

  return {
    queue,
    tuning,
    requestPush,
    requestInbox,
    forgetAccount: (accountId) => accountCache.forget(accountId),
    sweep,
    async flush() {
      while ((await dispatchOnce(dispatcherDeps)) > 0) {
        // keep going until the outbox is empty
      }
      await queue.promoteDelayed();
    },
    async stop(graceMs?: number) {
      stopping = true;
      await schedules?.stop();
      if (sweepTimer) clearInterval(sweepTimer);
      await dispatcher?.stop();
      await queue.close(graceMs);
      await limiter.close();
      await closeCoordinator?.();
      await redis?.quit().catch(() => undefined);
      log.info('synchronizer stopped');
    },
  };
}
