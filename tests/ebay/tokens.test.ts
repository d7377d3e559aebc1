// OAuth: the user token lasts 7,200 s and is renewed through the platform's
// refreshCredentials() when eBay says it expired — 401 errorId 1001 on the Fulfillment API,
// 403 on the Inventory API, error 21917053 from Trading — and the call is made again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StockUpdate } from '../../connectors/connector.ts';
import { type Harness, harness } from './helpers.ts';

describe('eBay tokens', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  async function sweep(): Promise<number> {
    let c: unknown = null;
    let pages = 0;
    for (;;) {
      const r = await h.connector.pollOrders(h.account, c, h.clock.now());
      pages += 1;
      c = r.cursor;
      if (!r.hasMore) return pages;
    }
  }

  it('renews the token once when it expires in the middle of a sweep, and the sweep goes on', async () => {
    for (let i = 0; i < 450; i++) h.sim.state.placeOrder({ lines: [{ sku: 'A', quantity: 1, price: '1.00' }] });
    h.sim.hooks.afterGetOrders = (offset) => {
      // eBay ends the token after the first page (as if its 7,200 s ran out).
      if (offset === 0) h.sim.faults.expireTokens();
    };
    expect(await sweep()).toBe(3);
    // The first call had no token (one refresh), the third page found it expired (another).
    expect(h.account.refreshes).toBe(2);
    // Four getOrders requests: the refused one went again with the new token.
    expect(h.connector.clientStats(h.account).byOperation.getOrders).toBe(4);
    expect(h.sim.stats.calls.getOrders).toBe(3);
  });

  it("renews on the Inventory API's 403 and on Trading's expired-token error", async () => {
    const [offer] = h.sim.state.addInventoryItem('SKU-1', 1);
    h.sim.state.addLegacyItem('110000001', 1);
    const updates: StockUpdate[] = [
      {
        listingId: 'a',
        externalStockId: 'SKU-1',
        channelData: { api: 'inventory', sku: 'SKU-1', offerIds: [offer?.offerId] },
        externalLocationId: null,
        quantity: 5,
        previousQuantity: 1,
      },
    ];
    expect((await h.connector.pushStock(h.account, updates)).confirmed).toHaveLength(1);
    expect(h.account.refreshes).toBe(1);
    h.sim.faults.expireTokens();
    expect(
      (await h.connector.pushStock(h.account, [{ ...(updates[0] as StockUpdate), quantity: 6 }])).confirmed,
    ).toHaveLength(1);
    expect(h.account.refreshes).toBe(2);
    h.sim.faults.expireTokens();
    const legacy = await h.connector.pushStock(h.account, [
      {
        listingId: 'b',
        externalStockId: '110000001',
        channelData: { api: 'trading', itemId: '110000001' },
        externalLocationId: null,
        quantity: 3,
        previousQuantity: 1,
      },
    ]);
    expect(legacy.confirmed).toHaveLength(1);
    expect(h.account.refreshes).toBe(3);
    expect(h.sim.state.legacy.get('110000001')?.quantity).toBe(3);
  });

  it('turns a refused refresh token into refused credentials, and a 429 into a timed retry', async () => {
    const err = await h.connector
      .pollOrders(
        {
          ...h.account,
          credentials: { ...h.account.credentials, refreshToken: 'revoked' },
          refreshCredentials: undefined,
        },
        null,
        h.clock.now(),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_credentials', retryable: false });
    await h.connector.pollOrders(h.account, null, h.clock.now());
    h.sim.faults.failNext(1, 429, 30);
    const limited = await h.connector.pollOrders(h.account, null, h.clock.now()).catch((e: unknown) => e);
    expect(limited).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 30_000 });
  });
});

describe('eBay daily limits', () => {
  it("reads the seller's real daily limits where eBay allows it, else keeps the documented ones", async () => {
    const lowered = harness({ callLimits: { fulfillment: 5_000 } });
    try {
      const r = await lowered.connector.testConnection(lowered.account);
      expect(r.ok).toBe(true);
      expect(r.detail).toContain('getOrders 5000/day (eBay says, 4999 left)');
      expect(r.detail).toContain('bulkUpdatePriceQuantity 2000000/day (eBay says');
    } finally {
      lowered.close();
    }
    const refused = harness({ analytics: false });
    try {
      const r = await refused.connector.testConnection(refused.account);
      expect(r.ok).toBe(true);
      expect(r.detail).toContain('getOrders 100000/day (documented)');
    } finally {
      refused.close();
    }
  });
});
