// Stock out through the connector and the simulator: a few SKUs by patchListingsItem, 2,000 by
// one JSON_LISTINGS_FEED whose report rejects two (recorded per listing, then retried by patch),
// and the refusals that need a person (unknown SKU, FBA offer, missing product type).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StockUpdate } from '../../connectors/connector.ts';
import { type Harness, harness, US } from './helpers.ts';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.close());

const sku = (i: number) => `SKU-${String(i).padStart(4, '0')}`;

function update(i: number, quantity: number, data: Record<string, unknown> = {}): StockUpdate {
  return {
    listingId: `l-${i}`,
    externalStockId: sku(i),
    channelData: { productType: 'HOME', marketplaceId: US, ...data },
    externalLocationId: null,
    quantity,
    previousQuantity: null,
  };
}

describe('Amazon stock push', () => {
  it('patches 3 SKUs one by one: confirmed, and Amazon shows them once its queue applied them', async () => {
    for (let i = 1; i <= 3; i++) h.sim.addListing({ sku: sku(i), productType: 'HOME' });
    const res = await h.connector.pushStock(h.account(), [update(1, 7), update(2, 0), update(3, 12)]);
    expect(res.confirmed).toEqual([
      { listingId: 'l-1', quantity: 7 },
      { listingId: 'l-2', quantity: 0 },
      { listingId: 'l-3', quantity: 12 },
    ]);
    expect(res.pending).toEqual([]);
    expect(h.sim.stats.byOperation).toEqual({ patchListingsItem: 3 });
    h.clock.advance(5_000);
    expect([1, 2, 3].map((i) => h.sim.quantity(sku(i)))).toEqual([7, 0, 12]);
  });

  it('sends 2,000 SKUs in one feed; the report rejects 2, recorded per listing and then retried by patch', async () => {
    const acct = h.account();
    for (let i = 1; i <= 2000; i++) h.sim.addListing({ sku: sku(i), productType: 'HOME' });
    h.sim.faults.rejectInNextFeed([sku(7), sku(1999)]);
    const updates = Array.from({ length: 2000 }, (_, k) => update(k + 1, 5 + (k % 3)));
    const pushed = await h.connector.pushStock(acct, updates);
    expect(pushed.confirmed).toEqual([]);
    expect(pushed.pending).toHaveLength(2000);
    const feedId = pushed.pending[0]?.submissionId as string;
    expect(new Set(pushed.pending.map((p) => p.submissionId))).toEqual(new Set([feedId]));
    expect(h.sim.stats.byOperation).toEqual({ createFeedDocument: 1, createFeed: 1 });

    // Still processing: nothing settled yet.
    const early = await h.connector.checkStockSubmission?.(acct, feedId, updates);
    expect(early).toEqual({ confirmed: [], failed: [], pending: [] });

    h.clock.advance(90_000);
    const done = await h.connector.checkStockSubmission?.(acct, feedId, updates);
    expect(done?.confirmed).toHaveLength(1998);
    expect(done?.failed.map((f) => [f.listingId, f.code, f.retryable])).toEqual([
      ['l-7', 'feed_rejected', true],
      ['l-1999', 'feed_rejected', true],
    ]);
    expect(done?.failed[0]?.message).toContain('90220');
    expect(h.sim.quantity(sku(1))).toBe(5);
    expect(h.sim.quantity(sku(7))).toBe(0);

    // The retry is small: two patches, applied.
    const retry = await h.connector.pushStock(acct, [update(7, 5), update(1999, 5)]);
    expect(retry.confirmed.map((c) => c.listingId)).toEqual(['l-7', 'l-1999']);
    h.clock.advance(5_000);
    expect(h.sim.quantity(sku(7))).toBe(5);
  });

  it('refuses for good what a person must fix: unknown SKU, FBA offer, no product type', async () => {
    h.sim.addListing({ sku: sku(1), productType: 'HOME' });
    h.sim.addListing({ sku: sku(2), productType: 'HOME', fba: true });
    const res = await h.connector.pushStock(h.account(), [
      update(1, 3),
      update(2, 3),
      update(3, 3),
      update(4, 3, { productType: undefined }),
      update(5, 3, { fulfilledByAmazon: true }),
    ]);
    expect(res.confirmed.map((c) => c.listingId)).toEqual(['l-1']);
    expect(res.failed.map((f) => [f.listingId, f.code, f.retryable])).toEqual([
      ['l-4', 'missing_channel_data', false],
      ['l-5', 'fba_listing', false],
      ['l-2', 'invalid', false],
      ['l-3', 'invalid', false],
    ]);
  });
});
