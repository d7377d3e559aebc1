// The only code that talks to eBay's REST and Trading APIs, over the connector Transport:
// the user token (renewed through the platform's account.refreshCredentials() when eBay says
// it expired: 401 errorId 1001 on most APIs, 403 on the Inventory API, Trading error
// 21917053), the shared rate-limit buckets (account.acquire), 429 → ConnectorError with
// retryAfterMs, 5xx retried only for calls safe to repeat, and call accounting. Other files
// call rest() / trading() and never see HTTP.
import type { Clock } from '../../core/clock.ts';
import type { AccountContext } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import type { Transport } from '../transport.ts';
import { type EbayAccountConfig, readConfig, USER_SCOPES } from './config.ts';
import type { OperationName } from './limits.ts';
import { type IssuedToken, refreshUserToken } from './oauth.ts';
import type { EbayError } from './payloads.ts';

/** Which eBay API a call belongs to: they differ in how an expired token is answered. */
export type ApiFamily = 'fulfillment' | 'inventory' | 'postorder' | 'analytics';

export const BASE_PATHS: Readonly<Record<ApiFamily, string>> = {
  fulfillment: '/sell/fulfillment/v1',
  inventory: '/sell/inventory/v1',
  postorder: '/post-order/v2',
  analytics: '/developer/analytics/v1_beta',
};

/** eBay's errorId for an expired or invalid access token (REST). */
export const TOKEN_EXPIRED_ERROR_ID = 1001;
/** Trading: IAF token expired / invalid, auth token hard expired (ebay-api's error table agrees). */
export const TRADING_TOKEN_ERRORS: ReadonlySet<string> = new Set(['21917053', '21916984', '932']);
/** Trading: the application's daily call limit was reached. */
export const TRADING_CALL_LIMIT_ERRORS: ReadonlySet<string> = new Set(['518']);

export interface ClientStats {
  calls: number;
  byOperation: Record<string, number>;
  tokenRefreshes: number;
  http429: number;
  serverErrors: number;
}

export interface RestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, string>;
  body?: unknown;
  /** Safe to send again after a 5xx or a lost answer (reads, absolute writes). */
  retrySafe: boolean;
  /** Answer a 404 with null instead of an error. */
  allow404?: boolean;
}

export interface RestAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

const MAX_SERVER_RETRIES = 3;

export function emptyStats(): ClientStats {
  return { calls: 0, byOperation: {}, tokenRefreshes: 0, http429: 0, serverErrors: 0 };
}

/** The connector's in-memory tokens per account, when the platform's refresh is not available. */
export type TokenCache = Map<string, IssuedToken>;

export class EbayClient {
  readonly stats: ClientStats;
  config: EbayAccountConfig;
  private token: string | null;
  private tokenExpiresAtMs: number | null;

  constructor(
    private account: AccountContext,
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly tokens: TokenCache,
    stats?: ClientStats,
  ) {
    this.stats = stats ?? emptyStats();
    this.config = readConfig(account);
    // A token this connector renewed itself (no platform refresh) is newer than the stored one.
    const cached = account.refreshCredentials ? undefined : tokens.get(account.id);
    this.token = cached?.accessToken ?? this.config.accessToken;
    this.tokenExpiresAtMs = cached
      ? cached.expiresAtMs
      : this.config.accessTokenExpiresAt
        ? Date.parse(this.config.accessTokenExpiresAt)
        : null;
  }

  /** Builds the URL of an eBay REST resource. */
  url(family: ApiFamily, path: string, query?: Record<string, string>): string {
    const u = `${this.config.host}${BASE_PATHS[family]}${path}`;
    if (!query || Object.keys(query).length === 0) return u;
    // eBay wants [ ] { } | percent-encoded in filters; URLSearchParams encodes them (and ':' and ',').
    return `${u}?${new URLSearchParams(query).toString()}`;
  }

