// Reads a Shopify account's credentials and settings, with the defaults documented in README.md.
// Pure: no library import, so the webhook path (Workers) can use it too.
import type { AccountContext } from '../connector.ts';
import { ConnectorError } from '../connector.ts';

/**
 * The Admin API version the connector is written against: the newest stable version the
 * installed @shopify/shopify-api (15.0.0) knows. Versions from 2026-04 on use
 * changeFromQuantity and the @idempotent directive for inventorySetQuantities (stock.ts).
 */
export const DEFAULT_API_VERSION = '2026-10';

export interface ShopifyAccountConfig {
  /** "{shop}.myshopify.com" */
  shop: string;
  accessToken: string;
  /** Webhook signing secrets: the app's API secret key, then an optional previous one during rotation. */
  webhookSecrets: string[];
  apiVersion: string;
  /** Re-read this many minutes before the last watermark on every sweep (clock skew, late commits). */
  pollOverlapMinutes: number;
  /** At most this many orders per poll page (max 250; the cost budget usually allows fewer). */
  pollPageSize: number;
  /** Days to look back when an account has no cursor yet (read_orders sees 60 days; see README). */
  pollLookbackDays: number;
  /** inventorySetQuantities reason (one of Shopify's documented reasons). */
  stockReason: string;
  /** Recorded by Shopify with each adjustment, shown in the admin's inventory history. */
  referenceDocumentUri: string | null;
}

const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const VERSION = /^(\d{4}-\d{2}|unstable)$/;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function int(v: unknown, fallback: number, min: number, max: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConnectorError('invalid_settings', `setting must be an integer in [${min}, ${max}], got ${String(v)}`, {
      retryable: false,
    });
  }
  return v;
}

export function readConfig(account: AccountContext): ShopifyAccountConfig {
  const c = account.credentials;
  const s = account.settings;
  const shop = str(c.shop) ?? str(s.shop);
  if (!shop || !SHOP.test(shop)) {
    throw new ConnectorError(
      'invalid_credentials',
      `account ${account.id}: credentials.shop must be "<name>.myshopify.com"`,
      {
        retryable: false,
      },
    );
  }
  const apiVersion = str(s.apiVersion) ?? DEFAULT_API_VERSION;
  if (!VERSION.test(apiVersion)) {
    throw new ConnectorError('invalid_settings', `account ${account.id}: settings.apiVersion must look like 2026-10`, {
      retryable: false,
    });
  }
  const secrets = [str(c.apiSecretKey), str(c.previousApiSecretKey)].filter((x): x is string => x !== null);
  return {
    shop,
    accessToken: str(c.accessToken) ?? '',
    webhookSecrets: secrets,
    apiVersion,
    pollOverlapMinutes: int(s.pollOverlapMinutes, 5, 0, 24 * 60),
    pollPageSize: int(s.pollPageSize, 250, 1, 250),
    pollLookbackDays: int(s.pollLookbackDays, 7, 1, 3650),
    stockReason: str(s.stockReason) ?? 'correction',
    referenceDocumentUri: str(s.referenceDocumentUri) ?? 'gid://omnihub/StockSync/push',
  };
}

/** True when `version` is `since` or newer ("unstable" is newer than every dated version). */
export function versionAtLeast(version: string, since: string): boolean {
  if (version === 'unstable') return true;
  return version >= since;
}
