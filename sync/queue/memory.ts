// The in-process queue of the embedded default (no Redis): the same semantics as the BullMQ
// backend — deduplication by job id (a request made while its job runs runs once more after
// it), delays, priority, concurrency per kind, retries with
// exponential backoff and jitter, failed jobs kept, one job per group at a time, a group's
// starts paced. Jobs live in memory: what makes them durable is that every job is derived
// from database state (outbox rows, listings whose target differs from what the channel
// confirmed, pending inbox rows), which the runtime sweeps again on start.
import type { JobName } from '../jobs.ts';
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

interface Entry {
  id: string;
  name: JobName;
  data: unknown;
  attempt: number;
  priority: boolean;
  seq: number;
}

/** A job id in use: pending (waiting, delayed, between retries) or running. */
interface Taken {
  running: boolean;
  /** The last request made while it ran: added again once the run ends. */
  next: { data: unknown; opts: AddOptions } | null;
}

interface Kind {
  handler?: JobHandler;
  spec?: WorkerSpec;
  waiting: Entry[];
  delayed: number;
  running: number;
  failed: FailedJob[];
  wake?: ReturnType<typeof setTimeout>;
}

const MAX_FAILED_KEPT = 1000;

export class MemoryQueue implements JobQueue {
  readonly backend = 'memory' as const;
  private readonly kinds = new Map<JobName, Kind>();
  private readonly taken = new Map<string, Taken>();
  private readonly timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  private readonly busyGroups = new Set<string>();
  private readonly nextStart = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private seq = 0;

  constructor(private readonly onError: (job: JobContextLike, error: unknown) => void = () => undefined) {}

  async add(name: JobName, data: unknown, opts: AddOptions = {}): Promise<void> {
    if (this.closed) return;
    const id = opts.jobId === undefined ? `auto-${++this.seq}` : assertJobId(opts.jobId);
    const key = `${name}\u0000${id}`;
    const found = this.taken.get(key);
    if (found) {
      if (found.running) found.next = { data: serialized(data), opts };
      return;
    }
    this.taken.set(key, { running: false, next: null });
    const entry: Entry = {
      id,
      name,
      data: serialized(data),
      attempt: 1,
      priority: !!opts.priority,
      seq: ++this.seq,
    };
    this.schedule(entry, opts.delayMs ?? 0);
  }

  work(name: JobName, handler: JobHandler, spec: WorkerSpec): void {
    const k = this.kind(name);
    k.handler = handler;
    k.spec = spec;
    this.pump(name);
  }

  async failed(name: JobName, limit = 100): Promise<FailedJob[]> {
    return this.kind(name).failed.slice(0, limit);
  }

  async counts(name: JobName): Promise<QueueCounts> {
    const k = this.kind(name);
    return { waiting: k.waiting.length, active: k.running, delayed: k.delayed, failed: k.failed.length };
  }

  async close(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.closed = true;
    for (const t of this.timers.keys()) clearTimeout(t);
    this.timers.clear();
    for (const k of this.kinds.values()) if (k.wake) clearTimeout(k.wake);
    // Jobs still running after the grace are left: every job is derived from database state again.
    await settledWithin(Promise.allSettled([...this.inFlight]), graceMs);
  }

  private kind(name: JobName): Kind {
    let k = this.kinds.get(name);
    if (!k) {
      k = { waiting: [], delayed: 0, running: 0, failed: [] };
      this.kinds.set(name, k);
    }
    return k;
  }

  private schedule(entry: Entry, delayMs: number): void {
    const k = this.kind(entry.name);
    if (delayMs <= 0) {
      this.enqueue(k, entry);
      this.pump(entry.name);
      return;
    }
    k.delayed += 1;
    const fire = () => {
      clearTimeout(timer);
      this.timers.delete(timer);
      k.delayed -= 1;
      if (this.closed) return;
      this.enqueue(k, entry);
      this.pump(entry.name);
    };
    const timer = setTimeout(fire, delayMs);
    this.timers.set(timer, fire);
  }

