// The transactional outbox: a committed change survives a crash before it is dispatched, a
// crash in the middle of a dispatch leaves its rows for the next one, a crash after the
// dispatch commit but before the enqueue is recovered from durable state, and two dispatcher
// processes never dispatch the same row twice.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { systemClock } from '../../core/clock.ts';
import { type DispatchIntents, dispatchOnce } from '../../sync/outbox/dispatcher.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, listing, product, quietLogger, shown, start, type World, world } from './helpers.ts';

const DISPATCHER = fileURLToPath(new URL('./fixtures/outbox-dispatcher.ts', import.meta.url));
const undispatched = (db: Database) => db.prisma.outboxEvent.count({ where: { dispatchedAt: null } });

describe.each(testDatabases())('outbox dispatcher on $kind', ({ kind, open }) => {
  let db: Database & { url?: string };
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db);
    await product(w, 'OB-1', 10);
  });
  afterAll(() => db?.close());

  it('a change committed while no dispatcher runs (a crash) reaches the channels when one starts', async () => {
    await adjust(db.prisma, 'sku-OB-1', 'wh', 5, 'receipt'); // committed; nobody dispatches
    expect(await undispatched(db)).toBeGreaterThan(0);
    const s = await start(w, 'memory');
    try {
      await eventually(
        async () => shown(w, 'OB-1', 0) === 15 && shown(w, 'OB-1', 1) === 15 && (await undispatched(db)) === 0,
        'both shops show 15 and the outbox is dispatched',
      );
    } finally {
      await s.stop();
    }
  });

  it('a dispatch that dies before its commit leaves the rows to the next dispatcher', async () => {
    await adjust(db.prisma, 'sku-OB-1', 'wh', -3, 'damage');
    const enqueued: DispatchIntents[] = [];
    const deps = {
      prisma: db.prisma,
      logger: quietLogger(),
      clock: systemClock,
      unitsPerChannel: 5,
      batchSize: 100,
      enqueue: async (i: DispatchIntents) => void enqueued.push(i),
    };
    await expect(
      dispatchOnce({
        ...deps,
        hooks: {
          beforeCommit: () => {
            throw new Error('process killed');
          },
        },
      }),
    ).rejects.toThrow('process killed');
    expect(await undispatched(db)).toBe(1);
    expect((await listing(w, 0, 'OB-1')).targetQty).toBe(15); // the new target was rolled back too
    expect(await dispatchOnce(deps)).toBe(1);
    expect(await undispatched(db)).toBe(0);
    expect((await listing(w, 0, 'OB-1')).targetQty).toBe(12);
    expect([...(enqueued[0]?.push.keys() ?? [])].sort()).toEqual(['shop-0', 'shop-1']);
  });

  it('a crash between the dispatch commit and the enqueue is recovered by the sweep', async () => {
    await adjust(db.prisma, 'sku-OB-1', 'wh', -2, 'damage');
    const enqueued: DispatchIntents[] = [];
    await expect(
      dispatchOnce({
        prisma: db.prisma,
        logger: quietLogger(),
        clock: systemClock,
        unitsPerChannel: 5,
        batchSize: 100,
        enqueue: async (i) => void enqueued.push(i),
        hooks: {
          afterCommit: () => {
            throw new Error('process killed after commit');
          },
        },
      }),
    ).rejects.toThrow('process killed after commit');
    expect(await undispatched(db)).toBe(0);
    expect(enqueued).toEqual([]); // the jobs were lost with the process...
    const l = await listing(w, 0, 'OB-1');
    expect(l.targetQty).toBe(10); // ...but the target is durable, and the channel lacks it
    expect(l.lastConfirmedQty).not.toBe(10);
    const s = await start(w, 'memory');
    try {
      await eventually(async () => shown(w, 'OB-1', 0) === 10 && shown(w, 'OB-1', 1) === 10, 'both shops show 10');
    } finally {
      await s.stop();
    }
  });

  // Only PostgreSQL can be shared by two processes; PGlite is one connection in one process.
  if (kind === 'postgres')
    it('two dispatcher processes never dispatch the same row twice', async () => {
      await db.prisma.$executeRaw`
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inventory.changed', jsonb_build_object('skuId', 'sku-OB-1', 'locationId', 'wh') FROM generate_series(1, 3000)`;
      const children: ChildProcess[] = [];
      try {
        const ready = [0, 1].map(
          () =>
            new Promise<ChildProcess>((resolve, reject) => {
              const child = fork(DISPATCHER, [], {
                execArgv: ['--import', 'tsx'],
                env: { ...process.env, DATABASE_URL: db.url },
                stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
              });
              children.push(child);
              child.once('message', () => resolve(child));
              child.once('error', reject);
              child.once('exit', (code) => reject(new Error(`dispatcher exited early (${code})`)));
            }),
        );
        const processes = await Promise.all(ready);
        // Both connected: start them together, each with four loops dispatching until the outbox is empty.
        const claims = await Promise.all(
          processes.map(
            (child) =>
              new Promise<string[]>((resolve, reject) => {
                child.removeAllListeners('exit');
                child.once('message', (m) => resolve((m as { claimed: string[] }).claimed));
                child.once('exit', (code) => reject(new Error(`dispatcher exited without its claims (${code})`)));
                child.send('go');
              }),
          ),
        );
        const all = claims.flat();
        expect(all).toHaveLength(3000);
        expect(new Set(all).size).toBe(3000);
        expect(claims.map((c) => c.length > 0)).toEqual([true, true]);
        expect(await undispatched(db)).toBe(0);
        expect(await db.prisma.outboxEvent.count({ where: { attempts: { gt: 1 } } })).toBe(0);
      } finally {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }
    });
});
