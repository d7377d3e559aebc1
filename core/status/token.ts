// The customer's status-page token (/o/{token}): 256 random bits, base64url. The order keeps
// its SHA-256 (looked up by that hash: every token, right or wrong, costs the same one indexed
// read, and the raw token never reaches a WHERE clause) and the token itself encrypted under the
// hub's secret key (bound to the order id), so the API can show the link again and notifications
// can carry it. Made when first asked for (the API, a notification), once: a second caller
// racing the first gets the first caller's token.
import { createHash, randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret } from '../crypto/secrets.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';

export const STATUS_TOKEN_BYTES = 32;

export function newStatusToken(): string {
  return randomBytes(STATUS_TOKEN_BYTES).toString('base64url');
}

export function hashStatusToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What an order's token envelope is bound to (also read by the secret-key rotation). */
export const statusTokenBinding = (orderId: string) => `status:${orderId}`;
const boundTo = statusTokenBinding;

/** The order's token, made now if it has none; null for an unknown order. */
export async function ensureStatusToken(
  prisma: PrismaClient,
  secretKey: Uint8Array,
  orderId: string,
): Promise<string | null> {
  const read = () =>
    prisma.order.findUnique({ where: { id: orderId }, select: { statusTokenEnc: true } }).then((o) => o ?? null);
  const row = await read();
  if (!row) return null;
  const stale = row.statusTokenEnc;
  if (stale) {
    const kept = await decryptSecret(stale, secretKey, boundTo(orderId)).catch(() => null);
    if (kept !== null) return kept;
    // Encrypted under a secret key rotated away since: a new link replaces the old one.
  }
  const token = newStatusToken();
  const enc = await encryptSecret(token, secretKey, boundTo(orderId));
  // Conditional: the first writer wins; a loser reads the winner's token back.
  await prisma.$executeRaw`
    UPDATE orders SET status_token_hash = ${hashStatusToken(token)}, status_token_enc = ${enc}
     WHERE id = ${orderId} AND status_token_enc IS NOT DISTINCT FROM ${stale}`;
  const after = await read();
  if (!after?.statusTokenEnc) return null;
  return decryptSecret(after.statusTokenEnc, secretKey, boundTo(orderId));
}

/** The order a token opens, or null: always exactly one lookup, by the token's hash. */
export async function orderIdForStatusToken(prisma: PrismaClient, token: string): Promise<string | null> {
  const row = await prisma.order.findUnique({
    where: { statusTokenHash: hashStatusToken(token) },
    select: { id: true },
  });
  return row?.id ?? null;
}

/** The path of the page (the caller prefixes the hub's public address). */
export const statusPath = (token: string) => `/o/${token}`;
