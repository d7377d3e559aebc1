import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  canTransition,
  FulfilmentMethodSchema,
  HoldReasonSchema,
  IllegalTransitionError,
  isTerminal,
  ORDER_STATUSES,
  type OrderStatus,
  OrderStatusSchema,
  PaymentStatusSchema,
  planTransition,
  TRANSITIONS,
  TransitionRecordSchema,
} from '../../core/order/state-machine.ts';

// The specification, written out independently of the implementation's table.
const EXPECTED: Record<OrderStatus, OrderStatus[]> = {
  captured: ['confirmed', 'on_hold', 'cancelled'],
  confirmed: ['allocated', 'on_hold', 'cancelled', 'partially_shipped', 'shipped'],
  on_hold: ['captured', 'confirmed', 'allocated', 'ready_for_pickup', 'cancelled'],
  allocated: ['picking', 'packed', 'partially_shipped', 'shipped', 'ready_for_pickup', 'on_hold', 'cancelled'],
  picking: ['packed', 'ready_for_pickup', 'on_hold', 'cancelled'],
  packed: ['partially_shipped', 'shipped', 'ready_for_pickup', 'cancelled'],
  partially_shipped: ['partially_shipped', 'shipped', 'partially_returned', 'cancelled'],
  shipped: ['partially_returned', 'returned', 'closed'],
  ready_for_pickup: ['collected', 'cancelled', 'on_hold'],
  collected: ['partially_returned', 'returned', 'closed'],
  partially_returned: ['partially_returned', 'returned', 'closed'],
  returned: ['closed'],
  cancelled: [],
  closed: [],
};

const AT = new Date('2025-03-01T12:00:00.000Z');

function thrown(fn: () => unknown): IllegalTransitionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IllegalTransitionError);
    return e as IllegalTransitionError;
  }
  throw new Error('expected an IllegalTransitionError');
}

describe('order statuses', () => {
  it('lists the fourteen statuses and validates them', () => {
    expect(ORDER_STATUSES).toHaveLength(14);
    expect(OrderStatusSchema.safeParse('picking').success).toBe(true);
    expect(OrderStatusSchema.safeParse('lost').success).toBe(false);
    expect(HoldReasonSchema.options).toEqual([
      'insufficient_stock',
      'oversold',
      'unpaid',
      'fraud',
      'unmapped_sku',
      'manual',
      'cancel_requested',
    ]);
    expect(PaymentStatusSchema.safeParse('partially_refunded').success).toBe(true);
    expect(FulfilmentMethodSchema.options).toEqual(['ship', 'pickup']);
  });

  it('has a table entry for every status and nothing else', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
  });
});

describe('transitions', () => {
  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));

  it('allows exactly the specified transitions', () => {
    for (const [from, to] of pairs) {
      expect(canTransition(from, to), `${from} -> ${to}`).toBe(EXPECTED[from].includes(to));
    }
  });

  it.each(pairs.filter(([from, to]) => EXPECTED[from].includes(to)))('%s -> %s is allowed', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each([
    ['shipped', 'picking'],
    ['captured', 'shipped'],
    ['captured', 'captured'],
    ['confirmed', 'confirmed'],
    ['picking', 'shipped'],
    ['packed', 'on_hold'],
    ['on_hold', 'shipped'],
    ['on_hold', 'on_hold'],
    ['shipped', 'cancelled'],
    ['collected', 'cancelled'],
    ['returned', 'shipped'],
    ['cancelled', 'confirmed'],
    ['closed', 'returned'],
    ['ready_for_pickup', 'shipped'],
  ] as const)('%s -> %s is refused', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    const err = thrown(() => assertTransition(from, to));
    expect(err.code).toBe('illegal_transition');
    expect(err.message).toBe(`order cannot go from ${from} to ${to}`);
    expect(err.from).toBe(from);
    expect(err.to).toBe(to);
  });

  it('refuses unknown statuses without crashing', () => {
    expect(canTransition('lost' as OrderStatus, 'closed')).toBe(false);
    expect(canTransition('toString' as OrderStatus, 'closed')).toBe(false);
  });

  it('knows the terminal states', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['cancelled', 'closed']);
    for (const to of ORDER_STATUSES) {
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('closed', to)).toBe(false);
    }
  });
});

describe('planTransition', () => {
  it('returns a record', () => {
    const rec = planTransition('allocated', 'shipped', { actor: 'channel:shopify', reason: 'fulfilled in admin' }, AT);
    expect(rec).toEqual({
      from: 'allocated',
      to: 'shipped',
      actor: 'channel:shopify',
      reason: 'fulfilled in admin',
      holdReason: null,
      at: '2025-03-01T12:00:00.000Z',
    });
    expect(TransitionRecordSchema.parse(rec)).toEqual(rec);
  });

  it('needs a hold reason to go on hold', () => {
    const rec = planTransition('captured', 'on_hold', { actor: 'system', holdReason: 'unmapped_sku' }, AT);
    expect(rec.holdReason).toBe('unmapped_sku');
    expect(rec.reason).toBeNull();
    expect(thrown(() => planTransition('captured', 'on_hold', { actor: 'system' }, AT)).code).toBe(
      'hold_reason_required',
    );
  });

  it('refuses a hold reason off the hold path, bad actors, bad reasons and bad dates', () => {
    expect(
      thrown(() => planTransition('captured', 'confirmed', { actor: 'system', holdReason: 'fraud' }, AT)).code,
    ).toBe('invalid_cause');
    expect(thrown(() => planTransition('captured', 'confirmed', { actor: '  ' }, AT)).code).toBe('invalid_cause');
    expect(
      thrown(() => planTransition('captured', 'on_hold', { actor: 'x', holdReason: 'bored' as 'manual' }, AT)).code,
    ).toBe('invalid_cause');
    expect(thrown(() => planTransition('captured', 'confirmed', { actor: 'x' }, new Date('nope'))).code).toBe(
      'invalid_cause',
    );
  });

  it('allows same-state transitions only where listed', () => {
    expect(planTransition('partially_shipped', 'partially_shipped', { actor: 'channel:ebay' }, AT).to).toBe(
      'partially_shipped',
    );
    expect(planTransition('partially_returned', 'partially_returned', { actor: 'pos' }, AT).to).toBe(
      'partially_returned',
    );
    const err = thrown(() => planTransition('shipped', 'shipped', { actor: 'x' }, AT));
    expect(err.code).toBe('illegal_transition');
    expect(err.message).toBe('order cannot go from shipped to shipped');
  });

  it('checks legality before the cause', () => {
    expect(thrown(() => planTransition('shipped', 'picking', { actor: '' }, AT)).code).toBe('illegal_transition');
  });
});
