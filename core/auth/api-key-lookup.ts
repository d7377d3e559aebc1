// Where the API's authentication finds a key and records its use: through the Prisma client
// on Node, in plain SQL on the edge (Workers run no Prisma client of this build). Both answer
// the same ApiKeyRecord for the same row (toRecord), so a key means the same at both doors.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { RawSql } from '../db/sql.ts';
import {
  type ApiKeyRecord,
  type ApiKeyRow,
  findActiveApiKey,
  hashApiKey,
  looksLikeApiKey,
  toRecord,
  touchApiKey,
} from './api-keys.ts';

export interface ApiKeyLookup {
  /** The active (not revoked) key with this clear value, or null. */
  find(key: string): Promise<ApiKeyRecord | null>;
  /** Records use (at most once a minute per key, whoever asks). */
  touch(id: string, now: Date): Promise<boolean>;
}

export function prismaApiKeys(prisma: PrismaClient): ApiKeyLookup {
  return { find: (key) => findActiveApiKey(prisma, key), touch: (id, now) => touchApiKey(prisma, id, now) };
}

export function sqlApiKeys(sql: RawSql): ApiKeyLookup {
  return {
    async find(key) {
      if (!looksLikeApiKey(key)) return null;
      const rows = await sql.$queryRaw<ApiKeyRow[]>`
        SELECT id, name, role, location_ids AS "locationIds", prefix, created_at AS "createdAt",
               last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
          FROM api_keys WHERE key_hash = ${await hashApiKey(key)}`;
      const row = rows[0];
      return row && !row.revokedAt ? toRecord(row) : null;
    },
    touch: (id, now) => touchApiKey(sql, id, now),
  };
}
