// Stock synchronizer benchmark (`npm run bench:sync`).
//
// Shopify simulators (the only channel simulators so far) on the real clock, each call
// delayed by --latency ms and paced by the standard cost bucket (1,000 points, 100/s), the
// real connector, the hub's database and the synchronizer as `npm start` runs it.
// Phase 1 (latency): --rate orders/s for --seconds on a well-stocked catalogue; reports the
//   propagation latency from each committed reservation to every other shop (p50, p99) and
//   the channel calls per 1,000 stock changes against two references.
// Phase 2 (oversells): a scarce catalogue sold out by buyers who only buy what their shop
//   shows, with webhooks that take --webhook-delay ms to arrive; once in shared-pool mode,
//   once in strict mode. Reports the orders that could not be reserved (oversold).
// Prints a JSON line, then a table. Exits 1 (tests/bench/verdict.ts) when a correctness figure is
// wrong: strict mode oversold, a phase ended with work left in the inbox, outbox, listings or
// queues, the orders in the database differ from the buys the shops took, or a shop shows another
// value than the hub confirmed; 2 on bad flags or a crash.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLogger } from '../../core/log.ts';
import { JOB_NAMES } from '../../sync/jobs.ts';
import { type SyncRuntime, type SyncTuning, startSync } from '../../sync/runtime.ts';
import {
  type Breakdown,
  oversells,
  partPercentiles,
  percentile,
  propagation,
  tailBreakdown,
} from './sync-bench-metrics.ts';
import { NEEDS_PUSH_SQL } from '../../sync/stock/status.ts';
import { addCatalogue, type BenchWorld, buildWorld, buy, openBenchDatabase, shown } from './sync-bench-world.ts';
import { exitWithVerdict, Verdict } from './verdict.ts';

const USAGE = `Usage: tsx tests/bench/sync-bench.ts [options]

  --rate N            orders per second                          (default 50)
  --seconds N         length of the latency phase                (default 10)
  --shops N           Shopify simulators                         (default 3)
  --latency MS        added to every channel call                (default 80)
  --skus N            SKUs in the latency phase, 1,000 units each (default 100)
  --scarce-skus N     SKUs in each oversell phase, 4 units each  (default 30)
  --webhook-delay A-B webhook delay range in the oversell phases (default 200-1500)
  --db pglite|postgres                    (default postgres when a server answers, else pglite)
  --queue memory|bullmq                  (default memory; bullmq uses REDIS_URL or redis://127.0.0.1:6379)
  --tuning JSON       overrides of the synchronizer's DEFAULT_TUNING, e.g. '{"staleRetriesAtPace":0}'
  --help

PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres.`;

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function options() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '10' },
      shops: { type: 'string', default: '3' },
      latency: { type: 'string', default: '80' },
      skus: { type: 'string', default: '100' },
      'scarce-skus': { type: 'string', default: '30' },
      'webhook-delay': { type: 'string', default: '200-1500' },
      db: { type: 'string' },
      queue: { type: 'string', default: 'memory' },
      tuning: { type: 'string', default: '{}' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const [lo, hi] = (values['webhook-delay'] ?? '').split('-').map(Number);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || (lo ?? 0) < 0 || (hi ?? 0) < (lo ?? 0))
    throw new Error('--webhook-delay must look like 200-1500');
  if (values.queue !== 'memory' && values.queue !== 'bullmq') throw new Error('--queue must be memory or bullmq');
  if (values.db !== undefined && values.db !== 'pglite' && values.db !== 'postgres')
    throw new Error('--db must be pglite or postgres');
  return {
    tuning: JSON.parse(values.tuning ?? '{}') as Partial<SyncTuning>,
    rate: int('rate', values.rate),
    seconds: int('seconds', values.seconds),
    shops: Math.max(2, int('shops', values.shops)),
    latency: int('latency', values.latency),
    skus: int('skus', values.skus),
    scarceSkus: int('scarce-skus', values['scarce-skus']),
    delay: [lo ?? 200, hi ?? 1500] as const,
    db: values.db as 'pglite' | 'postgres' | undefined,
    redis: values.queue === 'bullmq' ? (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : null,
  };
}