  async rest<T>(op: OperationName, family: ApiFamily, path: string, opts: RestOptions): Promise<RestAnswer<T> | null> {
    let renewed = false;
    let serverRetries = 0;
    for (;;) {
      const token = await this.currentToken();
      await this.account.acquire?.(op);
      const headers: Record<string, string> = {
        Authorization: family === 'postorder' ? `IAF ${token}` : `Bearer ${token}`,
        Accept: 'application/json',
        'X-EBAY-C-MARKETPLACE-ID': this.config.marketplaceId,
      };
      if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
      const request = new Request(this.url(family, path, opts.query), {
        method: opts.method ?? 'GET',
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      const res = await this.send(op, request, opts.retrySafe);
      if (!res) {
        if (opts.retrySafe && ++serverRetries <= MAX_SERVER_RETRIES) {
          await this.clock.sleep(backoff(serverRetries));
          continue;
        }
        throw new ConnectorError('network', `${op}: no answer from eBay`, { retryable: true });
      }
      const text = await res.text();
      const body = text ? safeJson(text) : null;
      if (res.status === 429) throw this.rateLimited(op, res);
      if (res.status >= 500) {
        this.stats.serverErrors += 1;
        if (opts.retrySafe && ++serverRetries <= MAX_SERVER_RETRIES) {
          await this.clock.sleep(backoff(serverRetries));
          continue;
        }
        throw new ConnectorError('server_error', `${op}: HTTP ${res.status} ${firstMessage(body)}`, {
          retryable: true,
        });
      }
      if (!renewed && tokenExpired(family, res.status, body)) {
        renewed = true;
        await this.renew();
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new ConnectorError(
          res.status === 401 ? 'unauthorized' : 'access_denied',
          `${op}: HTTP ${res.status} ${firstMessage(body)}`,
          { retryable: false },
        );
      }
      if (res.status === 404 && opts.allow404) return null;
      if (res.status >= 400) {
        throw new ConnectorError(`http_${res.status}`, `${op}: ${firstMessage(body)}`, { retryable: false });
      }
      return { status: res.status, body: body as T, headers: res.headers };
    }
  }

  /**
   * A Trading API call (XML): the OAuth user token in X-EBAY-API-IAF-TOKEN. Answers the
   * response text; an expired token (Ack Failure with 21917053 and friends) is renewed once.
   */
  async trading(op: OperationName, callName: string, xml: string, siteId: string, retrySafe: boolean): Promise<string> {
    let renewed = false;
    let serverRetries = 0;
    for (;;) {
      const token = await this.currentToken();
      await this.account.acquire?.(op);
      const request = new Request(`${this.config.host}/ws/api.dll`, {
        method: 'POST',
        headers: {
          'X-EBAY-API-CALL-NAME': callName,
          'X-EBAY-API-SITEID': siteId,
          'X-EBAY-API-COMPATIBILITY-LEVEL': TRADING_COMPATIBILITY_LEVEL,
          'X-EBAY-API-IAF-TOKEN': token,
          'Content-Type': 'text/xml',
        },
        body: xml,
      });
      const res = await this.send(op, request, retrySafe);
      if (!res || res.status >= 500) {
        if (res) this.stats.serverErrors += 1;
        if (retrySafe && ++serverRetries <= MAX_SERVER_RETRIES) {
          await this.clock.sleep(backoff(serverRetries));
          continue;
        }
        throw new ConnectorError(res ? 'server_error' : 'network', `${callName}: HTTP ${res?.status ?? 'no answer'}`, {
          retryable: true,
        });
      }
      if (res.status === 429) throw this.rateLimited(op, res);
      const text = await res.text();
      const codes = [...text.matchAll(/<ErrorCode>\s*(\d+)\s*<\/ErrorCode>/g)].map((m) => m[1] ?? '');
      if (!renewed && codes.some((c) => TRADING_TOKEN_ERRORS.has(c))) {
        renewed = true;
        await this.renew();
        continue;
      }
      if (codes.some((c) => TRADING_TOKEN_ERRORS.has(c))) {
        throw new ConnectorError('unauthorized', `${callName}: eBay refused the token`, { retryable: false });
      }
      if (codes.some((c) => TRADING_CALL_LIMIT_ERRORS.has(c))) {
        throw new ConnectorError('rate_limited', `${callName}: the daily Trading call limit is reached`, {
          retryable: true,
          retryAfterMs: 3_600_000,
        });
      }
      return text;
    }
  }

  /** The token to send now: renewed first when it is missing or known to have expired. */
  private async currentToken(): Promise<string> {
    const expired = this.tokenExpiresAtMs !== null && this.tokenExpiresAtMs - 60_000 <= this.clock.nowMs();
    if (!this.token || expired) await this.renew();
    return this.token as string;
  }

  /**
   * A new user token: through the platform (one refresh per account across processes; the
   * new token comes back as the account's ephemeral credentials) when it offers it, else by
   * calling eBay here and keeping the token in this process's memory.
   */
  private async renew(): Promise<void> {
    this.stats.tokenRefreshes += 1;
    if (this.account.refreshCredentials) {
      this.account = await this.account.refreshCredentials();
      this.config = readConfig(this.account);
      this.token = this.config.accessToken;
      this.tokenExpiresAtMs = this.config.accessTokenExpiresAt ? Date.parse(this.config.accessTokenExpiresAt) : null;
      if (!this.token) {
        throw new ConnectorError('invalid_credentials', 'eBay token refresh gave no access token', {
          retryable: false,
        });
      }
      return;
    }
    const issued = await refreshUserToken(
      this.transport,
      this.config.host,
      this.config,
      this.config.refreshToken,
      USER_SCOPES,
      this.clock.nowMs(),
    );
    this.tokens.set(this.account.id, issued);
    this.token = issued.accessToken;
    this.tokenExpiresAtMs = issued.expiresAtMs;
  }

  private async send(op: string, request: Request, _retrySafe: boolean): Promise<Response | null> {
    this.stats.calls += 1;
    this.stats.byOperation[op] = (this.stats.byOperation[op] ?? 0) + 1;
    try {
      return await this.transport(request);
    } catch {
      return null;
    }
  }

  private rateLimited(op: string, res: Response): ConnectorError {
    this.stats.http429 += 1;
    const after = Number(res.headers.get('Retry-After'));
    return new ConnectorError('rate_limited', `${op}: eBay answered 429 (call limit reached)`, {
      retryable: true,
      retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : 60_000,
    });
  }
}

/** Trading API schema version the XML is written against. */
export const TRADING_COMPATIBILITY_LEVEL = '1355';

function backoff(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** (attempt - 1));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text.slice(0, 200) };
  }
}

export function errorsOf(body: unknown): EbayError[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as EbayError[]) : [];
}

function firstMessage(body: unknown): string {
  const e = errorsOf(body)[0];
  return e ? `${e.errorId} ${e.message ?? ''}`.trim() : '';
}

/**
 * eBay's answer to an expired token: 401 with errorId 1001 on most APIs, but 403 on the
 * Inventory API (with the same errorId, or none).
 */
export function tokenExpired(family: ApiFamily, status: number, body: unknown): boolean {
  const ids = errorsOf(body).map((e) => e.errorId);
  if (status === 401) return ids.length === 0 || ids.includes(TOKEN_EXPIRED_ERROR_ID);
  if (status === 403 && family === 'inventory') return ids.length === 0 || ids.includes(TOKEN_EXPIRED_ERROR_ID);
  return false;
}
