// Reads an Amazon account (a seller on one SP-API region) with the defaults README.md lists.
// Pure: no I/O, so account checks and the webhook path can use it.
import type { AccountContext, AccountInput } from '../connector.ts';
import { AccountInputError, ConnectorError } from '../connector.ts';

/** SP-API regional endpoints (developer-docs "SP-API endpoints"); the LWA endpoint is global. */
export const REGION_HOSTS = {
  na: 'sellingpartnerapi-na.amazon.com',
  eu: 'sellingpartnerapi-eu.amazon.com',
  fe: 'sellingpartnerapi-fe.amazon.com',
} as const;
export type Region = keyof typeof REGION_HOSTS;

export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

export interface AmazonAccountConfig {
  sellerId: string;
  /** The marketplaces the hub reads orders of and writes quantities to (each listing names its own). */
  marketplaceIds: string[];
  region: Region;
  /** https://sellingpartnerapi-<region>.amazon.com */
  endpoint: string;
  /** The seller's LWA refresh token (account credential). */
  refreshToken: string;
  /** The application's LWA client (app-level credentials, PUT /api/v1/channel-apps/amazon). */
  clientId: string | null;
  clientSecret: string | null;
  /** Days to look back when an account has no cursor yet. */
  pollLookbackDays: number;
  /** Most orders per searchOrders page (1–100). */
  pollPageSize: number;
  /** Pushes of at most this many SKUs of one marketplace go by patchListingsItem, larger ones by feed. */
  patchMaxSkus: number;
}

const SELLER = /^[A-Z0-9]{8,20}$/;
const MARKETPLACE = /^[A-Z0-9]{8,20}$/;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function int(v: unknown, fallback: number, min: number, max: number, name: string): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConnectorError('invalid_settings', `settings.${name} must be an integer in [${min}, ${max}]`, {
      retryable: false,
    });
  }
  return v;
}

function marketplaces(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [];
  return [...new Set(list.map((m) => String(m).trim()).filter((m) => m !== ''))];
}

export function readConfig(account: AccountContext): AmazonAccountConfig {
  const c = account.credentials;
  const s = account.settings;
  const sellerId = str(c.sellerId) ?? str(s.sellerId);
  if (!sellerId) {
    throw new ConnectorError('invalid_credentials', `account ${account.id}: credentials.sellerId is missing`, {
      retryable: false,
    });
  }
  const region = (str(s.region) ?? 'na') as Region;
  if (!(region in REGION_HOSTS)) {
    throw new ConnectorError('invalid_settings', `account ${account.id}: settings.region must be na, eu or fe`, {
      retryable: false,
    });
  }
  return {
    sellerId,
    marketplaceIds: marketplaces(s.marketplaceIds),
    region,
    endpoint: `https://${REGION_HOSTS[region]}`,
    refreshToken: str(c.refreshToken) ?? '',
    clientId: str(account.app?.lwaClientId),
    clientSecret: str(account.app?.lwaClientSecret),
    pollLookbackDays: int(s.pollLookbackDays, 7, 1, 730, 'pollLookbackDays'),
    pollPageSize: int(s.pollPageSize, 100, 1, 100, 'pollPageSize'),
    patchMaxSkus: int(s.patchMaxSkus, 100, 0, 25_000, 'patchMaxSkus'),
  };
}

const CREDENTIAL_KEYS = new Set(['sellerId', 'refreshToken']);

/** Checks an account before it is stored (the connector's normaliseAccount); names the field. */
export function normaliseAmazonAccount(input: AccountInput): AccountInput {
  const sellerId = str(input.credentials.sellerId)?.toUpperCase();
  if (!sellerId || !SELLER.test(sellerId))
    throw new AccountInputError('credentials.sellerId', 'the merchant token (Seller Central: Account Info)');
  if (!str(input.credentials.refreshToken))
    throw new AccountInputError('credentials.refreshToken', 'the LWA refresh token the seller authorised the app with');
  for (const key of Object.keys(input.credentials)) {
    if (!CREDENTIAL_KEYS.has(key))
      throw new AccountInputError(`credentials.${key}`, 'not an Amazon account credential (sellerId, refreshToken)');
  }
  const ids = marketplaces(input.settings.marketplaceIds);
  if (ids.length === 0 || ids.some((m) => !MARKETPLACE.test(m)))
    throw new AccountInputError('settings.marketplaceIds', 'one or more marketplace ids, e.g. ["ATVPDKIKX0DER"]');
  const region = str(input.settings.region) ?? 'na';
  if (!(region in REGION_HOSTS)) throw new AccountInputError('settings.region', 'na, eu or fe');
  return {
    ...input,
    credentials: { ...input.credentials, sellerId },
    settings: { ...input.settings, marketplaceIds: ids, region },
  };
}

/** The seller the account points at: EventBridge notifications name it (payload.SellerId). */
export function amazonAccountIdentity(account: AccountContext): string | null {
  return str(account.credentials.sellerId) ?? null;
}
