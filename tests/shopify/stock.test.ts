// Stock out through the real library, msw and the simulator: batching, the cost bucket
// (THROTTLED waits, nothing lost), 429 / 5xx, compare-and-swap with a stale value
// (re-read, retry, final value right), API versions before and after 2026-04.
import { afterEach, describe, expect, it } from 'vitest';
import type { StockUpdate } from '../../connectors/connector.ts';
import { coalesce } from '../../connectors/shopify/stock.ts';
import { account, type Harness, harness } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

function catalogue(n: number, stock = 10) {
  const loc = h.sim.store.addLocation('Warehouse');
  const variants = Array.from({ length: n }, (_, i) =>
    h.sim.store.addVariant({ sku: `SKU-${i}`, productTitle: `P${i}`, price: 1000, stock: { [loc.id]: stock } }),
  );
  return { loc, variants };
}

function updates(
  loc: string,
  variants: { inventoryItemId: string }[],
  target: (i: number) => number,
  previous: number | null,
): StockUpdate[] {
  return variants.map((v, i) => ({
    listingId: `L${i}`,
    externalStockId: v.inventoryItemId,
    externalLocationId: loc,
    quantity: target(i),
    previousQuantity: previous,
  }));
}

describe('pushStock', () => {
  it('sets absolute values in batches of 250 with changeFromQuantity and an idempotency key', async () => {
    h = harness();
    const { loc, variants } = catalogue(600);
    const res = await h.connector.pushStock(
      account(),
      updates(loc.id, variants, (i) => i % 7, 10),
    );
    expect(res.failed).toEqual([]);
    expect(res.confirmed).toHaveLength(600);
    expect(h.sim.stats.byOperation.InventorySetQuantities).toBe(3); // 250 + 250 + 100
    expect(variants.every((v, i) => h.sim.available(v.inventoryItemId, loc.id) === i % 7)).toBe(true);
    expect(h.connector.clientStats(account()).byOperation.InventorySetQuantities?.calls).toBe(3);
  });

  it('hits the throttle, waits for the bucket, then succeeds without losing an update', async () => {
    h = harness({ bucket: { maximumAvailable: 30, restoreRate: 5 } });
    const { loc, variants } = catalogue(1000);
    h.sim.bucket.configure({ currentlyAvailable: 0 }); // someone else emptied the bucket
    const before = h.clock.nowMs();
    const res = await h.connector.pushStock(
      account(),
      updates(loc.id, variants, () => 3, 10),
    );
    expect(res.failed).toEqual([]);
    expect(res.confirmed).toHaveLength(1000);
    expect(variants.every((v) => h.sim.available(v.inventoryItemId, loc.id) === 3)).toBe(true);
    // The first call met an empty bucket (THROTTLED); after that the pacer waited instead.
    expect(h.sim.stats.throttled).toBeGreaterThanOrEqual(1);
    expect(h.sim.stats.throttled).toBeLessThanOrEqual(2);
    const stats = h.connector.clientStats(account());
    expect(stats.throttled).toBe(h.sim.stats.throttled);
    expect(h.clock.nowMs() - before).toBeGreaterThanOrEqual(2000); // 10 points at 5/s, four calls
    expect(stats.waitedMs).toBeGreaterThan(0);
  });

  it('waits out 429 (Retry-After) and retries a 503 with the same idempotency key', async () => {
    h = harness();
    const { loc, variants } = catalogue(3);
    h.sim.faults.failNext(2, 429, 2);
    h.sim.faults.failNext(1, 503);
    const before = h.clock.nowMs();
    const res = await h.connector.pushStock(
      account(),
      updates(loc.id, variants, () => 8, 10),
    );
    expect(res.confirmed).toHaveLength(3);
    expect(variants.every((v) => h.sim.available(v.inventoryItemId, loc.id) === 8)).toBe(true);
    const stats = h.connector.clientStats(account());
    expect(stats.http429).toBe(2);
    expect(stats.serverErrors).toBe(1);
    expect(h.clock.nowMs() - before).toBeGreaterThanOrEqual(4000);
  });

  it('a lost answer is retried with the same @idempotent key: Shopify applies the batch once', async () => {
    h = harness();
    const { loc, variants } = catalogue(3, 10);
    h.sim.faults.loseNextResponses(1);
    const res = await h.connector.pushStock(
      account(),
      updates(loc.id, variants, () => 6, 10),
    );
    expect(res.confirmed).toHaveLength(3);
    expect(h.sim.stats.lostResponses).toBe(1);
    expect(h.sim.stats.byOperation.InventorySetQuantities).toBe(2);
    // Three writes, not six, all under one key.
    expect(h.sim.store.inventoryLog).toHaveLength(3);
    expect(new Set(h.sim.store.inventoryLog.map((x) => x.idempotencyKey)).size).toBe(1);
    expect(variants.every((v) => h.sim.available(v.inventoryItemId, loc.id) === 6)).toBe(true);
  });

  it('CHANGE_FROM_QUANTITY_STALE: re-reads, retries from the current value, lands on the target', async () => {
    h = harness();
    const { loc, variants } = catalogue(3, 10);
    const [a, b] = variants as [(typeof variants)[number], (typeof variants)[number]];
    // A sale on Shopify moved item A from 10 to 7 after the hub last looked.
    h.sim.store.levels.set(`${a.inventoryItemId}|${loc.id}`, 7);
    const res = await h.connector.pushStock(
      account(),
      updates(loc.id, variants, () => 4, 10),
    );
    expect(res.failed).toEqual([]);
    expect(res.confirmed.find((c) => c.listingId === 'L0')).toEqual({
      listingId: 'L0',
      quantity: 4,
      channelPrevious: 7,
    });
    expect(res.confirmed.find((c) => c.listingId === 'L1')).toEqual({ listingId: 'L1', quantity: 4 });
    expect(h.sim.available(a.inventoryItemId, loc.id)).toBe(4);
    expect(h.sim.available(b.inventoryItemId, loc.id)).toBe(4);
    expect(h.sim.stats.byOperation).toMatchObject({ InventorySetQuantities: 2, InventoryLevelsAtLocation: 1 });
  });

  it('a listing that keeps selling is split off: the rest of the batch lands, it alone is handed back', async () => {
    h = harness();
    const { loc, variants } = catalogue(5, 10);
    const hot = variants[0] as (typeof variants)[number];
    const hotKey = `${hot.inventoryItemId}|${loc.id}`;
    // The shop sells one of the hot item just before each of our first three writes carrying it lands.
    let sales = 0;
    const journal = {
      async record(r: Record<string, unknown>) {
        const carried = JSON.stringify(r).includes(hot.inventoryItemId);
        if (carried && sales < 3) {
          sales += 1;
          h.sim.store.levels.set(hotKey, (h.sim.available(hot.inventoryItemId, loc.id) ?? 0) - 1);
        }
      },
    };
    const res = await h.connector.pushStock(
      account(),
      updates(loc.id, variants, () => 4, 10),
      journal,
    );
    // Resent whole after every miss, the batch missed three times on the hot item and nothing landed.
    expect(res.confirmed.map((c) => c.listingId).sort()).toEqual(['L1', 'L2', 'L3', 'L4']);
    expect(variants.slice(1).every((v) => h.sim.available(v.inventoryItemId, loc.id) === 4)).toBe(true);
    expect(res.failed).toEqual([expect.objectContaining({ listingId: 'L0', code: 'stale', retryable: true })]);
    expect(h.sim.available(hot.inventoryItemId, loc.id)).toBe(7); // its three sales, never written over
    // Whole, whole again from a re-read, then the four innocents and the hot item apart.
    expect(h.sim.stats.byOperation).toMatchObject({ InventorySetQuantities: 4, InventoryLevelsAtLocation: 2 });
  });

  it('a stale item already at the target is confirmed without another write', async () => {
    h = harness();
    const { loc, variants } = catalogue(1, 10);
    const v = variants[0] as (typeof variants)[number];
    h.sim.store.levels.set(`${v.inventoryItemId}|${loc.id}`, 4);
    const res = await h.connector.pushStock(
      account(),
      updates(loc.id, variants, () => 4, 10),
    );
    expect(res.confirmed).toEqual([{ listingId: 'L0', quantity: 4, channelPrevious: 4 }]);
    expect(h.sim.stats.byOperation.InventorySetQuantities).toBe(1);
  });

  it('before 2026-04 uses compareQuantity (COMPARE_QUANTITY_STALE) and no @idempotent', async () => {
    h = harness();
    const { loc, variants } = catalogue(2, 10);
    h.sim.store.levels.set(`${variants[1]?.inventoryItemId}|${loc.id}`, 9);
    const res = await h.connector.pushStock(
      account({ apiVersion: '2025-10' }),
      updates(loc.id, variants, () => 1, 10),
    );
    expect(res.failed).toEqual([]);
    expect(res.confirmed.map((c) => c.quantity)).toEqual([1, 1]);
    expect(h.sim.stats.byOperation).toMatchObject({ InventorySetQuantitiesLegacy: 2, InventoryLevelsAtLocation: 1 });
  });

  it('drops refused items (not stocked, missing location) and applies the rest', async () => {
    h = harness();
    const { loc, variants } = catalogue(2);
    const other = h.sim.store.addLocation('Store');
    const list: StockUpdate[] = [
      {
        listingId: 'ok',
        externalStockId: variants[0]?.inventoryItemId ?? '',
        externalLocationId: loc.id,
        quantity: 5,
        previousQuantity: null,
      },
      {
        listingId: 'not-stocked',
        externalStockId: variants[1]?.inventoryItemId ?? '',
        externalLocationId: other.id,
        quantity: 5,
        previousQuantity: null,
      },
      {
        listingId: 'no-location',
        externalStockId: variants[1]?.inventoryItemId ?? '',
        externalLocationId: null,
        quantity: 5,
        previousQuantity: null,
      },
    ];
    const res = await h.connector.pushStock(account(), list);
    expect(res.confirmed).toEqual([{ listingId: 'ok', quantity: 5 }]);
    expect(res.failed.map((f) => [f.listingId, f.code, f.retryable])).toEqual([
      ['no-location', 'missing_location', false],
      ['not-stocked', 'ITEM_NOT_STOCKED_AT_LOCATION', false],
    ]);
    expect(h.sim.available(variants[0]?.inventoryItemId ?? '', loc.id)).toBe(5);
  });

  it('coalesces several updates of one item x location: last value, first previous value', () => {
    const { entries } = coalesce([
      { listingId: 'A', externalStockId: 'i1', externalLocationId: 'l1', quantity: 5, previousQuantity: 9 },
      { listingId: 'A', externalStockId: 'i1', externalLocationId: 'l1', quantity: 3, previousQuantity: 5 },
      { listingId: 'B', externalStockId: 'i2', externalLocationId: 'l1', quantity: 1, previousQuantity: null },
    ]);
    expect(entries).toEqual([
      { itemId: 'i1', locationId: 'l1', quantity: 3, from: 9, listingIds: ['A'] },
      { itemId: 'i2', locationId: 'l1', quantity: 1, from: null, listingIds: ['B'] },
    ]);
  });

  it('a bad token is a non-retryable failure for the whole push', async () => {
    h = harness();
    const { loc, variants } = catalogue(2);
    const res = await h.connector.pushStock(
      account({}, { accessToken: 'wrong' }),
      updates(loc.id, variants, () => 1, null),
    );
    expect(res.confirmed).toEqual([]);
    expect(res.failed.map((f) => [f.code, f.retryable])).toEqual([
      ['unauthorized', false],
      ['unauthorized', false],
    ]);
  });
});

