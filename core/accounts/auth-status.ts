// An account whose credentials the channel refused (401/403, a scope not granted) is flagged
// with one open exception, instead of its events spending their attempts on a refusal that
// only a person can fix. New credentials, or a person replaying the exception, clear the flag
// and queue the account's waiting events again (an `inbox.received` outbox row).
import { randomUUID } from 'node:crypto';
import { decryptJson } from '../crypto/secrets.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { Sql } from '../db/sql.ts';
import { type AccountContext, accountBinding } from './accounts.ts';

export const AUTH_REFUSED = 'credentials_refused';

export const authExceptionKey = (accountId: string): string => `credentials_refused:${accountId}`;

/** When the channel refused the account's credentials, or null. */
export async function authRefusedAt(sql: Sql, accountId: string): Promise<Date | null> {
  const rows = await sql.$queryRaw<{ at: Date | null }[]>`
    SELECT auth_refused_at AS at FROM channel_accounts WHERE id = ${accountId}`;
  return rows[0]?.at ?? null;
}

/**
 * Flags the account whose credentials `used` were refused. When the account holds other
 * credentials by now (a person just replaced them), nothing is flagged and false is returned:
 * the caller should try again with the new ones. The flag is conditional on the envelope that
 * was compared, so a replacement racing with this call is never flagged by it.
 */
export async function flagAuthRefused(
  prisma: PrismaClient,
  key: Uint8Array,
  used: AccountContext,
  reason: string,
  now: Date,
): Promise<boolean> {
  const row = await prisma.channelAccount.findUnique({
    where: { id: used.id },
    select: { credentialsEnc: true, name: true, credentialsVersion: true },
  });
  if (!row) return false;
  // A context from the sync runtime knows its version (its credentials may carry access tokens
  // held in memory only); others are compared value by value.
  if (used.credentialsVersion !== undefined) {
    if (used.credentialsVersion !== row.credentialsVersion) return false;
  } else {
    const current = await decryptJson<Record<string, string>>(row.credentialsEnc, key, accountBinding(used.id));
    if (!sameCredentials(current, used.credentials)) return false;
  }
  const message =
    `${row.name}: the channel refused the account's credentials (${reason}). Events that need the channel ` +
    'wait; update the credentials, or replay this exception once the channel accepts them again.';
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH a AS (
      UPDATE channel_accounts SET auth_refused_at = COALESCE(auth_refused_at, ${now}), auth_error = ${reason.slice(0, 1000)}
       WHERE id = ${used.id} AND credentials_enc = ${row.credentialsEnc}
      RETURNING id
    )
    INSERT INTO exceptions (id, kind, dedupe_key, account_id, message, data, created_at, updated_at)
    SELECT ${randomUUID()}, ${AUTH_REFUSED}, ${authExceptionKey(used.id)}, a.id, ${message.slice(0, 1000)},
           jsonb_build_object('reason', ${reason.slice(0, 1000)}::text), ${now}, ${now}
      FROM a
    ON CONFLICT (dedupe_key) DO UPDATE SET occurrences = exceptions.occurrences + 1, updated_at = ${now},
           message = EXCLUDED.message, data = EXCLUDED.data, resolved_at = NULL, resolved_by = NULL
    RETURNING id`;
  return rows.length > 0;
}

/**
 * Clears the flag, resolves the account's exception and queues its waiting events, in one
 * statement. Returns whether the account was flagged.
 */
export async function clearAuthRefused(sql: Sql, accountId: string, by: string, now: Date): Promise<boolean> {
  const rows = await sql.$queryRaw<{ flagged: number }[]>`
    WITH a AS (
      UPDATE channel_accounts SET auth_refused_at = NULL, auth_error = NULL
       WHERE id = ${accountId} AND auth_refused_at IS NOT NULL
      RETURNING id
    ), x AS (
      UPDATE exceptions SET resolved_at = ${now}, resolved_by = ${by}, updated_at = ${now}
       WHERE dedupe_key = ${authExceptionKey(accountId)} AND resolved_at IS NULL
      RETURNING id
    ), o AS (
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inbox.received', jsonb_build_object('accountId', ${accountId}::text)
       WHERE EXISTS (SELECT 1 FROM a) OR EXISTS (SELECT 1 FROM x)
    )
    SELECT (SELECT count(*) FROM a)::int AS flagged`;
  return (rows[0]?.flagged ?? 0) > 0;
}

function sameCredentials(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
