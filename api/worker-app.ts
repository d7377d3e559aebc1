/**
 * The Worker's app and fetch handler (the entry `api/worker.ts` re-exports
 * `workerHandler` as its default export: a Worker's entry module may export
 * only handlers, so the helpers live here).
 *
 * The same hono app as `api/main.ts`, with Worker-sized dependencies:
 * - no embedded PGlite: the database is PostgreSQL reached through a Hyperdrive
 *   binding `HYPERDRIVE` (preferred) or the `DATABASE_URL` variable/secret;
 * - logs are JSON lines through `console.log` (see `worker-logger.ts`);
 * - the version comes from package.json, inlined by wrangler's esbuild.
 *
 * The app is built once per isolate (per `env` object) and reused. The health
 * probe opens one `pg` Client per probe and ends it (Workers do not share I/O
 * objects between requests); the connection's tear-down is handed to
 * `ctx.waitUntil`, so a slow or timed-out probe never delays the response and
 * is not cut off when the response has gone. Needs `nodejs_compat`.
 *
 * It serves the read-only REST API (worker-api.ts: orders, inventory levels, exceptions; writes
 * answer 501 use_origin) when a database is set, else /api/v1 answers 503.
 * It also serves the webhook doors (`/webhooks/:accountId`, `/webhooks/channel/:type`) when
 * both a database and OMNIHUB_SECRET_KEY are set (worker-webhooks.ts); without them those
 * paths answer 503, so channels deliver again later. Nothing Node-only is bundled: the
 * build test (tests/worker/worker-build.test.ts) reads the bundle for it.
 */
import type { ExecutionContext } from 'hono';
import pg from 'pg';
import { version as packageVersion } from '../package.json';
import { type App, createApp } from './app.ts';
import { type DatabaseProbe, type HealthReport, makeHealthCheck } from './health.ts';
import { parseSecretKey } from '../core/crypto/secrets.ts';
import { inRequest, keepAlive, requestSql, type WorkerContext } from './worker-db.ts';
import { createWorkerLogger } from './worker-logger.ts';
import { edgeApiRoutes, writeRefusal } from './worker-api.ts';
import { edgeWebhookRoutes } from './worker-webhooks.ts';

export type { WorkerContext } from './worker-db.ts';

/** The bindings this Worker reads. */
export interface WorkerEnv {
  /** PostgreSQL URL (set it as a secret: `wrangler secret put DATABASE_URL`). */
  DATABASE_URL?: string;
  /** Hyperdrive binding; when present it wins over DATABASE_URL. */
  HYPERDRIVE?: { connectionString: string };
  /** Per-probe time limit in ms (a `[vars]` string; default 2000). */
  HEALTH_TIMEOUT_MS?: string;
  /** The hub's credential key (a secret: `wrangler secret put OMNIHUB_SECRET_KEY`), as on the Node processes. */
  OMNIHUB_SECRET_KEY?: string;
  /** The public origin channels call (URL-covering signatures, eBay's endpoint check), as on Node. */
  OMNIHUB_PUBLIC_URL?: string;
  /** Accepted as an admin key by the read-only API, as on Node (a secret). */
  OMNIHUB_ADMIN_TOKEN?: string;
  /** Where the origin hub's API is: named in the answer to a write sent to the edge. */
  OMNIHUB_ORIGIN_URL?: string;
}

export const VERSION: string = packageVersion;

/** Why `/health` reports the database down when no connection is configured. */
export const NOT_CONFIGURED = 'not configured';

const DEFAULT_TIMEOUT_MS = 2000;

