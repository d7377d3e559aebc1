// The shared bucket in PostgreSQL (or PGlite) when there is no Redis: one conditional upsert
// refills and takes under the row's lock, so processes sharing the database never both take
// the last token. Time is the caller's clock, as with Redis.
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { type RateSpec, type RateStore, refilled, waitFor } from './bucket.ts';

export class PostgresRateStore implements RateStore {
  constructor(private readonly prisma: PrismaClient) {}

  async take(key: string, spec: RateSpec, nowMs: number, cost: number): Promise<number> {
    const now = Math.floor(nowMs);
    const rate = spec.ratePerSecond;
    const burst = spec.burst;
    const taken = await this.prisma.$queryRaw<{ ok: number }[]>`
      INSERT INTO rate_buckets (key, tokens, at_ms) VALUES (${key}, ${burst}::float8 - ${cost}::float8, ${now}::bigint)
      ON CONFLICT (key) DO UPDATE SET
        tokens = LEAST(${burst}::float8, rate_buckets.tokens
                 + GREATEST(0, ${now}::bigint - rate_buckets.at_ms) * ${rate}::float8 / 1000) - ${cost}::float8,
        at_ms = GREATEST(rate_buckets.at_ms, ${now}::bigint)
      WHERE LEAST(${burst}::float8, rate_buckets.tokens
              + GREATEST(0, ${now}::bigint - rate_buckets.at_ms) * ${rate}::float8 / 1000) >= ${cost}::float8
      RETURNING 1 AS ok`;
    if (taken.length) return 0;
    const rows = await this.prisma.$queryRaw<{ tokens: number; at_ms: bigint }[]>`
      SELECT tokens, at_ms FROM rate_buckets WHERE key = ${key}`;
    const row = rows[0];
    const state = row ? { tokens: Number(row.tokens), atMs: Number(row.at_ms) } : null;
    // Read after the refused upsert: only an estimate (the limiter asks again after waiting).
    return Math.max(1, waitFor(refilled(state, spec, now), spec, cost));
  }
}
