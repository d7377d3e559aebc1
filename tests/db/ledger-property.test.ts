// Property: for any sequence of reserve / release / commit / adjust / count /
// transfer, the database ledger behaves like the simple reference model below, every
// level stays within 0 <= reserved <= on_hand, and the movements sum to the level.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import * as ledger from '../../core/inventory/ledger.ts';
import { testDatabases } from '../support/databases.ts';
import { seedLocation } from '../support/seed.ts';

const LOCS = ['p1', 'p2'] as const;
type Loc = (typeof LOCS)[number];
type Op =
  | { op: 'reserve' | 'release' | 'commit' | 'reserveUpTo'; loc: Loc; q: number }
  | { op: 'adjust'; loc: Loc; d: number }
  | { op: 'count'; loc: Loc; c: number }
  | { op: 'transfer'; from: Loc; to: Loc; q: number };

const loc = fc.constantFrom(...LOCS);
const q = fc.integer({ min: 1, max: 8 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('reserve', 'release', 'commit', 'reserveUpTo'), loc, q }) as fc.Arbitrary<Op>,
  fc.record({ op: fc.constant('adjust' as const), loc, d: fc.integer({ min: -6, max: 10 }).filter((d) => d !== 0) }),
  fc.record({ op: fc.constant('count' as const), loc, c: fc.integer({ min: 0, max: 12 }) }),
  fc
    .record({ op: fc.constant('transfer' as const), from: loc, q })
    .map((t) => ({ ...t, to: (t.from === 'p1' ? 'p2' : 'p1') as Loc })),
);

type Model = Record<Loc, { onHand: number; reserved: number }>;

/** The reference model: what each operation should do, in plain arithmetic. */
function applyModel(m: Model, o: Op): boolean {
  const ok = (l: Loc, dOn: number, dRes: number) => {
    const s = m[l];
    if (s.reserved + dRes < 0 || s.onHand + dOn < s.reserved + dRes) return false;
    s.onHand += dOn;
    s.reserved += dRes;
    return true;
  };
  switch (o.op) {
    case 'reserve':
      return ok(o.loc, 0, o.q);
    case 'release':
      return ok(o.loc, 0, -o.q);
    case 'commit':
      return ok(o.loc, -o.q, -o.q);
    case 'reserveUpTo': {
      const take = Math.min(o.q, m[o.loc].onHand - m[o.loc].reserved);
      return take > 0 ? ok(o.loc, 0, take) : false;
    }
    case 'adjust':
      return ok(o.loc, o.d, 0);
    case 'count':
      return o.c >= m[o.loc].reserved && ok(o.loc, o.c - m[o.loc].onHand, 0);
    case 'transfer':
      if (!ok(o.from, -o.q, 0)) return false;
      return ok(o.to, o.q, 0);
  }
}

async function applyDb(db: Database, skuId: string, o: Op): Promise<boolean> {
  const p = db.prisma;
  switch (o.op) {
    case 'reserve':
      return !!(await ledger.reserve(p, skuId, o.loc, o.q));
    case 'release':
      return !!(await ledger.release(p, skuId, o.loc, o.q));
    case 'commit':
      return !!(await ledger.commit(p, skuId, o.loc, o.q));
    case 'reserveUpTo':
      return (await ledger.reserveUpTo(p, skuId, o.loc, o.q)) > 0;
    case 'adjust':
      return !!(await ledger.adjust(p, skuId, o.loc, o.d, o.d > 0 ? 'receipt' : 'damage'));
    case 'count':
      return !!(await ledger.setOnHand(p, skuId, o.loc, o.c));
    case 'transfer':
      return p.$transaction((tx) => ledger.transfer(tx, skuId, o.from, o.to, o.q));
  }
}

describe.each(testDatabases())('ledger invariants under random operations on $kind', ({ open }) => {
  let db: Database;
  let run = 0;
  beforeAll(async () => {
    db = await open();
    for (const l of LOCS) await seedLocation(db.prisma, l);
  });
  afterAll(() => db?.close());

  it('matches the reference model and keeps every invariant after each step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const skuId = `prop-${run++}`;
        await db.prisma.sku.create({ data: { id: skuId, code: skuId, title: skuId } });
        for (const l of LOCS) await ledger.ensureLevel(db.prisma, skuId, l);
        const model: Model = { p1: { onHand: 0, reserved: 0 }, p2: { onHand: 0, reserved: 0 } };
        for (const o of ops) {
          const expected = applyModel(model, o);
          const accepted = await applyDb(db, skuId, o);
          expect(accepted, JSON.stringify(o)).toBe(expected);
          for (const l of LOCS) {
            const level = await ledger.getLevel(db.prisma, skuId, l);
            expect(level).toMatchObject(model[l]);
            expect(level?.reserved).toBeGreaterThanOrEqual(0);
            expect(level?.reserved).toBeLessThanOrEqual(level?.onHand ?? -1);
            const totals = await ledger.ledgerTotals(db.prisma, skuId, l);
            expect({ onHand: totals.onHand, reserved: totals.reserved }).toEqual(model[l]);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
