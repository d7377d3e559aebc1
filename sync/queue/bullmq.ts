// The distributed queue: BullMQ on Redis, one queue per job kind, workers in any number of
// processes. What BullMQ's open-source edition has no notion of — one job per account at a
// time and per-account pacing (its rate limiter is per queue) — is a small gate in front of
// each handler, on two Redis keys: a lock (SET NX PX, renewed while the job runs, released
// by compare-and-delete) and a pacing key (SET PX interval). A job that meets a closed gate
// moves itself back to delayed without spending an attempt. A killed worker's lock expires
// after its lease and BullMQ's stalled-job check hands its job to another worker.
//
// Our job ids are BullMQ deduplication ids with `keepLastIfActive`, not BullMQ job ids: a job
// added with the id of a job that is running — or just completing — is stored and created
// when that job finishes, in the same Redis script. With custom BullMQ job ids it was dropped
// silently (the id exists until the finished job is removed), and the change it announced
// waited for the next sweep.
import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_NAMES, type JobName } from '../jobs.ts';
import { syncRedis } from '../redis-client.ts';
import { assertJobId } from './job-id.ts';
import {
  type AddOptions,
  backoffDelay,
  type FailedJob,
  type JobHandler,
  type JobQueue,
  PermanentJobError,
  type QueueCounts,
  retryLaterFor,
  settledWithin,
  type WorkerSpec,
} from './types.ts';

