// `npm run bench:pos`: counter sales from a generic till to the ledger and to every other
// channel. The hub runs as `npm start` composes it (startHub: HTTP door, synchronizer) on
// PostgreSQL; a simulated till posts signed sale webhooks over HTTP, one unit each, at a steady
// rate, at a store whose stock two Shopify simulators also advertise. Per sale it measures:
//   ledger: till sends the webhook -> the sale's movement at the store (its transaction's
//           now(), PostgreSQL on this machine: the change commits a few ms later);
//   pushed: till sends the webhook -> the last of the shops' first stock write carrying that
//           SKU sent after the ledger change (each other channel told).
// Correctness (exit 1 when wrong): every delivery answered 200, every sale an order with its
// movement at the store, the store's on hand down by exactly the sales, every sale followed by a
// push to every shop, every shop showing the hub's target at the end, no failed inbox event.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startHub } from '../../api/hub.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { systemClock } from '../../core/clock.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { createLogger } from '../../core/log.ts';
import { createTillConnector } from '../../connectors/pos-webhook/connector.ts';
import { createTillSimulator } from '../../connectors/pos-webhook/simulator/index.ts';
import { NEEDS_PUSH_SQL } from '../../sync/stock/status.ts';
import { percentile } from './sync-bench-metrics.ts';
import { addCatalogue, buildWorld, openBenchDatabase, shown } from './sync-bench-world.ts';
import { exitWithVerdict, Verdict } from './verdict.ts';

