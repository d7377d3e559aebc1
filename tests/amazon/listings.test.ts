// Listing discovery through searchListingsItems: every page, one candidate per seller SKU with
// the product type and marketplace the stock writes need, the merchant-fulfilled quantity as
// the DEFAULT level, and FBA offers flagged so the hub never writes their quantity.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ListingCandidate } from '../../connectors/connector.ts';
import { CA, type Harness, harness, US } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.close());

describe('Amazon listing discovery', () => {
  it('reads all pages, one candidate per SKU across marketplaces, FBA offers flagged', async () => {
    for (let i = 0; i < 45; i++)
      h.sim.addListing({ sku: `TEA-${String(i).padStart(2, '0')}`, productType: 'TEA', quantity: i });
    h.sim.addListing({ sku: 'FBA-MUG', productType: 'DRINKING_CUP', fba: true });
    h.sim.addListing({ sku: 'CA-ONLY', productType: 'TEA', marketplaceIds: [CA], quantity: 3 });
    const found: ListingCandidate[] = [];
    for await (const c of h.connector.discoverListings(h.account())) found.push(c);
    expect(found).toHaveLength(47);
    expect(found.find((c) => c.sku === 'TEA-07')).toMatchObject({
      externalStockId: 'TEA-07',
      levels: [{ externalLocationId: 'DEFAULT', quantity: 7 }],
      channelData: { productType: 'TEA', marketplaceId: US },
    });
    expect(found.find((c) => c.sku === 'FBA-MUG')).toMatchObject({
      levels: [],
      channelData: { productType: 'DRINKING_CUP', fulfilledByAmazon: true },
    });
    expect(found.find((c) => c.sku === 'CA-ONLY')?.channelData).toMatchObject({ marketplaceId: CA });
    // 46 US listings in pages of 20 (3 calls), then the Canadian marketplace (3 calls, SKUs seen are skipped).
    expect(h.sim.stats.byOperation.searchListingsItems).toBe(6);
  });
});
