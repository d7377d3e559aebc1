// The only code that talks to Shopify: @shopify/shopify-api's GraphqlClient for a custom
// store app (Admin API access token), with pacing against the cost bucket (throttle.ts),
// THROTTLED / 429 / 5xx handling and call accounting. Other files call request() with a
// named document from queries.ts and never see HTTP.
import '@shopify/shopify-api/adapters/web-api';
import {
  type ApiVersion,
  GraphqlQueryError,
  HttpInternalError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
  LogSeverity,
  shopifyApi,
} from '@shopify/shopify-api';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import { ConnectorError } from '../connector.ts';
import { networkTransport, type Transport } from '../transport.ts';
import type { ShopifyAccountConfig } from './config.ts';
import type { OperationName } from './queries.ts';
import type { Clock } from '../../core/clock.ts';
import { CostPacer, type QueryCost, readCost } from './throttle.ts';

// ---------------------------------------------------------------------------
// Transport routing. The library sends every request through one process-wide fetch
// (setAbstractFetchFunc), so each shop's Transport (connectors/transport.ts: in-process
// simulator, endpoint override, or the network) is looked up by host at call time; a host
// with no route goes to the network.

const routes = new Map<string, Transport>();

async function routedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  return (routes.get(new URL(request.url).host) ?? networkTransport)(request);
}

function installRouter(): void {
  setAbstractFetchFunc(routedFetch as typeof fetch);
}

/** Sends the shop's requests through `transport` from now on. */
export function routeShop(shop: string, transport: Transport): void {
  routes.set(shop, transport);
}

// ---------------------------------------------------------------------------

export interface ClientStats {
  /** HTTP requests sent, including throttled and failed ones. */
  calls: number;
  /** Sum of actualQueryCost Shopify charged. */
  costPoints: number;
  /** Sum of requestedQueryCost of the calls that ran. */
  requestedPoints: number;
  throttled: number;
  http429: number;
  serverErrors: number;
  /** Time spent waiting for the bucket or Retry-After, in ms (virtual time under a virtual clock). */
  waitedMs: number;
  byOperation: Record<string, { calls: number; costPoints: number }>;
}

function emptyStats(): ClientStats {
  return {
    calls: 0,
    costPoints: 0,
    requestedPoints: 0,
    throttled: 0,
    http429: 0,
    serverErrors: 0,
    waitedMs: 0,
    byOperation: {},
  };
}

export interface RequestOptions {
  /**
   * Whether the call may be repeated after a 5xx or a network error, when it may or may not
   * have run: true for reads and for mutations protected by @idempotent or compare-and-swap.
   * THROTTLED and 429 are always retried: Shopify did not run the call.
   */
  retrySafe: boolean;
  /** The call's requested cost when the caller priced it (query-cost.ts): paced on that, not on a guess. */
  requestedCost?: number;
}

/** First guess of a call's requested cost before Shopify has told us (then learned per operation). */
const DEFAULT_COST_GUESS = 50;
const MAX_THROTTLED_RETRIES = 30;
const MAX_SERVER_RETRIES = 4;

export class ShopifyClient {
  readonly stats: ClientStats = emptyStats();
  private readonly pacer: CostPacer;
  private readonly graphql: InstanceType<ReturnType<typeof shopifyApi>['clients']['Graphql']>;
  private readonly learnedCost = new Map<string, number>();

  constructor(
    readonly config: ShopifyAccountConfig,
    private readonly clock: Clock,
  ) {
    if (!config.accessToken) {
      throw new ConnectorError('invalid_credentials', `${config.shop}: credentials.accessToken is missing`, {
        retryable: false,
      });
    }
    installRouter();
    const shopify = shopifyApi({
      // The API secret only signs webhooks, which webhooks.ts verifies itself.
      apiSecretKey: config.webhookSecrets[0] ?? 'unused-by-this-client',
      adminApiAccessToken: config.accessToken,
      isCustomStoreApp: true,
      isEmbeddedApp: false,
      apiVersion: config.apiVersion as ApiVersion,
      hostName: 'omnihub.invalid',
      logger: { level: LogSeverity.Error, log: () => undefined },
    });
    this.graphql = new shopify.clients.Graphql({ session: shopify.session.customAppSession(config.shop) });
    this.pacer = new CostPacer(clock);
  }

  /** The bucket as last reported, refilled to now (null before the first call). */
  bucket() {
    return this.pacer.snapshot();
  }

