// Schedules: each tick of a distributed task runs once across "processes" (two task
// instances, each with its own coordinator client) with the Redis, PostgreSQL advisory-lock
// and in-memory coordinators; the jobs the schedules enqueue run once per tick on both queue
// backends; polling cadence by channel kind; the per-account task list.
import { Redis } from 'ioredis';
import type { RunCoordinator } from 'node-cron';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChannelConnector } from '../../connectors/connector.ts';
import type { JobName } from '../../sync/jobs.ts';
import { BullQueue } from '../../sync/queue/bullmq.ts';
import { MemoryQueue } from '../../sync/queue/memory.ts';
import type { JobQueue } from '../../sync/queue/types.ts';
import { memoryRunCoordinator, postgresRunCoordinator, redisRunCoordinator } from '../../sync/run-coordinators.ts';
import {
  distributedTask,
  intervalCron,
  pollIntervalSeconds,
  type Schedules,
  startSchedules,
} from '../../sync/schedules.ts';
import { postgresTemplateUrl, testDatabases } from '../support/databases.ts';
import { withDatabase } from '../support/pg-url.ts';
import { eventually, obliterate, quietLogger, REDIS_URL, redisAvailable, world } from './helpers.ts';

const redisUp = await redisAvailable();
// Never the template database itself: a connection to it blocks the copies other suites make.
const template = postgresTemplateUrl();
const pgUrl = template ? withDatabase(template, 'postgres') : null;
const prefix = `omnihub-ctest-${Date.now()}`;
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
  if (redisUp) await obliterate(prefix);
});

type Pair = () => Promise<[RunCoordinator, RunCoordinator]>;
const coordinators: { kind: string; pair: Pair }[] = [
  {
    kind: 'memory',
    pair: async () => {
      const shared = memoryRunCoordinator();
      return [shared, shared];
    },
  },
  ...(redisUp
    ? [
        {
          kind: 'redis',
          pair: async (): Promise<[RunCoordinator, RunCoordinator]> => {
            const a = new Redis(REDIS_URL);
            const b = new Redis(REDIS_URL);
            closers.push(async () => {
              a.disconnect();
              b.disconnect();
            });
            return [redisRunCoordinator(a, prefix), redisRunCoordinator(b, prefix)];
          },
        },
      ]
    : []),
  ...(pgUrl
    ? [
        {
          kind: 'postgres advisory lock',
          pair: async (): Promise<[RunCoordinator, RunCoordinator]> => {
            const a = await postgresRunCoordinator(pgUrl);
            const b = await postgresRunCoordinator(pgUrl);
            closers.push(
              () => a.close(),
              () => b.close(),
            );
            return [a, b];
          },
        },
      ]
    : []),
];

async function runTwice(pair: [RunCoordinator, RunCoordinator], name: string) {
  const runs: { instance: number; tick: string }[] = [];
  const tasks = pair.map((coordinator, instance) =>
    distributedTask(
      {
        name,
        pattern: '* * * * * *',
        run: async (tick) => void runs.push({ instance, tick: tick.toISOString() }),
      },
      coordinator,
      quietLogger(),
      2000,
    ),
  );
  try {
    await eventually(() => new Set(runs.map((r) => r.tick)).size >= 3, 'three ticks', 15_000);
  } finally {
    for (const t of tasks) await t.destroy();
  }
  return runs;
}

describe('distributed schedules', () => {
  it('fire each tick once across two instances, whatever the coordinator (and the check can fail)', async () => {
    const results = await Promise.all([
      ...coordinators.map(async ({ kind, pair }) => ({
        kind,
        runs: await runTwice(await pair(), `test-task-${kind.replace(/\W/g, '')}`),
      })),
      // Sanity: with a coordinator that lets everyone run, the same check sees duplicates.
      (async () => ({
        kind: 'uncoordinated',
        runs: await runTwice([{ shouldRun: () => true }, { shouldRun: () => true }], 'test-task-free'),
      }))(),
    ]);
    for (const { kind, runs } of results) {
      const perTick = new Map<string, number>();
      for (const r of runs) perTick.set(r.tick, (perTick.get(r.tick) ?? 0) + 1);
      const once = [...perTick.values()].every((n) => n === 1);
      expect({ kind, once }).toEqual({ kind, once: kind !== 'uncoordinated' });
    }
    expect(results.map((r) => r.kind)).toEqual([...coordinators.map((c) => c.kind), 'uncoordinated']);
  });
});

