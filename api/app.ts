/**
 * The HTTP application (hono). Runtime-neutral: no Node-only imports, so the
 * same app serves from `api/server.ts` on Node and from a Worker entry.
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import type { Drain } from './drain.ts';
import type { HealthReport } from './health.ts';

/** The slice of a (pino) logger the app needs. */
export interface AppLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AppDeps {
  health: () => Promise<HealthReport>;
  version: string;
  logger: AppLogger;
  /**
   * The process this app answers for (`omnihub start --role`): /health names the role and says
   * whether the process is draining (503 then), and new requests are refused while it drains.
   */
  process?: { role: string; drain: Drain };
}

/** Hono environment of the app: `c.get('requestId')` in every handler. */
export interface AppEnv {
  Variables: { requestId: string };
}

export type App = Hono<AppEnv>;

export const REQUEST_ID_HEADER = 'x-request-id';

/** An incoming request id is reused only if it is a short, plain token (no log or header injection). */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isSaneRequestId(value: string | undefined | null): value is string {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value);
}

export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'unprocessable_entity';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal' : 'bad_request';
  }
}

/** The status page's address is the customer's credential (/o/{token}): logged without it. */
export function loggedPath(path: string): string {
  return path.replace(/^\/o\/[^/]+/, '/o/[token]');
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

export function createApp(deps: AppDeps): App {
  const { logger } = deps;
  const app = new Hono<AppEnv>();

  // Request id + one access-log line per request (never headers, query strings or bodies).
  app.use('*', async (c, next) => {
    const start = performance.now();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = isSaneRequestId(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    try {
      await next();
    } finally {
      // c.res is final here, including responses built by notFound/onError.
      try {
        c.res.headers.set(REQUEST_ID_HEADER, requestId);
      } catch {
        // immutable headers (e.g. a Response passed through from fetch): copy it
        const res = new Response(c.res.body, c.res);
        res.headers.set(REQUEST_ID_HEADER, requestId);
        c.res = res;
      }
      logger.info(
        {
          method: c.req.method,
          path: loggedPath(c.req.path),
          status: c.res.status,
          ms: round(performance.now() - start),
          requestId,
        },
        'request',
      );
    }
  });

  const proc = deps.process;
  if (proc) app.use('*', proc.drain.middleware);

  app.get('/health', async (c) => {
    try {
      if (proc?.drain.draining) {
        // Not probed: the connections are closing; a load balancer only needs to stop sending here.
        return c.json({ status: 'draining' as const, version: deps.version, role: proc.role, draining: true }, 503);
      }
      const { status, ...rest } = await deps.health();
      const who = proc ? { role: proc.role, draining: false } : {};
      return c.json({ status, version: deps.version, ...who, ...rest }, status === 'ok' ? 200 : 503);
    } catch (err) {
      logger.error({ err, requestId: c.get('requestId') }, 'health check failed');
      return c.json({ status: 'degraded' as const, version: deps.version }, 503);
    }
  });

  app.notFound((c) => {
    const body: ErrorBody = {
      error: {
        code: 'not_found',
        message: `no route for ${c.req.method} ${c.req.path}`,
        requestId: c.get('requestId'),
      },
    };
    return c.json(body, 404);
  });

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    if (err instanceof HTTPException && err.status < 500) {
      // Deliberate client errors thrown by handlers and validators.
      if (err.res) return err.getResponse();
      const body: ErrorBody = {
        error: { code: codeForStatus(err.status), message: err.message || 'bad request', requestId },
      };
      return c.json(body, err.status as ContentfulStatusCode);
    }
    logger.error({ err, requestId, method: c.req.method, path: loggedPath(c.req.path) }, 'unhandled error');
    const status = err instanceof HTTPException ? err.status : 500;
    const body: ErrorBody = { error: { code: codeForStatus(status), message: 'internal error', requestId } };
    return c.json(body, status as ContentfulStatusCode);
  });

  return app;
}
