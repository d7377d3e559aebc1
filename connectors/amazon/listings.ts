// Listing discovery: searchListingsItems (5/s, 20 per page) per marketplace, with summaries
// (product type, ASIN, title) and fulfillmentAvailability (the DEFAULT channel's quantity is
// the merchant-fulfilled one the hub writes; an AMAZON_* channel means FBA).
import type { ChannelData, ListingCandidate } from '../connector.ts';
import { ChannelDataError } from '../connector.ts';
import { type AmazonCtx, spCall } from './client.ts';
import type { SpItemSearchResults } from './payloads.ts';

/** The "location" of an Amazon quantity: the merchant fulfilment channel (README, "Stock"). */
export const DEFAULT_CHANNEL = 'DEFAULT';
const PAGE_SIZE = 20;

export async function* discoverListings(ctx: AmazonCtx): AsyncIterable<ListingCandidate> {
  const seen = new Set<string>();
  for (const marketplaceId of ctx.cfg.marketplaceIds) {
    let pageToken: string | undefined;
    do {
      const { body } = await spCall<SpItemSearchResults>(ctx, 'searchListingsItems', {
        method: 'GET',
        path: `/listings/2021-08-01/items/${encodeURIComponent(ctx.cfg.sellerId)}`,
        query: {
          marketplaceIds: [marketplaceId],
          includedData: ['summaries', 'fulfillmentAvailability'],
          pageSize: PAGE_SIZE,
          pageToken,
        },
      });
      for (const item of body.items ?? []) {
        // Quantities are per seller SKU, shared by the marketplaces of a region: one listing each.
        if (seen.has(item.sku)) continue;
        seen.add(item.sku);
        const summary = item.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? item.summaries?.[0];
        const merchant = item.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === DEFAULT_CHANNEL);
        const fba =
          !merchant && (item.fulfillmentAvailability ?? []).some((f) => f.fulfillmentChannelCode !== DEFAULT_CHANNEL);
        yield {
          externalProductId: summary?.asin ?? null,
          externalVariantId: null,
          externalStockId: item.sku,
          sku: item.sku,
          title: summary?.itemName ?? item.sku,
          levels: merchant ? [{ externalLocationId: DEFAULT_CHANNEL, quantity: merchant.quantity ?? null }] : [],
          channelData: {
            productType: summary?.productType ?? null,
            marketplaceId,
            ...(fba ? { fulfilledByAmazon: true } : {}),
          },
        };
      }
      pageToken = body.pagination?.nextToken;
    } while (pageToken);
  }
}

/** A person's channel data for an Amazon listing: the product type is required by every write. */
export function normaliseChannelData(data: ChannelData): ChannelData {
  if (typeof data.productType !== 'string' || !/^[A-Z0-9_]{1,100}$/.test(data.productType))
    throw new ChannelDataError('productType', "the listing's Amazon product type, e.g. LUGGAGE");
  if (
    data.marketplaceId !== undefined &&
    (typeof data.marketplaceId !== 'string' || !/^[A-Z0-9]{8,20}$/.test(data.marketplaceId))
  )
    throw new ChannelDataError('marketplaceId', 'a marketplace id, e.g. ATVPDKIKX0DER');
  if (data.fulfilledByAmazon !== undefined && typeof data.fulfilledByAmazon !== 'boolean')
    throw new ChannelDataError('fulfilledByAmazon', 'true or false');
  return {
    productType: data.productType,
    marketplaceId: data.marketplaceId,
    fulfilledByAmazon: data.fulfilledByAmazon,
  };
}
