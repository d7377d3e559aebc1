// One job-queue contract, two backends: BullMQ on Redis (bullmq.ts) and in-process
// (memory.ts). Handlers are written once against it and the same test suite runs on both.
import type { JobName } from '../jobs.ts';

export interface AddOptions {
  /**
   * Deduplication (build it with `jobId()` from job-id.ts). While a job with this id waits or is
   * delayed, adding it again does nothing: the pending run reads the newest state. Added while
   * that job runs, it runs once more after the run ends, with the last data added meanwhile: a
   * change announced during a run is never lost, and a burst still costs one more run.
   */
  jobId?: string;
  delayMs?: number;
  /** Runs before the ordinary jobs of its kind (oversold SKUs). */
  priority?: boolean;
}

export interface JobContext {
  id: string;
  name: JobName;
  data: unknown;
  /** 1 on the first run. */
  attempt: number;
}

export type JobHandler = (job: JobContext) => Promise<void>;

export interface WorkerSpec {
  /** Jobs of this kind running at once in this process. */
  concurrency: number;
  /** Runs before a job is kept as failed. */
  attempts: number;
  /** Exponential backoff (baseMs doubling up to maxMs) with jitter: each delay is 50–100 % of that. */
  backoff: { baseMs: number; maxMs: number };
  /**
   * Jobs of one group never run at the same time (across processes with BullMQ), and a
   * group's jobs of this kind start at most once per intervalMs: per-account pacing.
   */
  group?: { of(data: unknown): string | null; intervalMs(data: unknown): number };
}

export interface FailedJob {
  id: string;
  name: JobName;
  data: unknown;
  attempts: number;
  error: string;
  failedAt: Date;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface JobQueue {
  readonly backend: 'bullmq' | 'memory';
  add(name: JobName, data: unknown, opts?: AddOptions): Promise<void>;
  /** Starts consuming jobs of `name` in this process. */
  work(name: JobName, handler: JobHandler, spec: WorkerSpec): void;
  /** Jobs that exhausted their attempts, newest first, kept for inspection. */
  failed(name: JobName, limit?: number): Promise<FailedJob[]>;
  counts(name: JobName): Promise<QueueCounts>;
  /** Makes every delayed job ready now (flush at shutdown, tests). */
  promoteDelayed(): Promise<void>;
  /**
   * Stops taking jobs and waits for the running ones; after `graceMs` (unbounded by default)
   * stops waiting and hands back those still running, so that another worker runs them
   * (BullMQ: back to waiting at once; in-process: the next start's sweep derives them again).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Thrown by a handler (or the group gate) to run the job again later without spending an
 * attempt: the account is busy, or its pacing slot has not come yet.
 */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

/**
 * A failure the channel timed for us — a 429 with Retry-After, a rate header, a throttle
 * restore time (`retryAfterMs` on a retryable ConnectorError, or on anything carrying it up)
 * — is not the job's fault: it runs again after that delay without spending an attempt, like
 * RetryLater. Null for any other error.
 */
export function retryLaterFor(error: unknown): RetryLater | null {
  if (error instanceof RetryLater) return error;
  const e = error as { retryAfterMs?: unknown; retryable?: unknown; message?: unknown } | null;
  const after = e?.retryAfterMs;
  if (typeof after !== 'number' || !(after > 0) || !Number.isFinite(after) || e?.retryable === false) return null;
  return new RetryLater(after, typeof e?.message === 'string' ? e.message : 'channel asked to retry later');
}

/** Delay before retry `attempt` (1 = first retry): exponential with jitter, at least the channel's Retry-After. */
export function backoffDelay(
  attempt: number,
  backoff: { baseMs: number; maxMs: number },
  error?: unknown,
  random = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  const after = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof after === 'number' && after > 0 ? Math.max(jittered, Math.min(after, backoff.maxMs)) : jittered;
}

/** Errors a retry cannot fix (a bad payload, a missing connector): failed at once, kept for inspection. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** True when `p` settled within `ms`, false when the time ran out first. */
export async function settledWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms)) {
    await p.catch(() => undefined);
    return true;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
