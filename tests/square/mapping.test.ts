// The Square mapping, pure: orders as Square's Orders API returns them (shapes from
// connect-api-specification 2025-08-20) become hub drafts; store counts are told from the hub's
// own writes; the stock and pickup rules that decide what is sent to Square.
import { describe, expect, it } from 'vitest';
import type { AccountContext } from '../../connectors/connector.ts';
import { interpretSquare } from '../../connectors/square/connector.ts';
import { stepsTo } from '../../connectors/square/fulfilment.ts';
import { mapOrder, storeCounts, storeReceipts, wholeQuantity } from '../../connectors/square/mapping.ts';
import { parseInventoryPointer } from '../../connectors/square/orders.ts';
import type { SqAdjustment, SqOrder } from '../../connectors/square/payloads.ts';
import { planHold } from '../../connectors/square/stock.ts';

const account: AccountContext = {
  id: 'till',
  type: 'square',
  name: 'Till',
  credentials: { merchantId: 'M1', accessToken: 't' },
  settings: { stockTarget: 'held' },
};

const money = (amount: number) => ({ amount, currency: 'EUR' });

function order(over: Partial<SqOrder> = {}): SqOrder {
  return {
    id: 'ORDER1',
    location_id: 'LSTORE',
    state: 'COMPLETED',
    created_at: '2026-11-30T10:00:00.000Z',
    updated_at: '2026-11-30T10:00:05.000Z',
    line_items: [
      {
        uid: 'li-1',
        name: 'Mug',
        quantity: '2',
        catalog_object_id: 'VAR-MUG',
        variation_name: 'Blue',
        base_price_money: money(1250),
        total_discount_money: money(0),
        total_tax_money: money(0),
        total_money: money(2500),
      },
    ],
    tenders: [{ id: 'T1', type: 'CARD', amount_money: money(2500) }],
    total_money: money(2500),
    total_tax_money: money(0),
    total_discount_money: money(0),
    total_tip_money: money(0),
    net_amount_due_money: money(0),
    ...over,
  };
}

describe('mapOrder', () => {
  it("takes the promise of the fulfilment: a pickup's pickup_at, a shipment's expected_shipped_at; none for a counter sale", () => {
    const pickup = {
      uid: 'f',
      type: 'PICKUP' as const,
      state: 'PROPOSED' as const,
      pickup_details: { pickup_at: '2026-11-30T12:20:00Z' },
    };
    expect(mapOrder(order({ state: 'OPEN', fulfillments: [pickup] })).promisedAt).toBe('2026-11-30T12:20:00Z');
    const shipment = {
      uid: 'f',
      type: 'SHIPMENT' as const,
      state: 'PROPOSED' as const,
      shipment_details: { expected_shipped_at: '2026-12-01T17:00:00Z' },
    };
    expect(mapOrder(order({ state: 'OPEN', fulfillments: [shipment] })).promisedAt).toBe('2026-12-01T17:00:00Z');
    expect(mapOrder(order()).promisedAt ?? null).toBeNull();
  });

  it('a counter sale: sold at the store, handed over, paid; the line matched by its catalog variation id', () => {
    const d = mapOrder(order());
    expect(d.originLocation).toEqual({ externalId: 'LSTORE' });
    expect(d.fulfilmentMethod).toBe('ship');
    expect(d.state).toMatchObject({ payment: 'paid', fulfilment: 'fulfilled', cancelled: false });
    expect(d.lines).toEqual([
      expect.objectContaining({
        channelLineId: 'li-1',
        sku: null,
        externalVariantId: 'VAR-MUG',
        quantity: 2,
        fulfilledQuantity: 2,
        unitPrice: 1250,
        requiresShipping: false,
      }),
    ]);
    // Money is already in minor units: taken as it is.
    expect(d.totals).toMatchObject({ subtotal: 2500, total: 2500 });
    expect(d.currency).toBe('EUR');
    expect(d.channelUpdatedAt).toBe('2026-11-30T10:00:05.000Z');
  });

  it('a pickup order: collected at its location, nothing handed over until the fulfilment is COMPLETED', () => {
    const f = (state: 'PROPOSED' | 'PREPARED' | 'COMPLETED' | 'CANCELED') => ({
      uid: 'f-1',
      type: 'PICKUP' as const,
      state,
      pickup_details: { recipient: { display_name: 'Ada Lovelace' } },
    });
    const open = mapOrder(order({ state: 'OPEN', fulfillments: [f('PROPOSED')] }));
    expect(open).toMatchObject({
      fulfilmentMethod: 'pickup',
      pickupLocation: { externalId: 'LSTORE' },
      originLocation: null,
    });
    expect(open.lines[0]?.fulfilledQuantity).toBe(0);
    expect(open.customer?.name).toBe('Ada Lovelace');
    expect(mapOrder(order({ state: 'OPEN', fulfillments: [f('PREPARED')] })).lines[0]?.fulfilledQuantity).toBe(0);
    expect(mapOrder(order({ state: 'COMPLETED', fulfillments: [f('COMPLETED')] })).lines[0]?.fulfilledQuantity).toBe(2);
    expect(mapOrder(order({ state: 'CANCELED', fulfillments: [f('CANCELED')] })).state.cancelled).toBe(true);
  });

  it('refuses a quantity that is not whole units, never rounding it', () => {
    const li = order().line_items?.[0];
    expect(() => mapOrder(order({ line_items: [{ ...li, quantity: '1.5' }] }))).toThrow(RangeError);
    expect(() => mapOrder(order({ line_items: [{ ...li, quantity: '1.5' }] }))).toThrow(/line_items\[0\]\.quantity/);
    expect(mapOrder(order({ line_items: [{ ...li, quantity: '3.000' }] })).lines[0]?.quantity).toBe(3);
    expect(() => wholeQuantity('-1', 'q')).toThrow(RangeError);
  });
});

