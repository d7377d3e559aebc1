// An inbox event that cannot be applied is never given up out of sight: the statement that
// spends its last attempt (at once for a permanent failure) also opens its exception, which a
// person can read and replay (core/exceptions/replay.ts). Processing the event later resolves
// the exception in the statement that marks the event processed (inbox.ts, markProcessed).
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.ts';

/** Attempts an event gets; an event that has used them is no longer pending. */
export const MAX_ATTEMPTS = 10;

export const EVENT_FAILED = 'inbox_event_failed';

/** One exception per event, reopened if the event fails again after a replay. */
export const eventExceptionKey = (eventId: bigint | string): string => `inbox_event:${eventId}`;

export interface FailedEvent {
  id: bigint;
  externalEventId: string;
  topic: string;
}

export interface EventFailureRecord {
  /** Why, safe to show (no credential). */
  message: string;
  /** The event's content cannot be applied: retrying cannot help, so no attempt is left. */
  permanent: boolean;
  /** The channel's order id, when the event names one. */
  externalOrderId?: string | null;
}

/** Records a failed attempt; returns the attempts used and whether the event now has an open exception. */
export async function recordEventFailure(
  sql: Sql,
  event: FailedEvent,
  f: EventFailureRecord,
  now: Date,
): Promise<{ attempts: number; exception: boolean }> {
  const message = f.message.slice(0, 2000);
  const headline = `${event.topic} event ${event.externalEventId} could not be applied: ${message}`.slice(0, 1000);
  const data = JSON.stringify({
    eventId: String(event.id),
    externalEventId: event.externalEventId,
    topic: event.topic,
    externalOrderId: f.externalOrderId ?? null,
    failure: f.permanent ? 'permanent' : 'transient',
  });
  const rows = await sql.$queryRaw<{ attempts: number; opened: number }[]>`
    WITH e AS (
      UPDATE inbox_events
         SET attempts = CASE WHEN ${f.permanent}::boolean THEN GREATEST(attempts + 1, ${MAX_ATTEMPTS}::int)
                             ELSE attempts + 1 END,
             last_error = ${message}
       WHERE id = ${event.id}
      RETURNING account_id, attempts
    ), x AS (
      INSERT INTO exceptions (id, kind, dedupe_key, account_id, message, data, created_at, updated_at)
      SELECT ${randomUUID()}, ${EVENT_FAILED}, ${eventExceptionKey(event.id)}, e.account_id, ${headline},
             ${data}::jsonb || jsonb_build_object('attempts', e.attempts), ${now}, ${now}
        FROM e WHERE e.attempts >= ${MAX_ATTEMPTS}::int
      ON CONFLICT (dedupe_key) DO UPDATE SET occurrences = exceptions.occurrences + 1, updated_at = ${now},
             message = EXCLUDED.message, data = EXCLUDED.data, resolved_at = NULL, resolved_by = NULL
      RETURNING 1
    )
    SELECT e.attempts, (SELECT count(*) FROM x)::int AS opened FROM e`;
  const row = rows[0];
  return { attempts: row?.attempts ?? 0, exception: (row?.opened ?? 0) > 0 };
}
