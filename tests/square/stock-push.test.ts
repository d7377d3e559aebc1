// What the connector sends to Square, against the simulator: holds and releases as inventory
// adjustments, applied once even when the answer is lost (the retry carries the same
// idempotency key), at most 100 changes a call, never more held than the counter has; Square's
// 429 passed on with its Retry-After; a pickup step sent with the order's version, read again
// when the store changed the order meanwhile.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type AccountContext, ConnectorError, type StockUpdate } from '../../connectors/connector.ts';
import { createSquareConnector } from '../../connectors/square/connector.ts';
import { createSquareSimulator } from '../../connectors/square/simulator/index.ts';

function setup(items = 1) {
  const clock = new ManualClock();
  const sim = createSquareSimulator({ clock });
  const connector = createSquareConnector({ clock, transport: (r) => sim.fetch(r) });
  const loc = sim.state.addLocation('Flagship');
  const vars = Array.from({ length: items }, (_, i) => sim.state.addItem(`Item ${i}`, [{}]).variations[0]?.id ?? '');
  for (const v of vars) sim.stock(v, loc, 10);
  const account: AccountContext = {
    id: 'till',
    type: 'square',
    name: 'Till',
    credentials: { merchantId: sim.merchantId, accessToken: sim.tokens.access },
    settings: { stockTarget: 'held', locationIds: [loc] },
  };
  const update = (v: string, quantity: number, onHand: number | null = 10): StockUpdate => ({
    listingId: `l-${v}`,
    externalStockId: v,
    channelData: { variationId: v },
    externalLocationId: loc,
    quantity,
    previousQuantity: 0,
    onHand,
  });
  return { sim, connector, loc, vars, account, update };
}

describe('Square stock pushes', () => {
  it('holds units back once, even when the answer to the write is lost', async () => {
    const { sim, loc, vars, account, update } = setup();
    const v = vars[0] ?? '';
    // The counts read answers; the write is applied, then its answer is lost; the retry replays it.
    let writes = 0;
    const wrapped = createSquareConnector({
      transport: async (r) => {
        if (new URL(r.url).pathname === '/v2/inventory/changes/batch-create' && writes++ === 0)
          sim.faults.loseNextResponses(1);
        return sim.fetch(r);
      },
    });
    const r = await wrapped.pushStock(account, [update(v, 2)]);
    expect(r.confirmed).toEqual([{ listingId: `l-${v}`, quantity: 2, channelPrevious: null }]);
    expect(writes).toBe(2);
    expect([sim.count(v, loc, 'IN_STOCK'), sim.count(v, loc, 'RESERVED_FOR_SALE')]).toEqual([8, 2]);
    expect(sim.state.changes.filter((c) => c.adjustment?.to_state === 'RESERVED_FOR_SALE')).toHaveLength(1);
    expect(sim.state.changes.at(-1)?.adjustment?.reference_id).toBe(`omnihub:till:l-${v}`);
  });

  it('sends at most 100 changes a call', async () => {
    const { sim, connector, vars, account, update } = setup(60);
    const held = await connector.pushStock(
      account,
      vars.map((v) => update(v, 2)),
    );
    expect(held.confirmed).toHaveLength(60);
    // Releasing: one unit left the store (sold), one goes back to the counter: 120 changes.
    const before = sim.stats.byPath['/v2/inventory/changes/batch-create'] ?? 0;
    const released = await connector.pushStock(
      account,
      vars.map((v) => ({ ...update(v, 0, 9), previousQuantity: 2 })),
    );
    expect(released.confirmed).toHaveLength(60);
    expect((sim.stats.byPath['/v2/inventory/changes/batch-create'] ?? 0) - before).toBe(2);
    const v = vars[0] ?? '';
    const loc = account.settings.locationIds as string[];
    expect([
      sim.count(v, loc[0] ?? '', 'IN_STOCK'),
      sim.count(v, loc[0] ?? '', 'RESERVED_FOR_SALE'),
      sim.count(v, loc[0] ?? '', 'SOLD'),
    ]).toEqual([9, 0, 1]);
  });

  it('never holds more than the counter has: the listing fails for a person, nothing moves', async () => {
    const { sim, connector, loc, vars, account, update } = setup();
    const v = vars[0] ?? '';
    const r = await connector.pushStock(account, [update(v, 11)]);
    expect(r.confirmed).toEqual([]);
    expect(r.failed).toEqual([
      expect.objectContaining({ listingId: `l-${v}`, code: 'not_enough_in_stock', retryable: false }),
    ]);
    expect(sim.count(v, loc, 'IN_STOCK')).toBe(10);
  });

  it("passes Square's 429 on with its Retry-After", async () => {
    const { sim, connector, vars, account, update } = setup();
    sim.faults.failNext(1, 429, 7);
    const err = await connector.pushStock(account, [update(vars[0] ?? '', 1)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
  });
});

describe('Square pickup steps', () => {
  it('steps a pickup to PREPARED with the order version, re-reading once when the store moved it meanwhile', async () => {
    const { sim, connector, loc, vars, account } = setup();
    const order = await sim.pickupOrder(loc, [{ variationId: vars[0] ?? '' }]);
    // The store accepts the order in Square between the hub's read and its first write.
    let first = true;
    const racing = createSquareConnector({
      transport: async (r) => {
        if (r.method === 'PUT' && first) {
          first = false;
          await sim.staffPickup(order.id, 'RESERVED');
        }
        return sim.fetch(r);
      },
    });
    const r = await racing.pushFulfilment(account, {
      externalOrderId: order.id,
      kind: 'pickup_ready',
      lines: [],
      idempotencyKey: 'ready-1',
    });
    expect(r).toEqual({ externalFulfilmentId: 'f-1', alreadyApplied: false });
    expect(sim.state.orders.get(order.id)?.fulfillments?.[0]?.state).toBe('PREPARED');
    // Asked again (a retried job): already there, nothing sent.
    const puts = sim.stats.byPath[`/v2/orders/${order.id}`] ?? 0;
    expect(
      await connector.pushFulfilment(account, {
        externalOrderId: order.id,
        kind: 'pickup_ready',
        lines: [],
        idempotencyKey: 'ready-1',
      }),
    ).toEqual({
      externalFulfilmentId: 'f-1',
      alreadyApplied: true,
    });
    expect(sim.stats.byPath[`/v2/orders/${order.id}`] ?? 0).toBe(puts);
  });
});
