// The queue contract, run against both backends: deduplication by id, delays, priority,
// concurrency, retries with backoff until failed (and kept), one job per group at a time,
// paced group starts, RetryLater and a channel's Retry-After without spending an attempt,
// permanent failures.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/connector.ts';
import { BullQueue } from '../../sync/queue/bullmq.ts';
import { jobId } from '../../sync/queue/job-id.ts';
import { MemoryQueue } from '../../sync/queue/memory.ts';
import { type JobQueue, PermanentJobError, RetryLater, type WorkerSpec } from '../../sync/queue/types.ts';
import { eventually, obliterate, REDIS_URL, redisAvailable } from './helpers.ts';

const redisUp = await redisAvailable();
if (!redisUp) console.warn('[omnihub tests] Redis did not answer: the BullMQ half of the queue suite is skipped.');

const backends: { backend: string; make(): { q: JobQueue; cleanup(): Promise<void> } }[] = [
  { backend: 'memory', make: () => ({ q: new MemoryQueue(), cleanup: async () => undefined }) },
  ...(redisUp
    ? [
        {
          backend: 'bullmq',
          make: () => {
            const prefix = `omnihub-qtest-${randomBytes(5).toString('hex')}`;
            return {
              q: new BullQueue({ redisUrl: REDIS_URL, prefix, attemptsFor: () => 3, lockMs: 5000 }),
              cleanup: () => obliterate(prefix),
            };
          },
        },
      ]
    : []),
];

