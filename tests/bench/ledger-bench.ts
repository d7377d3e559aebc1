// Ledger reservation benchmark (`npm run bench:ledger`).
//
// Makes N reservations of 1 unit against one SKU stocked with S units, split among C
// concurrent callers (each caller loops sequentially) in P processes, on PostgreSQL
// (1 and several processes, each run in a fresh database copied from a migrated
// template) and on PGlite (1 process, in memory). Per configuration, back to back:
//   ceiling  the bare conditional UPDATE of the same hot row on the raw driver, same callers
//   hub      the ledger's `reserve` (one conditional statement + movement + outbox row)
//   naive    read-then-write (SELECT, then UPDATE to the value read + 1, then INSERT the
//            movement: no transaction, no lock), the counter-example
// Every correctness figure comes from the database after the run, not from what callers said:
//   successes     calls that reported a reservation (callers' word)
//   recorded      reserve movements in the ledger (the ceiling: the level's reserved)
//   oversold      max(0, units the reserve movements took - units received)
//   lostUpdates   sum(reserved_delta) over the SKU's movements - level.reserved
//   perSecond     N / wall-clock seconds from "go" to the last completion; ofCeiling = hub / ceiling
//   p50ms, p99ms  latency of one attempt (refusals included: with S < N most are), and on
//                 PostgreSQL where the time went: pool wait, statement round trip, server time
// Prints one JSON line per run, then a table. Exits 1 (tests/bench/verdict.ts) when a figure
// that must hold does not: the hub or the ceiling oversold, lost an update, sold less than it
// could, or reported successes the ledger does not hold; 2 on bad flags, an unavailable
// database asked for, or a crash.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { openDatabase } from '../../core/db/database.ts';
import { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { migrate, readMigrations } from '../../core/db/migrator.ts';
import { pgliteRunner, pgRunner } from '../../core/db/sql-runners.ts';
import { getLevel } from '../../core/inventory/ledger.ts';
import { redactUrl, withDatabase } from '../support/pg-url.ts';
import { seedLocation, seedSku, stock } from '../support/seed.ts';
import {
  type Attempt,
  BENCH_PATHS,
  type BenchPath,
  type CallerResult,
  ceilingAttempt,
  ormAttempt,
  runCallers,
  warmUp,
} from './ledger-bench-callers.ts';
import { summarize, type TimingSummary } from './ledger-bench-timing.ts';
import type { WorkerCommand, WorkerConfig } from './ledger-bench-worker.ts';
import { exitWithVerdict, Verdict } from './verdict.ts';

const USAGE = `Usage: tsx tests/bench/ledger-bench.ts [options]

  --attempts N       reservations attempted per run, 1 unit each   (default 200)
  --stock S          units on hand before each run                 (default 50)
  --callers 1,8,32   concurrent callers, all processes together    (default 1,8,32)
  --processes 1,2    processes the callers are split over          (default 1,2; PGlite: 1 only)
  --db postgres,pglite                                             (default both)
  --path ceiling,hub,naive                                         (default all three)
                     ceiling = bare conditional UPDATE on the raw driver,
                     hub = ledger reserve(), naive = read-then-write
  --help

PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres.
Exit code 1 when a correctness figure is wrong (see the checks printed at the end).`;

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

interface RunResult extends TimingSummary {
  db: DbKind;
  path: BenchPath;
  processes: number;
  callers: number;
  attempts: number;
  stock: number;
  successes: number;
  /** What the database holds: reserve movements (hub, naive) or the level's reserved (ceiling). */
  recorded: number;
  oversold: number;
  /** null on the ceiling path, which writes no movements to sum. */
  lostUpdates: number | null;
  reservedWithinOnHand: boolean;
  errors: number;
  perSecond: number;
  /** perSecond / the ceiling's perSecond in the same configuration, measured just before. */
  ofCeiling: number | null;
}

type RunBase = Pick<RunResult, 'db' | 'path' | 'processes' | 'callers' | 'attempts' | 'stock'>;

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
  const paths = oneOf('path', BENCH_PATHS.join(','), BENCH_PATHS);
  return {
    attempts: int('attempts', String(values.attempts ?? '200'), 1),
    stock: int('stock', String(values.stock ?? '50'), 0),
    callers: list('callers', '1,8,32').map((s) => int('callers', s, 1)),
    processes: list('processes', '1,2').map((s) => int('processes', s, 1)),
    dbs: oneOf('db', 'postgres,pglite', ['postgres', 'pglite'] as const),
    dbExplicit: values.db !== undefined,
    // Ceiling first, so that each configuration's hub run has its ratio at hand.
    paths: BENCH_PATHS.filter((p) => paths.includes(p)),
  };
}

