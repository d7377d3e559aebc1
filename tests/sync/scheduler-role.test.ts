// Two processes in the scheduler role (two sync runtimes with only their schedules, as
// `omnihub start --role scheduler` starts them) on one PostgreSQL and Redis: each tick of a
// schedule queues its job once, not once per scheduler.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { roleParts } from '../../api/process-roles.ts';
import { BullQueue } from '../../sync/queue/bullmq.ts';
import { type SyncRuntime, startSync } from '../../sync/runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { obliterate, quietLogger, REDIS_URL } from './helpers.ts';

const postgres = testDatabases().find((d) => d.kind === 'postgres');
const prefix = `omnihub-sched-${Date.now()}`;
afterAll(() => obliterate(prefix));

describe.skipIf(!postgres)('scheduler role', () => {
  it('two schedulers queue each tick of the cleanup schedule once', async () => {
    const db = await (postgres as NonNullable<typeof postgres>).open();
    const added: string[] = [];
    const spy = vi.spyOn(BullQueue.prototype, 'add').mockImplementation(async (name, _data, opts) => {
      if (name === 'maintenance.cleanup') added.push(opts?.jobId ?? '');
    });
    const runtimes: SyncRuntime[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        runtimes.push(
          await startSync({
            db,
            secretKey: generateSecretKey(),
            connectors: {},
            logger: quietLogger(),
            redisUrl: REDIS_URL,
            databaseUrl: db.url,
            queuePrefix: prefix,
            roles: roleParts('scheduler').sync,
            tuning: { cleanupPattern: '* * * * * *' },
          }),
        );
      }
      const end = Date.now() + 15_000;
      while (new Set(added).size < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    } finally {
      for (const r of runtimes) await r.stop();
      spy.mockRestore();
      await db.close();
    }
    expect(new Set(added).size).toBeGreaterThanOrEqual(3);
    expect(added.length).toBe(new Set(added).size);
  }, 60_000);
});
