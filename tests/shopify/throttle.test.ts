// Unit tests of the leaky-bucket pacing (connectors/shopify/throttle.ts), on virtual time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { availableAt, CostPacer, readCost, waitForCost } from '../../connectors/shopify/throttle.ts';

const status = (currentlyAvailable: number, maximumAvailable = 1000, restoreRate = 100) => ({
  maximumAvailable,
  currentlyAvailable,
  restoreRate,
});

describe('bucket arithmetic', () => {
  it('refills at restoreRate per second, capped at the bucket size', () => {
    expect(availableAt(status(100), 0, 0)).toBe(100);
    expect(availableAt(status(100), 0, 2500)).toBe(350);
    expect(availableAt(status(900), 0, 10_000)).toBe(1000);
  });

  it('waits exactly until the requested cost fits', () => {
    expect(waitForCost(status(500), 0, 0, 400)).toBe(0);
    expect(waitForCost(status(0), 0, 0, 250)).toBe(2500);
    expect(waitForCost(status(0), 0, 1000, 250)).toBe(1500);
    expect(waitForCost(status(300), 0, 0, 250, 100)).toBe(500); // 100 booked by a call in flight
    expect(waitForCost(status(0, 1000, 0), 0, 0, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('after waiting the computed time, the cost always fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 2000 }),
        (cur, max, rate, cost) => {
          const s = status(Math.min(cur, max), max, rate);
          const need = Math.min(cost, max);
          const ms = waitForCost(s, 0, 0, need);
          expect(availableAt(s, 0, ms)).toBeGreaterThanOrEqual(need - 1e-9);
        },
      ),
    );
  });

  it('reads extensions.cost and rejects malformed ones', () => {
    expect(readCost({ cost: { requestedQueryCost: 12, actualQueryCost: 10, throttleStatus: status(990) } })).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: 10,
      throttleStatus: status(990),
    });
    expect(
      readCost({ cost: { requestedQueryCost: 12, actualQueryCost: null, throttleStatus: status(5) } })?.actualQueryCost,
    ).toBeNull();
    expect(readCost({})).toBeNull();
    expect(readCost({ cost: { requestedQueryCost: 'x', throttleStatus: status(1) } })).toBeNull();
  });
});

describe('CostPacer', () => {
  it('does not wait before it knows the bucket, then paces to the reported status', async () => {
    const clock = new ManualClock(0);
    const pacer = new CostPacer(clock);
    expect(await pacer.acquire(50)).toBe(0);
    pacer.settle(50, { requestedQueryCost: 50, actualQueryCost: 50, throttleStatus: status(20, 1000, 10) });
    // 50 needed, 20 there, 10 per second: 3 s.
    expect(await pacer.acquire(50)).toBe(3000);
    expect(clock.nowMs()).toBe(3000);
  });

  it('books points for calls in flight so concurrent callers do not overdraw', async () => {
    const clock = new ManualClock(0);
    const pacer = new CostPacer(clock);
    pacer.observe(status(100, 100, 50));
    expect(await pacer.acquire(60)).toBe(0);
    expect(await pacer.acquire(30)).toBe(0); // 100 - 60 booked = 40 left
    // 90 booked: refill cannot make room for 30 more, so the third caller waits for an answer.
    let waited: number | null = null;
    const third = pacer.acquire(30).then((ms) => {
      waited = ms;
    });
    await Promise.resolve();
    expect(waited).toBeNull();
    // The 60-point call answers: Shopify reports 40 left. 30 are still booked, so 20 more are needed: 0.4 s.
    pacer.settle(60, { requestedQueryCost: 60, actualQueryCost: 60, throttleStatus: status(40, 100, 50) });
    await third;
    expect(waited).toBe(400);
    pacer.settle(30, null);
    pacer.settle(30, null);
  });

  it('after THROTTLED, waits for the requested cost per the status that came with it', () => {
    const clock = new ManualClock(0);
    const pacer = new CostPacer(clock);
    pacer.observe(status(30, 1000, 50));
    expect(pacer.delayAfterThrottle(130)).toBe(2000);
    // Never more than the bucket can hold: a 5,000-point request waits for a full bucket only.
    expect(pacer.delayAfterThrottle(5000)).toBe(Math.ceil(((1000 - 30) / 50) * 1000));
  });
});
