// Checks an eBay account before it is stored (the connector's normaliseAccount): the seller's
// refresh token and the app keys that renew it are required, the seller's eBay user id routes
// the app-level notifications, other credential keys are refused as typos, and the settings
// are read as the connector reads them.
import type { AccountContext, AccountInput } from '../connector.ts';
import { AccountInputError, checkedByConfig } from '../connector.ts';
import { readConfig, str } from './config.ts';

const REQUIRED = ['refreshToken', 'clientId', 'clientSecret', 'sellerUsername'] as const;
const ALLOWED: ReadonlySet<string> = new Set([...REQUIRED, 'accessToken', 'accessTokenExpiresAt']);

const WHY: Readonly<Record<(typeof REQUIRED)[number], string>> = {
  refreshToken: "the seller's OAuth refresh token (18 months), from the consent flow",
  clientId: "the eBay app's client id (App ID), which renews the seller's token",
  clientSecret: "the eBay app's client secret (Cert ID)",
  sellerUsername: "the seller's eBay user id: notifications name the seller by it",
};

export function normaliseEbayAccount(input: AccountInput): AccountInput {
  const credentials: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.credentials)) {
    if (!ALLOWED.has(k))
      throw new AccountInputError(`credentials.${k}`, `unknown credential; eBay takes ${[...ALLOWED].join(', ')}`);
    const value = str(v);
    if (value) credentials[k] = value;
  }
  for (const k of REQUIRED) {
    if (!credentials[k]) throw new AccountInputError(`credentials.${k}`, `required: ${WHY[k]}`);
  }
  checkedByConfig(() =>
    readConfig({ id: 'new', type: 'ebay', name: 'new', credentials, settings: input.settings } as AccountContext),
  );
  return { ...input, credentials };
}

export function ebayAccountIdentity(account: AccountContext): string | null {
  return str(account.credentials.sellerUsername) ?? str(account.settings.sellerUsername);
}
