// The only code that talks to the SP-API: a small typed fetch client over the connector
// Transport (the `amazon-sp-api` package is not used: README, "Client"). Per call it waits for
// the operation's bucket (account.acquire, else LocalBuckets), signs with the LWA access token,
// renews the token once on 403 Unauthorized (account.refreshCredentials() when the sync runtime
// offers it, so all processes share one renewal), turns 429 QuotaExceeded into a retryable
// ConnectorError carrying when to come back, retries reads on 5xx, and counts calls.
import type { Clock } from '../../core/clock.ts';
import type { AccountContext } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import type { Transport } from '../transport.ts';
import type { AmazonAccountConfig } from './config.ts';
import { type AccessToken, requestAccessToken, TOKEN_MARGIN_MS } from './lwa.ts';
import { type AmazonOperation, OPERATIONS } from './operations.ts';
import type { SpErrorList } from './payloads.ts';
import type { LocalBuckets } from './throttle.ts';

export interface ClientStats {
  /** SP-API requests sent (LWA and document uploads not included). */
  calls: number;
  byOperation: Record<string, number>;
  throttled: number;
  tokenRequests: number;
  serverErrors: number;
}

export function emptyStats(): ClientStats {
  return { calls: 0, byOperation: {}, throttled: 0, tokenRequests: 0, serverErrors: 0 };
}

export interface SpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: unknown;
  /** Statuses the caller reads itself (e.g. 404 for an unknown order, 400 of confirmShipment). */
  accept?: readonly number[];
}

export interface SpAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** Without a rate header, a 429 is retried after this long (searchOrders restores one token in ~179 s). */
function defaultRetryAfterMs(op: AmazonOperation): number {
  return Math.ceil(1000 / OPERATIONS[op].ratePerSecond);
}

const READ_RETRIES = 3;

export class AmazonClient {
  readonly stats: ClientStats = emptyStats();
  /** Tokens this connector bought itself (outside the sync runtime), by account id. */
  private readonly tokens = new Map<string, AccessToken>();

  constructor(
    private readonly clock: Clock,
    private readonly buckets: LocalBuckets,
  ) {}

  /** The account's current access token, buying one when none is held. */
  private async token(
    account: AccountContext,
    cfg: AmazonAccountConfig,
    transport: Transport,
  ): Promise<{ token: string; account: AccountContext }> {
    const given = account.credentials.accessToken;
    if (given) return { token: given, account };
    const mine = this.tokens.get(account.id);
    if (mine && mine.expiresAtMs - TOKEN_MARGIN_MS > this.clock.nowMs()) return { token: mine.token, account };
    return this.renew(account, cfg, transport);
  }

  /** A new access token: through the runtime (shared, one renewal across processes) or directly. */
  private async renew(
    account: AccountContext,
    cfg: AmazonAccountConfig,
    transport: Transport,
  ): Promise<{ token: string; account: AccountContext }> {
    this.tokens.delete(account.id);
    if (account.refreshCredentials) {
      const fresh = await account.refreshCredentials();
      const token = fresh.credentials.accessToken;
      if (token && token !== account.credentials.accessToken) return { token, account: fresh };
    }
    this.stats.tokenRequests += 1;
    const bought = await requestAccessToken(cfg, transport, this.clock.nowMs());
    this.tokens.set(account.id, bought);
    return { token: bought.token, account: { ...account, credentials: { ...account.credentials, accessToken: '' } } };
  }

  /** Forgets the token held for an account (its refresh token changed, or Amazon refused it). */
  forget(accountId: string): void {
    this.tokens.delete(accountId);
  }

