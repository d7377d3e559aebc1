// Listing discovery through the real library, msw and the simulator, and the pure SKU comparison.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ListingCandidate } from '../../connectors/connector.ts';
import { compareSkus } from '../../connectors/sku-match.ts';
import { account, type Harness, harness } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.close());

describe('discoverListings', () => {
  it('pages through the catalogue with SKU, inventory item and levels per location', async () => {
    const wh = h.sim.store.addLocation('Warehouse');
    const shop = h.sim.store.addLocation('Store');
    for (let i = 0; i < 30; i++)
      h.sim.store.addVariant({
        sku: `SKU-${i}`,
        productTitle: `Product ${i}`,
        price: 1000,
        stock: { [wh.id]: i, ...(i % 2 ? { [shop.id]: 1 } : {}) },
      });
    h.sim.store.addVariant({ sku: null, productTitle: 'Gift wrap', price: 0, stock: {} });
    h.sim.store.addVariant({ sku: 'SKU-3', productTitle: 'Duplicate', price: 0, stock: {} });

    const found: ListingCandidate[] = [];
    for await (const c of h.connector.discoverListings(account())) found.push(c);
    expect(found).toHaveLength(32);
    expect(h.sim.stats.byOperation.ProductVariantsPage).toBe(2); // 25 + 7
    const one = found[1] as ListingCandidate;
    expect(one).toMatchObject({
      sku: 'SKU-1',
      title: 'Product 1',
      externalVariantId: expect.stringMatching(/ProductVariant/),
      externalStockId: expect.stringMatching(/InventoryItem/),
    });
    expect(one.levels).toEqual([
      { externalLocationId: wh.id, quantity: 1 },
      { externalLocationId: shop.id, quantity: 1 },
    ]);

    const cmp = compareSkus(
      found.map((c) => c.sku),
      ['SKU-0', 'SKU-1', 'SKU-2', 'HUB-ONLY'],
    );
    expect(cmp.matched).toEqual(['SKU-0', 'SKU-1', 'SKU-2']);
    expect(cmp.onlyInHub).toEqual(['HUB-ONLY']);
    expect(cmp.onlyOnChannel).toHaveLength(27);
    expect(cmp.duplicatesOnChannel).toEqual(['SKU-3']);
    expect(cmp.channelItemsWithoutSku).toBe(1);
  });
});

describe('compareSkus', () => {
  it('compares exactly after trimming, sorted, ignoring blanks', () => {
    expect(compareSkus([' A ', 'b', '', null, undefined, 'C', 'C'], ['A', 'B', 'C', '  '])).toEqual({
      matched: ['A', 'C'],
      onlyOnChannel: ['b'],
      onlyInHub: ['B'],
      duplicatesOnChannel: ['C'],
      channelItemsWithoutSku: 3,
    });
  });
});
