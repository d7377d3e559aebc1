// A location as a channel names it (ChannelLocation.externalLocationId) -> the hub's location id.
import type { Sql } from '../db/sql.ts';

/** The hub location the account links to `externalId`; null when the account has no such link. */
export async function resolveChannelLocation(sql: Sql, accountId: string, externalId: string): Promise<string | null> {
  const rows = await sql.$queryRaw<{ location_id: string }[]>`
    SELECT location_id FROM channel_locations WHERE account_id = ${accountId} AND external_location_id = ${externalId}
     LIMIT 1`;
  return rows[0]?.location_id ?? null;
}
