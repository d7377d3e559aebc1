// node-cron run coordinators: with several processes, each tick of a distributed schedule
// runs in exactly one of them. node-cron asks shouldRun("<task name>:<tick ISO time>", ttl)
// on every process; the first to claim the key runs the tick.
// - Redis: SET key NX PX ttl (the key of a tick is claimed once, then expires).
// - PostgreSQL without Redis: a session advisory lock on the key's hash, held for the ttl on
//   a dedicated connection (advisory locks belong to a session, so not through a pool).
// - PGlite: one process owns the data directory, so an in-memory claim is exact.
import type { RunCoordinator } from 'node-cron';
import type { Redis } from 'ioredis';
import pg from 'pg';

export function redisRunCoordinator(redis: Redis, prefix: string): RunCoordinator {
  return {
    async shouldRun(key, ttlMs) {
      return (await redis.set(`${prefix}:cron:${key}`, '1', 'PX', Math.max(1, ttlMs), 'NX')) === 'OK';
    },
  };
}

export function memoryRunCoordinator(now: () => number = Date.now): RunCoordinator {
  const claimed = new Map<string, number>();
  return {
    shouldRun(key, ttlMs) {
      const t = now();
      for (const [k, until] of claimed) if (until <= t) claimed.delete(k);
      if (claimed.has(key)) return false;
      claimed.set(key, t + ttlMs);
      return true;
    },
  };
}

export interface ClosableCoordinator extends RunCoordinator {
  close(): Promise<void>;
}

export async function postgresRunCoordinator(url: string): Promise<ClosableCoordinator> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    async shouldRun(key, ttlMs) {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [
        `omnihub-cron:${key}`,
      ]);
      if (!r.rows[0]?.ok) return false;
      // Keep the claim for the whole lease: a process whose tick fires a little later must lose.
      const t = setTimeout(() => {
        timers.delete(t);
        void client
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`omnihub-cron:${key}`])
          .catch(() => undefined);
      }, ttlMs);
      timers.add(t);
      return true;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      await client.end();
    },
  };
}
