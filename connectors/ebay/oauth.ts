// eBay OAuth over the connector Transport: a user access token from the seller's refresh token
// (lasts 7,200 s; the refresh token 18 months and is not rotated), and an application token by
// client credentials (for the notification public key and the rate-limit reads). Never logs or
// puts a secret in an error message.
import { ConnectorError } from '../connector.ts';
import type { Transport } from '../transport.ts';

export const TOKEN_PATH = '/identity/v1/oauth2/token';

export interface IssuedToken {
  accessToken: string;
  /** Milliseconds since the epoch (hub clock) when eBay stops accepting it. */
  expiresAtMs: number;
}

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${clientId}:${clientSecret}`)}`;
}

async function tokenCall(
  transport: Transport,
  host: string,
  clientId: string,
  clientSecret: string,
  form: Record<string, string>,
  nowMs: number,
  what: string,
): Promise<IssuedToken> {
  if (!clientId || !clientSecret) {
    throw new ConnectorError('invalid_credentials', `${what}: the app's clientId and clientSecret are required`, {
      retryable: false,
    });
  }
  let res: Response;
  try {
    res = await transport(
      new Request(`${host}${TOKEN_PATH}`, {
        method: 'POST',
        headers: {
          Authorization: basic(clientId, clientSecret),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form).toString(),
      }),
    );
  } catch (error) {
    throw new ConnectorError('network', `${what}: ${error instanceof Error ? error.message : 'network error'}`, {
      retryable: true,
      cause: error,
    });
  }
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (res.status >= 500 || res.status === 429) {
    throw new ConnectorError(res.status === 429 ? 'rate_limited' : 'server_error', `${what}: HTTP ${res.status}`, {
      retryable: true,
    });
  }
  if (!res.ok || !body.access_token) {
    // invalid_grant (refresh token revoked or expired), invalid_client: a person must reconnect.
    throw new ConnectorError('invalid_credentials', `${what}: ${body.error ?? `HTTP ${res.status}`}`, {
      retryable: false,
    });
  }
  return { accessToken: body.access_token, expiresAtMs: nowMs + (body.expires_in ?? 7200) * 1000 };
}

export function refreshUserToken(
  transport: Transport,
  host: string,
  app: { clientId: string; clientSecret: string },
  refreshToken: string,
  scopes: readonly string[],
  nowMs: number,
): Promise<IssuedToken> {
  if (!refreshToken) {
    return Promise.reject(
      new ConnectorError('invalid_credentials', 'user token refresh: credentials.refreshToken is missing', {
        retryable: false,
      }),
    );
  }
  return tokenCall(
    transport,
    host,
    app.clientId,
    app.clientSecret,
    { grant_type: 'refresh_token', refresh_token: refreshToken, scope: scopes.join(' ') },
    nowMs,
    'user token refresh',
  );
}

export function applicationToken(
  transport: Transport,
  host: string,
  app: { clientId: string; clientSecret: string },
  scope: string,
  nowMs: number,
): Promise<IssuedToken> {
  return tokenCall(
    transport,
    host,
    app.clientId,
    app.clientSecret,
    { grant_type: 'client_credentials', scope },
    nowMs,
    'application token',
  );
}