const USAGE = `Usage: tsx tests/bench/pos-bench.ts [options]

  --sales N      counter sales, one unit each              (default 1000)
  --rate N       sales per second                          (default 25)
  --skus N       SKUs sold at the store                    (default 100)
  --shops N      other channels (Shopify simulators)       (default 2)
  --latency MS   added to every Shopify call               (default 50)
  --db pglite|postgres                                     (default postgres)
  --help

PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres.`;

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const SECRET = 'bench-till-secret-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function options() {
  const { values } = parseArgs({
    options: {
      sales: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '25' },
      skus: { type: 'string', default: '100' },
      shops: { type: 'string', default: '2' },
      latency: { type: 'string', default: '50' },
      db: { type: 'string', default: 'postgres' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  if (values.db !== 'pglite' && values.db !== 'postgres') throw new Error('--db must be pglite or postgres');
  return {
    sales: int('sales', values.sales),
    rate: int('rate', values.rate),
    skus: int('skus', values.skus),
    shops: int('shops', values.shops),
    latency: int('latency', values.latency, 0),
    db: values.db as 'pglite' | 'postgres',
  };
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
  if (o.db === 'postgres') {
    const c = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
    const up = await c.connect().then(
      () => true,
      () => false,
    );
    await c.end().catch(() => undefined);
    if (!up) {
      console.error(`PostgreSQL does not answer at ${serverUrl} (or run with --db pglite)`);
      process.exit(2);
    }
  }
  const { db, drop } = await openBenchDatabase(o.db, serverUrl);
  const w = await buildWorld(db, { shops: o.shops, latencyMs: o.latency });
  const perSku = Math.ceil(o.sales / o.skus) + 5;
  // The store: its shelf is what the till sells and what the shops advertise beside the warehouse.
  await db.prisma.location.create({ data: { id: 'store', code: 'ST', name: 'Store', kind: 'store' } });
  for (const s of w.shops) {
    await db.prisma.channelLocation.create({ data: { accountId: s.accountId, locationId: 'store', priority: 1 } });
  }
  await createAccount(db.prisma, w.key, {
    id: 'till',
    type: 'pos',
    name: 'Bench till',
    credentials: { signingSecret: SECRET },
  });
  await db.prisma.channelLocation.create({
    data: { accountId: 'till', locationId: 'store', externalLocationId: 'store-1' },
  });
  const codes = await addCatalogue(w, 'POS', o.skus, 10, 'shared');
  for (const code of codes) await adjust(db.prisma, `sku-${code}`, 'store', perSku, 'receipt');

  const hub = await startHub({
    db,
    secretKey: w.key,
    connectors: { shopify: w.connector, pos: createTillConnector() },
    logger,
    host: '127.0.0.1',
    port: 0,
    syncTuning: {},
  });
  const verdict = new Verdict();
  try {
    const till = createTillSimulator({
      webhookUrl: `${hub.url}/webhooks/till`,
      secret: SECRET,
      location: 'store-1',
      clock: systemClock,
      send: (req) => fetch(req),
    });
    await hub.sync.sweep();
    const start = 10 + perSku;
    await waitUntil(() => codes.every((c) => w.shops.every((_, i) => shown(w, i, c) === start)), 120_000);
    const storeBefore = await storeOnHand(db);

    // Drive: one sale every 1/rate s, not waiting for the previous one.
    const sentAt = new Map<string, number>();
    const receiptSku = new Map<string, string>();
    const statuses: number[] = [];
    const inFlight: Promise<void>[] = [];
    const t0 = Date.now();
    for (let n = 0; n < o.sales; n++) {
      const due = t0 + (n * 1000) / o.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const receipt = `S-${n}`;
      const code = codes[n % codes.length] as string;
      receiptSku.set(receipt, code);
      sentAt.set(receipt, Date.now());
      inFlight.push(
        till.sale([{ sku: code, quantity: 1, unitPrice: 1900 }], { receipt }).then(
          (d) => void statuses.push(...d.map((x) => x.status)),
          () => void statuses.push(0),
        ),
      );
    }
    await Promise.all(inFlight);
    const drained = await waitUntil(async () => (await backlog(db)) === 0, 180_000);
    const elapsed = (Date.now() - t0) / 1000;

    // The sales' movements at the store, by receipt.
    const rows = await db.prisma.$queryRaw<{ external_id: string; at: Date; n: bigint }[]>`
      SELECT o.external_id, min(m.created_at) AS at, count(*) AS n
        FROM orders o JOIN inventory_movements m ON m.order_id = o.id
       WHERE o.account_id = 'till' AND m.location_id = 'store' AND m.on_hand_delta < 0
       GROUP BY o.external_id`;
    const ledgerAt = new Map(rows.map((r) => [r.external_id, r.at.getTime()]));
    const toLedger: number[] = [];
    const toPush: number[] = [];
    let missingPush = 0;
    for (const [receipt, sent] of sentAt) {
      const at = ledgerAt.get(receipt);
      if (at === undefined) continue;
      toLedger.push(at - sent);
      const code = receiptSku.get(receipt) as string;
      let last = 0;
      for (let shop = 0; shop < w.shops.length; shop++) {
        const item = w.items.get(code)?.[shop];
        const first = w.attempts.find((a) => a.shop === shop && a.item === item && a.sentAt >= at);
        if (!first) {
          missingPush++;
          last = Number.NaN;
          break;
        }
        last = Math.max(last, first.sentAt);
      }
      if (!Number.isNaN(last)) toPush.push(last - sent);
    }
    const storeAfter = await storeOnHand(db);
    const failed = await db.prisma.exceptionItem.count({ where: { kind: 'inbox_event_failed' } });
    const disagree = codes.filter((c) => w.shops.some((_, i) => shown(w, i, c) !== start - salesOf(c, receiptSku)));

    const f = (v: number) => v.toFixed(0).padStart(6);
    console.log(
      `\n${o.sales} counter sales at ${o.rate}/s over ${o.skus} SKUs, ${o.shops} other channels (Shopify, ${o.latency} ms per call), ${o.db}; ${elapsed.toFixed(1)} s`,
    );
    console.log('                         median     p99     max  (ms)');
    console.log(
      `webhook -> ledger       ${f(percentile(toLedger, 50))}  ${f(percentile(toLedger, 99))}  ${f(Math.max(...toLedger))}`,
    );
    console.log(
      `webhook -> every push   ${f(percentile(toPush, 50))}  ${f(percentile(toPush, 99))}  ${f(Math.max(...toPush))}`,
    );
    const during = w.attempts.filter((a) => a.sentAt >= t0).length;
    console.log(
      `stock write items sent during the sales: ${during} (${((during / o.sales / o.shops) * 100).toFixed(0)} per 100 sales per shop)`,
    );

    verdict
      .equal('deliveries answered 200', statuses.filter((s) => s === 200).length, o.sales)
      .equal('sales in the ledger at the store', rows.filter((r) => r.n === 1n).length, o.sales)
      .equal('store on hand lowered by the sales', storeBefore - storeAfter, o.sales)
      .zero('sales without a push to every other channel', missingPush)
      .that('hub drained (inbox, outbox, listings to push)', drained, drained ? 'drained' : 'backlog left')
      .zero('SKUs a shop shows differently from the hub', disagree.length)
      .zero('failed inbox events', failed);
  } finally {
    await hub.stop();
    await db.close();
    await drop();
  }
  exitWithVerdict(verdict);
}

function salesOf(code: string, receiptSku: Map<string, string>): number {
  let n = 0;
  for (const c of receiptSku.values()) if (c === code) n++;
  return n;
}

async function storeOnHand(db: Awaited<ReturnType<typeof openBenchDatabase>>['db']): Promise<number> {
  const r = await db.prisma.inventoryLevel.aggregate({ where: { locationId: 'store' }, _sum: { onHand: true } });
  return r._sum.onHand ?? 0;
}

async function backlog(db: Awaited<ReturnType<typeof openBenchDatabase>>['db']): Promise<number> {
  const [inbox, outbox, dirty] = await Promise.all([
    db.prisma.inboxEvent.count({ where: { processedAt: null } }),
    db.prisma.outboxEvent.count({ where: { dispatchedAt: null } }),
    db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM listings l WHERE ${NEEDS_PUSH_SQL}`,
  ]);
  return inbox + outbox + Number(dirty[0]?.n ?? 0);
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
