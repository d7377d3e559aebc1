// The inbox: raw channel events (webhooks and polled pages) stored once per
// (account, channel event id) before any work is done, so a duplicate delivery is a
// no-op and a worker that dies mid-way loses nothing: the row waits to be processed.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { Sql } from '../db/sql.ts';

export interface InboundEventInput {
  externalEventId: string;
  topic: string;
  occurredAt: string | null;
  payload: unknown;
}

export interface StoredEvent {
  id: bigint;
  accountId: string;
  externalEventId: string;
  topic: string;
  occurredAt: Date | null;
  payload: unknown;
  attempts: number;
}

/** Stores events; returns the ids of the ones that were new (duplicates are skipped). */
export async function storeEvents(sql: Sql, accountId: string, events: InboundEventInput[]): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const e of events) {
    const rows = await sql.$queryRaw<{ id: bigint }[]>`
      INSERT INTO inbox_events (account_id, external_event_id, topic, payload, occurred_at)
      VALUES (${accountId}, ${e.externalEventId}, ${e.topic}, ${JSON.stringify(e.payload)}::jsonb,
              ${e.occurredAt ? new Date(e.occurredAt) : null})
      ON CONFLICT (account_id, external_event_id) DO NOTHING
      RETURNING id`;
    if (rows[0]) ids.push(rows[0].id);
  }
  // New events are announced through the outbox, in the same transaction when the caller has one.
  if (ids.length) {
    await sql.$executeRaw`
      INSERT INTO outbox_events (kind, payload)
      VALUES ('inbox.received', jsonb_build_object('accountId', ${accountId}::text, 'count', ${ids.length}::int))`;
  }
  return ids;
}

/**
 * Unprocessed events, oldest first. Two workers may read the same row: processing is
 * idempotent (orders upsert under a row lock and ignore stale payloads, returns apply
 * once per return id), so a double run changes nothing; it only costs work.
 */
export async function pendingEvents(
  prisma: PrismaClient,
  opts: { accountId?: string; limit?: number; maxAttempts?: number } = {},
) {
  const limit = opts.limit ?? 100;
  const maxAttempts = opts.maxAttempts ?? 10;
  const rows = opts.accountId
    ? await prisma.$queryRaw<RawEvent[]>`
        SELECT id, account_id, external_event_id, topic, occurred_at, payload, attempts FROM inbox_events
         WHERE processed_at IS NULL AND attempts < ${maxAttempts} AND account_id = ${opts.accountId}
         ORDER BY occurred_at NULLS FIRST, id LIMIT ${limit}`
    : await prisma.$queryRaw<RawEvent[]>`
        SELECT id, account_id, external_event_id, topic, occurred_at, payload, attempts FROM inbox_events
         WHERE processed_at IS NULL AND attempts < ${maxAttempts}
         ORDER BY occurred_at NULLS FIRST, id LIMIT ${limit}`;
  return rows.map(toStored);
}

export async function markProcessed(sql: Sql, id: bigint): Promise<void> {
  await sql.$executeRaw`UPDATE inbox_events SET processed_at = now(), last_error = NULL WHERE id = ${id}`;
}

export async function markFailed(sql: Sql, id: bigint, error: string): Promise<void> {
  await sql.$executeRaw`
    UPDATE inbox_events SET attempts = attempts + 1, last_error = ${error.slice(0, 2000)} WHERE id = ${id}`;
}

/** Deletes processed events older than `olderThan` (the raw payloads are kept for a while for support). */
export async function purgeProcessed(sql: Sql, olderThan: Date): Promise<number> {
  return sql.$executeRaw`DELETE FROM inbox_events WHERE processed_at IS NOT NULL AND processed_at < ${olderThan}`;
}

interface RawEvent {
  id: bigint;
  account_id: string;
  external_event_id: string;
  topic: string;
  occurred_at: Date | null;
  payload: unknown;
  attempts: number;
}

function toStored(r: RawEvent): StoredEvent {
  return {
    id: r.id,
    accountId: r.account_id,
    externalEventId: r.external_event_id,
    topic: r.topic,
    occurredAt: r.occurred_at,
    payload: r.payload,
    attempts: r.attempts,
  };
}