/** What the hub still has to do; all zero once it has drained. */
interface Backlog {
  /** Inbox events not processed, including those given up on after their attempts. */
  inbox: number;
  outbox: number;
  /** Listings whose target the shop has not confirmed. */
  listings: number;
  /** Jobs waiting, active or delayed, over every job kind. */
  jobs: number;
}

async function backlog(w: BenchWorld, runtime: SyncRuntime): Promise<Backlog> {
  const [inbox, outbox, dirty] = await Promise.all([
    w.db.prisma.inboxEvent.count({ where: { processedAt: null } }),
    w.db.prisma.outboxEvent.count({ where: { dispatchedAt: null } }),
    w.db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM listings l WHERE ${NEEDS_PUSH_SQL}`,
  ]);
  let jobs = 0;
  for (const name of JOB_NAMES) {
    const c = await runtime.queue.counts(name);
    jobs += c.waiting + c.active + c.delayed;
  }
  return { inbox, outbox, listings: Number(dirty[0]?.n ?? 0), jobs };
}

const drained = (b: Backlog) => b.inbox + b.outbox + b.listings + b.jobs === 0;
const describe = (b: Backlog) =>
  `${b.inbox} inbox events, ${b.outbox} outbox rows, ${b.listings} unconfirmed listings, ${b.jobs} jobs left`;

/** Waits until the hub has nothing left to do (or `limitMs` passed); returns what is left. */
async function quiesce(w: BenchWorld, runtime: SyncRuntime, limitMs = 60_000): Promise<Backlog> {
  const until = Date.now() + limitMs;
  for (;;) {
    const left = await backlog(w, runtime);
    if (drained(left) || Date.now() >= until) return left;
    await sleep(100);
  }
}

/** Fires `fn` `rate` times a second for `seconds` (or until it returns 'stop'); returns the achieved rate. */
async function drive(
  rate: number,
  seconds: number,
  fn: (i: number) => Promise<unknown> | 'stop',
): Promise<{ fired: number; perSecond: number }> {
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  let fired = 0;
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const r = fn(i);
    if (r === 'stop') break;
    pending.push(r);
    fired += 1;
  }
  await Promise.all(pending);
  return { fired, perSecond: fired / ((Date.now() - started) / 1000) };
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

async function waitShown(w: BenchWorld, codes: string[], units: (shop: number) => number, what: string): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (w.shops.every((_, i) => codes.every((c) => shown(w, i, c) === units(i)))) return;
    await sleep(100);
  }
  throw new Error(`initial stock never reached the shops (${what})`);
}

/** Stock writes, and every other call (re-reads after a stale compare: the only other traffic in phase 1). */
function stockCalls(w: BenchWorld): { writes: number; rereads: number } {
  let writes = 0;
  let all = 0;
  for (const s of w.shops) {
    writes += s.sim.stats.byOperation.InventorySetQuantities ?? 0;
    all += s.sim.stats.requests;
  }
  return { writes, rereads: all - writes };
}

async function oversellPhase(
  w: BenchWorld,
  runtime: SyncRuntime,
  o: ReturnType<typeof options>,
  mode: 'shared' | 'strict',
) {
  const units = 4;
  const codes = await addCatalogue(w, mode === 'shared' ? 'SHR' : 'STR', o.scarceSkus, units, mode);
  await runtime.sweep();
  const ready = await quiesce(w, runtime); // every shop has its first value (strict shares differ per shop)
  let blocked = 0;
  let bought = 0;
  let emptySince: number | null = null;
  const result = await drive(o.rate, 120, () => {
    const open = w.shops.flatMap((_, i) => codes.filter((c) => shown(w, i, c) > 0).map((c) => [i, c] as const));
    if (open.length === 0) {
      // Strict shares move between shops through zero: stop only when nothing has shown for a while.
      emptySince ??= Date.now();
      return Date.now() - emptySince > 3000 ? 'stop' : Promise.resolve();
    }
    emptySince = null;
    const [shop, code] = pick(open);
    const delay = o.delay[0] + Math.random() * (o.delay[1] - o.delay[0]);
    return buy(w, shop, code, delay).then((ok) => {
      if (ok) bought += 1;
      else blocked += 1;
    });
  });
  const left = await quiesce(w, runtime);
  const counted = await oversells(w.db, codes);
  return {
    mode,
    units: units * o.scarceSkus,
    bought,
    sold: counted.orders,
    oversold: counted.oversold,
    blocked,
    perSecond: result.perSecond,
    ready,
    left,
    shopsDisagree: await disagreements(w, codes),
  };
}

async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function serverAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main() {
  let o: ReturnType<typeof options>;
  try {
    o = options();
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const logger = createLogger({ logLevel: (process.env.LOG_LEVEL as 'warn' | undefined) ?? 'warn' });
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_URL;
  const kind = o.db ?? ((await serverAnswers(serverUrl)) ? 'postgres' : 'pglite');
  const { db, drop } = await openBenchDatabase(kind, serverUrl);
  const w = await buildWorld(db, { shops: o.shops, latencyMs: o.latency });
  const prefix = `omnihub-bench-${Date.now()}`;
  const runtime = await startSync({
    db,
    secretKey: w.key,
    connectors: { shopify: w.connector },
    logger,
    ...(o.redis ? { redisUrl: o.redis, queuePrefix: prefix } : {}),
    roles: { schedules: false },
    tuning: o.tuning,
  });
  try {
    // Phase 1: latency and calls.
    const units = 1000;
    const codes = await addCatalogue(w, 'LAT', o.skus, units, 'shared');
    await runtime.sweep();
    await waitShown(w, codes, () => units, 'latency catalogue');
    const ready = await quiesce(w, runtime);
    const before = stockCalls(w);
    const writesBefore = w.writes.length;
    const firstOrderAt = Date.now();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    let bought = 0;
    const driven = await drive(o.rate, o.seconds, () =>
      buy(w, Math.floor(Math.random() * o.shops), pick(codes), 20).then((ok) => {
        if (ok) bought += 1;
      }),
    );
    loop.disable();
    const left = await quiesce(w, runtime);
    if (!drained(left)) await explainUnsettled(w);
    const { orders } = await oversells(db, codes);
    const shopsDisagree = await disagreements(w, codes);
    const after = stockCalls(w);
    const prop = await propagation(db, { ...w, writes: w.writes.slice(writesBefore) }, codes, units);
    const changes = await db.prisma.inventoryMovement.count({
      where: { kind: 'reserve', createdAt: { gte: new Date(firstOrderAt - 1000) } },
    });
    const calls = { writes: after.writes - before.writes, rereads: after.rereads - before.rereads };
    const lag = await db.prisma.$queryRaw<{ p50: number; p99: number }[]>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at) * 1000) AS p50,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at) * 1000) AS p99
        FROM inbox_events WHERE processed_at IS NOT NULL AND received_at >= ${new Date(firstOrderAt)}`;
    const perK = (n: number) => Math.round((n * 1000) / Math.max(1, changes));
    const connectorWait = w.shops.reduce(
      (s, sh) =>
        s +
        w.connector.clientStats({
          id: sh.accountId,
          type: 'shopify',
          name: '',
          credentials: { shop: sh.sim.shop, accessToken: sh.sim.accessToken },
          settings: {},
        }).waitedMs,
      0,
    );
    const throttled = w.shops.reduce((s, sh) => s + sh.sim.stats.throttled, 0);

    // Phase 2: oversells, shared pool vs strict.
    const shared = await oversellPhase(w, runtime, o, 'shared');
    const strict = await oversellPhase(w, runtime, o, 'strict');

    const report = {
      db: db.kind,
      queue: runtime.queue.backend,
      shops: o.shops,
      latencyMsPerCall: o.latency,
      ordersPerSecond: { target: o.rate, achieved: Number(driven.perSecond.toFixed(1)) },
      stockChanges: changes,
      buys: bought,
      orders,
      drainedBefore: drained(ready),
      left,
      shopsDisagree,
      propagationMs: {
        p50: percentile(prop.samples, 50),
        p99: percentile(prop.samples, 99),
        max: percentile(prop.samples, 100),
        samples: prop.samples.length,
        missing: prop.missing,
        // Where the time goes: each part's own p50 and p99, and the mean parts of the slowest 1 %.
        parts: { p50: partPercentiles(prop, 50), p99: partPercentiles(prop, 99), slowest1pct: tailBreakdown(prop, 99) },
      },
      rateLimit: { connectorWaitMs: connectorWait, throttled },
      channelOperations: w.shops.map((sh) => ({ ...sh.sim.stats.byOperation, costPoints: sh.sim.stats.costPoints })),
      inboxLagMs: { p50: Math.round(Number(lag[0]?.p50 ?? 0)), p99: Math.round(Number(lag[0]?.p99 ?? 0)) },
      eventLoopDelayMs: { p50: Math.round(loop.percentile(50) / 1e6), p99: Math.round(loop.percentile(99) / 1e6) },
      callsPer1000Changes: {
        stockWrites: perK(calls.writes),
        reReads: perK(calls.rereads),
        naiveOnePerChangePerShop: (o.shops - 1) * 1000,
        batchingFloor: perK(Math.ceil(((o.shops - 1) * changes) / w.connector.limits.stockBatchSize)),
      },
      oversells: { shared, strict },
    };
    console.log(JSON.stringify(report));
    printTable(report);
    const verdict = new Verdict();
    verdict.that('latency phase: hub drained before the buyers came', drained(ready), describe(ready));
    verdict.that('latency phase: hub drained', drained(left), describe(left));
    verdict.equal('latency phase: orders in the database = successful buys', orders, bought);
    verdict.zero('latency phase: listings whose shop shows another value than confirmed', shopsDisagree);
    for (const phase of [shared, strict]) {
      const name = `${phase.mode} phase`;
      verdict.that(`${name}: hub drained before the buyers came`, drained(phase.ready), describe(phase.ready));
      verdict.that(`${name}: hub drained`, drained(phase.left), describe(phase.left));
      verdict.equal(`${name}: orders in the database = successful buys`, phase.sold, phase.bought);
      verdict.zero(`${name}: listings whose shop shows another value than confirmed`, phase.shopsDisagree);
    }
    verdict.zero('strict phase: oversold orders', strict.oversold);
    exitWithVerdict(verdict);
  } finally {
    await runtime.stop();
    if (o.redis) await dropRedisKeys(o.redis, prefix);
    await w.close();
    await drop();
  }
}

/** Listings of `codes` whose shop shows another value than the hub last confirmed there. */
async function disagreements(w: BenchWorld, codes: string[]): Promise<number> {
  const rows = await w.db.prisma.$queryRaw<{ account_id: string; code: string; qty: number | null }[]>`
    SELECT l.account_id, s.code, l.last_confirmed_qty AS qty FROM listings l JOIN skus s ON s.id = l.sku_id
     WHERE s.code = ANY(${codes}::text[])`;
  return rows.filter((r) => {
    const shop = w.shops.findIndex((s) => s.accountId === r.account_id);
    return shown(w, shop, r.code) !== r.qty;
  }).length;
}

async function explainUnsettled(w: BenchWorld): Promise<void> {
  const rows = await w.db.prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT id, target_qty, last_sent_qty, last_confirmed_qty, last_error FROM listings l
     WHERE ${NEEDS_PUSH_SQL} LIMIT 5`;
  console.error('not settled after 60 s; listings still waiting:', rows);
}

interface PhaseCounts {
  buys: number;
  orders: number;
  left: Backlog;
  shopsDisagree: number;
}

function printTable(r: {
  db: string;
  queue: string;
  shops: number;
  latencyMsPerCall: number;
  ordersPerSecond: { target: number; achieved: number };
  stockChanges: number;
  buys: number;
  orders: number;
  left: Backlog;
  shopsDisagree: number;
  propagationMs: {
    p50: number;
    p99: number;
    max: number;
    samples: number;
    missing: number;
    parts: { p50: Breakdown; p99: Breakdown; slowest1pct: Breakdown & { samples: number } };
  };
  inboxLagMs: { p50: number; p99: number };
  rateLimit: { connectorWaitMs: number; throttled: number };
  callsPer1000Changes: {
    stockWrites: number;
    reReads: number;
    naiveOnePerChangePerShop: number;
    batchingFloor: number;
  };
  oversells: Record<
    'shared' | 'strict',
    {
      units: number;
      bought: number;
      sold: number;
      oversold: number;
      blocked: number;
      left: Backlog;
      shopsDisagree: number;
    }
  >;
}) {
  const parts = (b: Breakdown) =>
    `dispatch ${b.dispatch} + queue ${b.queue} + retries ${b.retries} + call ${b.call} ms`;
  const counts = (p: PhaseCounts) =>
    `${p.orders} orders in the database for ${p.buys} buys; ${drained(p.left) ? 'drained' : `NOT drained: ${describe(p.left)}`}; ` +
    `${p.shopsDisagree} listings where the shop disagrees with the hub`;
  const { shared, strict } = r.oversells;
  const rows: [string, string][] = [
    ['setup', `${r.shops} Shopify simulators, ${r.latencyMsPerCall} ms per call, ${r.db}, ${r.queue} queue`],
    ['orders/s (target / achieved)', `${r.ordersPerSecond.target} / ${r.ordersPerSecond.achieved}`],
    ['stock changes (reservations)', String(r.stockChanges)],
    [
      'propagation p50 / p99 / max',
      `${r.propagationMs.p50} / ${r.propagationMs.p99} / ${r.propagationMs.max} ms (${r.propagationMs.samples} reservation×shop pairs; ${r.propagationMs.missing} without a write: the shop's own sales got there first)`,
    ],
    ['  parts p50 (each on its own)', parts(r.propagationMs.parts.p50)],
    ['  parts p99 (each on its own)', parts(r.propagationMs.parts.p99)],
    [
      '  slowest 1 %, mean parts',
      `${parts(r.propagationMs.parts.slowest1pct)} (${r.propagationMs.parts.slowest1pct.samples} pairs)`,
    ],
    ['inbox lag p50 / p99 (not in the above)', `${r.inboxLagMs.p50} / ${r.inboxLagMs.p99} ms`],
    ['rate-limit waits in the connector', `${r.rateLimit.connectorWaitMs} ms, ${r.rateLimit.throttled} throttled`],
    [
      'stock writes per 1,000 changes',
      `${r.callsPer1000Changes.stockWrites} (+${r.callsPer1000Changes.reReads} re-reads)`,
    ],
    ['  vs one call per change per shop', String(r.callsPer1000Changes.naiveOnePerChangePerShop)],
    ['  vs batching floor (250 per call)', String(r.callsPer1000Changes.batchingFloor)],
    ['latency phase', counts(r)],
    ['oversold orders, shared pool', `${shared.oversold} of ${shared.sold} orders (${shared.units} units)`],
    ['  shared phase', counts({ ...shared, buys: shared.bought, orders: shared.sold })],
    ['oversold orders, strict', `${strict.oversold} of ${strict.sold} orders (${strict.units} units)`],
    ['  strict phase', counts({ ...strict, buys: strict.bought, orders: strict.sold })],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

main().catch((e) => {
  console.error(`bench:sync failed: ${(e as Error).stack ?? e}`);
  process.exit(2);
});
