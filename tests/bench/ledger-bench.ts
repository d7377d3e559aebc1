// Ledger reservation benchmark (`npm run bench:ledger`).
//
// Makes N reservations of 1 unit against one SKU stocked with S units, split among C
// concurrent callers (each caller loops sequentially) in P processes, on PostgreSQL
// (1 and several processes, each run in a fresh database copied from a migrated
// template) and on PGlite (1 process, in memory). Compares the hub's `reserve` (one
// conditional statement) with `naiveReadThenWriteReserve` (SELECT, then UPDATE to the
// value read + 1, then INSERT the movement: no transaction, no lock). For each run:
//   successes     calls that reported a reservation
//   oversold      max(0, successes - S)
//   lostUpdates   sum(reserved_delta) over the SKU's movements - level.reserved
//   perSecond     N / wall-clock seconds from "go" to the last completion
//   p50ms, p99ms  latency of one attempt (refusals included: with S < N most are)
// Prints one JSON line per run, then a table. Exits 1 if the hub path ever oversells
// or loses an update, 2 on bad flags, an unavailable database asked for, or a crash.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../../core/db/database.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { migrate, readMigrations } from '../../core/db/migrator.ts';
import { pgRunner } from '../../core/db/sql-runners.ts';
import { getLevel, ledgerTotals } from '../../core/inventory/ledger.ts';
import { redactUrl, withDatabase } from '../support/pg-url.ts';
import { seedLocation, seedSku, stock } from '../support/seed.ts';
import { type BenchPath, type CallerResult, runCallers, warmUp } from './ledger-bench-callers.ts';
import type { WorkerConfig } from './ledger-bench-worker.ts';

const USAGE = `Usage: tsx tests/bench/ledger-bench.ts [options]

  --attempts N       reservations attempted per run, 1 unit each   (default 200)
  --stock S          units on hand before each run                 (default 50)
  --callers 1,8,32   concurrent callers, all processes together    (default 1,8,32)
  --processes 1,2    processes the callers are split over          (default 1,2; PGlite: 1 only)
  --db postgres,pglite                                             (default both)
  --path hub,naive   hub = ledger reserve(), naive = read-then-write (default both)
  --help

PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres.
Exit code 1 when the hub path oversells or loses an update in any run.`;

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const WORKER_FILE = join(import.meta.dirname, 'ledger-bench-worker.ts');
const REPO_ROOT = join(import.meta.dirname, '..', '..');
const LOCATION = 'bench-wh';

type DbKind = 'postgres' | 'pglite';

interface Options {
  attempts: number;
  stock: number;
  callers: number[];
  processes: number[];
  dbs: DbKind[];
  dbExplicit: boolean;
  paths: BenchPath[];
}

interface RunResult {
  db: DbKind;
  path: BenchPath;
  processes: number;
  callers: number;
  attempts: number;
  stock: number;
  successes: number;
  oversold: number;
  lostUpdates: number;
  reservedWithinOnHand: boolean;
  errors: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        attempts: { type: 'string' },
        stock: { type: 'string' },
        callers: { type: 'string' },
        processes: { type: 'string' },
        db: { type: 'string' },
        path: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  const int = (flag: string, text: string, min: number) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`--${flag} expects integers >= ${min} (got "${text}")`);
    }
    return n;
  };
  const list = (flag: string, fallback: string) => {
    const items = String(values[flag] ?? fallback)
      .split(',')
      .map((s) => s.trim());
    if (items.some((s) => s === ''))
      throw new UsageError(`--${flag} expects a comma-separated list (got "${values[flag]}")`);
    return [...new Set(items)];
  };
  const oneOf = <T extends string>(flag: string, fallback: string, allowed: readonly T[]): T[] =>
    list(flag, fallback).map((s) => {
      if (!allowed.includes(s as T)) throw new UsageError(`--${flag}: unknown "${s}" (expected ${allowed.join(', ')})`);
      return s as T;
    });
  return {
    attempts: int('attempts', String(values.attempts ?? '200'), 1),
    stock: int('stock', String(values.stock ?? '50'), 0),
    callers: list('callers', '1,8,32').map((s) => int('callers', s, 1)),
    processes: list('processes', '1,2').map((s) => int('processes', s, 1)),
    dbs: oneOf('db', 'postgres,pglite', ['postgres', 'pglite'] as const),
    dbExplicit: values.db !== undefined,
    paths: oneOf('path', 'hub,naive', ['hub', 'naive'] as const),
  };
}

