import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableToSell, type StockLevel, StockPolicySchema } from '../../core/inventory/available-to-sell.ts';

const lvl = (locationId: string, onHand: number, reserved = 0, safetyStock = 0): StockLevel => ({
  locationId,
  onHand,
  reserved,
  safetyStock,
});

describe('availableToSell', () => {
  const levels = [lvl('wh1', 100, 10, 5), lvl('wh2', 20, 5, 0), lvl('store', 7, 0, 2)];

  it('sums on hand minus reserved minus safety stock over serving locations', () => {
    expect(availableToSell(levels, { locationIds: ['wh1', 'wh2', 'store'], buffer: 0 })).toBe(85 + 15 + 5);
  });

  it('ignores locations that do not serve the channel', () => {
    expect(availableToSell(levels, { locationIds: ['wh2'], buffer: 0 })).toBe(15);
    expect(availableToSell(levels, { locationIds: ['elsewhere'], buffer: 0 })).toBe(0);
    expect(availableToSell(levels, { locationIds: [], buffer: 0 })).toBe(0);
  });

  it('clamps each location at zero on its own', () => {
    const lv = [lvl('a', 3, 3, 2), lvl('b', 10, 0, 0)];
    expect(availableToSell(lv, { locationIds: ['a', 'b'], buffer: 0 })).toBe(10);
  });

  it('subtracts the buffer and never goes negative', () => {
    expect(availableToSell(levels, { locationIds: ['wh2'], buffer: 4 })).toBe(11);
    expect(availableToSell(levels, { locationIds: ['wh2'], buffer: 50 })).toBe(0);
    expect(availableToSell([lvl('a', 1, 1, 1)], { locationIds: ['a'], buffer: 0 })).toBe(0);
  });

  it('caps by max', () => {
    expect(availableToSell(levels, { locationIds: ['wh1'], buffer: 0, max: 30 })).toBe(30);
    expect(availableToSell(levels, { locationIds: ['wh1'], buffer: 0, max: 0 })).toBe(0);
    expect(availableToSell(levels, { locationIds: ['wh2'], buffer: 0, max: 30 })).toBe(15);
    expect(availableToSell(levels, { locationIds: ['wh2'], buffer: 0, max: null })).toBe(15);
  });

  it('applies the percent (floored) before the buffer and the cap', () => {
    expect(availableToSell(levels, { locationIds: ['wh2'], buffer: 0, percent: 50 })).toBe(7);
    expect(availableToSell(levels, { locationIds: ['wh2'], buffer: 2, percent: 50 })).toBe(5);
    expect(availableToSell(levels, { locationIds: ['wh1'], buffer: 0, percent: 50, max: 40 })).toBe(40);
    expect(availableToSell(levels, { locationIds: ['wh1'], buffer: 0, percent: 0 })).toBe(0);
    expect(availableToSell([lvl('a', 7)], { locationIds: ['a'], buffer: 0, percent: 30 })).toBe(2);
  });

  it('rejects non-integer inputs naming the field', () => {
    expect(() => availableToSell([lvl('a', 1.5)], { locationIds: ['a'], buffer: 0 })).toThrow(RangeError);
    expect(() => availableToSell([lvl('a', 1.5)], { locationIds: ['a'], buffer: 0 })).toThrow('levels[0].onHand');
    expect(() => availableToSell([lvl('a', 1), lvl('b', 1, Number.NaN)], { locationIds: ['a'], buffer: 0 })).toThrow(
      'levels[1].reserved',
    );
    expect(() => availableToSell([lvl('a', 1, 0, 0.5)], { locationIds: ['a'], buffer: 0 })).toThrow(
      'levels[0].safetyStock',
    );
    expect(() => availableToSell([], { locationIds: [], buffer: 1.5 })).toThrow('policy.buffer');
    expect(() => availableToSell([], { locationIds: [], buffer: -1 })).toThrow('policy.buffer');
    expect(() => availableToSell([], { locationIds: [], buffer: 0, max: 2.5 })).toThrow('policy.max');
    expect(() => availableToSell([], { locationIds: [], buffer: 0, percent: 101 })).toThrow('policy.percent');
  });

  it('never exceeds what the serving locations can sell, and is a non-negative integer', () => {
    const level = fc
      .record({
        locationId: fc.constantFrom('a', 'b', 'c', 'd'),
        onHand: fc.integer({ min: 0, max: 1e6 }),
        reservedShare: fc.double({ min: 0, max: 1, noNaN: true }),
        safetyStock: fc.integer({ min: 0, max: 1000 }),
      })
      // The ledger guarantees 0 <= reserved <= onHand.
      .map(({ reservedShare, ...l }) => ({ ...l, reserved: Math.floor(l.onHand * reservedShare) }));
    const policy = fc.record({
      locationIds: fc.subarray(['a', 'b', 'c', 'd']),
      buffer: fc.integer({ min: 0, max: 1000 }),
      max: fc.option(fc.integer({ min: 0, max: 1e6 })),
      percent: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(fc.array(level, { maxLength: 12 }), policy, (levels, p) => {
        const ats = availableToSell(levels, p);
        const bound = levels
          .filter((l) => p.locationIds.includes(l.locationId))
          .reduce((s, l) => s + l.onHand - l.reserved, 0);
        expect(Number.isSafeInteger(ats)).toBe(true);
        expect(ats).toBeGreaterThanOrEqual(0);
        expect(ats).toBeLessThanOrEqual(bound);
        if (p.max !== null) expect(ats).toBeLessThanOrEqual(p.max);
      }),
    );
  });
});

describe('StockPolicySchema', () => {
  it('applies defaults', () => {
    expect(StockPolicySchema.parse({ locationIds: ['a'] })).toEqual({ locationIds: ['a'], buffer: 0, percent: 100 });
    expect(StockPolicySchema.parse({})).toEqual({ locationIds: [], buffer: 0, percent: 100 });
  });

  it('validates ranges', () => {
    expect(StockPolicySchema.safeParse({ buffer: -1 }).success).toBe(false);
    expect(StockPolicySchema.safeParse({ buffer: 1.5 }).success).toBe(false);
    expect(StockPolicySchema.safeParse({ max: null }).success).toBe(true);
    expect(StockPolicySchema.safeParse({ max: -1 }).success).toBe(false);
    expect(StockPolicySchema.safeParse({ percent: 101 }).success).toBe(false);
    expect(StockPolicySchema.safeParse({ percent: 0 }).success).toBe(true);
  });

  it('parsed policies are accepted by availableToSell', () => {
    const policy = StockPolicySchema.parse({ locationIds: ['a'], buffer: 1, max: 5 });
    expect(availableToSell([lvl('a', 10)], policy)).toBe(5);
  });
});
