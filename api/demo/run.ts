// The whole demo as one object: a clean embedded database, the simulated shops, the seeded
// merchant, the hub and the traffic. main.ts runs it from the command line; the tests run it
// in process on random ports.
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pino, { type DestinationStream } from 'pino';
import { createApiKey } from '../../core/auth/api-keys.ts';
import { systemClock } from '../../core/clock.ts';
import type { LogLevel } from '../../core/config.ts';
import { resolveSecretKey } from '../../core/crypto/secret-key.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { defaultConnectors } from '../../connectors/registry.ts';
import { jobId } from '../../sync/queue/job-id.ts';
import type { SyncTuning } from '../../sync/runtime.ts';
import { DEMO_CURRENCY, demoCatalogue, LOCATIONS } from './catalogue.ts';
import { type RunningHub, startHub } from '../hub.ts';
import { saveSmtpSettings } from '../../core/notifications/settings.ts';
import { startMailSink } from '../../sync/notifications/dev-sink.ts';
import { type DemoSetup, seedDemo } from './seed.ts';
import { readSeedDir, replaySeed, type SeedRecords, type SeedReport } from './seed-files.ts';
import { type DemoSimulators, startDemoSimulators } from './simulators.ts';
import { DEMO_CHANNEL_KEYS, type DemoChannel, type DemoChannelKey, startBuyers } from './channel.ts';
import { startDemoChannels } from './channels.ts';
import { startTraffic, type Traffic, type TrafficEvent } from './traffic.ts';

export interface DemoOptions {
  port: number;
  host: string;
  /** Wiped at start: every demo starts clean. */
  dataDir: string;
  seedDir: string | null;
  ratePerMinute: number;
  logLevel: LogLevel;
  /** Where the hub's JSON logs go; default `<dataDir>/hub.log`. */
  logDestination?: DestinationStream;
  trafficSeed?: number;
  /** Demo store staff prepare / hand over pickups this long after the previous step (0: never). */
  staffDelayMs?: number;
  housekeepingMs?: number;
  syncTuning?: Partial<SyncTuning>;
  onTraffic?: (e: TrafficEvent) => void;
  /**
   * The channels beside the Shopify shops (channels.ts): the Amazon seller, the eBay seller, the
   * Square till at the flagship store. Default: all of them; [] runs the Shopify shops alone.
   */
  channels?: readonly DemoChannelKey[];
}

export interface Demo {
  url: string;
  landingUrl: string;
  staffUrl: string;
  docsUrl: string;
  /** The development mail sink's list of the customer notifications sent (JSON). */
  mailsUrl: string;
  adminKey: string;
  dataDir: string;
  logFile: string | null;
  db: Database;
  sims: DemoSimulators;
  /** The channels beside the Shopify shops, in DemoOptions.channels order. */
  channels: DemoChannel[];
  /** What a channel shows now for a listing: read from its simulator, null when unknown. */
  shows(accountId: string, externalStockId: string): number | null;
  setup: DemoSetup;
  hub: RunningHub;
  /** The Shopify shops' traffic (web, POS, click-and-collect, cancellations, refunds, housekeeping). */
  traffic: Traffic;
  /** Stops every buyer: the Shopify traffic and the other channels' buyers; waits for the action in progress. */
  stopTraffic(): Promise<void>;
  seedReport: SeedReport | null;
  /**
   * Waits until every channel event is processed, every change dispatched and every listing
   * shows its target on its channel; true when that happened within `timeoutMs`.
   */
  settle(timeoutMs: number): Promise<boolean>;
  /**
   * The listings whose channel does not show their target now (what settle() waits for), with
   * what the hub last sent and believes, and its open submission if any: why it is behind.
   */
  behind(): Promise<BehindListing[]>;
  stop(): Promise<void>;
}

export interface BehindListing {
  accountId: string;
  externalStockId: string | null;
  target: number | null;
  shows: number | null;
  sent: { qty: number | null; at: string | null };
  confirmed: { qty: number | null; at: string | null };
  error: string | null;
  openSubmission: { quantity: number; submittedAt: string } | null;
}

/** Written into a demo data directory: only such a directory (or an empty one) is ever wiped. */
export const DEMO_MARKER = '.omnihub-demo';

export class DemoDataDirError extends Error {
  constructor(dir: string) {
    super(
      `${dir} exists, is not empty and was not made by the demo; the demo wipes its data directory at every ` +
        'start, so it refuses to touch this one. Choose another --data-dir (default ./data/demo).',
    );
    this.name = 'DemoDataDirError';
  }
}