const spec = (over: Partial<WorkerSpec> = {}): WorkerSpec => ({
  concurrency: 1,
  attempts: 3,
  backoff: { baseMs: 10, maxMs: 40 },
  ...over,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(backends)('queue contract on $backend', ({ make }) => {
  let q: JobQueue;
  let cleanup: () => Promise<void>;
  const use = () => {
    ({ q, cleanup } = make());
    return q;
  };
  afterEach(async () => {
    await q?.close();
    await cleanup?.();
  });

  it('runs a job once per id while it is pending, and again once it is done', async () => {
    use();
    const seen: unknown[] = [];
    await q.add('inbox.process', { accountId: 'a', n: 1 }, { jobId: 'same', delayMs: 50 });
    await q.add('inbox.process', { accountId: 'a', n: 2 }, { jobId: 'same', delayMs: 50 });
    q.work('inbox.process', async (job) => void seen.push(job.data), spec());
    await eventually(() => seen.length === 1, 'first job');
    await q.add('inbox.process', { accountId: 'a', n: 3 }, { jobId: 'same' });
    await eventually(() => seen.length === 2, 'the same id once the first is done');
    expect(seen).toEqual([
      { accountId: 'a', n: 1 },
      { accountId: 'a', n: 3 },
    ]);
  });

  it('runs a request that arrives while its id is running once more afterwards, with the newest data', async () => {
    use();
    const seen: unknown[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    q.work(
      'inbox.process',
      async (job) => {
        seen.push(job.data);
        // The first run stays in flight (its id taken) until the test has added the same id again.
        if (seen.length === 1) await held;
      },
      spec(),
    );
    await q.add('inbox.process', { accountId: 'a', n: 1 }, { jobId: 'same' });
    await eventually(() => seen.length === 1, 'first run in flight');
    // Two requests during the run: the changes they announce came after the run read its state.
    await q.add('inbox.process', { accountId: 'a', n: 2 }, { jobId: 'same' });
    await q.add('inbox.process', { accountId: 'a', n: 3 }, { jobId: 'same' });
    release();
    await eventually(() => seen.length === 2, 'the request made during the run');
    // Nothing more is queued behind it: a marker added now is the next and last run.
    await q.add('inbox.process', { accountId: 'a', n: 'marker' }, { jobId: 'marker' });
    await eventually(() => seen.length === 3, 'the marker');
    expect(seen).toEqual([
      { accountId: 'a', n: 1 },
      { accountId: 'a', n: 3 },
      { accountId: 'a', n: 'marker' },
    ]);
  });

  it("refuses an id containing ':' and runs the one jobId() builds from the same parts", async () => {
    use();
    const seen: string[] = [];
    q.work('orders.poll', async (job) => void seen.push(job.id), spec());
    const tick = '2026-01-01T00:00:00.000Z';
    await expect(q.add('orders.poll', { accountId: 'a' }, { jobId: `orders.poll:a@${tick}` })).rejects.toThrow(
      /invalid job id/,
    );
    await q.add('orders.poll', { accountId: 'a' }, { jobId: jobId('orders.poll:a', tick) });
    await eventually(() => seen.length === 1, 'the built id');
    expect(seen).toEqual(['orders.poll_a.2026-01-01T00_00_00.000Z']);
  });

  it('runs priority jobs before the others and respects concurrency', async () => {
    use();
    const order: string[] = [];
    let running = 0;
    let most = 0;
    for (const n of ['x1', 'x2', 'x3']) await q.add('stock.push', { accountId: n }, { jobId: n });
    await q.add('stock.push', { accountId: 'urgent' }, { jobId: 'urgent', priority: true });
    await q.promoteDelayed();
    q.work(
      'stock.push',
      async (job) => {
        running += 1;
        most = Math.max(most, running);
        order.push((job.data as { accountId: string }).accountId);
        await sleep(20);
        running -= 1;
      },
      spec({ concurrency: 2 }),
    );
    await eventually(() => order.length === 4, 'all four');
    expect(order[0]).toBe('urgent');
    expect(most).toBe(2);
  });

  it('retries with backoff, then keeps the job as failed', async () => {
    use();
    const attempts: number[] = [];
    q.work(
      'token.refresh',
      async (job) => {
        attempts.push(job.attempt);
        throw new Error(`nope ${job.attempt}`);
      },
      spec(),
    );
    await q.add('token.refresh', { accountId: 'a' }, { jobId: 'r1' });
    await eventually(async () => (await q.failed('token.refresh')).length === 1, 'failed job kept');
    expect(attempts).toEqual([1, 2, 3]);
    const [failed] = await q.failed('token.refresh');
    expect(failed).toMatchObject({ id: 'r1', attempts: 3, error: 'nope 3', data: { accountId: 'a' } });
    expect((await q.counts('token.refresh')).failed).toBe(1);
  });

  it('fails a permanent error at once, and RetryLater spends no attempt', async () => {
    use();
    const runs: Record<string, number[]> = { p: [], later: [] };
    q.work(
      'orders.poll',
      async (job) => {
        const id = (job.data as { accountId: string }).accountId;
        runs[id]?.push(job.attempt);
        if (id === 'p') throw new PermanentJobError('no connector');
        if ((runs.later?.length ?? 0) < 3) throw new RetryLater(10, 'busy');
      },
      spec(),
    );
    await q.add('orders.poll', { accountId: 'p' }, { jobId: 'p' });
    await q.add('orders.poll', { accountId: 'later' }, { jobId: 'later' });
    await eventually(() => (runs.later?.length ?? 0) === 3 && (runs.p?.length ?? 0) === 1, 'both settled');
    await eventually(async () => (await q.failed('orders.poll')).length === 1, 'permanent failure kept');
    expect(runs.p).toEqual([1]);
    expect(runs.later).toEqual([1, 1, 1]);
  });

  it("retries a channel's 429 after its Retry-After without spending an attempt; other failures spend one", async () => {
    use();
    const runs: Record<string, number[]> = { throttled: [], broken: [] };
    q.work(
      'orders.poll',
      async (job) => {
        const id = (job.data as { accountId: string }).accountId;
        runs[id]?.push(job.attempt);
        // More 429s than the job has attempts: only a retry that spends none can get through.
        if (id === 'throttled' && (runs.throttled?.length ?? 0) <= 4)
          throw new ConnectorError('http_429', 'HTTP 429', { retryable: true, retryAfterMs: 20 });
        if (id === 'broken') throw new ConnectorError('http_500', 'HTTP 500', { retryable: true });
      },
      spec(),
    );
    await q.add('orders.poll', { accountId: 'throttled' }, { jobId: 'throttled' });
    await q.add('orders.poll', { accountId: 'broken' }, { jobId: 'broken' });
    await eventually(() => (runs.throttled?.length ?? 0) === 5, 'throttled job ran after its waits');
    await eventually(async () => (await q.failed('orders.poll')).length === 1, 'broken job failed');
    expect(runs.throttled).toEqual([1, 1, 1, 1, 1]);
    expect(runs.broken).toEqual([1, 2, 3]);
    expect((await q.failed('orders.poll')).map((f) => (f.data as { accountId: string }).accountId)).toEqual(['broken']);
  });

  it('runs one job per group at a time and paces the group starts', async () => {
    use();
    const starts: Record<string, number[]> = {};
    let inGroupA = 0;
    let overlap = false;
    q.work(
      'stock.push',
      async (job) => {
        const { accountId } = job.data as { accountId: string };
        starts[accountId] = [...(starts[accountId] ?? []), Date.now()];
        if (accountId === 'A') {
          inGroupA += 1;
          if (inGroupA > 1) overlap = true;
          await sleep(15);
          inGroupA -= 1;
        }
      },
      spec({
        concurrency: 4,
        group: {
          of: (d) => (d as { accountId: string }).accountId,
          intervalMs: (d) => ((d as { accountId: string }).accountId === 'A' ? 60 : 0),
        },
      }),
    );
    for (let i = 0; i < 4; i++) await q.add('stock.push', { accountId: 'A', i }, { jobId: `A${i}` });
    for (let i = 0; i < 4; i++) await q.add('stock.push', { accountId: 'B', i }, { jobId: `B${i}` });
    await eventually(() => starts.A?.length === 4 && starts.B?.length === 4, 'all eight');
    expect(overlap).toBe(false);
    // Pacing: consecutive starts of group A are at least one interval apart (a lower bound, never a deadline).
    const a = starts.A ?? [];
    for (let i = 1; i < a.length; i++) expect((a[i] ?? 0) - (a[i - 1] ?? 0)).toBeGreaterThanOrEqual(55);
  });
});
