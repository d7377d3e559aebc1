// The hub as one process runs it: the hono app (createApp) with the REST API, OpenAPI
// docs, webhook door and metrics (createApiRoutes), the staff pages at /staff, the
// landing page at /, and the synchronizer (startSync). `npm start` (api/main.ts) and
// the demo both start it here, so what the demo shows is what a merchant runs.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Database } from '../core/db/database.ts';
import { type ArchiveStores, archiveStores } from '../core/documents/archive/stores.ts';
import type { Logger } from '../core/log.ts';
import { type MetricsRegistry, metrics as processMetrics } from '../core/metrics/registry.ts';
import { JOB_NAMES } from '../sync/jobs.ts';
import { jobId } from '../sync/queue/job-id.ts';
import { type SyncOptions, type SyncRuntime, type SyncTuning, startSync } from '../sync/runtime.ts';
import { createStatusRoutes } from './status/routes.tsx';
import { createApp } from './app.ts';
import { Drain } from './drain.ts';
import type { QueueDepths } from './metrics/db-gauges.ts';
import { startMetricsListener } from './metrics/listener.ts';
import { type HealthProbe, makeHealthCheck } from './health.ts';
import { resolvePrincipal } from './auth/authenticate.ts';
import { prismaApiKeys } from '../core/auth/api-key-lookup.ts';
import { KeyCache } from './auth/key-cache.ts';
import { type ProcessRole, roleParts } from './process-roles.ts';
import { createLandingRoutes, type LandingAccess, type LandingDeps } from './landing/index.tsx';
import { createApiRoutes } from './rest/index.ts';
import { type RunningServer, startServer } from './server.ts';
import { createStaffRoutes } from './staff/index.ts';
import { VERSION } from './version.ts';

export interface HubOptions {
  db: Database;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  logger: Logger;
  host: string;
  port: number;
  /** Accepted as an admin bearer token as-is (OMNIHUB_ADMIN_TOKEN). */
  adminToken?: string | undefined;
  /** The hub's address as channels reach it (OMNIHUB_PUBLIC_URL): accounts added or tested subscribe their webhooks there. */
  publicUrl?: string | undefined;
  /** Accepted as admin too: the token the hub leaves for the local CLI (api/hub-file.ts). */
  localToken?: string | undefined;
  /** Archived documents go to files here (OMNIHUB_ARCHIVE_DIR); unset = the database. */
  archiveDir?: string | undefined;
  /** BullMQ on this Redis; unset = the in-process queue. */
  redisUrl?: string | undefined;
  /** Lets several processes without Redis coordinate schedules (advisory locks). */
  databaseUrl?: string | undefined;
  /** What the landing page shows beyond the database (the demo adds its simulators). */
  landing?: Omit<LandingDeps, 'prisma' | 'logger' | 'clock' | 'access'>;
  /**
   * The overview at "/" for everyone (the demo only). Otherwise it needs an admin or
   * read-only API key (or the admin token); "/" then says where to sign in.
   */
  publicLanding?: boolean;
  syncTuning?: Partial<SyncTuning>;
  /** The one clock every time rule of the hub reads (core/clock.ts); the system clock by default. */
  clock?: Clock;
  /** The registry /metrics renders and the synchronizer counts into (default: the process-wide one). */
  metrics?: MetricsRegistry;
  /** Which part of the hub this process runs (api/process-roles.ts); everything by default. */
  role?: ProcessRole;
  /** A second listener serving only GET /metrics, unauthenticated (OMNIHUB_METRICS_PORT; 0 = a free port). */
  metricsPort?: number | undefined;
  /** How customer notifications leave (tests): default the SMTP settings through nodemailer. */
  notifications?: SyncOptions['notifications'];
}

export interface RunningHub {
  url: string;
  server: RunningServer;
  sync: SyncRuntime;
  app: ReturnType<typeof createApp>;
  role: ProcessRole;
  /** The metrics-only listener's address, when `metricsPort` was given. */
  metricsUrl: string | undefined;
  /**
   * Drains and stops within about `budgetMs` (default 25 s): new requests get 503 while those
   * in flight finish, the server closes, jobs still running near the end are handed back.
   */
  stop(budgetMs?: number): Promise<void>;
}

