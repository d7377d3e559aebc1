// A Square account as the connector reads it: the merchant's OAuth tokens, the application
// that obtained them (to renew them), and settings. Pure.
import { type AccountContext, ConnectorError } from '../connector.ts';

/** The newest Square API version in Square's published specification (connect-api-specification, release 2025-08-20). */
export const DEFAULT_API_VERSION = '2025-08-20';
export const PRODUCTION_BASE = 'https://connect.squareup.com';
export const SANDBOX_BASE = 'https://connect.squareupsandbox.com';

export interface SquareConfig {
  merchantId: string;
  accessToken: string;
  /** When the access token stops working (ObtainToken `expires_at`); null when not known. */
  accessTokenExpiresAt: string | null;
  refreshToken: string | null;
  /** The application's id (OAuth client_id), needed to renew tokens. */
  applicationId: string | null;
  /** Code flow only; the PKCE flow has no secret and its refresh tokens rotate. */
  applicationSecret: string | null;
  apiVersion: string;
  baseUrl: string;
  /** Square location ids the poll searches (SearchOrders takes at most 10). */
  locationIds: string[];
  pollOverlapMinutes: number;
  pollLookbackDays: number;
  /** Prefix of the reference_id on every inventory change the hub writes: never read back as a store count. */
  referencePrefix: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

export function readConfig(account: Pick<AccountContext, 'id' | 'credentials' | 'settings'>): SquareConfig {
  const c = account.credentials;
  const s = account.settings;
  const merchantId = str(c.merchantId);
  const accessToken = str(c.accessToken);
  if (!merchantId)
    throw new ConnectorError('invalid_credentials', `account ${account.id}: credentials.merchantId missing`, {
      retryable: false,
    });
  if (!accessToken)
    throw new ConnectorError('invalid_credentials', `account ${account.id}: credentials.accessToken missing`, {
      retryable: false,
    });
  const locationIds = Array.isArray(s.locationIds)
    ? s.locationIds.filter((x): x is string => typeof x === 'string')
    : [];
  if (locationIds.length > 10) {
    throw new ConnectorError(
      'invalid_settings',
      `account ${account.id}: settings.locationIds holds at most 10 locations (SearchOrders)`,
      { retryable: false },
    );
  }
  const num = (k: string, d: number, min: number, max: number): number => {
    const v = s[k];
    if (v === undefined || v === null) return d;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new ConnectorError(
        'invalid_settings',
        `account ${account.id}: settings.${k} must be an integer ${min}–${max}`,
        { retryable: false },
      );
    }
    return v;
  };
  return {
    merchantId,
    accessToken,
    accessTokenExpiresAt: str(c.accessTokenExpiresAt),
    refreshToken: str(c.refreshToken),
    applicationId: str(c.applicationId),
    applicationSecret: str(c.applicationSecret),
    apiVersion: str(s.apiVersion) ?? DEFAULT_API_VERSION,
    baseUrl: s.environment === 'sandbox' ? SANDBOX_BASE : PRODUCTION_BASE,
    locationIds,
    pollOverlapMinutes: num('pollOverlapMinutes', 5, 0, 1440),
    pollLookbackDays: num('pollLookbackDays', 7, 1, 365),
    referencePrefix: `omnihub:${account.id}:`,
  };
}
