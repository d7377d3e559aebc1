// API keys: `ohk_<prefix>_<secret>`, shown once at creation, stored only as a SHA-256 hash.
//
// Why a plain SHA-256 and not a slow password hash (scrypt, argon2): the secret is 32
// random bytes (256 bits) made by the hub, never chosen by a person, so there is nothing
// to guess and a dictionary or brute-force attack on a leaked hash is hopeless whatever
// the hash speed. Slow hashes exist to protect low-entropy passwords; here they would only
// cost ~50 ms of CPU on every request. A fast hash also lets a key be found by a unique
// index on its hash, without scanning keys or trusting the prefix.
//
// WebCrypto only: runs on Node and on Workers.
import { z } from 'zod';
import { systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { RawSql } from '../db/sql.ts';

export const API_KEY_ROLES = ['admin', 'staff', 'readonly'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];
export const ApiKeyRoleSchema = z.enum(API_KEY_ROLES);

const PREFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const PREFIX_LENGTH = 8;
const SECRET_BYTES = 32;
/** ohk_ + 8-character prefix + _ + 43 base64url characters. */
export const API_KEY_PATTERN = /^ohk_([a-z2-9]{8})_([A-Za-z0-9_-]{43})$/;

export class ApiKeyError extends Error {
  constructor(
    readonly code: 'invalid_input' | 'not_found',
    message: string,
    /** The input field at fault. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiKeyError';
  }
}

function base64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(PREFIX_LENGTH));
  let s = '';
  // 256 is a multiple of 32: every letter is equally likely.
  for (const b of bytes) s += PREFIX_ALPHABET[b % PREFIX_ALPHABET.length];
  return s;
}

/** A fresh key: `ohk_<prefix>_<secret>` with a 256-bit secret. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomPrefix();
  const secret = base64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  return { key: `ohk_${prefix}_${secret}`, prefix };
}

/** Lower-case hex SHA-256 of the key's UTF-8 bytes: what `api_keys.key_hash` stores. */
export async function hashApiKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

/**
 * Compares two secrets in time that depends only on their (public) digest length:
 * both are hashed first, so neither length nor content leaks through timing.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(given)),
    crypto.subtle.digest('SHA-256', enc.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}

export const NewApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    role: ApiKeyRoleSchema,
    locationIds: z.array(z.string().min(1)).max(100).default([]),
  })
  .superRefine((k, ctx) => {
    if (k.role === 'staff' && k.locationIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['locationIds'], message: 'a staff key needs at least one store location' });
    }
    if (k.role !== 'staff' && k.locationIds.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['locationIds'], message: 'only staff keys are scoped to locations' });
    }
  });
export type NewApiKey = z.input<typeof NewApiKeySchema>;

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiKeyRole;
  locationIds: string[];
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** An api_keys row as read (Prisma or plain SQL), its role still unchecked text. */
export type ApiKeyRow = Omit<ApiKeyRecord, 'role'> & { role: string };

export function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: ApiKeyRoleSchema.parse(row.role),
    locationIds: row.locationIds,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * Creates a key and returns it in clear, once: only its hash is stored. Staff keys must
 * name existing store locations (a warehouse has no counter to serve).
 */
export async function createApiKey(
  prisma: Pick<PrismaClient, 'apiKey' | 'location'>,
  input: NewApiKey,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const k = NewApiKeySchema.parse(input);
  const locationIds = [...new Set(k.locationIds)];
  if (locationIds.length) {
    const found = await prisma.location.findMany({
      where: { id: { in: locationIds } },
      select: { id: true, kind: true },
    });
    for (const [i, id] of locationIds.entries()) {
      const loc = found.find((l) => l.id === id);
      if (!loc) throw new ApiKeyError('invalid_input', `unknown location ${id}`, `locationIds.${i}`);
      if (loc.kind !== 'store') {
        throw new ApiKeyError(
          'invalid_input',
          `location ${id} is a ${loc.kind}, staff keys are for stores`,
          `locationIds.${i}`,
        );
      }
    }
  }
  const { key, prefix } = generateApiKey();
  const row = await prisma.apiKey.create({
    data: { id: crypto.randomUUID(), name: k.name, role: k.role, locationIds, prefix, keyHash: await hashApiKey(key) },
  });
  return { key, record: toRecord(row) };
}

/** The active (not revoked) key with this clear value, or null. */
export async function findActiveApiKey(prisma: PrismaClient, key: string): Promise<ApiKeyRecord | null> {
  if (!looksLikeApiKey(key)) return null;
  const row = await prisma.apiKey.findUnique({ where: { keyHash: await hashApiKey(key) } });
  return row && !row.revokedAt ? toRecord(row) : null;
}

export async function listApiKeys(prisma: PrismaClient): Promise<ApiKeyRecord[]> {
  const rows = await prisma.apiKey.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map(toRecord);
}

/** Revokes a key (kept for the audit trail); revoking twice is a no-op. */
export async function revokeApiKey(
  prisma: PrismaClient,
  id: string,
  now: Date = systemClock.now(),
): Promise<ApiKeyRecord> {
  const row = await prisma.apiKey.findUnique({ where: { id } });
  if (!row) throw new ApiKeyError('not_found', `API key ${id} not found`);
  if (row.revokedAt) return toRecord(row);
  return toRecord(await prisma.apiKey.update({ where: { id }, data: { revokedAt: now } }));
}

/**
 * Records use of a key at most once a minute, in one conditional statement: however many
 * requests or processes use the key, the row is written at most once per minute.
 */
export async function touchApiKey(prisma: Pick<RawSql, '$executeRaw'>, id: string, now: Date): Promise<boolean> {
  const cutoff = new Date(now.getTime() - 60_000);
  const n = await prisma.$executeRaw`
    UPDATE api_keys SET last_used_at = ${now}
     WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < ${cutoff})`;
  return n > 0;
}