export async function startHub(o: HubOptions): Promise<RunningHub> {
  const { db, secretKey, connectors, logger } = o;
  const clock = o.clock ?? systemClock;
  const role = o.role ?? 'all';
  const parts = roleParts(role);

  const documentStores = archiveStores(db.prisma, o.archiveDir);
  let listeningAt: string | undefined;
  // The synchronizer first: the API hands it webhook arrivals and "sync now" requests.
  const sync = await startSync({
    db,
    secretKey,
    connectors,
    logger,
    clock,
    redisUrl: o.redisUrl,
    databaseUrl: o.databaseUrl,
    roles: parts.sync,
    documentStores,
    // Read when a mail is made: the server's own address is known only once it listens (port 0).
    statusBaseUrl: () => o.publicUrl ?? listeningAt ?? `http://${o.host}:${o.port}`,
    ...(o.notifications ? { notifications: o.notifications } : {}),
    ...(o.syncTuning ? { tuning: o.syncTuning } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  const redis = o.redisUrl ? new Redis(o.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true }) : null;
  // While Redis is down the probe reports it; without a listener ioredis prints every retry.
  redis?.on('error', (err) => logger.debug({ err }, 'health probe: redis connection error'));
  const probes: Record<string, HealthProbe> = redis
    ? {
        redis: {
          ping: async () => {
            await redis.ping();
          },
        },
      }
    : {};

  const drain = new Drain();
  const app = createApp({
    health: makeHealthCheck(
      { kind: db.kind, ping: () => db.ping() },
      { probes, onProbeError: (component, err) => logger.warn({ component, err }, 'health probe failed') },
    ),
    version: VERSION,
    logger,
    process: { role, drain },
  });
  if (parts.http === 'full') mountHub(app, o, sync, documentStores);

  let server: RunningServer;
  let metricsServer: RunningServer | undefined;
  try {
    server = await startServer(app, { port: o.port, host: o.host }, logger);
    if (o.metricsPort !== undefined)
      metricsServer = await startMetricsListener({
        port: o.metricsPort,
        host: o.host,
        prisma: db.prisma,
        registry: o.metrics ?? processMetrics,
        logger,
        queueDepths: queueDepthsOf(sync),
      }).catch(async (e) => {
        await server.close(500);
        throw e;
      });
    listeningAt = server.url;
  } catch (e) {
    await sync.stop();
    redis?.disconnect();
    throw e;
  }
  return {
    url: server.url,
    metricsUrl: metricsServer?.url,
    server,
    sync,
    app,
    role,
    async stop(budgetMs = 25_000) {
      const deadline = Date.now() + budgetMs;
      drain.begin();
      // Half the budget for requests in flight; the jobs get what is left but a second. The
      // server keeps answering meanwhile (503, /health "draining") and closes last.
      if (!(await drain.idle(budgetMs / 2))) logger.warn('requests still in flight at shutdown: closing anyway');
      await sync.stop(Math.max(0, deadline - Date.now() - 1_000));
      await server.close(500);
      await metricsServer?.close(500);
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

/** The REST API, webhook doors, staff pages and landing page of the api role (and of all). */
function mountHub(
  app: ReturnType<typeof createApp>,
  o: HubOptions,
  sync: SyncRuntime,
  documentStores: ArchiveStores,
): void {
  const { db, secretKey, connectors, logger } = o;
  const clock = o.clock ?? systemClock;
  app.route(
    '/',
    createApiRoutes({
      prisma: db.prisma,
      // The door's inserts go before queued background work on PGlite's one connection; one
      // statement at a time there, so every delivery waiting meanwhile joins the next batch.
      doorPrisma: db.door,
      ...(db.kind === 'pglite' ? { webhookWriter: { maxInFlight: 1 } } : {}),
      secretKey,
      connectors,
      logger,
      clock,
      config: { adminToken: o.adminToken, publicUrl: o.publicUrl },
      documentStores,
      ...(o.localToken ? { localToken: o.localToken } : {}),
      ...(o.metrics ? { metrics: o.metrics } : {}),
      sync: {
        async syncNow(accountId) {
          await sync.queue.add('orders.poll', { accountId }, { jobId: jobId('poll-now', accountId, randomUUID()) });
          await sync.requestPush(accountId);
          return { queued: true };
        },
      },
      onInboxEvents: (accountId) => sync.requestInbox(accountId),
      onAccountChanged: (accountId) => sync.forgetAccount(accountId),
      queueDepths: queueDepthsOf(sync),
    }),
  );
  // The customer's status page: public, opened by the order's token alone.
  app.route('/o', createStatusRoutes({ prisma: db.prisma, clock, logger, documentStores }));
  app.route('/staff', createStaffRoutes({ prisma: db.prisma, secretKey, logger, clock }));
  const keys = new KeyCache(clock);
  const landingAccess: LandingAccess = o.publicLanding
    ? { public: true }
    : {
        public: false,
        mayView: async (secret) => {
          const p = await resolvePrincipal(
            { apiKeys: prismaApiKeys(db.prisma), adminToken: o.adminToken, keys },
            secret,
          );
          return p?.role === 'admin' || p?.role === 'readonly';
        },
      };
  app.route(
    '/',
    createLandingRoutes({ prisma: db.prisma, logger, clock, ...(o.landing ?? {}), access: landingAccess }),
  );
}

/** The job queues' depths, as /metrics reports them (waiting, running and delayed jobs per queue). */
function queueDepthsOf(sync: SyncRuntime): QueueDepths {
  return async () => {
    const out: Record<string, number> = {};
    for (const name of JOB_NAMES) {
      const c = await sync.queue.counts(name);
      out[name] = c.waiting + c.active + c.delayed;
    }
    return out;
  };
}