describe('store counts', () => {
  const count = (id: string, quantity: string, reference: string | null = null, state = 'IN_STOCK') => ({
    id,
    reference_id: reference,
    catalog_object_id: 'VAR-MUG',
    state,
    location_id: 'LSTORE',
    quantity,
    occurred_at: '2026-11-30T11:00:00.000Z',
  });

  it("takes the physical counts staff made, plus the units Square holds for orders; never the hub's own writes", () => {
    const got = storeCounts(
      [count('PC1', '7'), count('PC2', '9', 'omnihub:till:listing-1'), count('PC3', '4', null, 'WASTE')],
      'omnihub:till:',
      () => 2,
    );
    expect(got).toEqual([
      {
        externalCountId: 'PC1',
        externalItemId: 'VAR-MUG',
        externalLocationId: 'LSTORE',
        quantity: 9,
        countedAt: '2026-11-30T11:00:00.000Z',
      },
    ]);
  });
});

describe('interpret', () => {
  const ev = (topic: string, payload: unknown) => ({
    externalEventId: 'e1',
    topic,
    occurredAt: '2026-11-30T10:00:00Z',
    payload,
  });

  it('a payment names the order to read (counter sales fire no order.created)', () => {
    const r = interpretSquare(
      account,
      ev('payment.created', {
        type: 'payment.created',
        data: { object: { payment: { id: 'P1', order_id: 'ORDER1' } } },
      }),
    );
    expect(r).toMatchObject({ kind: 'fetch', externalOrderId: 'ORDER1' });
  });

  it('inventory.count.updated is a pointer to the counts of those items at those locations', () => {
    const r = interpretSquare(
      account,
      ev('inventory.count.updated', {
        data: {
          object: {
            inventory_counts: [
              {
                catalog_object_id: 'VAR-MUG',
                state: 'IN_STOCK',
                location_id: 'LSTORE',
                quantity: '5',
                calculated_at: '2026-11-30T11:00:00Z',
              },
            ],
          },
        },
      }),
    );
    expect(r.kind).toBe('fetch');
    const p = parseInventoryPointer(r.kind === 'fetch' ? r.externalOrderId : '');
    expect(p).toEqual({ since: '2026-11-30T11:00:00Z', items: [{ itemId: 'VAR-MUG', locationId: 'LSTORE' }] });
  });

  it('a read order maps; unknown topics are ignored', () => {
    expect(interpretSquare(account, ev('order.snapshot', order())).kind).toBe('order');
    expect(interpretSquare(account, ev('customer.created', {})).kind).toBe('ignored');
  });
});

describe('what is sent to Square', () => {
  it('holds more by moving sellable units, refuses to hold what the counter does not have', () => {
    expect(planHold(3, 10, 1, 11)).toEqual({ toHold: 2, toSold: 0, toCounter: 0 });
    expect(planHold(3, 1, 1, 11)).toBeNull();
  });
  it('releases to the counter, except units the hub saw leave the store', () => {
    // Square counts 10 + 2 = 12 in the store; the hub 11: one held unit was handed over.
    expect(planHold(0, 10, 2, 11)).toEqual({ toHold: 0, toSold: 1, toCounter: 1 });
    expect(planHold(0, 10, 2, 12)).toEqual({ toHold: 0, toSold: 0, toCounter: 2 });
    expect(planHold(1, 10, 2, null)).toEqual({ toHold: 0, toSold: 0, toCounter: 1 });
  });
  it('pickup steps follow PROPOSED → RESERVED → PREPARED → COMPLETED, never backwards', () => {
    expect(stepsTo('PROPOSED', 'PREPARED')).toEqual(['RESERVED', 'PREPARED']);
    expect(stepsTo('PREPARED', 'COMPLETED')).toEqual(['COMPLETED']);
    expect(stepsTo('COMPLETED', 'PREPARED')).toEqual([]);
    expect(stepsTo('PREPARED', 'PREPARED')).toEqual([]);
    expect(stepsTo('RESERVED', 'CANCELED')).toEqual(['CANCELED']);
  });
});