// Two "processes" on each backend: two schedule instances sharing a coordinator. In-process
// they share the one queue; on BullMQ each has its own queue client and worker on one prefix.
type Process = { queue: JobQueue; coordinator: RunCoordinator };
const modes: { backend: string; processes(): Promise<[Process, Process]> }[] = [
  {
    backend: 'memory',
    processes: async () => {
      const queue = new MemoryQueue();
      const coordinator = memoryRunCoordinator();
      return [
        { queue, coordinator },
        { queue, coordinator },
      ];
    },
  },
  ...(redisUp
    ? [
        {
          backend: 'bullmq',
          processes: async (): Promise<[Process, Process]> => {
            const one = (): Process => {
              const redis = new Redis(REDIS_URL);
              closers.push(async () => redis.disconnect());
              return {
                queue: new BullQueue({ redisUrl: REDIS_URL, prefix, attemptsFor: () => 1 }),
                coordinator: redisRunCoordinator(redis, prefix),
              };
            };
            return [one(), one()];
          },
        },
      ]
    : []),
];

describe.each(testDatabases().slice(-1))('scheduled jobs on $kind', ({ open }) => {
  it.each(modes)('run once per tick with two schedule instances on the $backend queue', async ({ processes }) => {
    const db = await open();
    const w = await world(db, 1);
    const pair = await processes();
    const queues = [...new Set(pair.map((p) => p.queue))];
    const runs: string[] = [];
    const kinds: JobName[] = ['maintenance.cleanup', 'stock.reconcile'];
    for (const q of queues)
      for (const kind of kinds)
        q.work(kind, async (job) => void runs.push(`${kind}|${job.id}`), {
          concurrency: 2,
          attempts: 1,
          backoff: { baseMs: 10, maxMs: 10 },
        });
    const schedules: Schedules[] = [];
    try {
      for (const { queue, coordinator } of pair) {
        schedules.push(
          await startSchedules({
            prisma: db.prisma,
            connectors: { shopify: w.connector },
            queue,
            coordinator,
            logger: quietLogger(),
            reconcileSeconds: 1,
            tokenRefreshSeconds: 3600,
            cleanupPattern: '* * * * * *',
            refreshMs: 3_600_000,
          }),
        );
      }
      const ticks = (kind: string) => new Set(runs.filter((r) => r.startsWith(`${kind}|`))).size;
      await eventually(() => kinds.every((k) => ticks(k) >= 3), 'three ticks of each schedule', 20_000);
      for (const s of schedules) await s.stop();
      for (const q of queues)
        for (const kind of kinds)
          await eventually(async () => {
            const c = await q.counts(kind);
            return c.waiting + c.active + c.delayed === 0;
          }, `${kind} drained`);
      const perJob = new Map<string, number>();
      for (const r of runs) perJob.set(r, (perJob.get(r) ?? 0) + 1);
      expect([...perJob].filter(([, n]) => n !== 1)).toEqual([]);
    } finally {
      for (const s of schedules) await s.stop();
      for (const q of queues) await q.close();
      await db.close();
    }
  });
});

