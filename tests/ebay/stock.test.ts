// Stock out: bulkUpdatePriceQuantity (25 SKUs a call, quantity only, per-item status), Trading
// ReviseInventoryStatus (4 a call) for legacy listings, and eBay's 250 revisions per listing
// per day: decreases keep going through the reserve, raises wait for the next eBay day.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StockUpdate } from '../../connectors/connector.ts';
import { type Harness, harness } from './helpers.ts';

describe('eBay stock pushes', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  function inventoryListings(n: number) {
    return Array.from({ length: n }, (_, i) => {
      const sku = `SKU-${String(i).padStart(3, '0')}`;
      const [offer] = h.sim.state.addInventoryItem(sku, 1);
      return { listingId: `l-${sku}`, sku, offerId: offer?.offerId as string };
    });
  }
  const update = (
    l: { listingId: string; sku: string; offerId: string },
    quantity: number,
    previous: number | null = 1,
  ): StockUpdate => ({
    listingId: l.listingId,
    externalStockId: l.sku,
    channelData: { api: 'inventory', sku: l.sku, offerIds: [l.offerId] },
    externalLocationId: null,
    quantity,
    previousQuantity: previous,
  });

  it('pushes 60 SKUs in 3 calls; the one item eBay rejects is retried alone', async () => {
    const listings = inventoryListings(60);
    h.sim.faults.failItems('SKU-031', 1);
    const first = await h.connector.pushStock(
      h.account,
      listings.map((l, i) => update(l, 10 + i)),
    );
    expect(h.sim.stats.calls.bulkUpdatePriceQuantity).toBe(3);
    expect(first.confirmed).toHaveLength(59);
    expect(first.failed).toEqual([
      expect.objectContaining({ listingId: 'l-SKU-031', code: 'ebay_25001', retryable: true }),
    ]);
    // The item quantity and the offer's available quantity both carry the value (eBay shows the lower).
    expect(h.sim.state.items.get('SKU-000')?.quantity).toBe(10);
    expect(h.sim.state.offersOf('SKU-059')[0]?.availableQuantity).toBe(69);
    expect(h.sim.state.items.get('SKU-031')?.quantity).toBe(1);
    const retry = await h.connector.pushStock(h.account, [update(listings[31] as never, 41)]);
    expect(retry.confirmed).toEqual([{ listingId: 'l-SKU-031', quantity: 41 }]);
    expect(h.sim.stats.calls.bulkUpdatePriceQuantity).toBe(4);
    expect(h.sim.state.items.get('SKU-031')?.quantity).toBe(41);
  });

  it('never sends a price', async () => {
    const [l] = inventoryListings(1);
    let body = '';
    const original = h.sim.fetch;
    (h.sim as { fetch: typeof original }).fetch = async (req) => {
      if (req.url.includes('bulk_update_price_quantity')) body = await req.clone().text();
      return original(req);
    };
    await h.connector.pushStock(h.account, [update(l as never, 3)]);
    expect(JSON.parse(body)).toEqual({
      requests: [
        {
          sku: 'SKU-000',
          shipToLocationAvailability: { quantity: 3 },
          offers: [{ offerId: l?.offerId, availableQuantity: 3 }],
        },
      ],
    });
  });

  it('updates legacy listings through ReviseInventoryStatus in groups of 4, variations by SKU', async () => {
    for (let i = 0; i < 9; i++) h.sim.state.addLegacyItem(`11000000${i}`, 1);
    h.sim.state.addLegacyItem('120000000', 1, { 'RED-S': 1, 'RED-M': 1 });
    const updates: StockUpdate[] = Array.from({ length: 9 }, (_, i) => ({
      listingId: `legacy-${i}`,
      externalStockId: `11000000${i}`,
      channelData: { api: 'trading', itemId: `11000000${i}` },
      externalLocationId: null,
      quantity: 20 + i,
      previousQuantity: 1,
    }));
    updates.push({
      listingId: 'legacy-var',
      externalStockId: '120000000',
      channelData: { api: 'trading', itemId: '120000000', variationSku: 'RED-M' },
      externalLocationId: null,
      quantity: 7,
      previousQuantity: 1,
    });
    const r = await h.connector.pushStock(h.account, updates);
    expect(r.failed).toEqual([]);
    expect(r.confirmed).toHaveLength(10);
    expect(h.sim.stats.calls.ReviseInventoryStatus).toBe(3);
    expect(h.sim.stats.tradingItems).toBe(10);
    expect(h.sim.state.legacy.get('110000004')?.quantity).toBe(24);
    expect(h.sim.state.legacy.get('120000000')?.variations?.get('RED-M')).toBe(7);
    expect(h.sim.state.legacy.get('120000000')?.variations?.get('RED-S')).toBe(1);
  });

  it('reports a legacy item eBay refuses without failing the others of its call', async () => {
    h.sim.state.addLegacyItem('110000001', 1);
    const r = await h.connector.pushStock(h.account, [
      {
        listingId: 'ok',
        externalStockId: '110000001',
        channelData: { api: 'trading', itemId: '110000001' },
        externalLocationId: null,
        quantity: 4,
        previousQuantity: 1,
      },
      {
        listingId: 'gone',
        externalStockId: '119999999',
        channelData: { api: 'trading', itemId: '119999999' },
        externalLocationId: null,
        quantity: 4,
        previousQuantity: 1,
      },
    ]);
    expect(r.confirmed).toEqual([{ listingId: 'ok', quantity: 4 }]);
    expect(r.failed).toEqual([expect.objectContaining({ listingId: 'gone', code: 'ebay_17', retryable: false })]);
  });

  it('stops at 250 revisions a listing a day: raises wait in the reserve, decreases go on, the next day starts again', async () => {
    const [l] = inventoryListings(1);
    const listing = l as { listingId: string; sku: string; offerId: string };
    let shown = 1;
    // 240 revisions (250 minus the reserve of 10) of alternating values.
    for (let i = 0; i < 240; i++) {
      const q = i % 2 === 0 ? 50 : 49;
      const r = await h.connector.pushStock(h.account, [update(listing, q, shown)]);
      expect(r.confirmed).toHaveLength(1);
      shown = q;
      h.clock.advance(60_000);
    }
    expect(h.sim.state.revisionsUsed(`offer:${listing.offerId}`)).toBe(240);
    const calls = h.sim.stats.calls.bulkUpdatePriceQuantity;
    // In the reserve: a raise is held without calling eBay...
    const raise = await h.connector.pushStock(h.account, [update(listing, shown + 5, shown)]);
    expect(raise.failed).toEqual([expect.objectContaining({ code: 'revision_reserve', retryable: true })]);
    expect(h.sim.stats.calls.bulkUpdatePriceQuantity).toBe(calls);
    // ...and decreases (the lowest safe value) use the last ten revisions.
    for (let i = 0; i < 10; i++) {
      const r = await h.connector.pushStock(h.account, [update(listing, shown - 1, shown)]);
      expect(r.confirmed).toHaveLength(1);
      shown -= 1;
    }
    expect(h.sim.state.revisionsUsed(`offer:${listing.offerId}`)).toBe(250);
    const spent = await h.connector.pushStock(h.account, [update(listing, 0, shown)]);
    expect(spent.failed).toEqual([expect.objectContaining({ code: 'revision_limit', retryable: true })]);
    expect(h.sim.state.revisionsUsed(`offer:${listing.offerId}`)).toBe(250);
    expect(h.sim.state.offersOf(listing.sku)[0]?.availableQuantity).toBe(shown);
    // The eBay day turns (midnight Pacific): the held raise goes out.
    h.clock.advance(24 * 3_600_000);
    const next = await h.connector.pushStock(h.account, [update(listing, shown + 5, shown)]);
    expect(next.confirmed).toHaveLength(1);
    expect(h.sim.state.offersOf(listing.sku)[0]?.availableQuantity).toBe(shown + 5);
  });

  it('learns from eBay that a listing has no revisions left (after a restart of the hub)', async () => {
    const [l] = inventoryListings(1);
    const listing = l as { listingId: string; sku: string; offerId: string };
    for (let i = 0; i < 250; i++) h.sim.state.revise(`offer:${listing.offerId}`);
    const r = await h.connector.pushStock(h.account, [update(listing, 0, 1)]);
    expect(r.failed).toEqual([expect.objectContaining({ code: 'revision_limit', retryable: true, refused: true })]);
    const calls = h.sim.stats.calls.bulkUpdatePriceQuantity;
    await h.connector.pushStock(h.account, [update(listing, 0, 1)]);
    expect(h.sim.stats.calls.bulkUpdatePriceQuantity).toBe(calls);
  });
});
