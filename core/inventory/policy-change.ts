// A change of stock policy (an account's buffer, cap, share, locations or allocation mode; a
// SKU's backorder or allocation mode) changes what channels should advertise without any stock
// moving. Writing a `stock.recompute` outbox row in the change's own transaction makes the
// dispatcher recompute and push at once (sync/README.md, "The path of a stock change"), instead
// of the channels showing the old figure until the next reconciliation.
import type { Sql } from '../db/sql.ts';

/** Every SKU the account lists: its targets (and, in strict allocation, its siblings') change. */
export async function requestRecomputeForAccount(sql: Sql, accountId: string): Promise<void> {
  await sql.$executeRaw`
    INSERT INTO outbox_events (kind, payload)
    SELECT 'stock.recompute', jsonb_build_object('skuIds', jsonb_agg(DISTINCT sku_id))
      FROM listings WHERE account_id = ${accountId}
    HAVING count(*) > 0`;
}

/** One SKU's targets on every channel listing it. */
export async function requestRecomputeForSku(sql: Sql, skuId: string): Promise<void> {
  await sql.$executeRaw`
    INSERT INTO outbox_events (kind, payload)
    VALUES ('stock.recompute', jsonb_build_object('skuIds', jsonb_build_array(${skuId}::text)))`;
}
