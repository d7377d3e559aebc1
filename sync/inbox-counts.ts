// Store counts a channel reports (InterpretedEvent `count`: a till's physical count) applied to
// the ledger as of when they were taken (core/inventory/store-count.ts), all of one event in one
// transaction. The item is found through the account's listing (or by SKU code for a channel
// without listings, StockCountDraft.sku), the location through the
// account's channel locations; what cannot be placed is a permanent failure (an exception a
// person can see and replay once the listing or location is linked).
import type { StockCountDraft } from '../connectors/connector.ts';
import { applyStoreCount } from '../core/inventory/store-count.ts';
import type { InboxDeps } from './inbox-processor.ts';
import { permanentFailure } from './inbox-failures.ts';

export async function applyCounts(deps: InboxDeps, accountId: string, counts: StockCountDraft[]): Promise<void> {
  if (counts.length === 0) return;
  await deps.prisma.$transaction(async (tx) => {
    for (const c of counts) {
      const [listing] = c.sku
        ? await tx.$queryRaw<{ sku_id: string }[]>`SELECT id AS sku_id FROM skus WHERE code = ${c.sku}`
        : await tx.$queryRaw<{ sku_id: string }[]>`
        SELECT sku_id FROM listings
         WHERE account_id = ${accountId} AND (external_variant_id = ${c.externalItemId} OR external_stock_id = ${c.externalItemId})
         ORDER BY id LIMIT 1`;
      if (!listing) {
        throw permanentFailure(
          c.sku
            ? `count ${c.externalCountId}: no SKU ${c.sku} in the hub`
            : `count ${c.externalCountId}: no listing of this account for item ${c.externalItemId}`,
        );
      }
      const [location] = await tx.$queryRaw<{ location_id: string }[]>`
        SELECT location_id FROM channel_locations
         WHERE account_id = ${accountId} AND external_location_id = ${c.externalLocationId} LIMIT 1`;
      if (!location)
        throw permanentFailure(
          `count ${c.externalCountId}: location ${c.externalLocationId} is not linked to this account`,
        );
      // The channel's own orders not handed over yet are still in the store, off its count (StockCountDraft.quantity).
      const [own] = await tx.$queryRaw<{ units: number }[]>`
        SELECT COALESCE(sum(r.quantity), 0)::int AS units FROM reservations r JOIN orders o ON o.id = r.order_id
         WHERE r.status = 'active' AND r.sku_id = ${listing.sku_id} AND r.location_id = ${location.location_id}
           AND o.account_id = ${accountId}`;
      const r = await applyStoreCount(tx, {
        skuId: listing.sku_id,
        locationId: location.location_id,
        counted: c.quantity + (own?.units ?? 0),
        countedAt: new Date(c.countedAt),
        reference: `count:${accountId}:${c.externalCountId}`,
        actor: `channel:${accountId}`,
      });
      if (!r.applied && r.reason === 'below_reserved') {
        throw permanentFailure(
          `count ${c.externalCountId}: ${c.quantity} counted is below the ${r.reserved} units reserved at the location; resolve the reservations, then replay`,
        );
      }
    }
  });
}
