// An app-level webhook whose merchant id matches no account: nothing goes to any inbox, and one
// open exception per (channel type, merchant id) says which id arrived, so that a person can
// add the account (or give an existing one that identity). It records the event ids and topics
// only, never the payload (which may name a buyer).
import type { InboundEvent } from '../../connectors/connector.ts';
import type { ChannelType } from '../../core/accounts/accounts.ts';
import type { RawSql } from '../../core/db/sql.ts';

export const APP_WEBHOOK_UNROUTED = 'app_webhook_unrouted';

export async function recordUnrouted(
  sql: RawSql,
  type: ChannelType,
  identity: string,
  events: InboundEvent[],
  now: Date,
): Promise<void> {
  const id = identity.slice(0, 200);
  const message =
    `${type} app webhook for merchant "${id}", which no active ${type} account has: nothing was stored ` +
    '(add the account, or activate it; its orders are then read by polling)';
  const data = {
    channel: type,
    identity: id,
    events: events.slice(0, 50).map((e) => ({ externalEventId: e.externalEventId, topic: e.topic })),
  };
  await sql.$executeRaw`
    INSERT INTO exceptions (id, kind, dedupe_key, account_id, message, data, created_at, updated_at)
    VALUES (${crypto.randomUUID()}, ${APP_WEBHOOK_UNROUTED}, ${`${APP_WEBHOOK_UNROUTED}:${type}:${id}`}, NULL,
            ${message}, ${JSON.stringify(data)}::jsonb, ${now}, ${now})
    ON CONFLICT (dedupe_key) DO UPDATE SET occurrences = exceptions.occurrences + 1, updated_at = ${now},
           data = EXCLUDED.data, resolved_at = NULL, resolved_by = NULL`;
}