/** n attempts dealt out to `parts` callers as evenly as possible. */
function split(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

async function seed(prisma: PrismaClient, units: number): Promise<string> {
  await seedLocation(prisma, LOCATION);
  const sku = await seedSku(prisma, 'BENCH');
  await stock(prisma, sku.id, LOCATION, units);
  return sku.id;
}

/** Reads the level and its ledger after a run and turns the caller results into a RunResult. */
async function measure(
  prisma: PrismaClient,
  skuId: string,
  base: Pick<RunResult, 'db' | 'path' | 'processes' | 'callers' | 'attempts' | 'stock'>,
  results: CallerResult[],
  seconds: number,
): Promise<RunResult> {
  const level = await getLevel(prisma, skuId, LOCATION);
  const totals = await ledgerTotals(prisma, skuId, LOCATION);
  if (!level) throw new Error('benchmark level disappeared');
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const successes = results.reduce((a, r) => a + r.successes, 0);
  const firstError = results.find((r) => r.firstError)?.firstError;
  if (firstError) console.error(`  [${base.db}/${base.path}] first error: ${firstError}`);
  return {
    ...base,
    successes,
    oversold: Math.max(0, successes - base.stock),
    lostUpdates: totals.reserved - level.reserved,
    reservedWithinOnHand: level.reserved <= level.onHand,
    errors: results.reduce((a, r) => a + r.errors, 0),
    perSecond: round(base.attempts / seconds, 1),
    p50ms: round(percentile(latencies, 50), 2),
    p99ms: round(percentile(latencies, 99), 2),
  };
}

async function runPglite(path: BenchPath, callers: number, o: Options): Promise<RunResult> {
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    const skuId = await seed(db.prisma, o.stock);
    await warmUp(db.prisma, path, LOCATION, 1);
    const start = performance.now();
    const result = await runCallers(db.prisma, path, skuId, LOCATION, split(o.attempts, callers));
    const seconds = (performance.now() - start) / 1000;
    const base = { db: 'pglite' as const, path, processes: 1, callers, attempts: o.attempts, stock: o.stock };
    return await measure(db.prisma, skuId, base, [result], seconds);
  } finally {
    await db.close();
  }
}

