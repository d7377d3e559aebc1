// One pass of the fault drill: two simulated Shopify shops (retrying failed webhook deliveries as
// Shopify does), the hub as a real `npm start` process on the embedded database or on
// PostgreSQL + a Redis of the drill's own, and order traffic while the hub is SIGKILLed twice,
// 30 % of webhook deliveries are dropped, one shop answers 429/503 for a while and the other
// loses the answers of stock updates it applied. Then the drill waits for the hub to settle and
// reads the figures from the hub's database and the simulators' own state.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { demoCatalogue, type DemoSku } from '../../api/demo/catalogue.ts';
import { seedDemo, skuIdOf } from '../../api/demo/seed.ts';
import { startDemoSimulators } from '../../api/demo/simulators.ts';
import { defaultConnectors } from '../../connectors/registry.ts';
import { openDatabase } from '../../core/db/database.ts';
import { lossyWebhookTarget, startShopProxy } from './faults.ts';
import { breaches, type StateFigures, stateFigures } from './figures.ts';
import { HubProcess } from './hub-process.ts';
import { freePort } from '../support/free-port.ts';
import { startOwnRedis } from './own-redis.ts';
import { runTraffic, type TrafficFigures } from './traffic.ts';

export interface DrillOptions {
  db: 'pglite' | 'postgres';
  orders: number;
  perSecond: number;
  /** How long one shop answers 429/503. */
  outageMs: number;
  /** How long to wait, once converged, for pushes that should not come. */
  quietMs: number;
  settleTimeoutMs: number;
  /** PostgreSQL server for the postgres pass (a database is created and dropped on it). */
  postgresUrl?: string;
  seed: number;
  log?: (line: string) => void;
}

export interface DrillResult {
  options: DrillOptions;
  traffic: TrafficFigures;
  state: StateFigures;
  kills: number;
  webhooks: { attempted: number; dropped: number; refused: number; delivered: number };
  outageAnswers: number;
  lostStockAnswers: number;
  /** Orders on the shops but not in the hub when traffic stopped. */
  missingAtStop: number;
  /** From the end of traffic until every shop order was in the hub (ms), or null. */
  ordersInMs: number | null;
  /** From the end of traffic until every listing showed its target (ms), or null. */
  convergedMs: number | null;
  pushesAfterConvergence: number;
  stockWrites: number;
  breaches: string[];
}

const POLL_SECONDS = 10;

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The demo catalogue with enough stock for the traffic, its hot SKUs scarce and strict. */
export function drillCatalogue(orders: number): DemoSku[] {
  const cat = demoCatalogue();
  const plenty = Math.ceil((orders * 2.2) / cat.length) + 10;
  return cat.map((s) =>
    s.hot ? { ...s, stock: { wh: 3, 'store-a': 1 } } : { ...s, stock: { wh: plenty, 'store-a': 4 } },
  );
}

const stockWrites = (shops: { sim: { stats: { byOperation: Record<string, number> } } }[]) =>
  shops.reduce(
    (n, s) =>
      n +
      (s.sim.stats.byOperation.InventorySetQuantities ?? 0) +
      (s.sim.stats.byOperation.InventorySetQuantitiesLegacy ?? 0),
    0,
  );