describe('return orders and receipts', () => {
  const returned = (over: Partial<SqOrder> = {}): SqOrder =>
    order({
      id: 'RETURN1',
      line_items: [],
      total_money: money(0),
      returns: [
        {
          uid: 'ret-1',
          source_order_id: 'ORDER1',
          return_line_items: [
            {
              uid: 'rli-1',
              source_line_item_uid: 'li-1',
              quantity: '1',
              catalog_object_id: 'VAR-MUG',
              item_type: 'ITEM',
            },
          ],
          return_amounts: { total_money: money(1250) },
        },
      ],
      ...over,
    });
  const snapshot = (o: SqOrder) =>
    interpretSquare(account, { externalEventId: 'e', topic: 'order.snapshot', occurredAt: null, payload: o });

  it('an itemized return: the sale line by its uid, restocked where the return order was rung up, the refund in minor units', () => {
    expect(snapshot(returned())).toEqual({
      kind: 'return',
      externalOrderId: 'ORDER1',
      waitForOrderMs: 15 * 60_000,
      draft: {
        externalReturnId: 'RETURN1:ret-1',
        lines: [{ channelLineId: 'li-1', quantity: 1, restock: true }],
        occurredAt: '2026-11-30T10:00:00.000Z',
        reason: 'returned at the Square till',
        refund: { amount: 1250, currency: 'EUR' },
        restockLocation: { externalId: 'LSTORE' },
      },
    });
  });

  it('a refund of a custom amount restocks nothing; an exchange records the returned units without restock', () => {
    const custom = returned();
    const r = custom.returns?.[0];
    if (r) r.return_line_items = [{ uid: 'rli-1', quantity: '1', item_type: 'CUSTOM_AMOUNT' }];
    expect(snapshot(custom)).toMatchObject({ kind: 'return', draft: { lines: [], refund: { amount: 1250 } } });
    const exchange = returned({ line_items: order().line_items });
    expect(snapshot(exchange)).toMatchObject({
      kind: 'return',
      draft: { lines: [{ channelLineId: 'li-1', quantity: 1, restock: false }] },
    });
  });

  it('refuses an unlinked return and a fraction of a unit (exceptions), never guessing', () => {
    const unlinked = returned();
    if (unlinked.returns?.[0]) unlinked.returns[0].source_order_id = null;
    expect(() => snapshot(unlinked)).toThrow(/unlinked return/);
    const fraction = returned();
    const li = fraction.returns?.[0]?.return_line_items?.[0];
    if (li) li.quantity = '0.5';
    expect(() => snapshot(fraction)).toThrow(RangeError);
  });

  it('a refund notification names the return order to read', () => {
    expect(
      interpretSquare(account, {
        externalEventId: 'e',
        topic: 'refund.created',
        occurredAt: null,
        payload: { data: { object: { refund: { id: 'R1', order_id: 'RETURN1' } } } },
      }),
    ).toMatchObject({ kind: 'fetch', externalOrderId: 'RETURN1' });
  });

  it('receipts: only NONE → IN_STOCK made in the store, never a sale, a return put back or the hub’s own write', () => {
    const adj = (over: Partial<SqAdjustment>): SqAdjustment => ({
      id: 'A1',
      from_state: 'NONE',
      to_state: 'IN_STOCK',
      location_id: 'LSTORE',
      catalog_object_id: 'VAR-MUG',
      quantity: '4',
      occurred_at: '2026-11-30T10:00:00.000Z',
      ...over,
    });
    expect(
      storeReceipts(
        [
          adj({}),
          adj({ id: 'A2', from_state: 'IN_STOCK', to_state: 'SOLD' }),
          adj({ id: 'A3', from_state: 'RETURNED_BY_CUSTOMER' }),
          adj({ id: 'A4', from_state: 'UNLINKED_RETURN' }),
          adj({ id: 'A5', reference_id: 'omnihub:till:till:MUG' }),
          adj({ id: 'A6', refund_id: 'R1' }),
        ],
        'omnihub:till:',
      ),
    ).toEqual([
      {
        externalReceiptId: 'A1',
        externalItemId: 'VAR-MUG',
        externalLocationId: 'LSTORE',
        quantity: 4,
        receivedAt: '2026-11-30T10:00:00.000Z',
      },
    ]);
  });
});
