import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateStrict,
  beliefAfterConfirm,
  channelBound,
  effectiveMode,
  fairShares,
  planWrite,
  secondWrite,
  shownEstimate,
  type StrictChannel,
  strictSendValue,
  valueToWrite,
  withUnlandedSales,
} from '../../core/inventory/allocation.ts';

const ch = (id: string, cap: number, current: number | null = null, weight = 1): StrictChannel => ({
  id,
  cap,
  current,
  weight,
});
const obj = (m: Map<string, number>) => Object.fromEntries(m);

describe('fairShares', () => {
  it('splits by weight with the largest remainders first, ties by id', () => {
    expect(obj(fairShares(10, [ch('a', 99), ch('b', 99), ch('c', 99)]))).toEqual({ a: 4, b: 3, c: 3 });
    expect(obj(fairShares(9, [ch('a', 99, null, 2), ch('b', 99, null, 1)]))).toEqual({ a: 6, b: 3 });
  });

  it('gives what a capped channel cannot take to the others', () => {
    expect(obj(fairShares(10, [ch('a', 1), ch('b', 99)]))).toEqual({ a: 1, b: 9 });
    expect(obj(fairShares(10, [ch('a', 2), ch('b', 3)]))).toEqual({ a: 2, b: 3 });
  });

  it('never exceeds the pool or a cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.record({ cap: fc.integer({ min: 0, max: 80 }), weight: fc.integer({ min: 0, max: 5 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        (pool, specs) => {
          const channels = specs.map((s, i) => ch(`c${i}`, s.cap, null, s.weight));
          const shares = fairShares(pool, channels);
          const total = [...shares.values()].reduce((a, b) => a + b, 0);
          expect(total).toBeLessThanOrEqual(pool);
          for (const c of channels) expect(shares.get(c.id)).toBeLessThanOrEqual(c.cap);
          // Nothing is left on the table while a weighted channel has room.
          const room = channels.some((c) => (c.weight ?? 1) > 0 && (shares.get(c.id) ?? 0) < c.cap);
          if (room) expect(total).toBe(pool);
        },
      ),
    );
  });
});

