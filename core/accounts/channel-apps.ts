// Hub-level app credentials, one set per channel type: what the channel's application holds
// rather than each merchant's account (eBay's app keys, Square's webhook signature key,
// Amazon's LWA client). Encrypted like account credentials (AES-256-GCM), bound to
// "app:<type>" so an envelope copied onto another row does not decrypt; only ever
// decrypted into an AppContext handed to a connector.
import { decryptJson, encryptJson } from '../crypto/secrets.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { ChannelType } from './accounts.ts';
import { appCredentialsFrom } from './account-rows.ts';
import { sqlAccountRows } from './sql-account-rows.ts';

/** What a connector receives to verify an app-level webhook. */
export interface AppContext {
  type: ChannelType;
  credentials: Readonly<Record<string, string>>;
  /**
   * The address the channel was told to call for this app's webhooks
   * (`OMNIHUB_PUBLIC_URL` + `/webhooks/channel/<type>`), null when the hub has no public URL.
   * Signatures that cover the URL (Square) are computed over this, never over the URL the
   * hub sees behind a proxy.
   */
  notificationUrl: string | null;
}

/** What a channel app's credential envelope is bound to (AES-GCM associated data). */
export const appBinding = (type: ChannelType) => `app:${type}`;

/** Stores (or replaces as a whole) the app credentials of a channel type. */
export async function setAppCredentials(
  prisma: PrismaClient,
  key: Uint8Array,
  type: ChannelType,
  credentials: Record<string, string>,
  by: string,
): Promise<void> {
  const credentialsEnc = await encryptJson(credentials, key, appBinding(type));
  await prisma.channelApp.upsert({
    where: { type },
    create: { type, credentialsEnc, updatedBy: by },
    update: { credentialsEnc, updatedBy: by },
  });
}

/** The decrypted credentials of a channel type's app, or null when none are set. */
export async function loadAppCredentials(
  prisma: PrismaClient,
  key: Uint8Array,
  type: ChannelType,
): Promise<Record<string, string> | null> {
  return appCredentialsFrom(sqlAccountRows(prisma), key, type);
}

/** What may be shown of an app: which credentials are set (by name, never their values) and when. */
export interface AppSummary {
  type: ChannelType;
  credentials: Record<string, 'set'>;
  updatedBy: string | null;
  updatedAt: Date;
}

export async function describeApp(
  prisma: PrismaClient,
  key: Uint8Array,
  type: ChannelType,
): Promise<AppSummary | null> {
  const row = await prisma.channelApp.findUnique({ where: { type } });
  if (!row) return null;
  const credentials = await decryptJson<Record<string, string>>(row.credentialsEnc, key, appBinding(type));
  return {
    type,
    credentials: Object.fromEntries(Object.keys(credentials).map((k) => [k, 'set' as const])),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}
