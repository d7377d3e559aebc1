// Store counts and receipts a channel reports (InterpretedEvent `count`: a till's physical
// counts, goods booked in at the till) applied to the ledger, all of one event in one
// transaction, in the channel's time order (a receipt before a count is held by that count).
// Counts apply as of when they were taken (core/inventory/store-count.ts). The item is found
// through the account's listing (or by SKU code for a channel without listings,
// StockCountDraft.sku), the location through the account's channel locations; what cannot be
// placed is a permanent failure (an exception a person can see and replay once the listing or
// location is linked).
import type { StockCountDraft, StockReceiptDraft } from '../connectors/connector.ts';
import type { Sql } from '../core/db/sql.ts';
import { adjust } from '../core/inventory/ledger.ts';
import { applyStoreCount } from '../core/inventory/store-count.ts';
import type { InboxDeps } from './inbox-processor.ts';
import { permanentFailure } from './inbox-failures.ts';

type Step = { at: number; count: StockCountDraft } | { at: number; receipt: StockReceiptDraft };

export async function applyCounts(
  deps: InboxDeps,
  accountId: string,
  counts: StockCountDraft[],
  receipts: StockReceiptDraft[] = [],
): Promise<void> {
  if (counts.length === 0 && receipts.length === 0) return;
  const steps: Step[] = [
    ...receipts.map((receipt) => ({ at: Date.parse(receipt.receivedAt), receipt })),
    ...counts.map((count) => ({ at: Date.parse(count.countedAt), count })),
  ].sort((a, b) => a.at - b.at);
  await deps.prisma.$transaction(async (tx) => {
    for (const step of steps) {
      if ('receipt' in step) await applyReceipt(tx, accountId, step.receipt);
      else await applyCount(tx, accountId, step.count);
    }
  });
}

async function place(
  tx: Sql,
  accountId: string,
  what: string,
  item: { externalItemId: string; sku?: string | null; externalLocationId: string },
): Promise<{ skuId: string; locationId: string }> {
  const [listing] = item.sku
    ? await tx.$queryRaw<{ sku_id: string }[]>`SELECT id AS sku_id FROM skus WHERE code = ${item.sku}`
    : await tx.$queryRaw<{ sku_id: string }[]>`
        SELECT sku_id FROM listings
         WHERE account_id = ${accountId} AND (external_variant_id = ${item.externalItemId} OR external_stock_id = ${item.externalItemId})
         ORDER BY id LIMIT 1`;
  if (!listing) {
    throw permanentFailure(
      item.sku
        ? `${what}: no SKU ${item.sku} in the hub`
        : `${what}: no listing of this account for item ${item.externalItemId}`,
    );
  }
  const [location] = await tx.$queryRaw<{ location_id: string }[]>`
    SELECT location_id FROM channel_locations
     WHERE account_id = ${accountId} AND external_location_id = ${item.externalLocationId} LIMIT 1`;
  if (!location) throw permanentFailure(`${what}: location ${item.externalLocationId} is not linked to this account`);
  return { skuId: listing.sku_id, locationId: location.location_id };
}

async function applyCount(tx: Sql, accountId: string, c: StockCountDraft): Promise<void> {
  const { skuId, locationId } = await place(tx, accountId, `count ${c.externalCountId}`, c);
  // The channel's own orders not handed over yet are still in the store, off its count (StockCountDraft.quantity).
  const [own] = await tx.$queryRaw<{ units: number }[]>`
    SELECT COALESCE(sum(r.quantity), 0)::int AS units FROM reservations r JOIN orders o ON o.id = r.order_id
     WHERE r.status = 'active' AND r.sku_id = ${skuId} AND r.location_id = ${locationId}
       AND o.account_id = ${accountId}`;
  const r = await applyStoreCount(tx, {
    skuId,
    locationId,
    counted: c.quantity + (own?.units ?? 0),
    countedAt: new Date(c.countedAt),
    reference: `count:${accountId}:${c.externalCountId}`,
    actor: `channel:${accountId}`,
    clock: accountId,
  });
  if (!r.applied && r.reason === 'below_reserved') {
    throw permanentFailure(
      `count ${c.externalCountId}: ${c.quantity} counted is below the ${r.reserved} units reserved at the location; resolve the reservations, then replay`,
    );
  }
}

/**
 * Once per receipt id; not when a count of this channel at the location, taken after the
 * receipt (same clock), is already applied: the units are in it.
 */
async function applyReceipt(tx: Sql, accountId: string, r: StockReceiptDraft): Promise<void> {
  const { skuId, locationId } = await place(tx, accountId, `receipt ${r.externalReceiptId}`, r);
  const reference = `receipt:${accountId}:${r.externalReceiptId}`;
  const receivedAt = new Date(r.receivedAt);
  // The level's row lock orders this with a count of the same item and location.
  await tx.$queryRaw`SELECT 1 FROM inventory_levels WHERE sku_id = ${skuId} AND location_id = ${locationId} FOR UPDATE`;
  const [held] = await tx.$queryRaw<{ seen: boolean; counted: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM inventory_movements
                    WHERE sku_id = ${skuId} AND location_id = ${locationId} AND reference = ${reference}) AS seen,
           EXISTS (SELECT 1 FROM inventory_movements
                    WHERE sku_id = ${skuId} AND location_id = ${locationId} AND kind = 'adjust' AND reason LIKE 'count%'
                      AND channel_clock = ${accountId} AND channel_at >= ${receivedAt}) AS counted`;
  if (held?.seen || held?.counted) return;
  await adjust(tx, skuId, locationId, r.quantity, 'receipt', {
    reference,
    actor: `channel:${accountId}`,
    channel: { at: receivedAt, clock: accountId },
  });
}
