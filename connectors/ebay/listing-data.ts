// What the connector keeps on a listing (ChannelData) to push its stock:
// - an Inventory API listing: {api: "inventory", sku, offerIds: [...]}: bulkUpdatePriceQuantity
//   sets the inventory item's ship-to-home quantity and each published offer's available
//   quantity (eBay shows the lower of the two);
// - a legacy listing (listed with the Trading API or in Seller Hub, not the Inventory API):
//   {api: "trading", itemId, variationSku?}: ReviseInventoryStatus, item id plus the
//   variation's SKU for a multi-variation listing.
// Discovery fills it for Inventory API listings; a person gives it for legacy ones (POST
// /listings), checked by normaliseChannelData.
import type { ChannelData, StockUpdate } from '../connector.ts';
import { ChannelDataError } from '../connector.ts';

export type EbayListingData =
  | { api: 'inventory'; sku: string; offerIds: string[] }
  | { api: 'trading'; itemId: string; variationSku: string | null };

const ITEM_ID = /^\d{6,19}$/;

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

export function normaliseEbayChannelData(data: ChannelData): ChannelData {
  const api = data.api ?? (data.itemId !== undefined ? 'trading' : 'inventory');
  if (api === 'trading') {
    const itemId = text(data.itemId);
    if (!itemId || !ITEM_ID.test(itemId))
      throw new ChannelDataError('itemId', 'the eBay item id (digits) of the listing');
    const variationSku = data.variationSku === undefined || data.variationSku === null ? null : text(data.variationSku);
    if (data.variationSku !== undefined && data.variationSku !== null && !variationSku) {
      throw new ChannelDataError('variationSku', "the variation's SKU, or leave it out for a single-item listing");
    }
    return { api: 'trading', itemId, variationSku };
  }
  if (api !== 'inventory') throw new ChannelDataError('api', '"inventory" or "trading"');
  const sku = text(data.sku);
  if (!sku || sku.length > 50) throw new ChannelDataError('sku', 'the inventory item SKU (up to 50 characters)');
  const offers = data.offerIds ?? [];
  if (!Array.isArray(offers) || offers.some((o) => !text(o))) {
    throw new ChannelDataError('offerIds', 'a list of offer ids');
  }
  return { api: 'inventory', sku, offerIds: offers.map((o) => String(o).trim()) };
}

/** How to push one update, from its channel data (else its stock handle as an inventory SKU). */
export function listingDataOf(u: StockUpdate): EbayListingData | null {
  const d = u.channelData ?? {};
  try {
    if (Object.keys(d).length === 0) {
      return u.externalStockId ? { api: 'inventory', sku: u.externalStockId, offerIds: [] } : null;
    }
    return normaliseEbayChannelData(d) as EbayListingData;
  } catch {
    return null;
  }
}

/** The eBay listings a write revises (for the daily revision count). */
export function revisedListings(d: EbayListingData): string[] {
  if (d.api === 'trading') return [`item:${d.itemId}`];
  return d.offerIds.length > 0 ? d.offerIds.map((o) => `offer:${o}`) : [`sku:${d.sku}`];
}
