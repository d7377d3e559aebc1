// The only code that talks to Square: JSON over HTTPS through the connector Transport, with the
// account's bearer token and the pinned Square-Version. Errors become ConnectorErrors the sync
// layer understands (credentials refused, retry later, permanent). A 401 for an expired token is
// answered once with `account.refreshCredentials()` (the platform's safe refresh) and the call is
// repeated with the account it returns. Retries: 429 and 5xx are thrown as retryable (the queue
// retries; a 429's Retry-After is passed on); a read, or a write carrying an idempotency_key,
// is repeated once at once after a 5xx or a lost answer, never a write without one.
import type { AccountContext } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import type { Transport } from '../transport.ts';
import { readConfig } from './config.ts';
import type { SqError } from './payloads.ts';

export interface SquareCall {
  /** Operation name, for stats and rate limits (e.g. "BatchRetrieveOrders"). */
  op: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** Safe to send again when the answer was lost: reads, and writes with an idempotency_key. */
  retrySafe: boolean;
  /** False for the OAuth token endpoint: no bearer token, and no refresh on 401. */
  auth?: boolean;
}

export interface SquareClientStats {
  calls: number;
  byOperation: Record<string, number>;
  refreshed: number;
}

export class SquareClient {
  readonly stats: SquareClientStats = { calls: 0, byOperation: {}, refreshed: 0 };
  constructor(private readonly transport: Transport) {}

  async request<T>(account: AccountContext, call: SquareCall): Promise<T> {
    let current = account;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const cfg = readConfig(current);
      await current.acquire?.(call.op);
      const res = await this.send(
        cfg.baseUrl,
        call.auth === false ? null : cfg.accessToken,
        cfg.apiVersion,
        call,
      ).catch((error: unknown) => {
        if (call.retrySafe && attempt === 0) return null;
        throw new ConnectorError('network', `Square ${call.op}: ${String((error as Error)?.message ?? error)}`, {
          retryable: true,
          cause: error,
        });
      });
      if (res === null) continue;
      if (res.ok) return (await res.json()) as T;
      const errors = await readErrors(res);
      const detail = errors.map((e) => `${e.code}${e.field ? ` (${e.field})` : ''}: ${e.detail ?? ''}`).join('; ');
      if (res.status === 401) {
        if (!refreshed && call.auth !== false && current.refreshCredentials) {
          refreshed = true;
          this.stats.refreshed += 1;
          current = await current.refreshCredentials();
          continue;
        }
        throw new ConnectorError('unauthorized', `Square ${call.op}: 401 ${errors[0]?.code ?? 'UNAUTHORIZED'}`, {
          retryable: false,
        });
      }
      if (res.status === 403) {
        throw new ConnectorError(
          'access_denied',
          `Square ${call.op}: 403 ${errors[0]?.code ?? 'FORBIDDEN'} (a scope not granted?)`,
          {
            retryable: false,
          },
        );
      }
      if (res.status === 429) {
        const after = Number(res.headers.get('retry-after'));
        throw new ConnectorError('rate_limited', `Square ${call.op}: 429 RATE_LIMITED`, {
          retryable: true,
          retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : 1000,
        });
      }
      if (res.status >= 500) {
        if (call.retrySafe && attempt === 0) continue;
        throw new ConnectorError('channel_unavailable', `Square ${call.op}: ${res.status} ${detail}`, {
          retryable: true,
        });
      }
      if (res.status === 404)
        throw new ConnectorError('not_found', `Square ${call.op}: 404 ${detail}`, { retryable: false });
      throw new ConnectorError(
        errors[0]?.code?.toLowerCase() ?? 'bad_request',
        `Square ${call.op}: ${res.status} ${detail}`,
        {
          retryable: false,
        },
      );
    }
  }

  private async send(base: string, token: string | null, version: string, call: SquareCall): Promise<Response> {
    this.stats.calls += 1;
    this.stats.byOperation[call.op] = (this.stats.byOperation[call.op] ?? 0) + 1;
    const headers: Record<string, string> = {
      'square-version': version,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    return this.transport(
      new Request(`${base}${call.path}`, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      }),
    );
  }
}

async function readErrors(res: Response): Promise<SqError[]> {
  try {
    const body = (await res.json()) as { errors?: SqError[] };
    return Array.isArray(body.errors) ? body.errors : [];
  } catch {
    return [];
  }
}
