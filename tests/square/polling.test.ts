// The safety-net poll: SearchOrders over the account's locations (at most 10), by updated_at,
// oldest first, page by page; orders the hub already holds at that version are not handed back;
// the cursor carries the watermark, so the next sweep starts there (minus the overlap). And the
// simulator served on a port, reached through an account's endpoint override (the demo's way).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { AccountContext, InboundEvent } from '../../connectors/connector.ts';
import { createSquareConnector } from '../../connectors/square/connector.ts';
import { createSquareSimulator } from '../../connectors/square/simulator/index.ts';

describe('Square polling', () => {
  it('finds the orders webhooks did not bring, and only those', async () => {
    const clock = new ManualClock();
    const sim = createSquareSimulator({ clock });
    const connector = createSquareConnector({ clock, transport: (r) => sim.fetch(r) });
    const store = sim.state.addLocation('Flagship');
    const other = sim.state.addLocation('Outlet');
    const v = sim.state.addItem('Mug', [{}]).variations[0]?.id ?? '';
    sim.stock(v, store, 500);
    const sales = [];
    for (let i = 0; i < 150; i++) {
      clock.advance(10_000);
      sales.push(await sim.counterSale(store, [{ variationId: v }]));
    }
    await sim.counterSale(other, [{ variationId: v }]); // a location the account does not poll
    const account: AccountContext = {
      id: 'till',
      type: 'square',
      name: 'Till',
      credentials: { merchantId: sim.merchantId, accessToken: sim.tokens.access },
      settings: { stockTarget: 'held', locationIds: [store] },
    };
    const held = new Map(sales.slice(0, 40).map((o) => [o.id, o.updated_at]));
    const seen: string[] = [];
    let cursor: unknown = null;
    let calls = 0;
    for (;;) {
      const page = await connector.pollOrders(
        account,
        cursor,
        clock.now(),
        async (ids) => new Map(ids.flatMap((id) => (held.has(id) ? [[id, held.get(id) as string]] : []))),
      );
      calls += 1;
      seen.push(...page.events.map((e) => (e.payload as { id: string }).id));
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(calls).toBe(2); // 100 a page
    expect(seen).toEqual(sales.slice(40).map((o) => o.id));
    expect(sim.stats.byPath['/v2/orders/search']).toBe(2);
    // The next sweep starts at the watermark minus the overlap: only the last 5 minutes again.
    clock.advance(60_000);
    const again = await connector.pollOrders(account, cursor, clock.now());
    // Sales every 10 s: the 31 of the last 300 s (both ends included).
    expect(again.events.map((e) => (e.payload as { id: string }).id)).toEqual(sales.slice(-31).map((o) => o.id));
    expect((cursor as { watermark: string }).watermark).toBe(sales.at(-1)?.updated_at);
  });
});

describe('the Square simulator on a port', () => {
  it('answers the connector through an account endpoint override, as the demo uses it', async () => {
    const { serveSquareSimulator } = await import('../../connectors/square/simulator/serve.ts');
    const served = await serveSquareSimulator();
    try {
      served.sim.state.addLocation('Flagship');
      const connector = createSquareConnector();
      const account: AccountContext = {
        id: 'till',
        type: 'square',
        name: 'Till',
        credentials: { merchantId: served.sim.merchantId, accessToken: served.sim.tokens.access },
        settings: {},
        endpointOverride: served.url,
      };
      expect(await connector.testConnection(account)).toEqual({
        ok: true,
        detail: `merchant ${served.sim.merchantId}: 1 location(s)`,
      });
      expect(
        await connector.testConnection({ ...account, credentials: { ...account.credentials, accessToken: 'stolen' } }),
      ).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/^unauthorized/),
      });
    } finally {
      await served.close();
    }
  });
});

describe('the promised date', () => {
  it("of a pickup order is Square's pickup_at: now plus the preparation time for an ASAP pickup", async () => {
    const clock = new ManualClock('2026-11-30T12:00:00Z');
    const sim = createSquareSimulator({ clock });
    const connector = createSquareConnector({ clock, transport: (r) => sim.fetch(r) });
    const store = sim.state.addLocation('Flagship');
    const v = sim.state.addItem('Mug', [{}]).variations[0]?.id ?? '';
    sim.stock(v, store, 5);
    const order = await sim.pickupOrder(store, [{ variationId: v }], {
      display_name: 'Ada',
      email_address: 'a@example.com',
    });
    const account: AccountContext = {
      id: 'till',
      type: 'square',
      name: 'Till',
      credentials: { merchantId: sim.merchantId, accessToken: sim.tokens.access },
      settings: { stockTarget: 'held', locationIds: [store] },
    };
    const event = await connector.fetchOrder(account, order.id);
    const meaning = connector.interpret(account, event as InboundEvent);
    if (meaning.kind !== 'order') throw new Error(`expected an order, got ${meaning.kind}`);
    expect(meaning.draft.promisedAt).toBe('2026-11-30T12:20:00.000Z');
  });
});
