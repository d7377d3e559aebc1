// Webhook ingress benchmark (`npm run bench:webhooks`).
//
// Measures the hub `npm start` runs, in processes of its own, on a scratch PostgreSQL database:
// scaled out as `omnihub start --role api` processes (the webhook door) in front of one
// `--role worker` process (the synchronizer, inbox processing), sharing the database and a Redis
// of the bench's own (tests/drill/own-redis.ts; the shared Redis is never touched). With
// --db pglite, the embedded default in a scratch data directory, it is the one process
// `npm start` runs (api/main.ts → api/hub.ts, everything in it). One Shopify
// account whose catalogue the orders use. Signed orders/create webhooks for --orders distinct
// orders (Shopify simulator bodies) are sent in turn with autocannon (in a worker thread) at
// increasing rates, every delivery with a new webhook id, so each is a new inbox row and the
// hub turns each order into one order row. After every step the bench waits for the inbox to
// drain, so that each step starts from an idle hub. Then rounds of: the ceiling (plain `pg`
// single-row inserts into a scratch table with the same concurrency and one api process's pool
// size), and right after it the hub at full speed through 1, then 2 api processes
// (--api-processes; the deliveries split over them, one load generator each: all the api
// processes run throughout, the ones a step does not use stay idle). The median round's ratios
// are the result: on a machine shared with other work every side of a round sees the same load.
// Prints one JSON line per step, a table (accepted/s, p50/p99, CPU of the hub's processes, drain
// time, share of the ceiling, against 1 api process) and a summary JSON line with the ratios
// marked against issue 15's goals (tests/bench/webhooks-bench-scale.ts; a missed goal is
// printed, not an exit code).
// Exits 1 (tests/bench/verdict.ts) when a 2xx delivery is not in the inbox or more rows were
// stored than sent, the inbox did not drain or an event failed, or the orders in the database
// differ from the distinct orders the inbox received, in any composition; 2 on bad flags, an
// unreachable database or a hub that does not start.
//
// --amount N makes each step a burst of exactly N deliveries (Shopify's retry storm after an
// outage: `--db pglite --amount 2600 --connections 200 --rounds 0`); socket errors are counted
// by code (ECONNRESET = a connection the hub reset). On PGlite only the hub process may open the
// data directory, so while it runs the bench reads the inbox from the hub's /metrics (with an
// admin token it gives the hub), and checks the database after stopping it; there is no
// ceiling round (it is a PostgreSQL figure).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { signBody } from '../../connectors/shopify/webhooks.ts';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { formatSecretKey, generateSecretKey } from '../../core/crypto/secrets.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { startOwnRedis } from '../drill/own-redis.ts';
import { redactUrl, withDatabase } from '../support/pg-url.ts';
import { type HubProcess, startHubProcess } from './webhooks-bench-hub.ts';
import type { LoadConfig, LoadResult } from './webhooks-bench-load.ts';
import { mergeLoads, type ScaleRound, scaleLines, scaleSummary, splitEvenly } from './webhooks-bench-scale.ts';
import { exitWithVerdict, Verdict } from './verdict.ts';

const USAGE = `Usage: tsx tests/bench/webhooks-bench.ts [options]

  --rates 500,1000          offered requests/s, one step each                  (default 1000)
  --rounds N                rounds of (ceiling, then the hub at full speed)    (default 3)
  --duration S              seconds per step                                   (default 3)
  --connections N           concurrent HTTP connections = concurrent inserts   (default 32)
  --orders N                distinct orders the deliveries cycle through       (default 500)
  --amount N                each step sends exactly N deliveries (a burst)     (default: --duration)
  --db postgres|pglite      the hub's database                                 (default postgres)
  --api-processes 1,2       api processes at full speed, in turn each round    (default 1,2; pglite: 1)
                            (PostgreSQL: that many \`--role api\` + one \`--role worker\`;
                            PGlite: the one \`npm start\` process, so only 1)
  --help

PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres.`;

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-shop.myshopify.com';
const SECRET = 'bench-webhook-secret';
const ACCOUNT = 'bench-shop';
const SKU = 'BENCH-TEE';
/** The hub's PostgreSQL pool: openDatabase's default, which api/main.ts runs with (it passes none). */
const HUB_POOL = 10;
/**
 * How long a step's inbox may take to drain before the run counts it as not drained. The door
 * accepts far faster than orders are processed, so the steps are short (3 s by default) to keep
 * the drains, and the run, within a few minutes.
 */