/** n attempts dealt out to `parts` callers as evenly as possible. */
function split(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

let skuSerial = 0;

/** A fresh SKU with `units` on hand (and the location, the first time): each run its own hot row. */
async function seed(prisma: PrismaClient, units: number): Promise<string> {
  if (!(await prisma.location.findUnique({ where: { id: LOCATION } }))) await seedLocation(prisma, LOCATION);
  const sku = await seedSku(prisma, `BENCH-${++skuSerial}`);
  await stock(prisma, sku.id, LOCATION, units);
  return sku.id;
}

/** What the database says the run did, read after it: the figures that must hold come from here. */
async function ledgerFacts(prisma: PrismaClient, skuId: string, path: BenchPath) {
  const level = await getLevel(prisma, skuId, LOCATION);
  if (!level) throw new Error('benchmark level disappeared');
  const [m] = await prisma.$queryRaw<
    { reserve_rows: bigint; reserved_units: bigint | null; on_hand: bigint | null; reserved: bigint | null }[]
  >`
    SELECT count(*) FILTER (WHERE kind = 'reserve') AS reserve_rows,
           sum(reserved_delta) FILTER (WHERE kind = 'reserve') AS reserved_units,
           sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
      FROM inventory_movements WHERE sku_id = ${skuId} AND location_id = ${LOCATION}`;
  const received = Number(m?.on_hand ?? 0);
  if (path === 'ceiling') {
    // The bare UPDATE appends no movement: the level is all there is to read.
    return {
      recorded: level.reserved,
      oversold: Math.max(0, level.reserved - level.onHand),
      lostUpdates: null,
      reservedWithinOnHand: level.reserved <= level.onHand,
    };
  }
  return {
    recorded: Number(m?.reserve_rows ?? 0),
    oversold: Math.max(0, Number(m?.reserved_units ?? 0) - received),
    lostUpdates: Number(m?.reserved ?? 0) - level.reserved,
    reservedWithinOnHand: level.reserved <= level.onHand,
  };
}

async function measure(
  prisma: PrismaClient,
  skuId: string,
  base: RunBase,
  results: CallerResult[],
  seconds: number,
): Promise<RunResult> {
  const firstError = results.find((r) => r.firstError)?.firstError;
  if (firstError) console.error(`  [${base.db}/${base.path}] first error: ${firstError}`);
  return {
    ...base,
    successes: results.reduce((a, r) => a + r.successes, 0),
    ...(await ledgerFacts(prisma, skuId, base.path)),
    errors: results.reduce((a, r) => a + r.errors, 0),
    perSecond: round(base.attempts / seconds, 1),
    ofCeiling: null,
    ...summarize(
      results.flatMap((r) => r.samples),
      base.db === 'postgres',
    ),
  };
}

/**
 * One PGlite in memory for every PGlite run (each run reserves its own SKU): the client the hub
 * builds on it (PrismaPGlite, as openDatabase does) for the hub and naive paths, the PGlite
 * itself for the ceiling.
 */
async function openPglite(): Promise<{ prisma: PrismaClient; raw: PGlite; close(): Promise<void> }> {
  const raw = new PGlite('memory://');
  await raw.waitReady;
  await migrate(pgliteRunner(raw), await readMigrations());
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(raw) });
  return {
    prisma,
    raw,
    close: async () => {
      await prisma.$disconnect();
      await raw.close();
    },
  };
}

