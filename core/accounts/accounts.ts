// Channel accounts: credentials are encrypted at rest (AES-256-GCM, bound to the
// account id so an envelope copied onto another row does not decrypt) and only ever
// decrypted into an AccountContext handed to a connector.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { encryptJson } from '../crypto/secrets.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { clearAuthRefused } from './auth-status.ts';
import { accountContextFrom } from './account-rows.ts';
import { sqlAccountRows } from './sql-account-rows.ts';
import { systemClock } from '../clock.ts';

/** What an account's credential envelope is bound to (AES-GCM associated data). */
export const accountBinding = (id: string) => `account:${id}`;

export const CHANNEL_TYPES = ['shopify', 'amazon', 'ebay', 'pos', 'square'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** What a connector receives: the account with its credentials decrypted. */
export interface AccountContext {
  id: string;
  type: ChannelType;
  name: string;
  credentials: Readonly<Record<string, string>>;
  endpointOverride?: string | null;
  settings: Readonly<Record<string, unknown>>;
  /**
   * The channel type's app-level credentials (core/accounts/channel-apps.ts), for connectors
   * whose every call needs the application's secrets beside the account's (Amazon: the LWA
   * client id and secret that turn the seller's refresh token into access tokens). Null when
   * none are set; absent on contexts not loaded from the database.
   */
  app?: Readonly<Record<string, string>> | null;
  /**
   * The stored credentials' version (bumped by every write): a refresh stores its result only
   * over the version it read. Absent on contexts not loaded from the database.
   */
  credentialsVersion?: number;
  /**
   * Waits for the account's shared rate-limit bucket of `operation` (declared in the
   * connector's `limits.operations`; an undeclared operation does not wait). Set by the sync
   * runtime; absent elsewhere (API connection tests), where a connector calls without waiting.
   * With `maxWaitMs`, a wait longer than that throws a retryable ConnectorError('throttled')
   * naming the wait instead (the inbox must not hold its slot for a minute's quota).
   */
  acquire?(operation: string, cost?: number, maxWaitMs?: number): Promise<void>;
  /**
   * Asks for new credentials in the middle of a run, after the channel answered 401/403 for an
   * expired token: refreshed once across processes (per-account lock, compare-and-set), and the
   * account with the newest credentials is returned; call the channel again with it. Set by
   * the sync runtime for connectors that implement `refreshCredentials`.
   */
  refreshCredentials?(): Promise<AccountContext>;
}

export const NewAccountSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
    .optional(),
  type: z.enum(CHANNEL_TYPES),
  name: z.string().trim().min(1).max(120),
  credentials: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.unknown()).default({}),
  endpointOverride: z.url().nullish(),
  stockBuffer: z.number().int().nonnegative().default(0),
  stockMax: z.number().int().nonnegative().nullish(),
  stockPercent: z.number().int().min(0).max(100).default(100),
});
export type NewAccount = z.input<typeof NewAccountSchema>;

export async function createAccount(prisma: PrismaClient, key: Uint8Array, input: NewAccount) {
  const a = NewAccountSchema.parse(input);
  const id = a.id ?? randomUUID();
  return prisma.channelAccount.create({
    data: {
      id,
      type: a.type,
      name: a.name,
      credentialsEnc: await encryptJson(a.credentials, key, accountBinding(id)),
      settings: a.settings as object,
      endpointOverride: a.endpointOverride ?? null,
      stockBuffer: a.stockBuffer,
      stockMax: a.stockMax ?? null,
      stockPercent: a.stockPercent,
    },
  });
}

/** New credentials also lift a refusal of the old ones: the account's waiting events are queued again. */
export async function replaceCredentials(
  prisma: PrismaClient,
  key: Uint8Array,
  id: string,
  credentials: Record<string, string>,
  by = 'system:credentials-replaced',
  now: Date = systemClock.now(),
) {
  const credentialsEnc = await encryptJson(credentials, key, accountBinding(id));
  await prisma.$transaction(async (tx) => {
    // A person's replacement wins over any refresh in flight: the version moves, so the refresh's compare-and-set fails.
    await tx.channelAccount.update({ where: { id }, data: { credentialsEnc, credentialsVersion: { increment: 1 } } });
    await clearAuthRefused(tx, id, by, now);
  });
}

/**
 * Stores refreshed credentials only if the stored ones are still at `expectedVersion` (what the
 * refresh read): false when another writer got there first, whose set is kept whole. A
 * successful refresh proves the account works, so it also lifts a refusal of the old set.
 */
export async function storeRefreshedCredentials(
  prisma: PrismaClient,
  key: Uint8Array,
  id: string,
  expectedVersion: number,
  credentials: Record<string, string>,
  now: Date = systemClock.now(),
): Promise<boolean> {
  const credentialsEnc = await encryptJson(credentials, key, accountBinding(id));
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.channelAccount.updateMany({
      where: { id, credentialsVersion: expectedVersion },
      data: { credentialsEnc, credentialsVersion: { increment: 1 } },
    });
    if (count === 1) await clearAuthRefused(tx, id, 'system:token-refresh', now);
    return count === 1;
  });
}

export class UnknownAccountError extends Error {
  readonly code = 'unknown_account';
  constructor(readonly accountId: string) {
    super(`unknown channel account ${accountId}`);
  }
}

/** Loads an account and decrypts its credentials; throws UnknownAccountError. */
export async function loadAccountContext(prisma: PrismaClient, key: Uint8Array, id: string): Promise<AccountContext> {
  const found = await accountContextFrom(sqlAccountRows(prisma), key, id);
  if (!found) throw new UnknownAccountError(id);
  return found.context;
}
