// Webhook ingress benchmark (`npm run bench:webhooks`).
//
// Starts the hub in this process on PostgreSQL (a scratch database, migrated), with one
// Shopify account, and sends signed Shopify webhooks with autocannon (in a worker thread)
// at increasing rates. Every delivery has a new webhook id, so each is a new inbox row.
// Then rounds of: the ceiling (plain `pg` single-row inserts into a scratch table with the
// same concurrency and pool size), and right after it the hub at full speed. The median
// round's ratio is the result: on a machine shared with other work both sides of a round
// see the same load. Prints one JSON line per step and a table (accepted/s, p50/p99, how
// busy the hub's event loop was, share of the ceiling).
// Exit 1 when a step answered 2xx for a delivery whose row is not in the inbox, or stored
// more rows than deliveries were sent; 2 on bad flags or an unreachable database.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createApp } from '../../api/app.ts';
import { makeHealthCheck } from '../../api/health.ts';
import { MetricsRegistry } from '../../core/metrics/registry.ts';
import { createApiRoutes } from '../../api/rest/index.ts';
import { startServer } from '../../api/server.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { signBody } from '../../connectors/shopify/webhooks.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { openDatabase } from '../../core/db/database.ts';
import { createLogger } from '../../core/log.ts';
import { redactUrl, withDatabase } from '../support/pg-url.ts';
import type { LoadConfig, LoadResult } from './webhooks-bench-load.ts';

const USAGE = `Usage: tsx tests/bench/webhooks-bench.ts [options]

  --rates 500,1000          offered requests/s, one step each                  (default 250,500,1000,2000)
  --rounds N                rounds of (ceiling, then the hub at full speed)    (default 3)
  --duration S              seconds per step                                   (default 5)
  --connections N           concurrent HTTP connections = concurrent inserts   (default 32)
  --pool N                  PostgreSQL connections of the hub and of the ceiling (default 10)
  --help

PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres.`;

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-shop.myshopify.com';
const SECRET = 'bench-webhook-secret';
const ACCOUNT = 'bench-shop';

function parse() {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '250,500,1000,2000' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '32' },
      pool: { type: 'string', default: '10' },
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
  const pool = Number(values.pool);
  const rounds = Number(values.rounds);
  if (
    !rates.every((r) => Number.isInteger(r) && r > 0) ||
    !Number.isInteger(rounds) ||
    rounds < 1 ||
    !(duration > 0) ||
    !Number.isInteger(connections) ||
    connections < 1 ||
    !Number.isInteger(pool) ||
    pool < 1
  ) {
    console.error(USAGE);
    process.exit(2);
  }
  return { rates, rounds, duration, connections, pool };
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

type Row = LoadResult & { acceptedPerSecond: number; stored: number; hubEventLoopBusy: number };

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