const DRAIN_LIMIT_MS = 120_000;
/** The machine has 2 cores: more api processes than this measure the scheduler, not the hub. */
const MAX_API_PROCESSES = 4;

function parse() {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      orders: { type: 'string', default: '500' },
      amount: { type: 'string', default: '0' },
      db: { type: 'string', default: 'postgres' },
      'api-processes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const ints = (s: string) => s.split(',').map((x) => Number(x.trim()));
  const rates = values.rates.trim() === '' ? [] : ints(values.rates);
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const rounds = Number(values.rounds);
  const orders = Number(values.orders);
  const amount = Number(values.amount);
  const db = values.db;
  const apiProcesses = ints(values['api-processes'] ?? (db === 'pglite' ? '1' : '1,2'));
  const positive = (n: number) => Number.isInteger(n) && n >= 1;
  if (
    !rates.every(positive) ||
    !(Number.isInteger(rounds) && rounds >= 0) ||
    !(duration > 0) ||
    !positive(connections) ||
    !positive(orders) ||
    !(Number.isInteger(amount) && amount >= 0) ||
    (db !== 'postgres' && db !== 'pglite') ||
    !apiProcesses.length ||
    !apiProcesses.every((n) => positive(n) && n <= MAX_API_PROCESSES && n <= connections) ||
    (db === 'pglite' && apiProcesses.some((n) => n !== 1)) ||
    // A burst is split over the api processes: each needs at least one delivery.
    (amount > 0 && amount < Math.max(...apiProcesses))
  ) {
    console.error(USAGE);
    process.exit(2);
  }
  return { rates, rounds, duration, connections, orders, amount, apiProcesses, db: db as 'postgres' | 'pglite' };
}

