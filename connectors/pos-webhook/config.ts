// Reads and checks a till account: its signing secret(s) and the optional address where the till
// takes the hub's notifications (README.md "Account"). Pure: runs on the webhook path (Workers).
import { type AccountContext, type AccountInput, AccountInputError } from '../connector.ts';

const CREDENTIAL_KEYS = ['signingSecret', 'previousSigningSecret'] as const;
/** Shorter secrets can be guessed offline from one captured signature. */
export const MIN_SECRET_LENGTH = 24;

export interface TillConfig {
  /** Current secret first, then the previous one while the till is being switched over. */
  secrets: string[];
  /** Where the till receives signed notifications (refunds, shipments); null: it has no endpoint. */
  notifyUrl: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function readTillConfig(account: AccountContext): TillConfig {
  const c = account.credentials;
  return {
    secrets: [str(c.signingSecret), str(c.previousSigningSecret)].filter((x): x is string => x !== null),
    notifyUrl: str(account.settings.notifyUrl),
  };
}

export function normaliseTillAccount(input: AccountInput): AccountInput {
  for (const k of Object.keys(input.credentials)) {
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(k)) {
      throw new AccountInputError(
        `credentials.${k}`,
        `unknown till credential; the connector reads ${CREDENTIAL_KEYS.join(', ')}`,
      );
    }
  }
  for (const k of CREDENTIAL_KEYS) {
    const v = input.credentials[k];
    if (k === 'signingSecret' && v === undefined) {
      throw new AccountInputError(
        'credentials.signingSecret',
        'required: the secret the till signs every webhook with',
      );
    }
    if (v !== undefined && v.trim().length < MIN_SECRET_LENGTH) {
      throw new AccountInputError(
        `credentials.${k}`,
        `must be at least ${MIN_SECRET_LENGTH} characters (e.g. 32 random bytes in hex)`,
      );
    }
  }
  const notifyUrl = input.settings.notifyUrl;
  if (notifyUrl !== undefined && notifyUrl !== null) {
    let ok = false;
    try {
      ok = typeof notifyUrl === 'string' && ['http:', 'https:'].includes(new URL(notifyUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      throw new AccountInputError('settings.notifyUrl', 'must be an http(s) URL where the till takes notifications');
  }
  return input;
}
