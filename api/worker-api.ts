/**
 * The read-only REST API on the edge (the Worker, api/worker-app.ts): the routes a merchant's
 * dashboards and integrations poll, answered by the Node API's own route files over plain SQL
 * on the request's `pg` connection (the Prisma client of this build does not run on workerd):
 *
 *   GET /api/v1/orders            orders/read-routes.ts over orders/sql-reads.ts
 *   GET /api/v1/orders/{id}       (idem)
 *   GET /api/v1/inventory/levels  inventory/level-routes.ts over inventory/sql-levels.ts
 *   GET /api/v1/exceptions        exception-list.ts over sql-exceptions.ts
 *
 * Same keys, roles and staff scope as on Node (authenticate.ts, policy.ts; keys found by
 * core/auth/api-key-lookup.ts in SQL), same validation, JSON and errors (the zod schemas of the
 * OpenAPI document; api-error.ts). Other GETs under /api/v1 answer 404 saying the origin serves
 * them. Writes are refused before the key is read (writeRefusal): 501, the edge never writes.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { sqlApiKeys } from '../core/auth/api-key-lookup.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { RawSql } from '../core/db/sql.ts';
import type { AppEnv, AppLogger } from './app.ts';
import { authenticate } from './auth/authenticate.ts';
import { KeyCache } from './auth/key-cache.ts';
import { authorize } from './auth/policy.ts';
import { ApiError, apiErrorHandler, readErrors } from './rest/api-error.ts';
import type { ApiEnv } from './rest/deps.ts';
import { exceptionListRoutes } from './rest/exception-list.ts';
import { levelReadRoutes } from './rest/inventory/level-routes.ts';
import { sqlLevelReads } from './rest/inventory/sql-levels.ts';
import { orderReadRoutes } from './rest/orders/read-routes.ts';
import { sqlOrderReads } from './rest/orders/sql-reads.ts';
import { newRouter } from './rest/router.ts';
import { sqlExceptionReads } from './rest/sql-exceptions.ts';

/** The methods the edge answers under /api/v1. */
export const EDGE_API_METHODS = ['GET', 'HEAD'] as const;

/** The code of the answer to a write at the edge. */
export const USE_ORIGIN = 'use_origin';

export interface EdgeApiOptions {
  sql: RawSql;
  logger: AppLogger;
  /** OMNIHUB_ADMIN_TOKEN, accepted as an admin key as on Node. */
  adminToken?: string | undefined;
  clock?: Clock;
}

/**
 * 501 for anything but GET/HEAD under /api/v1, before authentication (the answer is the same
 * for everyone, and costs no database round trip). 501 rather than 405: the edge implements no
 * write at all, whatever the path, and a 405's Allow header would wrongly claim GET works on
 * write-only paths. The message names the origin when OMNIHUB_ORIGIN_URL says where it is.
 */
export function writeRefusal(origin: string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method.toUpperCase();
    if ((EDGE_API_METHODS as readonly string[]).includes(method)) return next();
    const where = origin ? `the origin hub at ${origin}` : 'the origin hub (not this edge address)';
    const message = `the edge serves the read-only API (GET only): send ${method} ${c.req.path} to ${where}`;
    return c.json({ error: { code: USE_ORIGIN, message, requestId: c.get('requestId') } }, 501);
  };
}

export function edgeApiRoutes(o: EdgeApiOptions): OpenAPIHono<ApiEnv> {
  const clock = o.clock ?? systemClock;
  const root = newRouter();
  root.onError(apiErrorHandler(o.logger, readErrors));
  root.use(
    '/api/v1/*',
    authenticate({
      apiKeys: sqlApiKeys(o.sql),
      adminToken: o.adminToken,
      logger: o.logger,
      // Per isolate: a revocation shows within the cache's few seconds, as across Node processes.
      keys: new KeyCache(clock),
      clock,
    }),
    authorize(),
  );
  const v1 = newRouter();
  v1.route('/', orderReadRoutes(sqlOrderReads(o.sql)));
  v1.route('/', levelReadRoutes(sqlLevelReads(o.sql)));
  v1.route('/', exceptionListRoutes(sqlExceptionReads(o.sql)));
  v1.get('*', notServedHere);
  root.route('/api/v1', v1);
  return root;
}

function notServedHere(c: Context): never {
  throw new ApiError(
    404,
    'not_found',
    `GET ${c.req.path} is not served at the edge (it serves orders, inventory levels and exceptions): ask the origin hub`,
  );
}