async function main() {
  const opts = parse();
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
  let exitCode = 0;
  try {
    const db = await openDatabase({ url, poolSize: opts.pool });
    const secretKey = generateSecretKey();
    await createAccount(db.prisma, secretKey, {
      id: ACCOUNT,
      type: 'shopify',
      name: 'Bench shop',
      credentials: { shop: SHOP, accessToken: 'shpat_bench', apiSecretKey: SECRET },
    });
    // Access logs stay on (info level, as in production), written to a sink.
    const logger = createLogger({ logLevel: 'info' }, { write: () => {} });
    const app = createApp({
      health: makeHealthCheck({ kind: db.kind, ping: () => db.ping() }),
      version: 'bench',
      logger,
    });
    app.route(
      '/',
      createApiRoutes({
        prisma: db.prisma,
        secretKey,
        connectors: { shopify: createShopifyConnector() },
        logger,
        config: { adminToken: undefined },
        metrics: new MetricsRegistry(),
        docsScript: async () => null,
      }),
    );
    const server = await startServer(app, { port: 0, host: '127.0.0.1' }, logger);

    const body = JSON.stringify({
      id: 820982911,
      email: 'jon@example.com',
      updated_at: '2026-11-20T10:00:00-05:00',
      line_items: [{ id: 1, sku: 'TEE-M', quantity: 1, price: '19.99', title: 'Tee' }],
    });
    const headers = {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Hmac-Sha256': await signBody(SECRET, new TextEncoder().encode(body)),
      'X-Shopify-Shop-Domain': SHOP,
      'X-Shopify-API-Version': '2026-10',
      'X-Shopify-Triggered-At': '2026-11-20T15:00:00Z',
    };

    const target = `${server.url}/webhooks/${ACCOUNT}`;
    // Warm-up: JIT, connection pool, account cache.
    await runLoad({ url: target, connections: 4, durationSeconds: 1, rate: 0, body, headers, idPrefix: 'warm' });

    let step = 0;
    const measure = async (rate: number): Promise<Row> => {
      step += 1;
      const count0 = await db.prisma.inboxEvent.count();
      const elu0 = nodePerformance.eventLoopUtilization();
      console.error(`[bench] webhooks at ${rate === 0 ? 'full speed' : `${rate}/s`}, ${opts.duration}s`);
      const r = await runLoad({
        url: target,
        connections: opts.connections,
        durationSeconds: opts.duration,
        rate,
        body,
        headers,
        idPrefix: `s${step}`,
      });
      const elu = nodePerformance.eventLoopUtilization(elu0).utilization;
      // Deliveries still in flight when autocannon stopped land after it: let them.
      await new Promise((res) => setTimeout(res, 500));
      const stored = (await db.prisma.inboxEvent.count()) - count0;
      const row: Row = {
        ...r,
        stored,
        acceptedPerSecond: Math.round(r.ok / r.durationSeconds),
        hubEventLoopBusy: Math.round(elu * 100) / 100,
      };
      console.log(JSON.stringify({ step: 'webhooks', ...row }));
      if (stored < r.ok || stored > r.sent) {
        console.error(`[bench] ${r.ok} deliveries answered 2xx, ${r.sent} sent, but ${stored} rows stored`);
        exitCode = 1;
      }
      return row;
    };

    const rated: Row[] = [];
    for (const rate of opts.rates) rated.push(await measure(rate));

    // The ratio: each round measures the ceiling, then the hub at full speed, back to back,
    // so that a machine shared with other work loads both sides alike; the median round counts.
    const rounds: { ceiling: number; hub: Row }[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      console.error(`[bench] round ${i + 1}/${opts.rounds}: ceiling (pg single-row INSERT), then the hub`);
      const ceiling = await rawInsertRate(url, opts.pool, opts.connections, opts.duration);
      console.log(JSON.stringify({ step: 'ceiling', round: i + 1, ...ceiling }));
      rounds.push({ ceiling: ceiling.perSecond, hub: await measure(0) });
    }
    await server.close();
    await db.close();

    const line = (label: string, r: Row, ceiling?: number) =>
      `| ${label} | ${r.acceptedPerSecond} | ${r.p50ms} | ${r.p99ms} | ${r.non2xx} | ${r.errors + r.timeouts} | ` +
      `${Math.round(r.hubEventLoopBusy * 100)} % | ${ceiling ? `${ceiling} | ${Math.round((r.acceptedPerSecond / ceiling) * 100)} %` : '| '} |`;
    console.log('');
    console.log(
      `Signed Shopify webhooks → hub (PostgreSQL, pool ${opts.pool}) with ${opts.connections} connections, ${opts.duration}s per step.`,
    );
    console.log('Ceiling: pg single-row INSERT into a scratch table, same concurrency and pool, measured just before.');
    console.log('');
    console.log(
      '| offered/s | accepted/s | p50 ms | p99 ms | non-2xx | errors | hub event loop busy | ceiling/s | of ceiling |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rated) console.log(line(String(r.rate), r));
    for (const [i, r] of rounds.entries()) console.log(line(`max (round ${i + 1})`, r.hub, r.ceiling));
    const ratios = rounds.map((r) => r.hub.acceptedPerSecond / r.ceiling).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)] ?? 0;
    console.log('');
    console.log(`median round: ${Math.round(median * 100)} % of the ceiling (target ≥ 50 %)`);
  } finally {
    // Dropping with FORCE ends connections a pool may still keep idle; they report it as an error.
    process.on('uncaughtException', (e: Error & { code?: string }) => {
      if (e.code !== '57P01') throw e;
    });
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  process.exit(exitCode);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