describe('replayStock: a push whose answer was lost, asked again under its keys', () => {
  /** Pushes with a journal, every answer of the set mutation from the `loseFrom`-th on lost. */
  async function lostPush(loc: string, variants: { inventoryItemId: string }[], target: number, loseFrom = 1) {
    const requests: Record<string, unknown>[] = [];
    const journal = {
      async record(r: Record<string, unknown>) {
        requests.push(JSON.parse(JSON.stringify(r)));
        if (requests.length === loseFrom) h.sim.faults.loseNextResponses(50);
      },
    };
    const sent = updates(loc, variants, () => target, 10);
    const res = await h.connector.pushStock(account(), sent, journal);
    h.sim.faults.clear();
    return { res, requests, sent };
  }

  it('a write applied whose answer was lost is confirmed, without writing again', async () => {
    h = harness();
    const { loc, variants } = catalogue(2, 10);
    const { res, requests, sent } = await lostPush(loc.id, variants, 6);
    expect(res.confirmed).toEqual([]); // the hub heard nothing
    expect(requests).toHaveLength(1);
    const writes = h.sim.store.inventoryLog.length;
    const replay = await h.connector.replayStock?.(account(), sent, requests);
    expect(replay?.confirmed).toEqual([
      { listingId: 'L0', quantity: 6 },
      { listingId: 'L1', quantity: 6 },
    ]);
    expect(h.sim.store.inventoryLog).toHaveLength(writes);
  });

  it('a write refused because the shop sold meanwhile is reported refused, though the shop shows its value', async () => {
    h = harness();
    const { loc, variants } = catalogue(1, 10);
    const v = variants[0] as (typeof variants)[number];
    // The shop sold 4 (10 -> 6) just before our write 10 -> 6 arrived: compare-and-set refuses it.
    h.sim.store.levels.set(`${v.inventoryItemId}|${loc.id}`, 6);
    const { requests, sent } = await lostPush(loc.id, variants, 6, 1);
    expect(h.sim.available(v.inventoryItemId, loc.id)).toBe(6); // what an applied write would show too
    const replay = await h.connector.replayStock?.(account(), sent, requests);
    expect(replay?.confirmed).toEqual([]);
    expect(replay?.failed).toEqual([expect.objectContaining({ listingId: 'L0', code: 'stale', refused: true })]);
  });

  it('a resend after a stale compare is replayed too: confirmed with what the re-read found', async () => {
    h = harness();
    const { loc, variants } = catalogue(1, 10);
    const v = variants[0] as (typeof variants)[number];
    h.sim.store.levels.set(`${v.inventoryItemId}|${loc.id}`, 7); // sold 3: the first write is stale
    const { requests, sent } = await lostPush(loc.id, variants, 4, 2); // the resend's answer is lost
    expect(requests).toHaveLength(2);
    expect(h.sim.available(v.inventoryItemId, loc.id)).toBe(4);
    const replay = await h.connector.replayStock?.(account(), sent, requests);
    expect(replay?.confirmed).toEqual([{ listingId: 'L0', quantity: 4, channelPrevious: 7 }]);
    expect(replay?.failed).toEqual([]);
  });

  it('a batch split after two misses is replayed: each entry settled by the last request that carried it', async () => {
    h = harness();
    const { loc, variants } = catalogue(3, 10);
    const hot = variants[0] as (typeof variants)[number];
    const requests: Record<string, unknown>[] = [];
    let sales = 0;
    const journal = {
      async record(r: Record<string, unknown>) {
        requests.push(JSON.parse(JSON.stringify(r)));
        if (JSON.stringify(r).includes(hot.inventoryItemId) && sales < 3) {
          sales += 1;
          const key = `${hot.inventoryItemId}|${loc.id}`;
          h.sim.store.levels.set(key, (h.sim.available(hot.inventoryItemId, loc.id) ?? 0) - 1);
        }
        // The hot item's own resend is applied or refused, and its answer lost.
        if (requests.length === 4) h.sim.faults.loseNextResponses(50);
      },
    };
    const sent = updates(loc.id, variants, () => 4, 10);
    const res = await h.connector.pushStock(account(), sent, journal);
    h.sim.faults.clear();
    expect(res.confirmed.map((c) => c.listingId).sort()).toEqual(['L1', 'L2']);
    expect(res.failed.map((f) => [f.listingId, f.refused ?? false])).toEqual([['L0', false]]); // in doubt
    expect(requests).toHaveLength(4); // whole, whole, the innocents, the hot item
    const writes = h.sim.store.inventoryLog.length;
    const replay = await h.connector.replayStock?.(account(), sent, requests);
    expect(replay?.confirmed.map((c) => c.listingId).sort()).toEqual(['L1', 'L2']);
    expect(replay?.failed).toEqual([expect.objectContaining({ listingId: 'L0', code: 'stale', refused: true })]);
    expect(h.sim.store.inventoryLog).toHaveLength(writes); // answered from what Shopify did then
  });

  it('cannot replay before 2026-04 (no idempotency keys): null, the doubt stays', async () => {
    h = harness();
    const { loc, variants } = catalogue(1, 10);
    const sent = updates(loc.id, variants, () => 6, 10);
    const old = account({ apiVersion: '2025-10' });
    const requests: Record<string, unknown>[] = [];
    await h.connector.pushStock(old, sent, { record: async (r) => void requests.push(r) });
    expect(requests).toEqual([]); // nothing journaled: there is no key to replay under
    expect(await h.connector.replayStock?.(old, sent, requests)).toBeNull();
  });
});