/** The ceiling: single-row inserts with `pg`, `concurrency` at a time, for `seconds`. */
async function rawInsertRate(url: string, pool: number, concurrency: number, seconds: number) {
  const p = new pg.Pool({ connectionString: url, max: pool });
  await p.query(`CREATE TABLE bench_inserts (
    id bigserial PRIMARY KEY, account_id text NOT NULL, external_event_id text NOT NULL,
    topic text NOT NULL, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, external_event_id))`);
  const payload = JSON.stringify({ id: 1, note: 'x'.repeat(200) });
  let n = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      while (performance.now() < deadline) {
        n += 1;
        await p.query(
          'INSERT INTO bench_inserts (account_id, external_event_id, topic, payload) VALUES ($1, $2, $3, $4::jsonb)',
          [ACCOUNT, `raw-${c}-${n}`, 'orders/create', payload],
        );
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const rows = Number((await p.query('SELECT count(*) AS n FROM bench_inserts')).rows[0].n);
  await p.query('DROP TABLE bench_inserts');
  await p.end();
  return { perSecond: Math.round(rows / elapsed), rows };
}

type Row = LoadResult & {
  /** The api processes the step's deliveries were spread over. */
  apiProcesses: number;
  acceptedPerSecond: number;
  stored: number;
  /** CPU the hub's processes (api and worker) used during the step, in % of one core (null without /proc). */
  hubCpu: number | null;
  /** Seconds from the end of the step until the inbox held nothing unprocessed (null: it never did). */
  drainSeconds: number | null;
  /** The step's events over the time from its start until they were all processed. */
  processedPerSecond: number | null;
};

function runLoad(cfg: LoadConfig): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(join(import.meta.dirname, 'webhooks-bench-load.ts'), { workerData: cfg });
    w.once('message', (r: LoadResult) => {
      resolve(r);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

/**
 * One step over the api processes at `urls`: a load generator each, at the same time, with the
 * connections, the rate and the burst split evenly; the results added up (webhooks-bench-scale.ts).
 */
async function load(urls: string[], cfg: Omit<LoadConfig, 'url'>): Promise<LoadResult> {
  const connections = splitEvenly(cfg.connections, urls.length);
  const rates = splitEvenly(cfg.rate, urls.length);
  const amounts = splitEvenly(cfg.amount ?? 0, urls.length);
  const parts = await Promise.all(
    urls.map((url, i) =>
      runLoad({
        ...cfg,
        url,
        connections: connections[i] as number,
        rate: rates[i] as number,
        ...(cfg.amount ? { amount: amounts[i] as number } : {}),
        // Webhook ids stay unique across the processes: each is a new inbox row.
        idPrefix: `${cfg.idPrefix}-p${i}`,
      }),
    ),
  );
  return { ...mergeLoads(parts), rate: cfg.rate };
}

/** Orders from a Shopify simulator, as Shopify's orders/create webhooks carry them, each signed. */
async function signedOrders(count: number): Promise<LoadConfig['deliveries']> {
  const sim = createShopifySimulator({ shop: SHOP, apiSecret: SECRET });
  const loc = sim.store.addLocation('Warehouse');
  sim.store.addVariant({ sku: SKU, productTitle: 'Bench tee', price: 1900, stock: { [loc.id]: count } });
  const address = { firstName: 'Bench', lastName: 'Buyer', address1: '1 Main St', city: 'Ottawa', zip: 'K1A 0A1' };
  const deliveries: LoadConfig['deliveries'] = [];
  for (let i = 0; i < count; i++) {
    const order = await sim.placeOrder({
      lines: [{ sku: SKU, quantity: 1 }],
      shippingAddress: { ...address, countryCode: 'CA' },
    });
    const body = JSON.stringify(sim.orderWebhookBody(order.id));
    deliveries.push({ body, hmac: await signBody(SECRET, new TextEncoder().encode(body)) });
  }
  return deliveries;
}

/** The hub's processes: the api processes that take the deliveries, and all of them for CPU. */
interface Composition {
  apis: HubProcess[];
  all: HubProcess[];
}

async function cpuOf(c: Composition): Promise<number | null> {
  const each = await Promise.all(c.all.map((p) => p.cpuSeconds()));
  return each.some((x) => x === null) ? null : (each as number[]).reduce((a, b) => a + b, 0);
}

/** The database behind the hub, as the bench sees it while the hub runs and after. */
interface Backing {
  label: string;
  /** Opens the database for the merchant's setup (closed again before the hub starts on PGlite). */
  open(): Promise<Database>;
  /** Starts the hub with `apiProcesses` api processes (and on PostgreSQL, one worker behind them). */
  startHub(secretKey: string, apiProcesses: number): Promise<Composition>;
  /** Inbox events not yet processed. */
  unprocessed(): Promise<number>;
  /** Inbox rows stored so far by webhooks. */
  stored(): Promise<number>;
  /** The pg single-row insert ceiling (PostgreSQL only). */
  ceiling: ((seconds: number, connections: number) => Promise<{ perSecond: number; rows: number }>) | null;
  /** Runs `fn` on the database once the hub has stopped. */
  afterHub<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;

async function postgresBacking(): Promise<Backing> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_URL;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    console.error(`PostgreSQL at ${redactUrl(serverUrl)} did not answer: ${(e as Error).message}`);
    process.exit(2);
  }
  const dbName = `omnihub_wh_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = withDatabase(serverUrl, dbName);
  let db: Database | null = null;
  const redisDir = await mkdtemp(join(tmpdir(), 'omnihub-wh-bench-redis-'));
  let redis: Awaited<ReturnType<typeof startOwnRedis>> | null = null;
  return {
    label: `PostgreSQL, pool ${HUB_POOL} per process, a Redis of the bench's own`,
    async open() {
      db = await openDatabase({ url, poolSize: 2 });
      return db;
    },
    async startHub(secretKey, apiProcesses) {
      redis = await startOwnRedis(join(redisDir, 'redis.log'));
      const redisUrl = redis.url;
      const started: HubProcess[] = [];
      try {
        // One after another: each applies pending migrations on the way up (none are left).
        started.push(await startHubProcess({ databaseUrl: url, secretKey, role: 'worker', redisUrl }));
        for (let i = 0; i < apiProcesses; i++) {
          started.push(await startHubProcess({ databaseUrl: url, secretKey, role: 'api', redisUrl }));
        }
      } catch (e) {
        await Promise.all(started.map((p) => p.stop()));
        throw e;
      }
      return { apis: started.slice(1), all: started };
    },
    unprocessed: () => (db as Database).prisma.inboxEvent.count({ where: { processedAt: null } }),
    stored: () => (db as Database).prisma.inboxEvent.count(),
    ceiling: (seconds, connections) => rawInsertRate(url, HUB_POOL, connections, seconds),
    afterHub: (fn) => fn(db as Database),
    async dispose() {
      await db?.close();
      await redis?.stop();
      await rm(redisDir, { recursive: true, force: true });
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A gauge or counter line of the Prometheus text whose labels include all of `labels`. */
function metricValue(text: string, name: string, labels: string[]): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels.every((l) => line.includes(l))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

async function pgliteBacking(): Promise<Backing> {
  const dataDir = await mkdtemp(join(tmpdir(), 'omnihub-wh-bench-pglite-'));
  let hubUrl = '';
  const metrics = async () => {
    const r = await fetch(`${hubUrl}/metrics`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!r.ok) throw new Error(`/metrics answered ${r.status}`);
    return r.text();
  };
  return {
    label: 'PGlite, the embedded default',
    open: () => openDatabase({ dataDir }),
    async startHub(secretKey) {
      const hub = await startHubProcess({ dataDir, secretKey, adminToken: ADMIN_TOKEN });
      hubUrl = hub.url;
      return { apis: [hub], all: [hub] };
    },
    unprocessed: async () => metricValue(await metrics(), 'omnihub_queue_depth', ['queue="inbox"']),
    stored: async () =>
      metricValue(await metrics(), 'omnihub_inbox_events_stored_total', ['channel="shopify"', 'source="webhook"']),
    ceiling: null,
    async afterHub(fn) {
      const db = await openDatabase({ dataDir });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
}

async function main() {
  const opts = parse();
  const backing = opts.db === 'pglite' ? await pgliteBacking() : await postgresBacking();
  const verdict = new Verdict();
  try {
    // The merchant's setup, before the hub starts: schema, the Shopify account (credentials
    // sealed with the key the hub is given), a warehouse serving it, the SKU with stock for every order.
    const db = await backing.open();
    const secretKey = generateSecretKey();
    await createAccount(db.prisma, secretKey, {
      id: ACCOUNT,
      type: 'shopify',
      name: 'Bench shop',
      credentials: { shop: SHOP, accessToken: 'shpat_bench', apiSecretKey: SECRET },
    });
    await db.prisma.location.create({ data: { id: 'wh', code: 'WH', name: 'Warehouse', kind: 'warehouse' } });
    await db.prisma.channelLocation.create({ data: { accountId: ACCOUNT, locationId: 'wh' } });
    await db.prisma.sku.create({ data: { id: `sku-${SKU}`, code: SKU, title: 'Bench tee' } });
    await adjust(db.prisma, `sku-${SKU}`, 'wh', opts.orders, 'receipt');
    // Only the hub's process may hold a PGlite data directory.
    if (opts.db === 'pglite') await db.close();
    const deliveries = await signedOrders(opts.orders);

    const most = Math.max(...opts.apiProcesses);
    console.error(
      opts.db === 'pglite'
        ? `[bench] starting the hub as \`npm start\` does (api/main.ts) on ${backing.label}`
        : `[bench] starting ${most} \`omnihub start --role api\` and one \`--role worker\` on ${backing.label}`,
    );
    const hub = await backing.startHub(formatSecretKey(secretKey), most);
    const headers = {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Shop-Domain': SHOP,
      'X-Shopify-API-Version': '2026-10',
      'X-Shopify-Triggered-At': new Date().toISOString(),
    };
    const targets = hub.apis.map((p) => `${p.url}/webhooks/${ACCOUNT}`);
    const drain = async (): Promise<number | null> => {
      const started = performance.now();
      while (performance.now() - started < DRAIN_LIMIT_MS) {
        if ((await backing.unprocessed()) === 0) return Math.round((performance.now() - started) / 100) / 10;
        await new Promise((r) => setTimeout(r, 200));
      }
      return null;
    };

    const rated: Row[] = [];
    const rounds: { ceiling: number | null; rows: Row[] }[] = [];
    let sentTotal = 0;
    let okTotal = 0;
    try {
      // Warm-up: JIT, connection pool, account cache; its orders are processed before the steps.
      const warm = await load(targets, {
        connections: 4 * targets.length,
        durationSeconds: 1,
        rate: 0,
        deliveries,
        headers,
        idPrefix: 'warm',
      });
      sentTotal += warm.sent;
      okTotal += warm.ok;
      await drain();

      let step = 0;
      const measure = async (rate: number, label: string, apiProcesses: number): Promise<Row> => {
        step += 1;
        const count0 = await backing.stored();
        const cpu0 = await cpuOf(hub);
        const what = opts.amount ? `${opts.amount} deliveries` : `${opts.duration}s`;
        console.error(
          `[bench] webhooks at ${rate === 0 ? 'full speed' : `${rate}/s`}, ${what}, ${opts.connections} connections ` +
            `over ${apiProcesses} api process(es)`,
        );
        const r = await load(targets.slice(0, apiProcesses), {
          connections: opts.connections,
          durationSeconds: opts.duration,
          ...(opts.amount ? { amount: opts.amount } : {}),
          rate,
          deliveries,
          headers,
          idPrefix: `s${step}`,
        });
        sentTotal += r.sent;
        okTotal += r.ok;
        const cpu1 = await cpuOf(hub);
        const drainSeconds = await drain();
        const stored = (await backing.stored()) - count0;
        const row: Row = {
          ...r,
          apiProcesses,
          stored,
          acceptedPerSecond: Math.round(r.ok / r.durationSeconds),
          hubCpu: cpu0 === null || cpu1 === null ? null : Math.round(((cpu1 - cpu0) / r.durationSeconds) * 100),
          drainSeconds,
          processedPerSecond: drainSeconds === null ? null : Math.round(stored / (r.durationSeconds + drainSeconds)),
        };
        console.log(JSON.stringify({ step: 'webhooks', ...row }));
        verdict.that(
          `${label}: every 2xx delivery stored, nothing stored twice`,
          stored >= r.ok && stored <= r.sent,
          `${r.ok} answered 2xx, ${r.sent} sent, ${stored} rows stored`,
        );
        verdict.that(
          `${label}: inbox drained`,
          drainSeconds !== null,
          `${await backing.unprocessed()} events unprocessed after ${DRAIN_LIMIT_MS / 1000} s`,
        );
        return row;
      };

      const first = opts.apiProcesses[0] as number;
      for (const rate of opts.rates) rated.push(await measure(rate, `${rate}/s, ${first} api`, first));

      // The ratios: each round measures the ceiling, then the hub at full speed through each
      // number of api processes, back to back, so that a machine shared with other work loads
      // every side alike; the median round counts.
      for (let i = 0; i < opts.rounds; i++) {
        let ceiling: number | null = null;
        if (backing.ceiling) {
          console.error(`[bench] round ${i + 1}/${opts.rounds}: ceiling (pg single-row INSERT), then the hub`);
          const c = await backing.ceiling(opts.duration, opts.connections);
          console.log(JSON.stringify({ step: 'ceiling', round: i + 1, ...c }));
          ceiling = c.perSecond;
        }
        const rows: Row[] = [];
        for (const n of opts.apiProcesses) rows.push(await measure(0, `round ${i + 1}, ${n} api`, n));
        rounds.push({ ceiling, rows });
      }
    } finally {
      await Promise.all(hub.all.map((p) => p.stop()));
    }

    // Every distinct order the inbox received became exactly one order, none failed.
    const facts = await backing.afterHub(async (d) => {
      const [f] = await d.prisma.$queryRaw<{ orders: bigint; received: bigint; failed: bigint; rows: bigint }[]>`
        SELECT (SELECT count(*) FROM orders WHERE account_id = ${ACCOUNT}) AS orders,
               (SELECT count(DISTINCT payload->>'id') FROM inbox_events WHERE account_id = ${ACCOUNT}) AS received,
               (SELECT count(*) FROM inbox_events WHERE last_error IS NOT NULL) AS failed,
               (SELECT count(*) FROM inbox_events) AS rows`;
      return f;
    });
    const orders = Number(facts?.orders ?? 0);
    const received = Number(facts?.received ?? 0);
    const rows = Number(facts?.rows ?? 0);
    verdict.equal('orders in the database = distinct orders the inbox received', orders, received);
    verdict.zero('inbox events that failed', Number(facts?.failed ?? 0));
    verdict.that(
      'whole run: every 2xx delivery in the inbox, none twice',
      rows >= okTotal && rows <= sentTotal,
      `${okTotal} answered 2xx, ${sentTotal} sent, ${rows} inbox rows`,
    );

    const cell = (x: number | null, unit = '') => (x === null ? '-' : `${x}${unit}`);
    const codes = (r: Row) =>
      Object.entries(r.errorCodes)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || '0';
    const pct = (x: number) => `${Math.round(x * 100)} %`;
    const line = (label: string, r: Row, ceiling?: number | null, one?: Row) =>
      `| ${label} | ${r.apiProcesses} | ${r.sent} | ${r.acceptedPerSecond} | ${r.p50ms} | ${r.p99ms} | ${r.non2xx} | ` +
      `${codes(r)} | ${r.timeouts} | ${cell(r.hubCpu, ' %')} | ${cell(r.drainSeconds, ' s')} | ` +
      `${cell(r.processedPerSecond)} | ${ceiling ? `${ceiling} | ${pct(r.acceptedPerSecond / ceiling)}` : '- | -'} | ` +
      `${one && one !== r && one.acceptedPerSecond ? `${(r.acceptedPerSecond / one.acceptedPerSecond).toFixed(2)}×` : '-'} |`;
    const shape = opts.amount ? `bursts of ${opts.amount}` : `${opts.duration}s per step`;
    const composition =
      opts.db === 'pglite'
        ? 'the one process `npm start` runs, in-process queue'
        : '`omnihub start --role api` ×N in front of one `--role worker`';
    console.log('');
    console.log(
      `Signed Shopify orders/create webhooks (${opts.orders} distinct orders) → the hub as \`npm start\` runs it ` +
        `(${composition}; ${backing.label}), ${opts.connections} connections split over the api processes, ${shape}.`,
    );
    if (backing.ceiling) {
      console.log(
        "Ceiling: pg single-row INSERT into a scratch table, same concurrency, one api process's pool, measured just before.",
      );
    }
    console.log(
      "errors: socket errors by code (ECONNRESET: reset by the hub); hub CPU: all the hub's processes, % of one core " +
        "during the step; drain: from the end of the step until the inbox was processed; processed/s: the step's " +
        "events over the step and its drain; p50/p99: the worst api process's; vs 1 api: accepted/s against " +
        '1 api process in the same round.',
    );
    console.log('');
    console.log(
      '| offered/s | api processes | sent | accepted/s | p50 ms | p99 ms | non-2xx | errors | timeouts | hub CPU | drain | processed/s | ceiling/s | of ceiling | vs 1 api |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rated) console.log(line(String(r.rate), r));
    for (const [i, round] of rounds.entries()) {
      const one = round.rows.find((r) => r.apiProcesses === 1);
      for (const r of round.rows) console.log(line(`max (round ${i + 1})`, r, round.ceiling, one));
    }
    const scaleRounds: ScaleRound[] = rounds.map((r) => ({
      ceiling: r.ceiling,
      accepted: Object.fromEntries(r.rows.map((x) => [x.apiProcesses, x.acceptedPerSecond])),
    }));
    const summary = scaleSummary(scaleRounds);
    // The machine's load when the figures were taken: a shared machine's ratios are read with it.
    const load1 = Math.round((loadavg()[0] ?? 0) * 10) / 10;
    console.log(JSON.stringify({ step: 'summary', ...summary, loadAverage1m: load1 }));
    console.log('');
    for (const l of scaleLines(summary)) console.log(l);
    console.log(`load average (1 min) at the end: ${load1}`);
    console.log(`orders: ${orders} in the database for ${received} distinct orders received`);
  } finally {
    await backing.dispose();
  }
  exitWithVerdict(verdict);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