/** Resolves with the worker's next message of `type`; rejects if it exits first. */
function nextMessage(child: ChildProcess, type: 'ready' | 'done'): Promise<CallerResult> {
  const promise = new Promise<CallerResult>((resolve, reject) => {
    const onMessage = (m: { type: string; result: CallerResult }) => {
      if (m.type !== type) return;
      cleanup();
      resolve(m.result);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`bench worker exited (code ${code}) before "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
  promise.catch(() => {}); // awaited later; don't let an early exit become an unhandled rejection
  return promise;
}

class PostgresServer {
  private constructor(
    private readonly admin: pg.Client,
    private readonly url: string,
    private readonly template: string,
  ) {}

  /** Connects and migrates a template database once; null when the server does not answer. */
  static async open(url: string): Promise<PostgresServer | null> {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
    } catch (e) {
      console.error(`PostgreSQL at ${redactUrl(url)} did not answer: ${(e as Error).message}`);
      return null;
    }
    const template = `omnihub_bench_tpl_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${template}`);
    const server = new PostgresServer(admin, url, template);
    try {
      const runner = await pgRunner(withDatabase(url, template));
      try {
        await migrate(runner, await readMigrations());
      } finally {
        await runner.close();
      }
    } catch (e) {
      await server.close();
      throw e;
    }
    return server;
  }

  async createCopy(): Promise<{ name: string; url: string }> {
    const name = `omnihub_bench_${randomBytes(4).toString('hex')}`;
    await this.admin.query(`CREATE DATABASE ${name} TEMPLATE ${this.template}`);
    return { name, url: withDatabase(this.url, name) };
  }

  async drop(name: string): Promise<void> {
    await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  async close(): Promise<void> {
    await this.drop(this.template);
    await this.admin.end();
  }
}

async function runPostgres(
  server: PostgresServer,
  path: BenchPath,
  processes: number,
  callers: number,
  o: Options,
): Promise<RunResult> {
  const copy = await server.createCopy();
  const children: ChildProcess[] = [];
  try {
    const db = await openDatabase({ url: copy.url, migrate: false, poolSize: 1 });
    try {
      const skuId = await seed(db.prisma, o.stock);
      // Caller i runs in process i % P; attempts are dealt out per caller.
      const perCaller = split(o.attempts, callers);
      const workers = Array.from({ length: processes }, (_, p) => {
        const config: WorkerConfig = {
          url: copy.url,
          path,
          skuId,
          locationId: LOCATION,
          attemptsPerCaller: perCaller.filter((_, i) => i % processes === p),
        };
        const child = fork(WORKER_FILE, [JSON.stringify(config)], { execArgv: ['--import', 'tsx'], cwd: REPO_ROOT });
        children.push(child);
        return {
          child,
          exited: once(child, 'exit'),
          ready: nextMessage(child, 'ready'),
          done: nextMessage(child, 'done'),
        };
      });
      await Promise.all(workers.map((w) => w.ready));
      const start = performance.now();
      for (const w of workers) w.child.send('go');
      const results = await Promise.all(workers.map((w) => w.done));
      const seconds = (performance.now() - start) / 1000;
      await Promise.all(workers.map((w) => w.exited));
      const base = { db: 'postgres' as const, path, processes, callers, attempts: o.attempts, stock: o.stock };
      return await measure(db.prisma, skuId, base, results, seconds);
    } finally {
      await db.close();
    }
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    await server.drop(copy.name);
  }
}

function printTable(runs: RunResult[]): void {
  const header = ['db', 'path', 'procs', 'callers', 'attempts', 'stock', 'successes', 'oversold', 'lost updates'];
  header.push('reserved<=on_hand', 'errors', 'res/s', 'p50 ms', 'p99 ms');
  const rows = runs.map((r) => [
    r.db,
    r.path,
    ...[r.processes, r.callers, r.attempts, r.stock, r.successes, r.oversold, r.lostUpdates].map(String),
    r.reservedWithinOnHand ? 'yes' : 'NO',
    String(r.errors),
    r.perSecond.toFixed(1),
    r.p50ms.toFixed(2),
    r.p99ms.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<number> {
  let o: Options;
  try {
    const parsed = parseOptions(process.argv.slice(2));
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    o = parsed;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`ledger-bench: ${e.message}\n\n${USAGE}`);
    return 2;
  }

  let server: PostgresServer | null = null;
  if (o.dbs.includes('postgres')) {
    const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_URL;
    server = await PostgresServer.open(url);
    if (!server && o.dbExplicit) {
      console.error('ledger-bench: --db asked for postgres; set BENCH_DATABASE_URL to a reachable server.');
      return 2;
    }
    if (!server)
      console.error('ledger-bench: skipping the PostgreSQL runs (pass --db postgres to make this an error).');
  }

  const runs: RunResult[] = [];
  try {
    for (const db of o.dbs) {
      if (db === 'postgres' && !server) continue;
      for (const path of o.paths) {
        for (const processes of o.processes) {
          if (db === 'pglite' && processes !== 1) continue; // one in-memory database, one process
          for (const callers of o.callers) {
            if (callers < processes) {
              console.error(
                `  skipped ${db}/${path}: ${callers} caller(s) cannot be split over ${processes} processes`,
              );
              continue;
            }
            const run =
              server && db === 'postgres'
                ? await runPostgres(server, path, processes, callers, o)
                : await runPglite(path, callers, o);
            console.log(JSON.stringify(run));
            runs.push(run);
          }
        }
      }
    }
  } finally {
    await server?.close();
  }

  printTable(runs);
  const broken = runs.filter((r) => r.path === 'hub' && (r.oversold > 0 || r.lostUpdates !== 0));
  if (broken.length) {
    console.log(`\nFAIL: the hub path oversold or lost updates in ${broken.length} run(s).`);
    return 1;
  }
  if (runs.some((r) => r.path === 'hub')) console.log('\nOK: the hub path never oversold and never lost an update.');
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error('ledger-bench failed:', e);
  process.exitCode = 2;
}