async function runPglite(
  db: { prisma: PrismaClient; raw: PGlite },
  path: BenchPath,
  callers: number,
  o: Options,
): Promise<RunResult> {
  const skuId = await seed(db.prisma, o.stock);
  const attempt: Attempt =
    path === 'ceiling'
      ? ceilingAttempt(async (text, params) => (await db.raw.query(text, params)).rows as never[], LOCATION)
      : ormAttempt(db.prisma, path, LOCATION);
  await warmUp(attempt, async () => undefined, 1);
  const start = performance.now();
  const result = await runCallers(attempt, skuId, split(o.attempts, callers));
  const seconds = (performance.now() - start) / 1000;
  const base = { db: 'pglite' as const, path, processes: 1, callers, attempts: o.attempts, stock: o.stock };
  return await measure(db.prisma, skuId, base, [result], seconds);
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

/**
 * The PostgreSQL runs over P processes, in a fresh database: the workers are forked once and
 * serve every (callers, path) run in turn, each run on its own SKU.
 */
async function runPostgres(
  server: PostgresServer,
  processes: number,
  callerCounts: number[],
  o: Options,
  onRun: (run: RunResult) => void,
): Promise<void> {
  const copy = await server.createCopy();
  const children: ChildProcess[] = [];
  try {
    const db = await openDatabase({ url: copy.url, migrate: false, poolSize: 1 });
    try {
      const most = Math.max(...callerCounts);
      const workers = Array.from({ length: processes }, (_, p) => {
        const config: WorkerConfig = {
          url: copy.url,
          locationId: LOCATION,
          poolSize: split(most, processes)[p]!,
        };
        const child = fork(WORKER_FILE, [JSON.stringify(config)], { execArgv: ['--import', 'tsx'], cwd: REPO_ROOT });
        children.push(child);
        return { child, exited: once(child, 'exit') };
      });
      for (const callers of callerCounts) {
        // Caller i runs in process i % P; attempts are dealt out per caller.
        const perCaller = split(o.attempts, callers);
        for (const path of o.paths) {
          const skuId = await seed(db.prisma, o.stock);
          const ready = workers.map((w) => nextMessage(w.child, 'ready'));
          workers.forEach((w, p) => {
            const attemptsPerCaller = perCaller.filter((_, i) => i % processes === p);
            w.child.send({ type: 'prepare', path, skuId, attemptsPerCaller } satisfies WorkerCommand);
          });
          await Promise.all(ready);
          const done = workers.map((w) => nextMessage(w.child, 'done'));
          const start = performance.now();
          for (const w of workers) w.child.send({ type: 'go' } satisfies WorkerCommand);
          const results = await Promise.all(done);
          const seconds = (performance.now() - start) / 1000;
          const base = { db: 'postgres' as const, path, processes, callers, attempts: o.attempts, stock: o.stock };
          onRun(await measure(db.prisma, skuId, base, results, seconds));
        }
      }
      for (const w of workers) w.child.send({ type: 'stop' } satisfies WorkerCommand);
      await Promise.all(workers.map((w) => w.exited));
    } finally {
      await db.close();
    }
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    await server.drop(copy.name);
  }
}

const ms = (x: number | null) => (x === null ? '-' : x.toFixed(2));
const pct = (x: number | null) => (x === null ? '-' : `${x} %`);

function printTable(runs: RunResult[]): void {
  const header = ['db', 'path', 'procs', 'callers', 'attempts', 'stock', 'successes', 'recorded', 'oversold'];
  header.push('lost upd', 'errors', 'res/s', 'of ceiling', 'p50 ms', 'p99 ms', 'wait p99', 'stmt p99', 'server p99');
  header.push('wait share', 'stmt share');
  const rows = runs.map((r) => [
    r.db,
    r.path,
    ...[r.processes, r.callers, r.attempts, r.stock, r.successes, r.recorded, r.oversold].map(String),
    r.lostUpdates === null ? '-' : String(r.lostUpdates),
    String(r.errors),
    r.perSecond.toFixed(1),
    r.ofCeiling === null ? '-' : `${Math.round(r.ofCeiling * 100)} %`,
    ms(r.p50ms),
    ms(r.p99ms),
    ms(r.poolWaitP99ms),
    ms(r.statementP99ms),
    ms(r.serverP99ms),
    pct(r.poolWaitShare),
    pct(r.statementShare),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  console.log(
    '\nwait = waiting for a pool connection; stmt = statement round trip on the connection (row-lock wait,' +
      '\nexecution, commit, network); server = inside PostgreSQL before commit (row-lock wait + execution);' +
      '\nshares = part of all attempt time; the rest is Prisma and the caller process event loop.',
  );
}

/** The figures every run must get right; the naive path's oversell is its point, not a failure. */
function check(verdict: Verdict, r: RunResult): void {
  const run = `${r.db}/${r.path} ${r.processes}p×${r.callers}c`;
  verdict.zero(`${run}: errors`, r.errors);
  verdict.equal(`${run}: successes callers reported = reservations recorded`, r.successes, r.recorded);
  if (r.path === 'naive') return;
  verdict.zero(`${run}: oversold`, r.oversold);
  verdict.equal(`${run}: units sold = min(attempts, stock)`, r.recorded, Math.min(r.attempts, r.stock));
  verdict.that(`${run}: reserved <= on hand`, r.reservedWithinOnHand, 'reserved > on hand');
  if (r.lostUpdates !== null) verdict.zero(`${run}: lost updates`, r.lostUpdates);
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

  const pglite = o.dbs.includes('pglite') ? await openPglite() : null;
  const runs: RunResult[] = [];
  // The paths of one configuration run back to back, ceiling first, so that a machine shared
  // with other work loads the ceiling and the hub alike.
  let ceiling: RunResult | null = null;
  const onRun = (run: RunResult) => {
    if (run.path === 'ceiling') ceiling = run;
    else if (ceiling?.callers === run.callers && ceiling.processes === run.processes && ceiling.db === run.db)
      run.ofCeiling = round(run.perSecond / ceiling.perSecond, 3);
    console.log(JSON.stringify(run));
    runs.push(run);
  };
  try {
    for (const db of o.dbs) {
      if (db === 'postgres' && !server) continue;
      for (const processes of o.processes) {
        if (db === 'pglite' && processes !== 1) continue; // one in-memory database, one process
        const callers = o.callers.filter((c) => c >= processes);
        for (const c of o.callers.filter((c) => c < processes))
          console.error(`  skipped ${db}: ${c} caller(s) cannot be split over ${processes} processes`);
        if (server && db === 'postgres') {
          if (callers.length) await runPostgres(server, processes, callers, o, onRun);
        } else {
          for (const c of callers) for (const path of o.paths) onRun(await runPglite(pglite!, path, c, o));
        }
      }
    }
  } finally {
    await server?.close();
    await pglite?.close();
  }

  printTable(runs);
  const verdict = new Verdict();
  for (const r of runs) check(verdict, r);
  exitWithVerdict(verdict);
  return Number(process.exitCode ?? 0);
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error('ledger-bench failed:', e);
  process.exitCode = 2;
}
