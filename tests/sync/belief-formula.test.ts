// The belief after a confirmed write has one definition in TypeScript (beliefAfterConfirm,
// core/inventory/allocation.ts) and its SQL form (BELIEF_AFTER_CONFIRM_SQL, sync/stock/record.ts)
// that the record step evaluates on the row. Both run here on the same generated cases, in the
// database, so that neither can drift from the other.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beliefAfterConfirm } from '../../core/inventory/allocation.ts';
import type { Database } from '../../core/db/database.ts';
import { BELIEF_AFTER_CONFIRM_SQL } from '../../sync/stock/record.ts';
import { testDatabases } from '../support/databases.ts';

const qty = fc.integer({ min: 0, max: 60 });
const maybe = fc.option(qty, { nil: null });
const confirmation = fc.record({
  sent: qty,
  previousSent: maybe,
  channelPrevious: fc.option(qty, { nil: undefined }),
  beliefNow: maybe,
  doubtFrom: maybe,
  lostWrite: maybe,
  beliefAtPlan: maybe,
});

describe.each(testDatabases())('the belief after a confirmed write ($kind)', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db?.close());

  it('is the same in SQL as in TypeScript', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(confirmation, { minLength: 1, maxLength: 200 }), async (cases) => {
        const rows = await db.prisma.$queryRaw<{ i: number; b: number }[]>`
          SELECT u.i, ${BELIEF_AFTER_CONFIRM_SQL} AS b
            FROM unnest(${cases.map((_, i) => i)}::int[], ${cases.map((c) => c.sent)}::int[],
                        ${cases.map((c) => c.previousSent)}::int[], ${cases.map((c) => c.channelPrevious ?? null)}::int[],
                        ${cases.map((c) => c.doubtFrom)}::int[], ${cases.map((c) => c.lostWrite)}::int[],
                        ${cases.map((c) => c.beliefNow)}::int[], ${cases.map((c) => c.beliefAtPlan)}::int[])
                 AS u(i, q, prev, chprev, doubt, lost, belief, bplan)
            CROSS JOIN LATERAL (SELECT u.belief AS last_confirmed_qty) AS l
           ORDER BY u.i`;
        expect(rows.map((r) => r.b)).toEqual(
          cases.map((c) =>
            beliefAfterConfirm(
              c.sent,
              c.previousSent,
              c.channelPrevious,
              c.beliefNow,
              c.doubtFrom,
              c.lostWrite,
              c.beliefAtPlan,
            ),
          ),
        );
      }),
      { numRuns: 30 },
    );
  });
});
