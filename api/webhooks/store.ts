// Stores verified channel events in the inbox and announces them in the outbox, in ONE
// statement for any number of deliveries (of any accounts): one round trip and one commit.
// The rows are the ones core/inbox storeEvents writes (inbox rows keyed by (account,
// channel event id), an `inbox.received` outbox row per account), so the processor cannot
// tell them apart. An event id already stored is skipped (ON CONFLICT DO NOTHING).
import type { InboundEvent } from '../../connectors/connector.ts';
import type { Sql } from '../../core/db/sql.ts';

export interface Delivery {
  accountId: string;
  events: InboundEvent[];
}

/** Inserts every event of `deliveries`; returns, per delivery, how many of its events were new. */
export async function storeDeliveries(sql: Sql, deliveries: Delivery[]): Promise<number[]> {
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
  const stored = deliveries.map(() => 0);
  if (ids.length === 0) return stored;
  const rows = await sql.$queryRaw<{ account_id: string; external_event_id: string }[]>`
    WITH ins AS (
      INSERT INTO inbox_events (account_id, external_event_id, topic, payload, occurred_at)
      SELECT e.account_id, e.id, e.topic, e.payload::jsonb, e.occurred_at::timestamptz
        FROM unnest(${accounts}::text[], ${ids}::text[], ${topics}::text[], ${payloads}::text[], ${occurred}::text[])
             WITH ORDINALITY AS e(account_id, id, topic, payload, occurred_at, ord)
       ORDER BY e.ord
      ON CONFLICT (account_id, external_event_id) DO NOTHING
      RETURNING account_id, external_event_id
    ), ob AS (
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inbox.received', jsonb_build_object('accountId', account_id, 'count', count(*)::int)
        FROM ins GROUP BY account_id
    )
    SELECT account_id, external_event_id FROM ins`;
  for (const r of rows) {
    const i = owner.get(`${r.account_id}\u0000${r.external_event_id}`);
    if (i !== undefined) stored[i] = (stored[i] as number) + 1;
  }
  return stored;
}
