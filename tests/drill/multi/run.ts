// The multi-process, multi-channel fault drill: api ×2, worker ×2 and a scheduler (real
// processes, tests/drill/multi/fleet.ts) on PostgreSQL and a Redis of the drill's own, with
// every channel simulator (two Shopify shops, Amazon, eBay, Square, the generic till). All
// deliveries pass a door that duplicates ~30 % of them and reorders them at random; meanwhile
// a random worker is SIGKILLed every few seconds and restarted, Redis is stopped for a while,
// one shop answers 429/503 and the other loses the answers of stock updates it applied, and
// forged and malformed webhooks arrive. Then the drill waits for the hub to settle and reads
// every figure from the database and the simulators' own state.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { skuIdOf } from '../../../api/demo/seed.ts';
import { openDatabase } from '../../../core/db/database.ts';
import { lossyWebhookTarget } from '../faults.ts';
import { type StateFigures, stateFigures } from '../figures.ts';
import { type OwnRedis, startOwnRedis } from '../own-redis.ts';
import { drillCatalogue, rng } from '../run.ts';
import { runTraffic, type TrafficFigures } from '../traffic.ts';
import { type BadWebhookFigures, sendBadWebhooks } from './bad-webhooks.ts';
import { startDrillChannels } from './channels.ts';
import { startChaosDoor } from './door.ts';
import {
  activitySince,
  type ChannelFigures,
  channelFigures,
  type EventFigures,
  eventFigures,
  inboxPending,
  listingsOff,
  ordersMissing,
  stockedShares,
} from './figures.ts';
import { type FleetCrash, startFleet } from './fleet.ts';

export interface MultiDrillOptions {
  /** Channel deliveries to make (the door's count, duplicates not included). */
  events: number;
  /** Shopify orders per second; every Shopify order is followed by a sale on one other channel. */
  perSecond: number;
  outageMs: number;
  redisDownMs: number;
  killEveryMs: number;
  /** Rounds of forged (one per door) and malformed deliveries. */
  badRounds: number;
  quietMs: number;
  settleTimeoutMs: number;
  postgresUrl?: string;
  seed: number;
  log?: (line: string) => void;
}

export interface MultiDrillResult {
  options: MultiDrillOptions;
  channels: ChannelFigures[];
  events: EventFigures;
  state: StateFigures;
  traffic: TrafficFigures;
  otherSales: number;
  door: { received: number; duplicates: number; unanswered: number; perSecond: number };
  /** From starting the processes until all answered, and from then until every channel showed stock. */
  fleetStartMs: number;
  stockedMs: number;
  kills: number;
  /** Processes that exited on their own (restarted at once by the fleet's supervisor). */
  crashes: FleetCrash[];
  redisStops: number;
  outageAnswers: number;
  lostStockAnswers: number;
  bad: BadWebhookFigures;
  tillUndelivered: number;
  ordersInMs: number | null;
  /** Per channel: orders missing when traffic stopped, and when the last of them arrived (null: never). */
  recovery: { accountId: string; missingAtStop: number; allInMs: number | null }[];
  /** Ledger movements and applied events in the window watched after convergence, summed by kind (null: not converged). */
  afterConvergence: string | null;
  convergedMs: number | null;
  breaches: string[];
}