export interface BullQueueOptions {
  redisUrl: string;
  /** Namespaces every key (one per deployment; tests use a unique one per run). */
  prefix?: string;
  /** Attempts a job gets, fixed when it is added (a producer may run no worker of that kind). */
  attemptsFor(name: JobName): number;
  /** How long a worker holds a job (and an account gate) without renewing before another takes over. */
  lockMs?: number;
  /** How often workers look for jobs whose worker died. */
  stalledIntervalMs?: number;
  onError?: (job: { id: string; name: JobName; attempt: number }, error: unknown) => void;
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class BullQueue implements JobQueue {
  readonly backend = 'bullmq' as const;
  readonly prefix: string;
  private readonly queues = new Map<JobName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly redis: Redis;
  private readonly connection: { url: string; maxRetriesPerRequest: null };
  private readonly lockMs: number;
  /** Jobs this process runs now, each with how to hand it back to the queue (close). */
  private readonly running = new Set<{ handBack(): Promise<void> }>();

  constructor(private readonly opts: BullQueueOptions) {
    this.prefix = opts.prefix ?? 'omnihub';
    this.connection = { url: opts.redisUrl, maxRetriesPerRequest: null };
    // An outage is reported by the workers' own connections ('error' below); not twice.
    this.redis = syncRedis(opts.redisUrl);
    this.lockMs = opts.lockMs ?? 30_000;
    for (const name of JOB_NAMES) this.queue(name);
  }

  private queue(name: JobName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async add(name: JobName, data: unknown, opts: AddOptions = {}): Promise<void> {
    await this.queue(name).add(name, data, {
      ...(opts.jobId === undefined ? {} : { deduplication: { id: assertJobId(opts.jobId), keepLastIfActive: true } }),
      ...(opts.delayMs && opts.delayMs > 0 ? { delay: Math.ceil(opts.delayMs) } : {}),
      // BullMQ runs jobs without a priority before prioritized ones: ordinary jobs get 1.
      ...(opts.priority ? {} : { priority: 1 }),
      attempts: this.opts.attemptsFor(name),
      backoff: { type: 'omnihub' },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    });
  }

  work(name: JobName, handler: JobHandler, spec: WorkerSpec): void {
    const worker = new Worker(name, (job, token) => this.process(name, handler, spec, job, token), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: spec.concurrency,
      lockDuration: this.lockMs,
      stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: 3,
      settings: { backoffStrategy: (attemptsMade, _type, err) => backoffDelay(attemptsMade, spec.backoff, err) },
    });
    worker.on('error', (e) => this.opts.onError?.({ id: '-', name, attempt: 0 }, e));
    this.workers.push(worker);
  }

  private async process(name: JobName, handler: JobHandler, spec: WorkerSpec, job: Job, token?: string) {
    const ctx = { id: idOf(job), name, data: job.data as unknown, attempt: job.attemptsMade + 1 };
    // Always awaited where it is called (`return await later(…)`): a bare `return later(…)`
    // inside the try below left its promise unhandled while the finally block awaited Redis,
    // and when the DelayedError came first Node killed the process (an unhandled rejection).
    const later = async (ms: number): Promise<never> => {
      await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(ms)), token);
      throw new DelayedError();
    };
    const group = spec.group?.of(job.data) ?? null;
    const lockKey = group ? `${this.prefix}:gate:lock:${group}` : null;
    const lockToken = randomUUID();
    if (group && lockKey) {
      if (!(await this.redis.set(lockKey, lockToken, 'PX', this.lockMs, 'NX'))) {
        const ttl = await this.redis.pttl(lockKey);
        return await later(Math.min(Math.max(ttl, 5), 100));
      }
      const paceKey = `${this.prefix}:gate:pace:${name}:${group}`;
      const wait = await this.redis.pttl(paceKey);
      if (wait > 0) {
        await this.redis.eval(RELEASE, 1, lockKey, lockToken);
        return await later(wait);
      }
      const interval = spec.group?.intervalMs(job.data) ?? 0;
      if (interval > 0) await this.redis.set(paceKey, '1', 'PX', Math.ceil(interval));
    }
    const renew = lockKey
      ? setInterval(
          () => void this.redis.eval(EXTEND, 1, lockKey, lockToken, this.lockMs).catch(() => undefined),
          this.lockMs / 3,
        )
      : null;
    const entry = {
      handBack: async () => {
        if (renew) clearInterval(renew);
        if (lockKey) await this.redis.eval(RELEASE, 1, lockKey, lockToken).catch(() => undefined);
        await job.moveToWait(token).catch(() => undefined);
      },
    };
    this.running.add(entry);
    try {
      await handler(ctx);
    } catch (error) {
      const timed = retryLaterFor(error);
      if (timed) return await later(timed.delayMs);
      this.opts.onError?.(ctx, error);
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      this.running.delete(entry);
      if (renew) clearInterval(renew);
      if (lockKey) await this.redis.eval(RELEASE, 1, lockKey, lockToken).catch(() => undefined);
    }
  }

  async failed(name: JobName, limit = 100): Promise<FailedJob[]> {
    const jobs = await this.queue(name).getFailed(0, limit - 1);
    return jobs.map((j) => ({
      id: idOf(j),
      name,
      data: j.data,
      attempts: j.attemptsMade,
      error: j.failedReason ?? '',
      failedAt: new Date(j.finishedOn ?? j.timestamp),
    }));
  }

  async counts(name: JobName): Promise<QueueCounts> {
    const c = await this.queue(name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async promoteDelayed(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.promoteJobs()));
  }

  /** Removes every key of this prefix's queues (tests). */
  async obliterate(names: readonly JobName[]): Promise<void> {
    for (const n of names) await this.queue(n).obliterate({ force: true });
    const keys = await this.redis.keys(`${this.prefix}:gate:*`);
    if (keys.length) await this.redis.del(...keys);
  }

  async close(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    const finished = Promise.all(this.workers.map((w) => w.close()));
    if (!(await settledWithin(finished, graceMs))) {
      // Still running at the deadline: waiting again now, for another worker, rather than
      // after this process's lock expired. Handlers commit in one transaction, idempotently,
      // so one cut short by the exit that follows leaves nothing half-applied.
      await Promise.all([...this.running].map((r) => r.handBack()));
    }
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.redis.quit().catch(() => undefined);
  }
}

/** The id the job was added with (BullMQ numbers the job itself). */
function idOf(job: Job): string {
  return job.deduplicationId ?? String(job.id);
}
