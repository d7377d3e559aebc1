// BullMQ across processes: two worker processes share one queue, and when one is killed
// (SIGKILL, mid-job, holding account gates) its jobs are taken over by the other once its
// locks expire — every job completes.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullQueue } from '../../sync/queue/bullmq.ts';
import { eventually, obliterate, REDIS_URL, redisAvailable } from './helpers.ts';

const redisUp = await redisAvailable();
if (!redisUp) console.warn('[omnihub tests] Redis did not answer: the BullMQ multi-process test is skipped.');
const WORKER = fileURLToPath(new URL('./fixtures/bull-worker.ts', import.meta.url));

describe.skipIf(!redisUp)('BullMQ workers in several processes', () => {
  const prefix = `omnihub-wtest-${randomBytes(5).toString('hex')}`;
  const children: ChildProcess[] = [];
  const redis = redisUp ? new Redis(REDIS_URL) : null;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await obliterate(prefix);
    redis?.disconnect();
  });

  const spawn = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = fork(WORKER, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, REDIS_URL, QUEUE_PREFIX: prefix, JOB_MS: '150' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      child.once('message', () => resolve(child));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    });

  const log = async (which: 'started' | 'done') =>
    ((await redis?.lrange(`${prefix}:log:${which}`, 0, -1)) ?? []).map((e) => {
      const [n, pid] = e.split(':');
      return { n: Number(n), pid: Number(pid) };
    });

  it('share the work, and a killed worker’s jobs are finished by the other', async () => {
    const [a, b] = await Promise.all([spawn(), spawn()]);
    const producer = new BullQueue({ redisUrl: REDIS_URL, prefix, attemptsFor: () => 5 });
    try {
      for (let n = 0; n < 30; n++)
        await producer.add('inbox.process', { accountId: `acct-${n % 3}`, n }, { jobId: `job-${n}` });
      // Once both have finished work, kill A in the middle of a job.
      await eventually(async () => {
        const started = await log('started');
        const finished = await log('done');
        const done = new Set(finished.map((d) => `${d.n}:${d.pid}`));
        const both = finished.some((d) => d.pid === a.pid) && finished.some((d) => d.pid === b.pid);
        return both && started.some((s) => s.pid === a.pid && !done.has(`${s.n}:${s.pid}`));
      }, 'both workers have done work, A is mid-job');
      a.kill('SIGKILL');
      const killedAt = await log('started');
      const doneBeforeKill = new Set((await log('done')).filter((d) => d.pid === a.pid).map((d) => d.n));
      const orphaned = killedAt.filter((s) => s.pid === a.pid && !doneBeforeKill.has(s.n)).map((s) => s.n);
      expect(orphaned.length).toBeGreaterThan(0);

      await eventually(
        async () => new Set((await log('done')).map((d) => d.n)).size === 30,
        'all 30 jobs done',
        60_000,
      );
      const done = await log('done');
      expect(new Set(done.map((d) => d.pid))).toEqual(new Set([a.pid, b.pid]));
      for (const n of orphaned) expect(done.some((d) => d.n === n && d.pid === b.pid)).toBe(true);
      expect(await producer.failed('inbox.process')).toEqual([]);
    } finally {
      b.kill('SIGTERM');
      await producer.close();
    }
  });
});
