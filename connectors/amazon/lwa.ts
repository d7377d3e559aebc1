// Login with Amazon: the seller's refresh token and the application's client id and secret
// buy an access token valid for `expires_in` seconds (3600), sent as `x-amz-access-token` on
// every SP-API call. developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api
// ("Step 1. Request a Login with Amazon access token"): POST https://api.amazon.com/auth/o2/token,
// application/x-www-form-urlencoded, grant_type=refresh_token.
import { ConnectorError } from '../connector.ts';
import type { Transport } from '../transport.ts';
import { type AmazonAccountConfig, LWA_TOKEN_URL } from './config.ts';
import type { LwaTokenResponse } from './payloads.ts';

export interface AccessToken {
  token: string;
  /** Epoch ms on the hub's clock. */
  expiresAtMs: number;
}

/** Renewed this long before Amazon's expiry, so a token never expires in flight. */
export const TOKEN_MARGIN_MS = 60_000;

export async function requestAccessToken(
  cfg: AmazonAccountConfig,
  transport: Transport,
  nowMs: number,
): Promise<AccessToken> {
  if (!cfg.clientId || !cfg.clientSecret) {
    throw new ConnectorError(
      'invalid_credentials',
      'the Amazon app has no LWA client: set lwaClientId and lwaClientSecret with PUT /api/v1/channel-apps/amazon',
      { retryable: false },
    );
  }
  if (!cfg.refreshToken) {
    throw new ConnectorError('invalid_credentials', 'credentials.refreshToken is missing', { retryable: false });
  }
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: cfg.refreshToken,
    client_id: cfg.clientId,
    client_secret: cfg.clientSecret,
  });
  let res: Response;
  try {
    res = await transport(
      new Request(LWA_TOKEN_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: body.toString(),
      }),
    );
  } catch (error) {
    throw new ConnectorError('network', `LWA token request failed: ${(error as Error).message}`, {
      retryable: true,
      cause: error,
    });
  }
  const text = await res.text();
  if (res.status >= 500 || res.status === 429) {
    throw new ConnectorError(res.status === 429 ? 'throttled' : 'server_error', `LWA answered HTTP ${res.status}`, {
      retryable: true,
    });
  }
  if (!res.ok) {
    // invalid_grant (refresh token revoked), invalid_client (app secret wrong): a person must act.
    let code = `http_${res.status}`;
    try {
      code = (JSON.parse(text) as { error?: string }).error ?? code;
    } catch {
      /* the status says enough */
    }
    throw new ConnectorError('invalid_credentials', `LWA refused the token request (${code})`, { retryable: false });
  }
  const parsed = JSON.parse(text) as LwaTokenResponse;
  if (typeof parsed.access_token !== 'string' || typeof parsed.expires_in !== 'number') {
    throw new ConnectorError('unexpected', 'LWA answer has no access_token / expires_in', { retryable: true });
  }
  return { token: parsed.access_token, expiresAtMs: nowMs + parsed.expires_in * 1000 };
}