const POLL_SECONDS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runMultiDrill(o: MultiDrillOptions): Promise<MultiDrillResult> {
  const say = o.log ?? (() => undefined);
  const random = rng(o.seed);
  const work = await mkdtemp(join(tmpdir(), 'omnihub-drill-multi-'));
  const cleanups: (() => Promise<unknown>)[] = [
    async () => (process.env.DRILL_KEEP ? say(`kept ${work}`) : rm(work, { recursive: true, force: true })),
  ];
  const secretKey = randomBytes(32);
  const adminToken = randomBytes(24).toString('hex');
  try {
    const server = o.postgresUrl ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const name = `omnihub_drill_multi_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    const u = new URL(server);
    u.pathname = `/${name}`;
    const databaseUrl = u.toString();
    let redis: OwnRedis = await startOwnRedis(join(work, 'redis.log'));
    cleanups.push(() => redis.stop());

    // Seed with the hub stopped: catalogue, every channel's account and listings.
    const db = await openDatabase({ url: databaseUrl });
    cleanups.push(() => db.close());
    // The till's shelf at the Brighton store, beside the single drill's warehouse and flagship stock.
    const catalogue = drillCatalogue(Math.ceil(o.events / 2)).map((s) =>
      s.hot ? s : { ...s, stock: { ...s.stock, 'store-b': 6 } },
    );
    const strictSkuIds = catalogue.filter((s) => s.hot).map((s) => skuIdOf(s.code));
    const sims = await startDrillChannels({
      prisma: db.prisma,
      secretKey,
      catalogue,
      random,
      pollIntervalSeconds: POLL_SECONDS,
    });
    cleanups.push(() => sims.close());
    await db.prisma.sku.updateMany({ where: { id: { in: strictSkuIds } }, data: { allocationMode: 'strict' } });

    const fleetStartedAt = Date.now();
    const fleet = await startFleet({
      work,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        OMNIHUB_SECRET_KEY: secretKey.toString('hex'),
        OMNIHUB_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: process.env.DRILL_HUB_LOG_LEVEL ?? 'warn',
      },
    });
    cleanups.push(() => fleet.close());
    const fleetUpAt = Date.now();
    say(`fleet up: ${fleet.apis.length} api, ${fleet.workers.length} worker, 1 scheduler`);
    const door = await startChaosDoor(
      fleet.apis.map((a) => a.url),
      random,
    );
    cleanups.push(() => door.close());
    for (const c of sims.channels) c.pointAt(door.url);
    for (const shop of sims.shops) {
      const t = lossyWebhookTarget(`${door.url}/webhooks/${shop.accountId}`, { dropShare: () => 0, random });
      shop.sim.webhooks.target = t.target;
    }
    // The buyers come once every channel shows stock: eBay and Amazon show 0 until the hub's
    // first push, and a first push held up (a worker SIGKILLed holding it keeps its lock for
    // lockMs, 30 s) could outlast a short run, its channel then never selling.
    const stockedBy = Date.now() + 180_000;
    let stockedMs = 0;
    for (;;) {
      const shares = await stockedShares(db.prisma, sims.channels);
      if ([...shares.values()].every((x) => x >= 0.5)) {
        stockedMs = Date.now() - fleetUpAt;
        say(`every channel stocked after ${stockedMs} ms`);
        break;
      }
      if (Date.now() > stockedBy)
        throw new Error(
          `channels still without stock 180 s after the hub started: ${[...shares].map(([a, x]) => `${a} ${Math.round(x * 100)} %`).join(', ')}`,
        );
      await sleep(500);
    }
    const [first, second] = sims.proxies;
    if (!first || !second) throw new Error('the drill needs two shops');
    second.faults.loseStockAnswers = 0.5;

    // Faults on the traffic's progress (the door's count of deliveries).
    let kills = 0;
    let redisStops = 0;
    let killing = true;
    const killer = (async () => {
      while (killing) {
        await sleep(o.killEveryMs);
        if (!killing) break;
        if (await fleet.killWorker(random)) kills += 1;
      }
    })();
    let redisBack: Promise<void> = Promise.resolve();
    let bad: BadWebhookFigures | null = null;
    let badSent: Promise<void> = Promise.resolve();
    const done = new Set<string>();
    const once = (key: string, share: number, fn: () => void) => {
      if (!done.has(key) && door.counts.received >= o.events * share) {
        done.add(key);
        fn();
      }
    };
    const others = sims.channels.filter((c) => c.type !== 'shopify');
    const codes = catalogue.map((s) => s.code);
    let otherSales = 0;
    const sales = new Set<Promise<void>>();
    const traffic = await runTraffic({
      shops: sims.shops,
      codes,
      scarce: catalogue.filter((s) => s.hot).map((s) => s.code),
      orders: o.events * 10,
      perSecond: o.perSecond,
      random,
      hubUrl: fleet.apis[0]?.url as string,
      adminToken,
      restockEveryMs: 3_000,
      enough: () => door.counts.received >= o.events,
      onProgress: () => {
        const c = others[Math.floor(random() * others.length)];
        const code = codes[Math.floor(random() * codes.length)] as string;
        if (c) {
          const sale = c
            .sell(code)
            .then((sold) => {
              if (sold) otherSales += 1;
            })
            .catch(() => undefined);
          sales.add(sale);
          void sale.finally(() => sales.delete(sale));
        }
        once('outage', 0.05, () => {
          first.faults.outageOnNextCallMs = o.outageMs;
          say(`${sims.shops[0]?.accountId} answers 429/503 for ${o.outageMs} ms from its next call`);
        });
        once('redis', 0.4, () => {
          redisStops += 1;
          const port = redis.port;
          say(`redis stopped for ${o.redisDownMs} ms`);
          redisBack = redis.stop().then(async () => {
            await sleep(o.redisDownMs);
            redis = await startOwnRedis(join(work, 'redis.log'), port);
            say('redis back');
          });
        });
        once('bad', 0.5, () => {
          badSent = sendBadWebhooks({
            apiUrl: fleet.apis[1]?.url as string,
            shops: sims.shops,
            rounds: o.badRounds,
            tag: `${o.seed}`,
          }).then((f) => {
            bad = f;
          });
        });
      },
    });
    await Promise.all(sales);
    killing = false;
    await killer;
    await redisBack;
    await badSent;
    // The lost answers go on until at least one was lost (a short run may have sent few writes there).
    const lossEnds = (async () => {
      while (second.counts.lostStockAnswers === 0 && Date.now() - traffic.endedAt < o.settleTimeoutMs / 2)
        await sleep(500);
      second.faults.loseStockAnswers = 0;
    })();
    await fleet.revive();
    await door.settle();
    const trafficSeconds = (traffic.endedAt - traffic.startedAt) / 1000;
    say(
      `traffic done: ${traffic.placed} Shopify orders, ${otherSales} other sales, ${door.counts.received} deliveries`,
    );

    const stoppedAt = Date.now();
    const orNull = <T>(p: Promise<T>) => p.catch(() => null);
    let ordersInMs: number | null = null;
    let convergedMs: number | null = null;
    let loggedAt = 0;
    const recovery = new Map<string, { accountId: string; missingAtStop: number; allInMs: number | null }>();
    while (Date.now() < stoppedAt + o.settleTimeoutMs) {
      if (ordersInMs === null) {
        const missing = await orNull(ordersMissing(db.prisma, sims.channels));
        for (const [accountId, n] of missing ?? []) {
          const r = recovery.get(accountId) ?? { accountId, missingAtStop: n, allInMs: null };
          if (n === 0 && r.allInMs === null) r.allInMs = Date.now() - stoppedAt;
          recovery.set(accountId, r);
        }
        if (missing && [...missing.values()].every((n) => n === 0)) ordersInMs = Date.now() - stoppedAt;
        else if (missing && Date.now() - loggedAt > 15_000) {
          loggedAt = Date.now();
          say(`missing or behind: ${[...missing].map(([a, n]) => `${a} ${n}`).join(', ')}`);
        }
      }
      if (ordersInMs !== null) {
        const off = (await orNull(listingsOff(db.prisma, sims.channels)))?.off;
        const pending = await orNull(inboxPending(db.prisma));
        const offCount = off ? [...off.values()].reduce((n, l) => n + l.length, 0) : -1;
        if (offCount === 0 && pending === 0) {
          convergedMs = Date.now() - stoppedAt;
          break;
        }
        if (off && Date.now() - loggedAt > 15_000) {
          loggedAt = Date.now();
          say(
            `${offCount} listings off, ${pending} events pending: ${[...off.values()].flat().slice(0, 4).join('; ')}`,
          );
        }
      }
      await sleep(1_000);
    }
    say(`orders in after ${ordersInMs ?? '—'} ms, converged after ${convergedMs ?? '—'} ms`);

    await lossEnds;
    const writesAt = new Map(sims.channels.map((c) => [c.accountId, c.stockWrites()]));
    if (convergedMs !== null) await sleep(o.quietMs);
    const writesAfter = new Map(
      sims.channels.map((c) => [
        c.accountId,
        convergedMs === null ? 0 : c.stockWrites() - (writesAt.get(c.accountId) ?? 0),
      ]),
    );
    // What the hub did in the window watched after convergence (what moved a target, if one moved).
    const afterConvergence =
      convergedMs === null ? null : await orNull(activitySince(db.prisma, new Date(stoppedAt + convergedMs)));
    const hubStoppedAt = Date.now();
    const crashes = fleet.crashes();
    await fleet.close();
    const channels = await channelFigures(db.prisma, sims.channels, writesAfter);
    const badFigures = (bad ?? {
      forged: { sent: 0, accepted: 0, statuses: {} },
      malformed: { sent: 0, refused: 0, storedIds: [], other: 0 },
    }) as BadWebhookFigures;
    const events = await eventFigures(db.prisma, badFigures.malformed.storedIds);
    const state = await stateFigures(db.prisma, [], strictSkuIds, Date.now() - hubStoppedAt);

    const breaches: string[] = [];
    for (const c of channels) {
      if (c.missing) breaches.push(`${c.accountId}: ${c.missing} of ${c.onChannel} orders never reached the hub`);
      if (c.extra) breaches.push(`${c.accountId}: ${c.extra} orders in the hub that the channel does not have`);
      if (c.duplicates) breaches.push(`${c.accountId}: ${c.duplicates} orders stored twice`);
      if (c.listingsOff.length)
        breaches.push(
          `${c.accountId}: ${c.listingsOff.length} listings off target, e.g. ${c.listingsOff.slice(0, 3).join(', ')}`,
        );
      if (c.writesAfterConvergence)
        breaches.push(`${c.accountId}: ${c.writesAfterConvergence} stock writes after convergence`);
    }
    if (convergedMs === null) breaches.push('the hub did not settle within the time allowed');
    if (!bad) breaches.push('the forged and malformed webhooks were never sent');
    if (badFigures.forged.accepted) breaches.push(`${badFigures.forged.accepted} forged webhooks accepted`);
    if (badFigures.malformed.other)
      breaches.push(`${badFigures.malformed.other} malformed webhooks neither refused (4xx) nor stored`);
    if (events.malformedWithoutException)
      breaches.push(`${events.malformedWithoutException} malformed events stored without an open exception`);
    if (events.failedOther)
      breaches.push(
        `${events.failedOther} channel events the hub could not apply, e.g. ${events.failedSample.join(' | ')}`,
      );
    if (state.strictOversold) breaches.push(`${state.strictOversold} orders oversold on strict SKUs`);
    if (state.ledgerMismatches)
      breaches.push(`${state.ledgerMismatches} levels differ from the sum of their movements`);
    if (state.invariantBreaches) breaches.push(`${state.invariantBreaches} levels break 0 <= reserved <= on hand`);
    if (state.stalePendingEvents) breaches.push(`${state.stalePendingEvents} events waited over a minute untried`);
    if (sims.tillUndelivered()) breaches.push(`${sims.tillUndelivered()} till events never answered 2xx`);

    return {
      options: o,
      channels,
      events,
      state,
      traffic,
      otherSales,
      door: { ...door.counts, perSecond: door.counts.received / trafficSeconds },
      fleetStartMs: fleetUpAt - fleetStartedAt,
      stockedMs,
      kills,
      crashes,
      redisStops,
      outageAnswers: first.counts.outageAnswers,
      lostStockAnswers: second.counts.lostStockAnswers,
      bad: badFigures,
      tillUndelivered: sims.tillUndelivered(),
      ordersInMs,
      recovery: [...recovery.values()],
      afterConvergence,
      convergedMs,
      breaches,
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}
