// A job that asks to run later (RetryLater, a channel's Retry-After) inside an account gate: the
// job moves to delayed and runs again, and the worker process survives when the gate's release
// is slower than the move, as on a loaded Redis. It used to die there: the delay's DelayedError
// rejected while nobody awaited it yet, and Node ends a process on an unhandled rejection.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BullQueue } from '../../sync/queue/bullmq.ts';
import { RetryLater } from '../../sync/queue/types.ts';
import { eventually, obliterate, REDIS_URL, redisAvailable } from './helpers.ts';

const redisUp = await redisAvailable();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!redisUp)('BullMQ: run later inside an account gate', () => {
  const prefix = `omnihub-later-${randomBytes(5).toString('hex')}`;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => void unhandled.push(reason);
  let q: BullQueue | undefined;
  afterEach(async () => {
    process.off('unhandledRejection', record);
    await q?.close();
    await obliterate(prefix);
  });

  it('delays the job and runs it again, with no unhandled rejection while the gate is released slowly', async () => {
    process.on('unhandledRejection', record);
    q = new BullQueue({ redisUrl: REDIS_URL, prefix, attemptsFor: () => 3, lockMs: 5_000 });
    // The gate's own connection answers the release (compare-and-delete) 300 ms late.
    const gate = (q as unknown as { redis: Redis }).redis;
    const evalNow = gate.eval.bind(gate) as (...args: unknown[]) => Promise<unknown>;
    (gate as unknown as { eval: (...args: unknown[]) => Promise<unknown> }).eval = async (...args) => {
      if (String(args[0]).includes("'del'")) await sleep(300);
      return evalNow(...args);
    };
    const runs: number[] = [];
    q.work(
      'stock.push',
      async (job) => {
        runs.push(job.attempt);
        if (runs.length === 1) throw new RetryLater(20, 'the channel asked to wait');
      },
      {
        concurrency: 1,
        attempts: 3,
        backoff: { baseMs: 10, maxMs: 40 },
        group: { of: () => 'acct-1', intervalMs: () => 0 },
      },
    );
    await q.add('stock.push', { accountId: 'acct-1' });
    await eventually(() => runs.length === 2, 'the job to run again', 15_000);
    // Run later does not spend an attempt.
    expect(runs).toEqual([1, 1]);
    await sleep(400);
    expect(unhandled).toEqual([]);
  });
});
