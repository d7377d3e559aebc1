// The inbox: raw channel events (webhooks and polled pages) stored once per
// (account, channel event id) before any work is done, so a duplicate delivery is a
// no-op and a worker that dies mid-way loses nothing: the row waits to be processed.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { RawSql, Sql } from '../db/sql.ts';
import { eventExceptionKey, MAX_ATTEMPTS } from './failures.ts';

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
  /** Why the last attempt failed or why the event waits; null for a fresh event. */
  lastError: string | null;
}

export interface Delivery {
  accountId: string;
  events: InboundEventInput[];
}

/** Stores one account's events; returns the ids of the ones that were new (duplicates are skipped). */
export async function storeEvents(sql: RawSql, accountId: string, events: InboundEventInput[]): Promise<bigint[]> {
  return (await storeDeliveries(sql, [{ accountId, events }]))[0] ?? [];
}

/**
 * Stores the events of any number of deliveries (of any accounts) in ONE statement: one
 * round trip and one commit, with an `inbox.received` outbox row per account. An event id
 * already stored is skipped. Returns, per delivery, the ids of its events that were new.
 */
export async function storeDeliveries(sql: RawSql, deliveries: Delivery[]): Promise<bigint[][]> {
  const accounts: string[] = [];
  const ids: string[] = [];
  const topics: string[] = [];
  const payloads: string[] = [];
  const occurred: (string | null)[] = [];
  // The first delivery in the batch carrying an event id owns it; a later one is a duplicate.
  const owner = new Map<string, number>();
  deliveries.forEach((d, i) => {
    for (const e of d.events) {
      const key = `${d.accountId}\u0000${e.externalEventId}`;
      if (owner.has(key)) continue;
      owner.set(key, i);
      accounts.push(d.accountId);
      ids.push(e.externalEventId);
      topics.push(e.topic);
      payloads.push(JSON.stringify(e.payload ?? null));
      occurred.push(e.occurredAt ? new Date(e.occurredAt).toISOString() : null);
    }
  });
  const stored: bigint[][] = deliveries.map(() => []);
  if (ids.length === 0) return stored;
  const rows = await sql.$queryRaw<{ id: bigint; account_id: string; external_event_id: string }[]>`
    WITH ins AS (
      INSERT INTO inbox_events (account_id, external_event_id, topic, payload, occurred_at)
      SELECT e.account_id, e.id, e.topic, e.payload::jsonb, e.occurred_at::timestamptz
        FROM unnest(${accounts}::text[], ${ids}::text[], ${topics}::text[], ${payloads}::text[], ${occurred}::text[])
             WITH ORDINALITY AS e(account_id, id, topic, payload, occurred_at, ord)
       ORDER BY e.ord
      ON CONFLICT (account_id, external_event_id) DO NOTHING
      RETURNING id, account_id, external_event_id
    ), ob AS (
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inbox.received', jsonb_build_object('accountId', account_id, 'count', count(*)::int)
        FROM ins GROUP BY account_id
    )
    SELECT id, account_id, external_event_id FROM ins ORDER BY id`;
  for (const r of rows) {
    const i = owner.get(`${r.account_id}\u0000${r.external_event_id}`);
    if (i !== undefined) stored[i]?.push(r.id);
  }
  return stored;
}

/**
 * Unprocessed events, oldest first. Two workers may read the same row: processing is
 * idempotent (orders upsert under a row lock and ignore stale payloads, returns apply
 * once per return id), so a double run changes nothing; it only costs work.
 */
export async function pendingEvents(
  prisma: PrismaClient,
  opts: {
    accountId?: string;
    limit?: number;
    maxAttempts?: number;
    /** With accountId: events this run has tried already, and topics it leaves for a later run. */
    skipIds?: bigint[];
    skipTopics?: string[];
    /** With accountId: only events of these topics, newest first (pointers: inbox-processor.ts). */
    newestOf?: readonly string[];
  } = {},
) {
  const limit = opts.limit ?? 100;
  const maxAttempts = opts.maxAttempts ?? MAX_ATTEMPTS;
  const skipIds = (opts.skipIds ?? []).map(String);
  const rows = opts.newestOf
    ? await prisma.$queryRaw<RawEvent[]>`
        SELECT id, account_id, external_event_id, topic, occurred_at, payload, attempts, last_error FROM inbox_events
         WHERE processed_at IS NULL AND attempts < ${maxAttempts} AND account_id = ${opts.accountId}
           AND NOT (id = ANY(${skipIds}::bigint[])) AND topic = ANY(${[...opts.newestOf]}::text[])
           AND NOT (topic = ANY(${opts.skipTopics ?? []}::text[]))
         ORDER BY id DESC LIMIT ${limit}`
    : opts.accountId
      ? await prisma.$queryRaw<RawEvent[]>`
        SELECT id, account_id, external_event_id, topic, occurred_at, payload, attempts, last_error FROM inbox_events
         WHERE processed_at IS NULL AND attempts < ${maxAttempts} AND account_id = ${opts.accountId}
           AND NOT (id = ANY(${skipIds}::bigint[]))
           AND NOT (topic = ANY(${opts.skipTopics ?? []}::text[]))
         ORDER BY occurred_at NULLS FIRST, id LIMIT ${limit}`
      : await prisma.$queryRaw<RawEvent[]>`
        SELECT id, account_id, external_event_id, topic, occurred_at, payload, attempts, last_error FROM inbox_events
         WHERE processed_at IS NULL AND attempts < ${maxAttempts}
         ORDER BY occurred_at NULLS FIRST, id LIMIT ${limit}`;
  return rows.map(toStored);
}

/** The account's event with that id, when it is still to be applied (not processed, attempts left). */
export async function pendingEvent(
  sql: RawSql,
  accountId: string,
  externalEventId: string,
  maxAttempts = MAX_ATTEMPTS,
): Promise<StoredEvent | null> {
  const rows = await sql.$queryRaw<RawEvent[]>`
    SELECT id, account_id, external_event_id, topic, occurred_at, payload, attempts, last_error FROM inbox_events
     WHERE account_id = ${accountId} AND external_event_id = ${externalEventId}
       AND processed_at IS NULL AND attempts < ${maxAttempts}`;
  return rows[0] ? toStored(rows[0]) : null;
}

/**
 * Marks the event done and, in the same statement, resolves the exception it had (a replayed
 * failure). `now` comes from the app clock: retention (purgeProcessed) compares processed_at with it.
 */
export async function markProcessed(sql: Sql, id: bigint, now: Date): Promise<void> {
  await sql.$executeRaw`
    WITH p AS (UPDATE inbox_events SET processed_at = ${now}, last_error = NULL WHERE id = ${id} RETURNING id)
    UPDATE exceptions SET resolved_at = ${now}, resolved_by = 'system:inbox', updated_at = ${now}
     WHERE dedupe_key = ${eventExceptionKey(id)} AND resolved_at IS NULL AND EXISTS (SELECT 1 FROM p)`;
}

/** Says why an event waits (its order has not arrived, the channel is down) without spending an attempt. */
export async function noteWaiting(sql: Sql, id: bigint, why: string): Promise<void> {
  await sql.$executeRaw`UPDATE inbox_events SET last_error = ${why.slice(0, 2000)} WHERE id = ${id}`;
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
  last_error: string | null;
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
    lastError: r.last_error,
  };
}