  async promoteDelayed(): Promise<void> {
    for (const fire of [...this.timers.values()]) fire();
  }

  /** Priority jobs first, then in the order they became ready. */
  private enqueue(k: Kind, entry: Entry): void {
    entry.seq = ++this.seq;
    const at = k.waiting.findIndex((e) => !e.priority && entry.priority);
    if (at < 0) k.waiting.push(entry);
    else k.waiting.splice(at, 0, entry);
  }

  private pump(name: JobName): void {
    const k = this.kind(name);
    const spec = k.spec;
    if (!k.handler || !spec || this.closed) return;
    while (k.running < spec.concurrency) {
      // Real time, not the hub's clock: delays and pacing here are waits on real timers.
      const now = Date.now();
      let wake = Number.POSITIVE_INFINITY;
      const index = k.waiting.findIndex((e) => {
        const group = spec.group?.of(e.data);
        if (!group) return true;
        if (this.busyGroups.has(group)) return false; // released -> pumpAll
        const at = this.nextStart.get(`${name}|${group}`) ?? 0;
        if (at > now) {
          wake = Math.min(wake, at);
          return false;
        }
        return true;
      });
      if (index < 0) {
        if (Number.isFinite(wake)) this.wakeAt(k, name, wake - now);
        return;
      }
      const [entry] = k.waiting.splice(index, 1);
      if (entry) this.start(k, spec, entry);
    }
  }

  private wakeAt(k: Kind, name: JobName, ms: number): void {
    if (k.wake) clearTimeout(k.wake);
    k.wake = setTimeout(
      () => {
        k.wake = undefined;
        this.pump(name);
      },
      Math.max(1, ms),
    );
  }

  private start(k: Kind, spec: WorkerSpec, entry: Entry): void {
    const group = spec.group?.of(entry.data) ?? null;
    if (group) {
      this.busyGroups.add(group);
      this.nextStart.set(`${entry.name}|${group}`, Date.now() + spec.group!.intervalMs(entry.data));
    }
    k.running += 1;
    const run = this.run(k, spec, entry).finally(() => {
      if (group) this.busyGroups.delete(group);
      k.running -= 1;
      this.inFlight.delete(run);
      for (const name of this.kinds.keys()) this.pump(name);
    });
    this.inFlight.add(run);
  }

  private async run(k: Kind, spec: WorkerSpec, entry: Entry): Promise<void> {
    const key = `${entry.name}\u0000${entry.id}`;
    const taken = this.taken.get(key);
    if (taken) taken.running = true;
    const retry = (delayMs: number) => {
      if (taken) taken.running = false;
      this.schedule(entry, delayMs);
    };
    try {
      await k.handler!({ id: entry.id, name: entry.name, data: entry.data, attempt: entry.attempt });
    } catch (error) {
      if (this.closed) return;
      const later = retryLaterFor(error);
      if (later) return retry(later.delayMs);
      this.onError({ id: entry.id, name: entry.name, attempt: entry.attempt }, error);
      if (!(error instanceof PermanentJobError) && entry.attempt < spec.attempts) {
        const delay = backoffDelay(entry.attempt, spec.backoff, error);
        entry.attempt += 1;
        return retry(delay);
      }
      k.failed.unshift({
        id: entry.id,
        name: entry.name,
        data: entry.data,
        attempts: entry.attempt,
        error: error instanceof Error ? error.message : String(error),
        failedAt: new Date(),
      });
      k.failed.length = Math.min(k.failed.length, MAX_FAILED_KEPT);
    }
    this.release(key, entry.name);
  }

  /** The job is done or failed for good: frees its id, and adds the request made during its run. */
  private release(key: string, name: JobName): void {
    const next = this.taken.get(key)?.next;
    this.taken.delete(key);
    if (next) void this.add(name, next.data, next.opts);
  }
}

export interface JobContextLike {
  id: string;
  name: JobName;
  attempt: number;
}

/** Jobs cross a serialization boundary in BullMQ; do the same here so handlers cannot rely on more. */
function serialized(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data ?? null));
}
