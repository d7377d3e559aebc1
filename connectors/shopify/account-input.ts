// Checks and normalises a Shopify account before it is stored, so that a typo is a 400 at
// creation instead of every webhook answering 500 (a shop given as a URL) or 401 (no webhook
// secret) later. Pure: no library import, no network.
import { type AccountContext, AccountInputError, type AccountInput, checkedByConfig } from '../connector.ts';
import { readConfig } from './config.ts';

/** The credential keys the connector reads (README.md "Account"); anything else is a typo. */
const CREDENTIAL_KEYS = ['shop', 'accessToken', 'apiSecretKey', 'previousApiSecretKey'] as const;
const REQUIRED: readonly { key: (typeof CREDENTIAL_KEYS)[number]; what: string }[] = [
  { key: 'accessToken', what: "the Admin API access token (shpat_…) from the app's API credentials" },
  { key: 'apiSecretKey', what: "the app's API secret key: Shopify signs every webhook with it" },
];

const SHOP_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** admin.shopify.com/store/<name>: the address the Shopify admin shows today. */
const ADMIN_URL = /^admin\.shopify\.com\/store\/([a-z0-9][a-z0-9-]*)(?:[/?#].*)?$/;

/**
 * "https://JSmith.myshopify.com/admin" → "jsmith.myshopify.com"; also accepts the admin's
 * `admin.shopify.com/store/jsmith`. Anything else (a custom domain, a bare name) is refused:
 * the Admin API and webhook signatures only know the myshopify.com domain.
 */
export function normaliseShopDomain(input: string): string {
  let s = input
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const admin = ADMIN_URL.exec(s);
  if (admin) return `${admin[1]}.myshopify.com`;
  s = s.split(/[/?#]/, 1)[0] ?? '';
  const name = s.endsWith('.myshopify.com') ? s.slice(0, -'.myshopify.com'.length) : null;
  if (name === null || !SHOP_NAME.test(name)) {
    throw new AccountInputError(
      'credentials.shop',
      'must be the shop\'s myshopify.com domain, e.g. "jsmith.myshopify.com" (a custom domain will not do: ' +
        'Shopify admin → Settings → Domains shows it)',
    );
  }
  return `${name}.myshopify.com`;
}

export function normaliseShopifyAccount(input: AccountInput): AccountInput {
  const credentials: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.credentials)) {
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(k)) {
      throw new AccountInputError(
        `credentials.${k}`,
        `unknown Shopify credential; the connector reads ${CREDENTIAL_KEYS.join(', ')}`,
      );
    }
    const t = v.trim();
    if (t) credentials[k] = t;
  }
  const settings = { ...input.settings };
  const inSettings = credentials.shop === undefined && typeof settings.shop === 'string';
  const shop = inSettings ? (settings.shop as string) : credentials.shop;
  if (!shop) throw new AccountInputError('credentials.shop', 'required: the shop\'s domain, "<name>.myshopify.com"');
  if (inSettings) settings.shop = normaliseShopDomain(shop);
  else credentials.shop = normaliseShopDomain(shop);
  for (const r of REQUIRED) {
    if (!credentials[r.key]) throw new AccountInputError(`credentials.${r.key}`, `required: ${r.what}`);
  }
  const out = { credentials, settings, endpointOverride: input.endpointOverride };
  // The settings the connector will read, checked the way it reads them (apiVersion, poll sizes).
  checkedByConfig(() => readConfig({ id: 'new', type: 'shopify', name: 'new', ...out }));
  return out;
}

/** Two accounts on one shop double every order's webhooks and fight over its stock. */
export function shopifyAccountIdentity(account: AccountContext): string | null {
  try {
    return readConfig(account).shop;
  } catch {
    return null;
  }
}