/** Empties the data directory, refusing one that holds something other than an earlier demo. */
export async function wipeDataDir(dir: string): Promise<void> {
  const abs = resolve(dir);
  if (existsSync(abs)) {
    const entries = await readdir(abs);
    if (entries.length > 0 && !entries.includes(DEMO_MARKER)) throw new DemoDataDirError(dir);
    await rm(abs, { recursive: true, force: true });
  }
  await mkdir(abs, { recursive: true, mode: 0o700 });
  await writeFile(
    join(abs, DEMO_MARKER),
    'This directory belongs to the omnihub demo and is wiped each time the demo starts.\n',
  );
}

function localTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export async function startDemo(o: DemoOptions): Promise<Demo> {
  // Read the seed files first: a mistake in them should stop the demo before anything starts.
  let records: SeedRecords | null = null;
  if (o.seedDir) records = await readSeedDir(o.seedDir);

  await wipeDataDir(o.dataDir);
  const logFile = o.logDestination ? null : join(o.dataDir, 'hub.log');
  const logger: Logger = createLogger(
    { logLevel: o.logLevel, nodeEnv: 'development' },
    o.logDestination ?? pino.destination({ dest: logFile as string, sync: false }),
  );

  const cleanups: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const secretKey = await resolveSecretKey({ secretKey: undefined, dataDir: o.dataDir }, logger);
    const db = await openDatabase({ dataDir: join(o.dataDir, 'db') });
    cleanups.push(() => db.close());

    const sims = await startDemoSimulators({ host: o.host, currency: DEMO_CURRENCY });
    cleanups.push(() => sims.close());

    const connectors = defaultConnectors();
    const shopify = connectors.shopify;
    if (!shopify) throw new Error('this build has no Shopify connector');
    const setup = await seedDemo({
      prisma: db.prisma,
      secretKey,
      connector: shopify,
      shops: sims.shops,
      catalogue: demoCatalogue(),
      timezone: localTimezone(),
    });
    const channels = await startDemoChannels(
      { prisma: db.prisma, secretKey, connectors, host: o.host, currency: DEMO_CURRENCY, ...setup },
      o.channels ?? DEMO_CHANNEL_KEYS,
    );
    for (const c of channels) cleanups.push(() => c.close());
    const byAccount = new Map(channels.map((c) => [c.accountId, c]));
    // What a channel shows for a listing: its own simulator's reading, else a Shopify shop's.
    const shows = (accountId: string, stockId: string) => {
      const channel = byAccount.get(accountId);
      return channel ? channel.shows(stockId) : sims.shows(accountId, stockId);
    };
    const { key: adminKey } = await createApiKey(db.prisma, { name: 'demo admin key', role: 'admin' });

    // Customer notifications go to a local SMTP sink whose mails are listed over HTTP.
    const sink = await startMailSink({ host: o.host });
    cleanups.push(() => sink.stop());
    const mailsUrl = await sink.serveList();
    await saveSmtpSettings(db.prisma, secretKey, {
      host: sink.host,
      port: sink.port,
      secure: false,
      user: 'demo',
      password: 'demo',
      from: 'Harbour & Pine <orders@harbour-and-pine.example>',
      enabled: true,
    });

    const hotCodes = setup.hotCodes;
    // The demo's one clock: the hub and the simulated staff read the same time.
    const clock = systemClock;
    const hub = await startHub({
      db,
      secretKey,
      connectors,
      logger,
      clock,
      host: o.host,
      port: o.port,
      // The drift check leaves a channel showing less than the hub believes alone while a sale
      // there may still be on its way (2 minutes in production); the simulators deliver every
      // order within a second, so a demo waits 10 s, not minutes, for a raced quantity's repair.
      syncTuning: { reconcileGraceMs: 10_000, ...o.syncTuning },
      // A sandbox of simulated shops: its overview is public (a real hub's needs a key).
      publicLanding: true,
      landing: {
        title: 'omnihub demo',
        subtitle: [
          'Harbour & Pine',
          `${sims.shops.length} Shopify shops (one selling at the counter through Shopify POS)`,
          ...channels.map((c) => c.name),
          `${LOCATIONS.length} locations`,
          `${setup.catalogue.length} SKUs`,
        ].join(' · '),
        notice:
          `A sandbox: simulated shops and buyers (${o.ratePerMinute} orders a minute), an embedded database in ` +
          `${o.dataDir} that is wiped at the next start.`,
        hotSkus: () => hotCodes,
        channelQuantity: (l) => shows(l.accountId, l.externalStockId),
      },
    });
    cleanups.push(() => hub.stop());
    sims.pointWebhooksAt(hub.url);
    const buyers = channels.map((c) => {
      c.pointNotificationsAt(hub.url);
      return startBuyers(c, setup.catalogue, o.ratePerMinute);
    });
    const stopBuyers = () => Promise.all(buyers.map((stop) => stop()));
    cleanups.push(stopBuyers);

    const seedReport = records ? await replaySeed(records, { prisma: db.prisma, shops: sims.shops }) : null;
    if (seedReport?.addedSkus.length) await hub.sync.sweep();

    const traffic = startTraffic({
      prisma: db.prisma,
      shops: sims.shops,
      catalogue: setup.catalogue,
      skuIds: setup.skuIds,
      ratePerMinute: o.ratePerMinute,
      clock,
      seed: o.trafficSeed ?? randomInt(2 ** 31),
      ...(o.staffDelayMs === undefined ? {} : { staffDelayMs: o.staffDelayMs }),
      ...(o.housekeepingMs === undefined ? {} : { housekeepingMs: o.housekeepingMs }),
      logger,
      ...(o.onTraffic ? { onEvent: o.onTraffic } : {}),
    });
    cleanups.push(() => traffic.stop());

    const behind = async (): Promise<BehindListing[]> => {
      const listings = await db.prisma.listing.findMany({
        include: { submissions: { where: { status: 'open' }, take: 1 } },
      });
      const iso = (d: Date | null) => d?.toISOString() ?? null;
      return listings
        .map((l) => ({
          accountId: l.accountId,
          externalStockId: l.externalStockId,
          target: l.targetQty,
          shows: l.externalStockId ? shows(l.accountId, l.externalStockId) : null,
          sent: { qty: l.lastSentQty, at: iso(l.lastSentAt) },
          confirmed: { qty: l.lastConfirmedQty, at: iso(l.lastConfirmedAt) },
          error: l.lastError,
          openSubmission: l.submissions[0]
            ? { quantity: l.submissions[0].quantity, submittedAt: l.submissions[0].submittedAt.toISOString() }
            : null,
        }))
        .filter((l) => l.target === null || l.shows !== l.target);
    };

    // A shop puts the units of a restocked refund or cancellation back on sale by itself, and a
    // quantity written while a buyer was checking out can land after the sale (Amazon applies an
    // accepted patch minutes later): the hub learns both from its drift check (stock.reconcile),
    // which settle() runs on every channel every few seconds.
    const accountIds = [...sims.shops.map((s) => s.accountId), ...channels.map((c) => c.accountId)];
    const settle = async (timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      let reconciledAt = 0;
      while (Date.now() < until) {
        if (Date.now() - reconciledAt > 3_000) {
          reconciledAt = Date.now();
          for (const accountId of accountIds) {
            await hub.sync.queue.add(
              'stock.reconcile',
              { accountId },
              { jobId: jobId('settle-reconcile', accountId, reconciledAt) },
            );
          }
        }
        await hub.sync.flush();
        const [row] = await db.prisma.$queryRaw<{ inbox: bigint; outbox: bigint }[]>`
          SELECT (SELECT count(*) FROM inbox_events WHERE processed_at IS NULL AND attempts < 10) AS inbox,
                 (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL) AS outbox`;
        if (Number(row?.inbox ?? 1) === 0 && Number(row?.outbox ?? 1) === 0 && (await behind()).length === 0)
          return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };

    let stopped: Promise<void> | null = null;
    const base = hub.url;
    return {
      url: base,
      landingUrl: `${base}/`,
      staffUrl: `${base}/staff`,
      docsUrl: `${base}/docs`,
      mailsUrl,
      adminKey,
      dataDir: o.dataDir,
      logFile,
      db,
      sims,
      channels,
      shows,
      setup,
      hub,
      traffic,
      async stopTraffic() {
        await Promise.all([stopBuyers(), traffic.stop()]);
      },
      seedReport,
      settle,
      behind,
      stop() {
        stopped ??= (async () => {
          await unwind();
          await new Promise<void>((done) => logger.flush(() => done()));
        })();
        return stopped;
      },
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}
