// The listing row a discovered channel item becomes: its three ids and the connector's channel
// data, taken as the connector gave them. One place, so every path that creates listings from
// discovery (the demo's seed, a person linking an item the unmapped report showed) stores the same.
import type { ChannelData, ListingCandidate } from './connector.ts';

export interface ListingFields {
  externalProductId: string | null;
  externalVariantId: string | null;
  externalStockId: string | null;
  channelData: ChannelData;
}

export function listingFields(c: ListingCandidate): ListingFields {
  return {
    externalProductId: c.externalProductId,
    externalVariantId: c.externalVariantId,
    externalStockId: c.externalStockId,
    channelData: c.channelData ?? {},
  };
}
