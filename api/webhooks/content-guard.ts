// What the webhook door does with an authentic event whose content PostgreSQL cannot store.
// Shopify (like most channels) redelivers anything but a 2xx, 8 times over 4 hours, and may
// then drop the subscription: refusing content it signed loses the event and risks every later
// one. So the door keeps the event and makes it storable, and says so where a person looks:
// - a NUL (U+0000) or an unpaired surrogate in a string or key, which jsonb refuses, is replaced
//   with U+FFFD, and an open exception names the JSON paths altered (core/text/storable.ts);
// - an occurredAt outside the accepted range (core/instant.ts) is dropped: the event is then
//   ordered by arrival, and the mapping refuses the date itself as a content error (exception).
import type { InboundEvent } from '../../connectors/connector.ts';
import { saneInstant } from '../../core/instant.ts';
import type { RawSql } from '../../core/db/sql.ts';
import { makeStorable, storable } from '../../core/text/storable.ts';

export const CONTENT_ALTERED = 'webhook_content_altered';

export interface AlteredEvent {
  externalEventId: string;
  topic: string;
  /** JSON paths ("line_items.0.title") whose unstorable characters were replaced. */
  paths: string[];
}

/** Storable copies of the events, and which were altered. Events needing nothing are returned as they are. */
export function guardContent(events: InboundEvent[]): { events: InboundEvent[]; altered: AlteredEvent[] } {
  const altered: AlteredEvent[] = [];
  const out = events.map((e) => {
    const { value, paths } = makeStorable(e.payload);
    const ids = [storable(e.externalEventId), storable(e.topic)];
    const occurredAt = e.occurredAt === null ? null : saneInstant(e.occurredAt);
    if (paths.length === 0 && occurredAt === e.occurredAt && ids[0] === e.externalEventId && ids[1] === e.topic) {
      return e;
    }
    const event = { externalEventId: ids[0] as string, topic: ids[1] as string, occurredAt, payload: value };
    if (paths.length > 0) altered.push({ externalEventId: event.externalEventId, topic: event.topic, paths });
    return event;
  });
  return { events: out, altered };
}

/** One open exception per altered event (a redelivery finds it open and adds nothing). */
export async function recordAltered(sql: RawSql, accountId: string, altered: AlteredEvent[], now: Date): Promise<void> {
  for (const a of altered) {
    const shown = a.paths.slice(0, 20).join(', ') + (a.paths.length > 20 ? ` (and ${a.paths.length - 20} more)` : '');
    const message = `${a.topic} event ${a.externalEventId}: characters PostgreSQL cannot store (NUL, unpaired surrogates) replaced with U+FFFD at ${shown}`;
    await sql.$executeRaw`
      INSERT INTO exceptions (id, kind, dedupe_key, account_id, message, data, created_at, updated_at)
      VALUES (${crypto.randomUUID()}, ${CONTENT_ALTERED}, ${`${CONTENT_ALTERED}:${accountId}:${a.externalEventId}`},
              ${accountId}, ${message.slice(0, 1000)},
              ${JSON.stringify({ externalEventId: a.externalEventId, topic: a.topic, paths: a.paths.slice(0, 100) })}::jsonb,
              ${now}, ${now})
      ON CONFLICT (dedupe_key) DO NOTHING`;
  }
}
