// Reads an eBay account's credentials and settings, with the defaults documented in README.md.
// Pure: no library import, so the notification path (Workers) can use it too.
import type { AccountContext } from '../connector.ts';
import { ConnectorError } from '../connector.ts';

export type EbayEnvironment = 'production' | 'sandbox';

/** API hosts per environment (REST, Trading and OAuth share them). */
export const API_HOSTS: Readonly<Record<EbayEnvironment, string>> = {
  production: 'https://api.ebay.com',
  sandbox: 'https://api.sandbox.ebay.com',
};

/**
 * OAuth scopes of the user token: orders and fulfilments (sell.fulfillment), stock
 * (sell.inventory), cancellation answers and Trading calls (api_scope). Asked for on refresh;
 * eBay grants at most what the seller consented to.
 */
export const USER_SCOPES = [
  'https://api.ebay.com/oauth/api_scope',
  'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
  'https://api.ebay.com/oauth/api_scope/sell.inventory',
] as const;

/** The application token (client credentials) only reads public keys and rate limits. */
export const APP_SCOPE = 'https://api.ebay.com/oauth/api_scope';

export interface EbayAccountConfig {
  environment: EbayEnvironment;
  host: string;
  /** The seller's eBay user id: routes app-level notifications to this account. */
  sellerUsername: string | null;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** The current user access token (ephemeral, laid over the stored set by the sync runtime). */
  accessToken: string | null;
  /** When it stops working (ISO-8601), when known. */
  accessTokenExpiresAt: string | null;
  /** eBay marketplace of the listings (X-EBAY-C-MARKETPLACE-ID, Trading site id). */
  marketplaceId: string;
  pollOverlapMinutes: number;
  /** getOrders `limit` (eBay's maximum is 200). */
  pollPageSize: number;
  pollLookbackDays: number;
  /**
   * Revisions per listing per day kept back for decreases: once a listing has used
   * 250 − reserve revisions in eBay's day, raises wait for the next day (README, Revisions).
   */
  revisionReserve: number;
}

const ENVIRONMENTS: readonly string[] = ['production', 'sandbox'];
const MARKETPLACE = /^EBAY_[A-Z_]{2,10}$/;

export function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function int(name: string, v: unknown, fallback: number, min: number, max: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConnectorError('invalid_settings', `settings.${name} must be an integer in [${min}, ${max}]`, {
      retryable: false,
    });
  }
  return v;
}

export function readConfig(account: AccountContext): EbayAccountConfig {
  const c = account.credentials;
  const s = account.settings;
  const environment = (str(s.environment) ?? 'production') as EbayEnvironment;
  if (!ENVIRONMENTS.includes(environment)) {
    throw new ConnectorError('invalid_settings', 'settings.environment must be "production" or "sandbox"', {
      retryable: false,
    });
  }
  const marketplaceId = str(s.marketplaceId) ?? 'EBAY_US';
  if (!MARKETPLACE.test(marketplaceId)) {
    throw new ConnectorError('invalid_settings', 'settings.marketplaceId must look like EBAY_US', { retryable: false });
  }
  return {
    environment,
    host: API_HOSTS[environment],
    sellerUsername: str(c.sellerUsername) ?? str(s.sellerUsername),
    clientId: str(c.clientId) ?? '',
    clientSecret: str(c.clientSecret) ?? '',
    refreshToken: str(c.refreshToken) ?? '',
    accessToken: str(c.accessToken),
    accessTokenExpiresAt: str(c.accessTokenExpiresAt),
    marketplaceId,
    pollOverlapMinutes: int('pollOverlapMinutes', s.pollOverlapMinutes, 5, 0, 24 * 60),
    pollPageSize: int('pollPageSize', s.pollPageSize, 200, 1, 200),
    pollLookbackDays: int('pollLookbackDays', s.pollLookbackDays, 7, 1, 730),
    revisionReserve: int('revisionReserve', s.revisionReserve, 10, 0, 249),
  };
}

/** The app-level keys (AppContext credentials): client id and secret, and the deletion-notice token. */
export interface EbayAppConfig {
  clientId: string;
  clientSecret: string;
  verificationToken: string;
  environment: EbayEnvironment;
  /** Base URL replacing eBay's host for the app's own calls (public keys): a sandbox, the demo's simulator. */
  endpointOverride: string | null;
}

export function readAppConfig(credentials: Readonly<Record<string, string>>): EbayAppConfig {
  const environment = (str(credentials.environment) ?? 'production') as EbayEnvironment;
  return {
    clientId: str(credentials.clientId) ?? '',
    clientSecret: str(credentials.clientSecret) ?? '',
    verificationToken: str(credentials.verificationToken) ?? '',
    environment: ENVIRONMENTS.includes(environment) ? environment : 'production',
    endpointOverride: str(credentials.endpointOverride),
  };
}