export async function runDrill(o: DrillOptions): Promise<DrillResult> {
  const say = o.log ?? (() => undefined);
  const random = rng(o.seed);
  const work = await mkdtemp(join(tmpdir(), 'omnihub-drill-'));
  // DRILL_KEEP=1 keeps the hub's log and data directory for a post-mortem.
  const cleanups: (() => Promise<unknown>)[] = [
    async () => (process.env.DRILL_KEEP ? say(`kept ${work}`) : rm(work, { recursive: true, force: true })),
  ];
  const secretKey = randomBytes(32);
  const adminToken = randomBytes(24).toString('hex');
  try {
    // The database and, for PostgreSQL, a Redis of the drill's own.
    let databaseUrl: string | undefined;
    let redisUrl: string | undefined;
    if (o.db === 'postgres') {
      const server = o.postgresUrl ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
      const name = `omnihub_drill_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      cleanups.push(async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      });
      const u = new URL(server);
      u.pathname = `/${name}`;
      databaseUrl = u.toString();
      const redis = await startOwnRedis(join(work, 'redis.log'));
      cleanups.push(() => redis.stop());
      redisUrl = redis.url;
    }
    const dataDir = join(work, 'data');

    // The shops, each behind a fault proxy that the hub's account points at.
    const sims = await startDemoSimulators({ currency: 'GBP' });
    cleanups.push(() => sims.close());
    const proxies = [];
    for (const shop of sims.shops) {
      const proxy = await startShopProxy(shop.url, random);
      cleanups.push(() => proxy.close());
      proxies.push(proxy);
      shop.url = proxy.url;
    }

    // Seed the merchant with the hub stopped (PGlite has one writer), then start the hub.
    const catalogue = drillCatalogue(o.orders);
    const scarce = catalogue.filter((s) => s.hot).map((s) => s.code);
    const strictSkuIds = scarce.map(skuIdOf);
    {
      const db = await openDatabase({ url: databaseUrl, dataDir });
      const connector = defaultConnectors().shopify;
      if (!connector) throw new Error('this build has no Shopify connector');
      await seedDemo({ prisma: db.prisma, secretKey, connector, shops: sims.shops, catalogue, timezone: 'UTC' });
      for (const shop of sims.shops) {
        const account = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: shop.accountId } });
        await db.prisma.channelAccount.update({
          where: { id: shop.accountId },
          data: {
            settings: {
              ...(account.settings as Record<string, unknown>),
              pollIntervalSeconds: POLL_SECONDS,
              reconcileIntervalSeconds: POLL_SECONDS,
            },
          },
        });
      }
      await db.prisma.sku.updateMany({ where: { id: { in: strictSkuIds } }, data: { allocationMode: 'strict' } });
      await db.close();
    }

    const port = await freePort();
    const hub = new HubProcess({
      port,
      logFile: join(work, 'hub.log'),
      env: {
        OMNIHUB_DATA_DIR: dataDir,
        OMNIHUB_SECRET_KEY: Buffer.from(secretKey).toString('hex'),
        OMNIHUB_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: process.env.DRILL_HUB_LOG_LEVEL ?? 'warn',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      },
    });
    cleanups.push(() => hub.close());
    await hub.start();
    say(`hub started on ${hub.url} (${o.db})`);

    let dropShare = 0.3;
    const targets = sims.shops.map((shop) => {
      const t = lossyWebhookTarget(`${hub.url}/webhooks/${shop.accountId}`, { dropShare: () => dropShare, random });
      shop.sim.webhooks.target = t.target;
      return t;
    });
    const [first, second] = proxies;
    if (!first || !second) throw new Error('the drill needs two shops');
    second.faults.loseStockAnswers = 0.3;

    // Faults scheduled on the traffic's progress: an outage from early on (so that the running hub meets it) and two kills (one mid-burst).
    // Crashes run one after the other: a kill never meets a hub that is still starting.
    let restarts: Promise<void> = Promise.resolve();
    const crash = () => {
      restarts = restarts.then(async () => {
        await hub.kill();
        say(`hub killed (${hub.kills})`);
        await new Promise((r) => setTimeout(r, 1_000));
        await hub.start();
        say('hub restarted');
      });
    };
    const at = (share: number) => Math.max(1, Math.floor(o.orders * share));
    const traffic = await runTraffic({
      shops: sims.shops,
      codes: catalogue.map((s) => s.code),
      scarce,
      orders: o.orders,
      perSecond: o.perSecond,
      random,
      hubUrl: hub.url,
      adminToken,
      restockEveryMs: 3_000,
      onProgress: (placed) => {
        if (placed === at(0.3) || placed === at(0.7)) crash();
        if (placed === at(0.1)) {
          first.faults.outageUntil = Date.now() + o.outageMs;
          say(`${sims.shops[0]?.accountId} answers 429/503 for ${o.outageMs} ms`);
        }
      },
    });
    await restarts;
    say(`traffic done: ${traffic.placed} orders, ${traffic.cancelled} cancelled, ${traffic.refunded} refunded`);

    // Traffic has stopped; the network heals (the outage may still be running out).
    dropShare = 0;
    second.faults.loseStockAnswers = 0;
    const stoppedAt = Date.now();
    const api = async (path: string) => {
      const res = await fetch(`${hub.url}/api/v1${path}`, {
        headers: { authorization: `Bearer ${adminToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
      return res.json() as Promise<{ data: Record<string, unknown>[]; nextCursor: string | null }>;
    };
    const all = async (path: string) => {
      const rows: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const page = await api(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        rows.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return rows;
    };
    const missingNow = async () => {
      let missing = 0;
      for (const shop of sims.shops) {
        const inHub = new Set(
          (await all(`/orders?accountId=${shop.accountId}`)).map((r) => String(r.externalId).split('/').pop()),
        );
        for (const gid of shop.sim.store.orders.keys()) if (!inHub.has(gid.split('/').pop())) missing += 1;
      }
      return missing;
    };
    // Listings whose shop value is not the target; every 15 s a few are logged with what the hub
    // believes of them, so that a slow convergence shows its cause in the drill's output.
    let offLoggedAt = 0;
    const offNow = async () => {
      const off: string[] = [];
      for (const l of await all('/sync/listings')) {
        const shop = sims.shops.find((s) => s.accountId === l.accountId);
        if (!shop || typeof l.externalStockId !== 'string') continue;
        const shows = shop.sim.available(l.externalStockId, shop.stockLocationId) ?? null;
        if (shows !== l.targetQty)
          off.push(
            `${l.skuCode}@${l.accountId} shows ${shows} target ${l.targetQty} believed ${l.lastConfirmedQty} sent ${l.lastSentQty} ${l.state}`,
          );
      }
      if (off.length && Date.now() - offLoggedAt > 15_000) {
        offLoggedAt = Date.now();
        say(`${off.length} listings off target, e.g. ${off.slice(0, 4).join('; ')}`);
      }
      return off.length;
    };
    // Events the hub holds but has not applied yet (the poll keeps reading after traffic stops).
    const inboxNow = async () => {
      const res = await fetch(`${hub.url}/metrics`, {
        headers: { authorization: `Bearer ${adminToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
      const m = /^omnihub_queue_depth\{queue="inbox"\} (\d+)/m.exec(await res.text());
      if (!m) throw new Error('/metrics has no inbox depth');
      return Number(m[1]);
    };
    // A hub too busy to answer counts as "not yet", never as an answer.
    const orNull = <T>(p: Promise<T>) => p.catch(() => null);
    const missingAtStop = (await orNull(missingNow())) ?? -1;
    let ordersInMs: number | null = missingAtStop === 0 ? 0 : null;
    let convergedMs: number | null = null;
    const until = stoppedAt + o.settleTimeoutMs;
    while (Date.now() < until) {
      if (ordersInMs === null && (await orNull(missingNow())) === 0) ordersInMs = Date.now() - stoppedAt;
      if (ordersInMs !== null && (await orNull(offNow())) === 0 && (await orNull(inboxNow())) === 0) {
        convergedMs = Date.now() - stoppedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    say(`orders in after ${ordersInMs ?? '—'} ms, converged after ${convergedMs ?? '—'} ms`);

    // Once converged, the hub must not push again: watch the shops for a while.
    const writesAtConvergence = stockWrites(sims.shops);
    if (convergedMs !== null) await new Promise((r) => setTimeout(r, o.quietMs));
    const pushesAfterConvergence = convergedMs === null ? 0 : stockWrites(sims.shops) - writesAtConvergence;
    // The safety-net poll may still be reading: let the inbox drain before the hub is stopped,
    // so that "never applied" counts events the hub could not apply, not ones it was given late.
    const drainUntil = Date.now() + 60_000;
    while (Date.now() < drainUntil && (await orNull(inboxNow())) !== 0) await new Promise((r) => setTimeout(r, 1_000));

    const hubStoppedAt = Date.now();
    await hub.stop();
    const db = await openDatabase({ url: databaseUrl, dataDir, migrate: false });
    let state: StateFigures;
    try {
      state = await stateFigures(db.prisma, sims.shops, strictSkuIds, Date.now() - hubStoppedAt);
    } finally {
      await db.close();
    }
    const webhooks = targets.reduce(
      (sum, t) => ({
        attempted: sum.attempted + t.counts.attempted,
        dropped: sum.dropped + t.counts.dropped,
        refused: sum.refused + t.counts.refused,
        delivered: sum.delivered + t.counts.delivered,
      }),
      { attempted: 0, dropped: 0, refused: 0, delivered: 0 },
    );
    return {
      options: o,
      traffic,
      state,
      kills: hub.kills,
      webhooks,
      outageAnswers: first.counts.outageAnswers,
      lostStockAnswers: second.counts.lostStockAnswers,
      missingAtStop,
      ordersInMs,
      convergedMs,
      pushesAfterConvergence,
      stockWrites: stockWrites(sims.shops),
      breaches: breaches(state, pushesAfterConvergence, convergedMs !== null),
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}
