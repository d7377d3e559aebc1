// Strict mode under propagation delay, as a model. Channels sell from what they show and take
// sold units off at once; their orders reach the hub later and in any order. Pushes reach the
// channels later and behave like the Shopify connector: a compare-and-set that, when the value
// moved, re-reads and writes anyway, answering what it found (channelPrevious). The hub plans
// with the functions the synchronizer uses (computeTargets, planWrite, secondWrite,
// beliefAfterConfirm), one channel's job at a time, one push per channel in flight.
// Property: at every step Σ advertised ≤ what can really still be sold, and no order is ever
// short. The same runs in shared mode must oversell (so the check can fail).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AllocationMode } from '../../core/inventory/allocation.ts';
import { beliefAfterConfirm, planWrite, secondWrite } from '../../core/inventory/allocation.ts';
import { computeTargets } from '../../core/inventory/stock-targets.ts';

const CHANNELS = ['a', 'b', 'c'] as const;
type Channel = (typeof CHANNELS)[number];

type Step =
  | { kind: 'sell'; channel: Channel; units: number }
  | { kind: 'deliver'; pick: number }
  | { kind: 'plan' }
  | { kind: 'restock'; units: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('sell' as const),
      channel: fc.constantFrom(...CHANNELS),
      units: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('plan' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restock' as const), units: fc.integer({ min: 1, max: 4 }) }) },
);

interface Push {
  channel: Channel;
  value: number;
  previous: number | null;
  /** Set on the first write of a two-phase strict write: the claim to write second, and the belief it was planned from. */
  second: { claim: number; beliefAtPlan: number } | null;
}
type Message =
  | { kind: 'order'; channel: Channel; units: number }
  | ({ kind: 'push' } & Push)
  | ({ kind: 'answer'; channelPrevious: number } & Push);

interface Listing {
  belief: number | null;
  lastWritten: number | null;
  /** The value recorded as in flight (the claim for strict), or null. */
  inFlight: number | null;
}

function run(mode: AllocationMode, initial: number, steps: Step[]): { violations: number; short: number } {
  let onHand = initial;
  let reserved = 0;
  let short = 0;
  let violations = 0;
  const shown: Record<Channel, number> = { a: 0, b: 0, c: 0 };
  const hub: Record<Channel, Listing> = {
    a: { belief: null, lastWritten: null, inFlight: null },
    b: { belief: null, lastWritten: null, inFlight: null },
    c: { belief: null, lastWritten: null, inFlight: null },
  };
  const wire: Message[] = [];
  const unlanded = () => wire.reduce((s, m) => (m.kind === 'order' ? s + m.units : s), 0);

  // One channel's push job: plans under the SKU lock from the state as it is now.
  const planFor = (c: Channel) => {
    if (hub[c].inFlight !== null) return;
    const t = computeTargets({
      skuMode: mode,
      levels: [{ locationId: 'wh', onHand, reserved, safetyStock: 0 }],
      accounts: CHANNELS.map((id) => ({ id, locationIds: ['wh'], buffer: 0, max: null, percent: 100 })),
      listings: CHANNELS.map((x) => ({ id: x, accountId: x, belief: hub[x].belief, inFlight: hub[x].inFlight })),
    }).find((x) => x.accountId === c);
    if (!t || t.target === hub[c].belief) return;
    const w = planWrite({
      mode: t.mode,
      target: t.target,
      belief: hub[c].belief,
      lastWritten: hub[c].lastWritten,
      inFlight: false,
      othersBound: t.othersBound,
      pool: t.pool,
    });
    if (w.kind !== 'write') return;
    hub[c].inFlight = t.mode === 'strict' ? w.claim : w.value;
    const second = w.twoPhase ? { claim: w.claim, beliefAtPlan: hub[c].belief ?? 0 } : null;
    wire.push({ kind: 'push', channel: c, value: w.value, previous: w.previous, second });
  };

  const deliver = (m: Message) => {
    if (m.kind === 'order') {
      // The hub reserves what it has (the rest is oversold), then takes the sold units off the
      // selling channel's belief (the inbox processor).
      const take = Math.min(onHand - reserved, m.units);
      reserved += take;
      short += m.units - take;
      const l = hub[m.channel];
      if (l.belief !== null) l.belief = Math.max(0, l.belief - m.units);
    } else if (m.kind === 'push') {
      // Shopify's connector: compare-and-set, and on a stale value re-read and write anyway.
      const before = shown[m.channel];
      shown[m.channel] = m.value;
      wire.push({ ...m, kind: 'answer', channelPrevious: before });
    } else {
      const l = hub[m.channel];
      const reported = m.channelPrevious === m.previous ? undefined : m.channelPrevious;
      l.belief = beliefAfterConfirm(m.value, m.previous, reported, l.belief);
      if (m.second !== null) {
        const value = secondWrite(m.second.claim, m.second.beliefAtPlan, m.channelPrevious);
        if (value > 0) {
          wire.push({ kind: 'push', channel: m.channel, value, previous: 0, second: null });
          return; // still in flight at its claim
        }
      }
      l.lastWritten = m.second !== null && m.value === 0 ? 0 : m.value;
      l.inFlight = null;
    }
  };

  for (const s of steps) {
    if (s.kind === 'sell') {
      const units = Math.min(s.units, shown[s.channel]);
      if (units > 0) {
        shown[s.channel] -= units;
        wire.push({ kind: 'order', channel: s.channel, units });
      }
    } else if (s.kind === 'deliver' && wire.length) {
      const [m] = wire.splice(s.pick % wire.length, 1);
      if (m) deliver(m);
    } else if (s.kind === 'plan') {
      for (const c of CHANNELS) planFor(c);
    } else if (s.kind === 'restock') {
      onHand += s.units;
    }
    const advertised = CHANNELS.reduce((sum, c) => sum + shown[c], 0);
    if (advertised > onHand - reserved - unlanded()) violations += 1;
  }
  return { violations, short };
}

const runArb = fc.tuple(
  fc.integer({ min: 0, max: 12 }),
  fc.array(stepArb, { minLength: 1, maxLength: 200, size: 'large' }),
);

describe('strict allocation under propagation delay (model)', () => {
  it('never advertises more than can be sold, and never oversells', () => {
    fc.assert(
      fc.property(runArb, ([initial, steps]) => {
        const r = run('strict', initial, steps);
        expect(r.violations).toBe(0);
        expect(r.short).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('auto mode is strict while stock is scarce (below 5 units per channel, no restock)', () => {
    fc.assert(
      fc.property(runArb, ([initial, steps]) => {
        const r = run(
          'auto',
          Math.min(initial, 14),
          steps.filter((s) => s.kind !== 'restock'),
        );
        expect(r.violations).toBe(0);
        expect(r.short).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('the same runs in shared mode do oversell (so the check can fail)', () => {
    const result = fc.check(
      fc.property(runArb, ([initial, steps]) => run('shared', initial, steps).short === 0),
      { numRuns: 400 },
    );
    expect(result.failed).toBe(true);
  });
});
