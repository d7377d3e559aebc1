// Checks and normalises a Square account before it is stored (pure): the merchant and its
// tokens, and the stock model every Square account uses (settings.stockTarget = 'held': its
// listings carry the units the hub holds back from the counter, not what the counter may sell).
import { type AccountContext, AccountInputError, type AccountInput, checkedByConfig } from '../connector.ts';
import { readConfig } from './config.ts';

const CREDENTIAL_KEYS = [
  'merchantId',
  'accessToken',
  'accessTokenExpiresAt',
  'refreshToken',
  'applicationId',
  'applicationSecret',
] as const;

export function normaliseSquareAccount(input: AccountInput): AccountInput {
  const credentials: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.credentials)) {
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(k)) {
      throw new AccountInputError(
        `credentials.${k}`,
        `unknown Square credential; the connector reads ${CREDENTIAL_KEYS.join(', ')}`,
      );
    }
    const t = v.trim();
    if (t) credentials[k] = t;
  }
  if (!credentials.merchantId)
    throw new AccountInputError(
      'credentials.merchantId',
      "required: the seller's Square merchant id (ObtainToken's merchant_id)",
    );
  if (!credentials.accessToken)
    throw new AccountInputError('credentials.accessToken', 'required: the OAuth access token');
  if (credentials.refreshToken && !credentials.applicationId) {
    throw new AccountInputError(
      'credentials.applicationId',
      "required with a refresh token: the application's id renews the token",
    );
  }
  if (input.settings.stockTarget !== undefined && input.settings.stockTarget !== 'held') {
    throw new AccountInputError(
      'settings.stockTarget',
      "a Square account always carries 'held' (README: Square keeps the store's own count)",
    );
  }
  const out = {
    credentials,
    settings: { ...input.settings, stockTarget: 'held' },
    endpointOverride: input.endpointOverride,
  };
  checkedByConfig(() => readConfig({ id: 'new', ...out }));
  return out;
}

/** The merchant id: routes the app's notifications (merchant_id) to the account. */
export function squareAccountIdentity(account: AccountContext): string | null {
  const id = account.credentials.merchantId;
  return typeof id === 'string' && id.trim() ? id.trim() : null;
}
