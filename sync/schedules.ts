// Schedules on node-cron: per account, order polling, stock reconciliation and token refresh;
// globally, cleanup. Every task is `distributed`: with several processes a run coordinator
// (run-coordinators.ts) lets exactly one of them fire each tick. A tick only enqueues a job
// (keyed by task and tick), so the work itself is spread over the workers.
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import type { Logger } from '../core/log.ts';
import type { ChannelConnector } from '../connectors/connector.ts';
import type { ConnectorRegistry } from './connectors.ts';
import type { JobName } from './jobs.ts';
import { jobId } from './queue/job-id.ts';
import type { JobQueue } from './queue/types.ts';

/** Polling defaults by channel kind: channels that only poll, and the safety net behind webhooks. */
export const POLL_ONLY_SECONDS = 120;
export const POLL_SAFETY_NET_SECONDS = 900;

/**
 * Seconds between order polls of an account: the account's own setting, else for a channel
 * that only polls the cadence its connector declares (its rate limits decide), else the defaults.
 */
export function pollIntervalSeconds(connector: ChannelConnector, settings: Readonly<Record<string, unknown>>): number {
  const own = settings.pollIntervalSeconds;
  if (isPollInterval(own)) return own;
  if (!connector.limits.ordersNeedPolling) return POLL_SAFETY_NET_SECONDS;
  const declared = connector.limits.pollIntervalSeconds;
  return isPollInterval(declared) ? declared : POLL_ONLY_SECONDS;
}

const isPollInterval = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 10;

/** A cron pattern (with seconds) that fires about every `seconds`, aligned on the clock. */
export function intervalCron(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `*/${s} * * * * *`;
  const m = Math.max(1, Math.round(s / 60));
  if (m < 60) return `0 */${m} * * * *`;
  const h = Math.max(1, Math.min(23, Math.round(m / 60)));
  return `0 0 */${h} * * *`;
}

export interface TaskSpec {
  /** Unique across the deployment: the coordination key is "<name>:<tick>". */
  name: string;
  pattern: string;
  run(tick: Date): Promise<void>;
}

/**
 * One node-cron task that fires once per tick across all processes sharing the coordinator.
 * The claim key names the tick, so the lease only has to outlast the clock skew between processes.
 */
export function distributedTask(
  spec: TaskSpec,
  coordinator: RunCoordinator,
  logger: Logger,
  leaseMs = 30_000,
): ScheduledTask {
  const task = cron.schedule(spec.pattern, (ctx) => spec.run(ctx.date), {
    name: spec.name,
    distributed: true,
    runCoordinator: coordinator,
    distributedLease: leaseMs,
    noOverlap: true,
    timezone: 'UTC',
    logger: cronLogger(logger),
  });
  task.on('execution:failed', (ctx) =>
    logger.error({ task: spec.name, err: ctx.execution?.error }, 'scheduled task failed'),
  );
  return task;
}

function cronLogger(logger: Logger) {
  return {
    info: (m: string) => logger.debug({ component: 'node-cron' }, m),
    warn: (m: string) => logger.warn({ component: 'node-cron' }, m),
    error: (m: string | Error, err?: Error) => logger.error({ component: 'node-cron', err: err ?? m }, String(m)),
    debug: (m: string | Error) => logger.debug({ component: 'node-cron' }, String(m)),
  };
}

export interface ScheduleOptions {
  prisma: PrismaClient;
  connectors: ConnectorRegistry;
  queue: JobQueue;
  coordinator: RunCoordinator;
  logger: Logger;
  reconcileSeconds: number;
  tokenRefreshSeconds: number;
  cleanupPattern: string;
  /** The delayed-order check (customer notifications); unset = not scheduled. */
  delayedCheckPattern?: string;
  /** How often the account list is re-read to add and remove tasks. */
  refreshMs: number;
}

export interface Schedules {
  /** Task names currently scheduled (tests, diagnostics). */
  names(): string[];
  /** The cron pattern a task runs on (null when not scheduled). */
  patternOf(name: string): string | null;
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSchedules(o: ScheduleOptions): Promise<Schedules> {
  const tasks = new Map<string, { pattern: string; task: ScheduledTask }>();
  const ensure = (name: string, pattern: string, run: (tick: Date) => Promise<void>) => {
    const found = tasks.get(name);
    if (found?.pattern === pattern) return;
    if (found) void found.task.destroy();
    tasks.set(name, { pattern, task: distributedTask({ name, pattern, run }, o.coordinator, o.logger) });
  };
  const enqueue = (job: JobName, data: Record<string, string>, name: string) => async (tick: Date) =>
    o.queue.add(job, data, { jobId: jobId(name, tick.toISOString()) });

  const refresh = async () => {
    const accounts = await o.prisma.channelAccount.findMany({
      where: { active: true },
      select: { id: true, type: true, settings: true },
    });
    const wanted = new Set<string>(['maintenance.cleanup']);
    ensure('maintenance.cleanup', o.cleanupPattern, enqueue('maintenance.cleanup', {}, 'maintenance.cleanup'));
    if (o.delayedCheckPattern) {
      wanted.add('notifications.delayed');
      ensure(
        'notifications.delayed',
        o.delayedCheckPattern,
        enqueue('notifications.delayed', {}, 'notifications.delayed'),
      );
    }
    for (const a of accounts) {
      const connector = o.connectors[a.type];
      if (!connector) continue;
      const settings = (a.settings ?? {}) as Record<string, unknown>;
      const jobs: [JobName, number][] = [
        ['orders.poll', pollIntervalSeconds(connector, settings)],
        ['stock.reconcile', numberSetting(settings.reconcileIntervalSeconds) ?? o.reconcileSeconds],
        ['token.refresh', o.tokenRefreshSeconds],
      ];
      for (const [job, seconds] of jobs) {
        const name = `${job}:${a.id}`;
        wanted.add(name);
        ensure(name, intervalCron(seconds), enqueue(job, { accountId: a.id }, name));
      }
    }
    for (const [name, t] of tasks) {
      if (!wanted.has(name)) {
        void t.task.destroy();
        tasks.delete(name);
      }
    }
  };

  await refresh();
  const timer = setInterval(
    () => void refresh().catch((err) => o.logger.error({ err }, 'schedule refresh failed')),
    o.refreshMs,
  );
  timer.unref();
  return {
    names: () => [...tasks.keys()].sort(),
    patternOf: (name) => tasks.get(name)?.pattern ?? null,
    refresh,
    async stop() {
      clearInterval(timer);
      await Promise.all([...tasks.values()].map((t) => t.task.destroy()));
      tasks.clear();
    },
  };
}

function numberSetting(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 10 ? v : null;
}