  /** One SP-API call; a renewed token's account replaces `ctx.account` for the calls that follow. */
  async call<T>(
    ctx: { account: AccountContext; cfg: AmazonAccountConfig; transport: Transport },
    op: AmazonOperation,
    req: SpRequest,
  ): Promise<SpAnswer<T>> {
    const { cfg, transport } = ctx;
    let current = ctx.account;
    let renewed = false;
    let serverRetries = 0;
    for (;;) {
      const { token, account: acc } = await this.token(current, cfg, transport);
      current = acc;
      ctx.account = acc;
      if (current.acquire) await current.acquire(op);
      else await this.buckets.take(`${current.id}|${op}`, OPERATIONS[op]);
      this.stats.calls += 1;
      this.stats.byOperation[op] = (this.stats.byOperation[op] ?? 0) + 1;
      let res: Response;
      try {
        res = await transport(buildRequest(cfg.endpoint, req, token));
      } catch (error) {
        if (req.method === 'GET' && ++serverRetries <= READ_RETRIES) {
          await this.clock.sleep(backoff(serverRetries));
          continue;
        }
        throw new ConnectorError('network', `${op}: ${(error as Error).message}`, { retryable: true, cause: error });
      }
      const text = await res.text();
      const body = parse(text);
      if (res.status === 403 && isUnauthorized(body) && !renewed) {
        // An expired access token: renew once, then call again (README, "Tokens").
        renewed = true;
        const { account: after } = await this.renew(current, cfg, transport);
        current = after;
        ctx.account = after;
        continue;
      }
      if (res.status === 429) {
        this.stats.throttled += 1;
        throw new ConnectorError('throttled', `${op}: ${errorText(body, 'QuotaExceeded')}`, {
          retryable: true,
          retryAfterMs: retryAfter(res.headers, op),
        });
      }
      if (res.status >= 500) {
        this.stats.serverErrors += 1;
        if (req.method === 'GET' && ++serverRetries <= READ_RETRIES) {
          await this.clock.sleep(backoff(serverRetries));
          continue;
        }
        throw new ConnectorError('server_error', `${op}: HTTP ${res.status} ${errorText(body, '')}`, {
          retryable: true,
        });
      }
      if (res.ok || req.accept?.includes(res.status))
        return { status: res.status, body: body as T, headers: res.headers };
      if (res.status === 401 || res.status === 403) {
        throw new ConnectorError('unauthorized', `${op}: HTTP ${res.status} ${errorText(body, '')}`, {
          retryable: false,
        });
      }
      throw new ConnectorError(`http_${res.status}`, `${op}: ${errorText(body, `HTTP ${res.status}`)}`, {
        retryable: false,
      });
    }
  }
}

function buildRequest(endpoint: string, req: SpRequest, token: string): Request {
  const url = new URL(req.path, endpoint);
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (v === undefined) continue;
    // Arrays go comma-separated (the models' collectionFormat csv).
    url.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const headers: Record<string, string> = { 'x-amz-access-token': token, accept: 'application/json' };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  return new Request(url, {
    method: req.method,
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  });
}

function parse(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isUnauthorized(body: unknown): boolean {
  const errors = (body as SpErrorList | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => e.code === 'Unauthorized');
}

function errorText(body: unknown, fallback: string): string {
  const first = (body as SpErrorList | null)?.errors?.[0];
  if (!first) return fallback;
  return [first.code, first.message, first.details].filter(Boolean).join(': ');
}

/**
 * When a throttled call may go again: one token of the rate Amazon states in
 * x-amzn-RateLimit-Limit (requests per second), else of the model's default usage plan.
 */
export function retryAfter(headers: Headers, op: AmazonOperation): number {
  const stated = Number(headers.get('x-amzn-RateLimit-Limit'));
  if (Number.isFinite(stated) && stated > 0) return Math.ceil(1000 / stated);
  return defaultRetryAfterMs(op);
}

function backoff(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}

/** One account's view of the client: what every part of the connector calls through. */
export interface AmazonCtx {
  account: AccountContext;
  cfg: AmazonAccountConfig;
  transport: Transport;
  client: AmazonClient;
  clock: Clock;
}

export function spCall<T>(ctx: AmazonCtx, op: AmazonOperation, req: SpRequest): Promise<SpAnswer<T>> {
  return ctx.client.call<T>(ctx, op, req);
}
