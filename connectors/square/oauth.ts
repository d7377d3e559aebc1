// Token renewal (ObtainToken, grant_type refresh_token). Square's access tokens last 30 days;
// Square asks apps to renew them at least weekly, well before they lapse. In the PKCE flow
// (no application secret) every refresh returns a new refresh token and the old one stops
// working, so a refresh must never run twice on one token nor be sent again blindly: the sync
// layer calls this under its per-account lease with the newest stored credentials and stores
// the result compare-and-set (sync/README "token.refresh"); here the call is never retried.
// The access token is stored (encrypted) beside the refresh token: it lives 30 days, so a
// restart must not cost a refresh. Nothing here logs or puts a token in an error.
import type { Clock } from '../../core/clock.ts';
import type { AccountContext, RefreshedCredentials } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import type { SquareClient } from './client.ts';
import { readConfig } from './config.ts';
import type { SqTokenResponse } from './payloads.ts';

/** Renew once the token is this old (Square: access tokens last 30 days; renew at least every 7). */
export const RENEW_AFTER_MS = 7 * 86_400_000;
export const ACCESS_TOKEN_LIFETIME_MS = 30 * 86_400_000;

/** Whether the stored access token is due for renewal at `now` (unknown expiry: yes). */
export function renewalDue(expiresAt: string | null, now: Date): boolean {
  if (!expiresAt || Number.isNaN(Date.parse(expiresAt))) return true;
  return Date.parse(expiresAt) - now.getTime() <= ACCESS_TOKEN_LIFETIME_MS - RENEW_AFTER_MS;
}

export async function refreshCredentials(
  client: SquareClient,
  clock: Clock,
  account: AccountContext,
): Promise<RefreshedCredentials | null> {
  const cfg = readConfig(account);
  if (!cfg.refreshToken || !cfg.applicationId) return null;
  if (!renewalDue(cfg.accessTokenExpiresAt, clock.now())) return null;
  const res = await client.request<SqTokenResponse>(account, {
    op: 'ObtainToken',
    method: 'POST',
    path: '/oauth2/token',
    body: {
      client_id: cfg.applicationId,
      ...(cfg.applicationSecret ? { client_secret: cfg.applicationSecret } : {}),
      grant_type: 'refresh_token',
      refresh_token: cfg.refreshToken,
    },
    retrySafe: false,
    auth: false,
  });
  if (!res.access_token)
    throw new ConnectorError('invalid_credentials', 'Square ObtainToken answered without an access token', {
      retryable: false,
    });
  if (res.merchant_id && res.merchant_id !== cfg.merchantId) {
    throw new ConnectorError('invalid_credentials', 'Square ObtainToken answered for another merchant', {
      retryable: false,
    });
  }
  const stored: Record<string, string> = {
    ...account.credentials,
    accessToken: res.access_token,
    accessTokenExpiresAt: res.expires_at ?? new Date(clock.now().getTime() + ACCESS_TOKEN_LIFETIME_MS).toISOString(),
    refreshToken: res.refresh_token ?? cfg.refreshToken,
  };
  return { stored };
}