describe('cadence', () => {
  const limits = (ordersNeedPolling: boolean, pollIntervalSeconds?: number) =>
    ({
      limits: {
        ordersNeedPolling,
        ...(pollIntervalSeconds === undefined ? {} : { pollIntervalSeconds }),
        stockBatchSize: 250,
        rateLimitModel: 'requests',
        supportsPickup: false,
      },
    }) as unknown as ChannelConnector;

  it('polls every 2 minutes where polling is the only way, every 15 as a safety net, or as the account says', () => {
    expect(pollIntervalSeconds(limits(true), {})).toBe(120);
    expect(pollIntervalSeconds(limits(false), {})).toBe(900);
    expect(pollIntervalSeconds(limits(false), { pollIntervalSeconds: 60 })).toBe(60);
    expect(pollIntervalSeconds(limits(false), { pollIntervalSeconds: 'often' })).toBe(900);
  });

  it('polls a poll-only channel at the cadence its connector declares, unless the account says otherwise', () => {
    expect(pollIntervalSeconds(limits(true, 180), {})).toBe(180);
    expect(pollIntervalSeconds(limits(true, 180), { pollIntervalSeconds: 600 })).toBe(600);
    expect(pollIntervalSeconds(limits(true, 0), {})).toBe(120);
    // A webhook channel's polling is the safety net, whatever its connector suggests.
    expect(pollIntervalSeconds(limits(false, 180), {})).toBe(900);
  });

  it('turns intervals into clock-aligned cron patterns', () => {
    expect(intervalCron(30)).toBe('*/30 * * * * *');
    expect(intervalCron(120)).toBe('0 */2 * * * *');
    expect(intervalCron(900)).toBe('0 */15 * * * *');
    expect(intervalCron(7200)).toBe('0 0 */2 * * *');
  });
});

describe.each(testDatabases().slice(-1))('account schedules on $kind', ({ open }) => {
  it('schedules polling, reconciliation and token refresh per active account, and follows changes', async () => {
    const db = await open();
    const w = await world(db, 2);
    const queue = new MemoryQueue();
    const s = await startSchedules({
      prisma: db.prisma,
      connectors: { shopify: w.connector },
      queue,
      coordinator: memoryRunCoordinator(),
      logger: quietLogger(),
      reconcileSeconds: 600,
      tokenRefreshSeconds: 1800,
      cleanupPattern: '0 17 3 * * *',
      refreshMs: 3_600_000,
    });
    try {
      expect(s.names()).toEqual([
        'maintenance.cleanup',
        'orders.poll:shop-0',
        'orders.poll:shop-1',
        'stock.reconcile:shop-0',
        'stock.reconcile:shop-1',
        'token.refresh:shop-0',
        'token.refresh:shop-1',
      ]);
      await db.prisma.channelAccount.update({ where: { id: 'shop-1' }, data: { active: false } });
      await s.refresh();
      expect(s.names().filter((n) => n.endsWith('shop-1'))).toEqual([]);
    } finally {
      await s.stop();
      await queue.close();
      await db.close();
    }
  });

  it("polls a poll-only channel on its connector's declared interval", async () => {
    const db = await open();
    const w = await world(db, 1);
    const queue = new MemoryQueue();
    // A channel without order webhooks whose rate limits allow one poll every 3 minutes.
    const pollOnly = {
      ...w.connector,
      limits: { ...w.connector.limits, ordersNeedPolling: true, pollIntervalSeconds: 180 },
    } as ChannelConnector;
    const s = await startSchedules({
      prisma: db.prisma,
      connectors: { shopify: pollOnly },
      queue,
      coordinator: memoryRunCoordinator(),
      logger: quietLogger(),
      reconcileSeconds: 600,
      tokenRefreshSeconds: 1800,
      cleanupPattern: '0 17 3 * * *',
      refreshMs: 3_600_000,
    });
    try {
      expect(s.patternOf('orders.poll:shop-0')).toBe('0 */3 * * * *');
      // The account's own setting still wins.
      await db.prisma.channelAccount.update({
        where: { id: 'shop-0' },
        data: { settings: { pollIntervalSeconds: 600 } },
      });
      await s.refresh();
      expect(s.patternOf('orders.poll:shop-0')).toBe('0 */10 * * * *');
    } finally {
      await s.stop();
      await queue.close();
      await db.close();
    }
  });
});
