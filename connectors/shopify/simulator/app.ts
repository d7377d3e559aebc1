// The simulated Admin GraphQL endpoint as a hono app:
// POST /admin/api/{version}/graphql.json. Order of checks as Shopify answers them:
// latency, access token (401), injected faults (429/5xx, nothing runs), operation lookup,
// single-query cost limit, bucket (THROTTLED with extensions.cost, nothing runs), then the
// operation, charged its actual cost, with extensions.cost on every answer.
import { Hono } from 'hono';
import type { Clock } from '../../../core/clock.ts';
import { type Bucket, priceCall, SINGLE_QUERY_LIMIT } from './cost.ts';
import { OPERATIONS, operationName } from './operations.ts';
import type { SimStore } from './state.ts';

export interface Fault {
  /** 401/403: the token was revoked or a scope withdrawn (the app was uninstalled, an admin changed its access). */
  status: 401 | 403 | 429 | 500 | 502 | 503 | 504;
  retryAfterSeconds?: number;
}

export interface SimStats {
  requests: number;
  byOperation: Record<string, number>;
  throttled: number;
  faults: number;
  unauthorized: number;
  /** Actual cost points charged. */
  costPoints: number;
  /** Requested cost of the calls that ran (their sum and the largest). */
  requestedPoints: number;
  maxRequested: number;
  /** Answers dropped after the operation ran (see faults.loseNextResponses). */
  lostResponses: number;
}

export interface AppDeps {
  store: SimStore;
  bucket: Bucket;
  clock: Clock;
  accessToken: string;
  faults: Fault[];
  /** Operations that run but whose answer is lost (a 502 after the work is done). */
  lostResponses: { count: number };
  latency: { ms: number };
  stats: SimStats;
  idempotency: Map<string, { fingerprint: string; data: unknown }>;
  orderChanged: (orderId: string) => void;
  refundCreated: (orderId: string, refundId: string) => void;
}

export function createSimulatorApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.post('/admin/api/:version/graphql.json', async (c) => {
    const { stats, bucket } = deps;
    stats.requests += 1;
    if (deps.latency.ms > 0) await deps.clock.sleep(deps.latency.ms);
    const version = c.req.param('version');
    if (!/^(\d{4}-\d{2}|unstable)$/.test(version)) return c.json({ errors: 'Not Found' }, 404);
    if (c.req.header('X-Shopify-Access-Token') !== deps.accessToken) {
      stats.unauthorized += 1;
      return c.json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401);
    }
    const fault = deps.faults.shift();
    if (fault) {
      stats.faults += 1;
      if (fault.status === 429) {
        c.header('Retry-After', String(fault.retryAfterSeconds ?? 1));
        return c.json(
          {
            errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
          },
          429,
        );
      }
      if (fault.status === 401) {
        stats.unauthorized += 1;
        return c.json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401);
      }
      if (fault.status === 403) {
        return c.json({ errors: '[API] This action requires merchant approval for read_orders scope.' }, 403);
      }
      return c.json({ errors: 'Internal Server Error' }, fault.status);
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return c.json({ errors: [{ message: 'Invalid JSON in request body' }] }, 400);
    }
    const op = operationName(body);
    const handler = op ? OPERATIONS[op] : undefined;
    if (!op || !handler) {
      return c.json({
        errors: [
          {
            message: `The simulator does not implement operation ${op ?? '(anonymous)'}`,
            extensions: { code: 'NOT_IMPLEMENTED' },
          },
        ],
      });
    }
    stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
    const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<
      string,
      unknown
    >;
    const query = typeof body.query === 'string' ? body.query : '';
    let price: ReturnType<typeof priceCall>;
    try {
      price = priceCall(query, variables);
    } catch (e) {
      return c.json({ errors: [{ message: `Parse error: ${(e as Error).message}` }] });
    }
    const requested = price.requested;
    if (requested > SINGLE_QUERY_LIMIT) {
      return c.json({
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_LIMIT}).`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: SINGLE_QUERY_LIMIT },
          },
        ],
        extensions: { cost: bucket.cost(requested, null) },
      });
    }
    if (!bucket.admits(requested)) {
      stats.throttled += 1;
      return c.json({
        errors: [
          {
            message: 'Throttled',
            extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
          },
        ],
        extensions: { cost: bucket.cost(requested, null) },
      });
    }
    const result = handler({
      store: deps.store,
      version,
      query,
      variables,
      orderChanged: deps.orderChanged,
      refundCreated: deps.refundCreated,
      idempotency: deps.idempotency,
    });
    const actual = Math.min(requested, result.data === undefined ? result.actualCost : price.actual(result.data));
    bucket.charge(actual);
    stats.costPoints += actual;
    stats.requestedPoints += requested;
    stats.maxRequested = Math.max(stats.maxRequested, requested);
    if (deps.lostResponses.count > 0) {
      // The work is done, the caller never hears: only idempotency makes a retry safe.
      deps.lostResponses.count -= 1;
      stats.lostResponses += 1;
      return c.json({ errors: 'Bad Gateway' }, 502);
    }
    return c.json({
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors ? { errors: result.errors } : {}),
      extensions: { cost: bucket.cost(requested, actual) },
    });
  });

  app.all('*', (c) => c.json({ errors: 'Not Found' }, 404));
  return app;
}
