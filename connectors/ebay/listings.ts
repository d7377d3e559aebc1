// Listing discovery for Inventory API listings: getInventoryItems pages (100 items), then
// getOffers per SKU for its offer ids (the stock handles bulkUpdatePriceQuantity needs) and the
// published listing id. The quantity shown is the lower of the item's ship-to-home quantity and
// the offer's available quantity (what eBay shows), under the offer's merchantLocationKey (the
// account's channel location id for reconciliation). Legacy (Trading) listings are not listed
// here: a person links them with channelData {api: "trading", itemId, variationSku?}.
import type { ListingCandidate } from '../connector.ts';
import type { EbayClient } from './client.ts';
import { OP } from './limits.ts';

export const INVENTORY_PAGE_SIZE = 100;
/** The channel location id of a listing whose offer names no merchant location. */
export const DEFAULT_LOCATION = 'default';

interface InventoryItemsPage {
  total?: number;
  inventoryItems?: {
    sku: string;
    product?: { title?: string };
    availability?: { shipToLocationAvailability?: { quantity?: number } };
  }[];
}

interface OffersPage {
  offers?: {
    offerId: string;
    sku: string;
    status?: string;
    availableQuantity?: number;
    merchantLocationKey?: string;
    listing?: { listingId?: string; listingStatus?: string };
  }[];
}

export async function* discoverListings(
  client: EbayClient,
  pageSize = INVENTORY_PAGE_SIZE,
): AsyncGenerator<ListingCandidate> {
  for (let offset = 0; ; offset += pageSize) {
    const page = await client.rest<InventoryItemsPage>(OP.getInventoryItems, 'inventory', '/inventory_item', {
      query: { limit: String(pageSize), offset: String(offset) },
      retrySafe: true,
    });
    const items = page?.body.inventoryItems ?? [];
    for (const item of items) {
      const offers =
        (
          await client.rest<OffersPage>(OP.getOffers, 'inventory', '/offer', {
            query: { sku: item.sku },
            retrySafe: true,
            allow404: true,
          })
        )?.body.offers ?? [];
      const published = offers.filter((o) => o.status !== 'UNPUBLISHED');
      const itemQty = item.availability?.shipToLocationAvailability?.quantity;
      const first = published[0];
      const shown =
        first?.availableQuantity !== undefined && itemQty !== undefined
          ? Math.min(first.availableQuantity, itemQty)
          : (first?.availableQuantity ?? itemQty ?? null);
      yield {
        externalProductId: first?.listing?.listingId ?? null,
        externalVariantId: null,
        externalStockId: item.sku,
        sku: item.sku.trim() || null,
        title: item.product?.title ?? item.sku,
        levels: [{ externalLocationId: first?.merchantLocationKey ?? DEFAULT_LOCATION, quantity: shown }],
        channelData: { api: 'inventory', sku: item.sku, offerIds: published.map((o) => o.offerId) },
      };
    }
    if (items.length < pageSize || offset + items.length >= (page?.body.total ?? 0)) return;
  }
}
