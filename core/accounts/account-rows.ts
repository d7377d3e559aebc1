// The rows the webhook doors read to find an account and decrypt it, behind one small port so
// that the Node door (Prisma: sql-account-rows.ts) and the edge door (pg on Workers:
// core/db/pg-account-rows.ts) share the decryption and every rule above the rows.
import { decryptJson } from '../crypto/secrets.ts';
import { type AccountContext, accountBinding, type ChannelType } from './accounts.ts';
import { appBinding } from './channel-apps.ts';

export interface AccountRow {
  id: string;
  type: ChannelType;
  name: string;
  credentialsEnc: string;
  endpointOverride: string | null;
  settings: unknown;
  credentialsVersion: number;
  active: boolean;
}

export interface AccountRows {
  account(id: string): Promise<AccountRow | null>;
  /** The app's encrypted credentials for a channel type, or null when none are set. */
  appCredentials(type: ChannelType): Promise<string | null>;
  /** Ids of the active accounts of a type, in id order. */
  activeAccountIds(type: ChannelType): Promise<string[]>;
}

/** The app's decrypted credentials, or null when none are set. */
export async function appCredentialsFrom(
  rows: AccountRows,
  key: Uint8Array,
  type: ChannelType,
): Promise<Record<string, string> | null> {
  const enc = await rows.appCredentials(type);
  return enc === null ? null : decryptJson<Record<string, string>>(enc, key, appBinding(type));
}

/** The account as a connector receives it, and whether it is active; null when it does not exist. */
export async function accountContextFrom(
  rows: AccountRows,
  key: Uint8Array,
  id: string,
): Promise<{ context: AccountContext; active: boolean } | null> {
  const row = await rows.account(id);
  if (!row) return null;
  return {
    active: row.active,
    context: {
      id: row.id,
      type: row.type,
      name: row.name,
      credentials: await decryptJson<Record<string, string>>(row.credentialsEnc, key, accountBinding(row.id)),
      endpointOverride: row.endpointOverride,
      settings: (row.settings ?? {}) as Record<string, unknown>,
      credentialsVersion: row.credentialsVersion,
      app: await appCredentialsFrom(rows, key, row.type),
    },
  };
}