  async request<T>(
    op: OperationName,
    document: string,
    variables: Record<string, unknown>,
    opts: RequestOptions,
  ): Promise<T> {
    let throttledRetries = 0;
    let serverRetries = 0;
    let rateRetries = 0;
    for (;;) {
      const estimate = opts.requestedCost ?? this.learnedCost.get(op) ?? DEFAULT_COST_GUESS;
      this.stats.waitedMs += await this.pacer.acquire(estimate);
      this.stats.calls += 1;
      const perOp = this.stats.byOperation[op] ?? { calls: 0, costPoints: 0 };
      this.stats.byOperation[op] = perOp;
      perOp.calls += 1;
      try {
        const res = await this.graphql.request(document, { variables, retries: 0 });
        const cost = readCost(res.extensions);
        this.pacer.settle(estimate, cost);
        this.account(op, cost);
        return res.data as T;
      } catch (error) {
        const cost =
          error instanceof GraphqlQueryError
            ? readCost((error.body as { extensions?: unknown } | undefined)?.extensions)
            : null;
        this.pacer.settle(estimate, cost);
        if (error instanceof GraphqlQueryError && isThrottled(error)) {
          this.stats.throttled += 1;
          if (cost) this.learnedCost.set(op, cost.requestedQueryCost);
          if (++throttledRetries > MAX_THROTTLED_RETRIES)
            throw retryable('throttled', `${op}: still throttled after ${MAX_THROTTLED_RETRIES} waits`, error);
          await this.wait(this.pacer.delayAfterThrottle(cost?.requestedQueryCost ?? estimate));
          continue;
        }
        if (error instanceof HttpThrottlingError) {
          this.stats.http429 += 1;
          if (++rateRetries > MAX_THROTTLED_RETRIES)
            throw retryable('http_429', `${op}: 429 after ${MAX_THROTTLED_RETRIES} retries`, error);
          const after = error.response.retryAfter;
          await this.wait(after && after > 0 ? after * 1000 : backoff(rateRetries));
          continue;
        }
        if (error instanceof HttpInternalError || error instanceof HttpRequestError) {
          this.stats.serverErrors += 1;
          if (opts.retrySafe && ++serverRetries <= MAX_SERVER_RETRIES) {
            await this.wait(backoff(serverRetries));
            continue;
          }
          throw retryable(
            error instanceof HttpInternalError ? 'server_error' : 'network',
            `${op}: ${error.message}`,
            error,
          );
        }
        throw classify(op, error);
      }
    }
  }

  private account(op: string, cost: QueryCost | null): void {
    if (!cost) return;
    this.learnedCost.set(op, cost.requestedQueryCost);
    const actual = cost.actualQueryCost ?? cost.requestedQueryCost;
    this.stats.costPoints += actual;
    this.stats.requestedPoints += cost.requestedQueryCost;
    const perOp = this.stats.byOperation[op];
    if (perOp) perOp.costPoints += actual;
  }

  private async wait(ms: number): Promise<void> {
    this.stats.waitedMs += ms;
    await this.clock.sleep(ms);
  }
}

function backoff(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** (attempt - 1));
}

function graphQLErrors(error: GraphqlQueryError): { message?: string; extensions?: { code?: string } }[] {
  const body = error.body as { errors?: { graphQLErrors?: unknown } } | undefined;
  const list = body?.errors?.graphQLErrors;
  return Array.isArray(list) ? list : [];
}

function isThrottled(error: GraphqlQueryError): boolean {
  return graphQLErrors(error).some((e) => e.extensions?.code === 'THROTTLED');
}

function retryable(code: string, message: string, cause: unknown): ConnectorError {
  return new ConnectorError(code, message, { retryable: true, cause });
}

function classify(op: string, error: unknown): ConnectorError {
  if (error instanceof GraphqlQueryError) {
    const first = graphQLErrors(error)[0];
    const code = first?.extensions?.code ?? 'GRAPHQL_ERROR';
    const transient = code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE';
    return new ConnectorError(code.toLowerCase(), `${op}: ${first?.message ?? error.message}`, {
      retryable: transient,
      cause: error,
    });
  }
  if (error instanceof HttpResponseError) {
    const status = error.response.code;
    const code = status === 401 || status === 403 ? 'unauthorized' : `http_${status}`;
    return new ConnectorError(code, `${op}: HTTP ${status} ${error.response.statusText}`, {
      retryable: false,
      cause: error,
    });
  }
  if (error instanceof ConnectorError) return error;
  return new ConnectorError('unexpected', `${op}: ${error instanceof Error ? error.message : String(error)}`, {
    retryable: true,
    cause: error,
  });
}