/** Hyperdrive first, then DATABASE_URL; `undefined` when neither is set. */
export function databaseUrl(env: WorkerEnv): string | undefined {
  const fromHyperdrive = env.HYPERDRIVE?.connectionString;
  if (typeof fromHyperdrive === 'string' && fromHyperdrive !== '') return fromHyperdrive;
  const url = env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

function timeoutFrom(env: WorkerEnv): number {
  const n = Number(env.HEALTH_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

/** `SELECT 1` on a fresh connection, closed afterwards (in the background via waitUntil). */
function postgresProbe(connectionString: string, timeoutMs: number): DatabaseProbe {
  return {
    kind: 'postgres',
    ping() {
      const client = new pg.Client({
        connectionString,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
      });
      // A connection error after connect() would otherwise be an unhandled 'error' event.
      client.on('error', () => {});
      const query = client.connect().then(() => client.query('SELECT 1'));
      const done = query.then(
        () => client.end(),
        () => client.end(),
      );
      keepAlive(done);
      return query.then(() => undefined);
    },
  };
}

function notConfiguredHealth(): () => Promise<HealthReport> {
  const startedAt = performance.now();
  return async () => ({
    status: 'degraded',
    uptimeSeconds: Math.floor((performance.now() - startedAt) / 1000),
    database: { status: 'down', kind: 'postgres', latencyMs: 0, reason: NOT_CONFIGURED },
  });
}

/** Build the app for one isolate's bindings. */
export function buildWorkerApp(env: WorkerEnv, logger = createWorkerLogger()): App {
  const url = databaseUrl(env);
  const health = url
    ? makeHealthCheck(postgresProbe(url, timeoutFrom(env)), {
        timeoutMs: timeoutFrom(env),
        onProbeError: (component, err) => logger.warn({ component, err }, 'health probe failed'),
      })
    : notConfiguredHealth();
  if (url) {
    const via = databaseUrl({ HYPERDRIVE: env.HYPERDRIVE }) ? 'HYPERDRIVE' : 'DATABASE_URL';
    logger.info({ version: VERSION, database: 'postgres', via }, 'worker app ready');
  } else {
    logger.warn(
      { version: VERSION, database: 'postgres' },
      'no HYPERDRIVE binding or DATABASE_URL: /health reports the database down',
    );
  }
  const app = createApp({ health, version: VERSION, logger });
  const sql = url ? requestSql(url, timeoutFrom(env)) : undefined;
  // The read-only API: writes are refused first, whether or not a database is configured.
  app.use('/api/v1/*', writeRefusal(env.OMNIHUB_ORIGIN_URL?.trim() || undefined));
  if (sql) {
    app.route('/', edgeApiRoutes({ sql, logger, adminToken: env.OMNIHUB_ADMIN_TOKEN?.trim() || undefined }));
  } else {
    app.all('/api/v1/*', (c) =>
      c.json(
        {
          error: {
            code: 'not_configured',
            message: 'the edge API needs HYPERDRIVE or DATABASE_URL',
            requestId: c.get('requestId'),
          },
        },
        503,
      ),
    );
  }
  const secret = env.OMNIHUB_SECRET_KEY?.trim();
  if (sql && secret) {
    const publicUrl = env.OMNIHUB_PUBLIC_URL?.trim().replace(/\/+$/, '') || undefined;
    app.route('/', edgeWebhookRoutes({ sql, secretKey: parseSecretKey(secret), publicUrl, logger }));
  } else {
    const missing = url ? 'OMNIHUB_SECRET_KEY' : 'HYPERDRIVE or DATABASE_URL';
    logger.warn({ missing }, 'webhook doors closed: answered 503 until the setting is there');
    app.all('/webhooks/*', (c) =>
      c.json(
        { error: { code: 'not_configured', message: `the edge door needs ${missing}`, requestId: c.get('requestId') } },
        503,
      ),
    );
  }
  return app;
}

/** One app per isolate: `env` is the same object for every request of an isolate. */
const apps = new WeakMap<object, App>();

function appFor(env: WorkerEnv): App {
  let app = apps.get(env);
  if (!app) {
    app = buildWorkerApp(env);
    apps.set(env, app);
  }
  return app;
}

export const workerHandler = {
  fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response> {
    const app = appFor(env ?? {});
    return inRequest(ctx, async () => app.fetch(request, env, ctx as ExecutionContext));
  },
};
