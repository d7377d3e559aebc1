// The embedded database's two lanes (core/db/pglite-lanes.ts): the webhook door's statements are
// served before background work already queued on PGlite's one connection, and background work
// yields to the event loop between turns. Orders are observed with latches, never with timing.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { PgliteLanes } from '../../core/db/pglite-lanes.ts';

function latch() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

/** Waits until `cond` holds, a macrotask at a time (no clock involved). */
async function until(cond: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition never held');
}

/** A stand-in connection: each query records its start and finishes when the test says so. */
function fakeConnection() {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const client = {
    query: (sql: string) =>
      new Promise((resolve) => {
        started.push(sql);
        finish.set(sql, () => resolve({ rows: [], fields: [] }));
      }),
    exec: async () => [],
    transaction: async <T>(fn: (tx: never) => Promise<T>) => fn({} as never),
  };
  return { client: client as never, started, finish: (sql: string) => finish.get(sql)?.() };
}

describe('PGlite lanes', () => {
  it('serves a door statement before background statements queued ahead of it', async () => {
    const conn = fakeConnection();
    const lanes = new PgliteLanes(conn.client);
    const bg = lanes.client('background');
    const door = lanes.client('door');
    const done: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => done.push(name));

    const all = [track('bg1', bg.query('bg1')), track('bg2', bg.query('bg2')), track('bg3', bg.query('bg3'))];
    await until(() => conn.started.length === 1);
    all.push(track('door', door.query('door')));
    expect(lanes.depth()).toEqual({ door: 1, background: 2 });

    conn.finish('bg1');
    await until(() => conn.started.length === 2);
    expect(conn.started).toEqual(['bg1', 'door']);
    conn.finish('door');
    await until(() => conn.started.length === 3);
    conn.finish('bg2');
    await until(() => conn.started.length === 4);
    conn.finish('bg3');
    await Promise.all(all);
    expect(done).toEqual(['bg1', 'door', 'bg2', 'bg3']);
  });

  it('yields to the event loop before every background turn, and a door statement that arrives then goes first', async () => {
    const conn = fakeConnection();
    const yields: (() => void)[] = [];
    const lanes = new PgliteLanes(conn.client, (then) => yields.push(then));
    const bg = lanes.client('background');

    const first = bg.query('bg1');
    const second = bg.query('bg2');
    // Nothing runs until the event loop has had its turn.
    await until(() => yields.length === 1);
    expect(conn.started).toEqual([]);
    yields.shift()?.();
    expect(conn.started).toEqual(['bg1']);
    conn.finish('bg1');
    await first;
    await until(() => yields.length === 1);
    expect(conn.started).toEqual(['bg1']);
    // A delivery read during that turn of the event loop: its statement starts at once...
    const door = lanes.client('door').query('door');
    await until(() => conn.started.length === 2);
    expect(conn.started).toEqual(['bg1', 'door']);
    // ...and the pending yield does not start background work beside it on the one connection.
    yields.shift()?.();
    expect(conn.started).toEqual(['bg1', 'door']);
    conn.finish('door');
    await door;
    await until(() => yields.length === 1);
    yields.shift()?.();
    expect(conn.started).toEqual(['bg1', 'door', 'bg2']);
    conn.finish('bg2');
    await second;
  });

  it('passes errors back to the caller and keeps serving', async () => {
    const lanes = new PgliteLanes({
      query: async (sql: string) => {
        if (sql === 'bad') throw new Error('boom');
        return { rows: [sql], fields: [] };
      },
      exec: async () => [],
      transaction: async () => undefined,
    } as never);
    const door = lanes.client('door');
    await expect(door.query('bad')).rejects.toThrow('boom');
    await expect(lanes.client('background').query('good')).resolves.toMatchObject({ rows: ['good'] });
  });
});

describe('PGlite lanes under Prisma, on a real PGlite', () => {
  const open: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const c of open.reverse()) await c.close();
  });

  // Prisma itself holds a client's statements while that client's interactive transaction is
  // open, so the door needs a client of its own (Database.door) as well as the first turn.
  it('commits the door insert right after the open transaction, before the background inserts queued behind it', async () => {
    const pglite = new PGlite('memory://');
    await pglite.waitReady;
    open.push(pglite);
    await pglite.exec('CREATE TABLE inbox (id serial PRIMARY KEY, what text NOT NULL)');
    const lanes = new PgliteLanes(pglite);
    const background = new PrismaClient({ adapter: new PrismaPGlite(lanes.client('background')) });
    const door = new PrismaClient({ adapter: new PrismaPGlite(lanes.client('door')) });
    open.push({ close: () => background.$disconnect() }, { close: () => door.$disconnect() });
    // Each client's first statement loads its query compiler: done here, not mid-test.
    await door.$executeRaw`SELECT 1`;
    await background.$executeRaw`SELECT 1`;

    const hold = latch();
    const inside = latch();
    const tx = background.$transaction(async (t) => {
      await t.$executeRaw`INSERT INTO inbox (what) VALUES ('tx')`;
      inside.open();
      await hold.opened;
    });
    await inside.opened;
    // Prisma's promises are lazy: Promise.resolve sends each statement now.
    const queued = [1, 2, 3].map((i) =>
      Promise.resolve(background.$executeRaw`INSERT INTO inbox (what) VALUES (${`bg${i}`})`),
    );
    const fromDoor = Promise.resolve(door.$executeRaw`INSERT INTO inbox (what) VALUES ('door')`);
    await until(() => lanes.depth().door === 1);

    hold.open();
    await Promise.all([tx, fromDoor, ...queued]);
    const rows = await background.$queryRaw<{ what: string }[]>`SELECT what FROM inbox ORDER BY id`;
    expect(rows.map((r) => r.what)).toEqual(['tx', 'door', 'bg1', 'bg2', 'bg3']);
  }, 60_000);
});