describe('allocateStrict', () => {
  it('starts from the fair split when nothing is known', () => {
    expect(obj(allocateStrict(9, [ch('a', 9), ch('b', 9)]))).toEqual({ a: 5, b: 4 });
  });

  it('keeps a channel that sold at its smaller share: a sale costs no push', () => {
    // a sold one of its 5: it shows 4 and the pool is 8.
    expect(obj(allocateStrict(8, [ch('a', 8, 4), ch('b', 8, 4)]))).toEqual({ a: 4, b: 4 });
    expect(obj(allocateStrict(7, [ch('a', 7, 3), ch('b', 7, 4)]))).toEqual({ a: 3, b: 4 });
  });

  it('rebalances toward a channel that fell below half its fair share', () => {
    // fair is a 4, b 3 (ties by id): a at 1 is starving, b gives up what it holds above 3.
    expect(obj(allocateStrict(7, [ch('a', 7, 1), ch('b', 7, 6)]))).toEqual({ a: 4, b: 3 });
  });

  it('takes back what stock that left outside the channels no longer covers', () => {
    expect(obj(allocateStrict(6, [ch('a', 6, 5), ch('b', 6, 4)]))).toEqual({ a: 3, b: 3 });
  });

  it('hands out freed units to the channels furthest below their share', () => {
    expect(obj(allocateStrict(10, [ch('a', 10, 2), ch('b', 10, 4)]))).toEqual({ a: 5, b: 5 });
  });

  it('never over-allocates, respects caps, and is stable on its own output', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.array(
          fc.record({
            cap: fc.integer({ min: 0, max: 60 }),
            current: fc.option(fc.integer({ min: 0, max: 80 })),
            weight: fc.integer({ min: 1, max: 3 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (pool, specs) => {
          const channels = specs.map((s, i) => ch(`c${i}`, s.cap, s.current, s.weight));
          const shares = allocateStrict(pool, channels);
          expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(pool);
          for (const c of channels) {
            expect(shares.get(c.id)).toBeGreaterThanOrEqual(0);
            expect(shares.get(c.id)).toBeLessThanOrEqual(c.cap);
          }
          const again = allocateStrict(
            pool,
            channels.map((c) => ({ ...c, current: shares.get(c.id) ?? 0 })),
          );
          expect(obj(again)).toEqual(obj(shares));
        },
      ),
    );
  });
});

describe('the strict push rules', () => {
  it('switches auto to strict below the threshold, and never for one channel', () => {
    expect(effectiveMode('auto', 9, 2)).toBe('strict');
    expect(effectiveMode('auto', 10, 2)).toBe('shared');
    expect(effectiveMode('auto', 1, 1)).toBe('shared');
    expect(effectiveMode('strict', 500, 3)).toBe('strict');
    expect(effectiveMode('shared', 0, 3)).toBe('shared');
    expect(effectiveMode('auto', 29, 3, 10)).toBe('strict');
  });

  it('bounds a channel by its belief or a higher value in flight; unknown is unbounded', () => {
    expect(channelBound(4, null)).toBe(4);
    expect(channelBound(4, 6)).toBe(6);
    expect(channelBound(4, 2)).toBe(4);
    expect(channelBound(null, 2)).toBe(Number.POSITIVE_INFINITY);
  });

  it('lowers at once, raises only into room left by the others', () => {
    expect(strictSendValue(3, 5, 99, 0)).toBe(3);
    expect(strictSendValue(3, null, Number.POSITIVE_INFINITY, 0)).toBe(3);
    expect(strictSendValue(5, 3, 5, 10)).toBe(5);
    expect(strictSendValue(5, 3, 6, 10)).toBe(4); // partial raise
    expect(strictSendValue(5, 3, 7, 10)).toBeNull(); // wait for the others
    expect(strictSendValue(5, 3, Number.POSITIVE_INFINITY, 10)).toBeNull();
    // In doubt (an earlier write's answer lost) the channel may show less than the belief: only
    // what fits beside the others is sent, 0 if nothing does (never a wait: that settles the doubt).
    expect(strictSendValue(2, 4, 3, 3, true)).toBe(0); // a "decrease" from the belief, maybe a raise
    expect(strictSendValue(5, 3, 7, 10, true)).toBe(3);
    expect(strictSendValue(5, 3, 6, 10, true)).toBe(4);
    expect(strictSendValue(5, 1, 7, 5, true)).toBe(0);
    expect(strictSendValue(2, 4, 1, 10, true)).toBe(2);
  });

  it('counts sales that raced a push back in, and landed ones out', () => {
    // Nothing moved: the channel holds what we sent.
    expect(beliefAfterConfirm(4, 6, undefined, 6)).toBe(4);
    // One unit landed while in flight, sold after our write: the channel now shows 3.
    expect(beliefAfterConfirm(4, 6, undefined, 5)).toBe(3);
    // One unit sold just before our write, not landed yet: the channel claims 4 + 1.
    expect(beliefAfterConfirm(4, 6, 5, 6)).toBe(5);
    // ... and it landed while we were in flight: its decrement is already in beliefNow.
    expect(beliefAfterConfirm(4, 6, 5, 5)).toBe(4);
    expect(beliefAfterConfirm(4, null, 5, 6)).toBe(4);
    // The same cases with the belief the push was planned from: the same answers.
    expect(beliefAfterConfirm(4, 6, undefined, 5, null, null, 6)).toBe(3);
    expect(beliefAfterConfirm(4, 6, 5, 6, null, null, 6)).toBe(5);
    expect(beliefAfterConfirm(4, 6, 5, 5, null, null, 6)).toBe(4);
  });

  it('a channel that put units back itself (a cancellation restocked there) is believed at the value written', () => {
    // Believed 10; the shop showed 11 (a cancelled order's unit restocked there); we wrote 8 over it.
    expect(beliefAfterConfirm(8, 10, 11, 10, null, null, 10)).toBe(8);
    // Not below it, as counting the restock as -1 units sold did (7: "in sync" at 7 while showing 8).
    expect(beliefAfterConfirm(8, 10, 11, 10)).toBe(7);
  });
});

describe('what to write', () => {
  it('estimates what the channel shows from the claim and the last value written', () => {
    expect(shownEstimate(5, 3, false)).toBe(3); // 2 units sold there, not landed
    expect(shownEstimate(2, 3, false)).toBe(2); // 1 sale landed since the write
    expect(shownEstimate(5, 3, true)).toBe(5); // a write in flight: only the claim is known
    expect(shownEstimate(null, 3, false)).toBeNull();
  });

  it('takes units sold but not landed off the value written', () => {
    expect(valueToWrite(4, 5, 3)).toBe(2);
    expect(valueToWrite(1, 5, 3)).toBe(0);
    expect(valueToWrite(4, null, null)).toBe(4);
  });

  it('writes strict values in two steps when the channel may have sold what we do not know of', () => {
    const base = { belief: 3, lastWritten: 3, inFlight: false, othersBound: 3, pool: 6 };
    expect(planWrite({ ...base, mode: 'strict', target: 2 })).toEqual({
      kind: 'write',
      claim: 2,
      value: 0,
      previous: 3,
      twoPhase: true,
    });
    expect(planWrite({ ...base, mode: 'shared', target: 2 })).toEqual({
      kind: 'write',
      claim: 2,
      value: 2,
      previous: 3,
      twoPhase: false,
    });
    expect(planWrite({ ...base, mode: 'strict', target: 0 })).toMatchObject({ value: 0, twoPhase: false });
    expect(planWrite({ ...base, mode: 'strict', target: 5 })).toEqual({ kind: 'defer' }); // 5 + 3 > 6
    expect(planWrite({ ...base, mode: 'strict', target: 3 })).toEqual({ kind: 'none' });
    // A channel known to show 0 cannot sell below it: one write is exact.
    expect(planWrite({ ...base, belief: 0, lastWritten: 0, mode: 'strict', target: 2 })).toMatchObject({
      value: 2,
      twoPhase: false,
    });
  });

  it('sales waiting in the inbox move a shared write and its compared value, and nothing else', () => {
    const base = { belief: 10, lastWritten: 10, inFlight: false, othersBound: 0, pool: 8 };
    const shared = { ...base, mode: 'shared' as const, target: 8 };
    // 2 sold there, order not landed: the shop shows 8; claim 8 = 6 on sale + 2 sold.
    expect(withUnlandedSales(planWrite(shared), shared, 2)).toMatchObject({ value: 6, previous: 8, claim: 8 });
    expect(withUnlandedSales(planWrite(shared), shared, 0)).toEqual(planWrite(shared));
    // The claim holds unlanded units already (an earlier write over sales): they may be these.
    const over = { ...shared, lastWritten: 9 };
    expect(withUnlandedSales(planWrite(over), over, 2)).toEqual(planWrite(over));
    // In flight, or strict (its two phases need what the shop really held): unchanged.
    const flying = { ...shared, inFlight: true };
    expect(withUnlandedSales(planWrite(flying), flying, 2)).toEqual(planWrite(flying));
    const strict = { ...base, mode: 'strict' as const, target: 2, othersBound: 3, pool: 6, belief: 3, lastWritten: 3 };
    expect(withUnlandedSales(planWrite(strict), strict, 1)).toEqual(planWrite(strict));
    // Never turns "nothing to write" into a write or the reverse.
    const none = { ...shared, target: 10 };
    expect(withUnlandedSales(planWrite(none), none, 2)).toEqual({ kind: 'none' });
    expect(withUnlandedSales(planWrite({ ...shared, target: 2 }), { ...shared, target: 2 }, 12)).toMatchObject({
      kind: 'write',
      value: 0,
      previous: 0,
    });
  });

  it('second write: every unit below the planned belief was sold there and uses the claim', () => {
    expect(secondWrite(2, 3, 3)).toBe(2); // nothing sold meanwhile
    expect(secondWrite(2, 3, 2)).toBe(1); // one sold before our first write
    expect(secondWrite(2, 3, 0)).toBe(0); // its whole share sold: stays at 0
  });
});
