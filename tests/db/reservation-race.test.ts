// 200 orders from 4 channels race for 50 units of one SKU at the same moment.
// Exactly 50 units end up reserved, every other order is held for stock, nothing
// goes negative, and the ledger explains the level. Fails if reservation is done
// by reading the level in JS and writing it back (checked by hand: see README).
// On PostgreSQL the same race also runs between two OS processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { getLevel, ledgerTotals, reserve } from '../../core/inventory/ledger.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import type { CallerResult } from '../bench/ledger-bench-callers.ts';
import type { WorkerCommand, WorkerConfig } from '../bench/ledger-bench-worker.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

const CHANNELS = ['shopify-a', 'shopify-b', 'amazon', 'ebay'];
const STOCK = 50;
const ORDERS = 200;

describe.each(testDatabases())('concurrent reservations on $kind', ({ open }) => {
  let db: Database;
  let skuId: string;
  beforeAll(async () => {
    db = await open({ poolSize: 20 });
    await seedLocation(db.prisma, 'wh');
    for (const c of CHANNELS) await seedAccount(db.prisma, c, [{ locationId: 'wh' }]);
    skuId = (await seedSku(db.prisma, 'HOT')).id;
    await stock(db.prisma, skuId, 'wh', STOCK);
  });
  afterAll(() => db?.close());

  it(`reserves exactly ${STOCK} units for ${ORDERS} racing orders and holds the rest`, async () => {
    const results = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => {
        const account = CHANNELS[i % CHANNELS.length] as string;
        // Every 10th order has the SKU on two lines: their sum is reserved in one step.
        const lines =
          i % 10 === 0
            ? [
                { sku: 'HOT', quantity: 1 },
                { sku: 'HOT', quantity: 1 },
              ]
            : [{ sku: 'HOT', quantity: 1 }];
        return ingestOrder(db.prisma, account, draft(`race-${i}`, lines));
      }),
    );
    const level = await getLevel(db.prisma, skuId, 'wh');
    expect(level).toMatchObject({ onHand: STOCK, reserved: STOCK });

    const reservedRows = await db.prisma.reservation.aggregate({
      _sum: { quantity: true },
      where: { status: 'active' },
    });
    expect(reservedRows._sum.quantity).toBe(STOCK);

    const allocated = results.filter((r) => r.status === 'allocated');
    const held = results.filter((r) => r.status === 'on_hold');
    expect(allocated.length + held.length).toBe(ORDERS);
    expect(held.every((r) => r.holdReason === 'insufficient_stock' && r.shortUnits > 0)).toBe(true);
    // Units reserved per order add up to the stock: nothing counted twice.
    const wanted = results.map((_, i) => (i % 10 === 0 ? 2 : 1));
    const reservedTotal = results.reduce((a, r, i) => a + (wanted[i] as number) - r.shortUnits, 0);
    expect(reservedTotal).toBe(STOCK);

    const totals = await ledgerTotals(db.prisma, skuId, 'wh');
    expect({ onHand: totals.onHand, reserved: totals.reserved }).toEqual({ onHand: STOCK, reserved: STOCK });
    expect(await db.prisma.order.count()).toBe(ORDERS);
  });

  // The ledger call itself, outside any order transaction: on PGlite (one connection)
  // this is where interleaving happens, so a read-then-write would oversell here too.
  it(`lets exactly ${STOCK} of ${ORDERS} concurrent ledger reservations through`, async () => {
    const cold = (await seedSku(db.prisma, 'COLD')).id;
    await stock(db.prisma, cold, 'wh', STOCK);
    const results = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => reserve(db.prisma, cold, 'wh', 1, { reference: `caller-${i % 4}` })),
    );
    expect(results.filter(Boolean)).toHaveLength(STOCK);
    expect(await getLevel(db.prisma, cold, 'wh')).toMatchObject({ onHand: STOCK, reserved: STOCK });
    const totals = await ledgerTotals(db.prisma, cold, 'wh');
    expect(totals).toMatchObject({ onHand: STOCK, reserved: STOCK, entries: STOCK + 1 });
  });
});

// Several hub processes share one PostgreSQL (README): the ledger's guarantee must hold
// between processes, not only between the callers of one. PGlite is one process by nature.
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${REPO}node_modules/tsx/dist/cli.mjs`;
const WORKER = `${REPO}tests/bench/ledger-bench-worker.ts`;

describe.each(testDatabases().filter((d) => d.kind === 'postgres'))(
  'reservations from two processes on $kind',
  ({ open }) => {
    let db: Awaited<ReturnType<typeof open>>;
    const children: ChildProcess[] = [];
    beforeAll(async () => {
      db = await open();
      await seedLocation(db.prisma, 'wh');
    });
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
      await db?.close();
    });

    /** One OS process running the benchmark's worker: 4 callers of 25 reservations each. */
    function reserveInAnotherProcess(skuId: string) {
      const config: WorkerConfig = { url: db.url as string, locationId: 'wh', poolSize: 4 };
      // tsx's CLI on this very Node, with an IPC channel (tsx relays it to the script).
      const child = spawn(process.execPath, [TSX, WORKER, JSON.stringify(config)], {
        cwd: REPO,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const command: WorkerCommand = { type: 'prepare', path: 'hub', skuId, attemptsPerCaller: [25, 25, 25, 25] };
      child.send(command);
      return { child, ready: nextMessage(child, 'ready'), done: nextMessage(child, 'done') };
    }

    function nextMessage(child: ChildProcess, type: 'ready' | 'done'): Promise<CallerResult | undefined> {
      return new Promise((resolve, reject) => {
        const onMessage = (m: { type: string; result?: CallerResult }) => {
          if (m.type !== type) return;
          off();
          resolve(m.result);
        };
        const onExit = (code: number | null) => {
          off();
          reject(new Error(`worker exited (${code}) before "${type}"`));
        };
        const off = () => {
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.on('exit', onExit);
      });
    }

    it(`lets exactly ${STOCK} of ${2 * 100} reservations from two processes through, and the ledger explains the level`, async () => {
      const hot = (await seedSku(db.prisma, 'HOT2')).id;
      await stock(db.prisma, hot, 'wh', STOCK);
      const workers = [reserveInAnotherProcess(hot), reserveInAnotherProcess(hot)];
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.child.send({ type: 'go' } satisfies WorkerCommand); // both start together
      const results = (await Promise.all(workers.map((w) => w.done))) as CallerResult[];
      for (const w of workers) w.child.send({ type: 'stop' } satisfies WorkerCommand);
      expect(results.map((r) => r.errors)).toEqual([0, 0]);
      expect(results[0]!.successes + results[1]!.successes).toBe(STOCK);
      expect(await getLevel(db.prisma, hot, 'wh')).toMatchObject({ onHand: STOCK, reserved: STOCK });
      const totals = await ledgerTotals(db.prisma, hot, 'wh');
      expect(totals).toEqual({ onHand: STOCK, reserved: STOCK, entries: STOCK + 1 });
    });
  },
);
