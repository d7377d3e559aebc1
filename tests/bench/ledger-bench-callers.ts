// The three reservation paths the ledger benchmark compares, and the caller loop that drives
// them. Shared by the bench (PGlite runs in-process) and its worker processes.
//   hub      the ledger's `reserve` through Prisma: one conditional statement that also appends
//            the movement and the outbox row
//   naive    read, decide in JS, write back: the counter-example that oversells
//   ceiling  the bare conditional UPDATE of the same row on the raw driver (no ORM, no movement,
//            no outbox row): what one hot row allows at this concurrency, the physical ceiling
import type { Sql } from '../../core/db/sql.ts';
import { reserve } from '../../core/inventory/ledger.ts';
import { type AttemptSample, attemptScope } from './ledger-bench-timing.ts';

export type BenchPath = 'hub' | 'naive' | 'ceiling';
export const BENCH_PATHS = ['ceiling', 'hub', 'naive'] as const satisfies readonly BenchPath[];

/** One reservation attempt of 1 unit; true when it reserved. */
export type Attempt = (skuId: string) => Promise<boolean>;

/** Runs `text` with `params` on a raw driver (pg pool or PGlite) and returns the rows. */
export type RawQuery = <T>(text: string, params: unknown[]) => Promise<T[]>;

/**
 * What an unlocked ORM does: read the level, decide in JS, write back the value it
 * read plus one, then append the movement. No transaction, no lock: concurrent
 * callers read the same level, so both succeed and one write overwrites the other.
 * For the benchmark only, as the counter-example to the hub's `reserve`.
 */
export async function naiveReadThenWriteReserve(sql: Sql, skuId: string, locationId: string): Promise<boolean> {
  const [level] = await sql.$queryRaw<{ on_hand: number; reserved: number }[]>`
    SELECT on_hand, reserved FROM inventory_levels WHERE sku_id = ${skuId} AND location_id = ${locationId}`;
  if (!level || level.on_hand - level.reserved < 1) return false;
  await sql.$executeRaw`
    UPDATE inventory_levels SET reserved = ${level.reserved + 1}::int, updated_at = now()
     WHERE sku_id = ${skuId} AND location_id = ${locationId}`;
  await sql.$executeRaw`
    INSERT INTO inventory_movements (sku_id, location_id, kind, on_hand_delta, reserved_delta, reference)
    VALUES (${skuId}, ${locationId}, 'reserve'::"MovementKind", 0, 1, 'bench-naive')`;
  return true;
}

// The CTE only lets the statement report its own server-side time (clock_timestamp() at the
// end minus statement_timestamp() at receipt: row-lock wait plus execution, commit excluded)
// for refusals too; the UPDATE is the ledger's condition and nothing else.
const CEILING_SQL = `
  WITH upd AS (
    UPDATE inventory_levels SET reserved = reserved + 1
     WHERE sku_id = $1 AND location_id = $2 AND on_hand >= reserved + 1
    RETURNING 1
  )
  SELECT count(*)::int AS n, (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::float8 AS server_ms
    FROM upd`;

export function ceilingAttempt(query: RawQuery, locationId: string): Attempt {
  return async (skuId) => {
    const [row] = await query<{ n: number; server_ms: number }>(CEILING_SQL, [skuId, locationId]);
    const sample = attemptScope.getStore();
    if (sample && row) sample.serverMs = row.server_ms;
    return row?.n === 1;
  };
}

export function ormAttempt(sql: Sql, path: 'hub' | 'naive', locationId: string): Attempt {
  if (path === 'naive') return (skuId) => naiveReadThenWriteReserve(sql, skuId, locationId);
  return async (skuId) => (await reserve(sql, skuId, locationId, 1, { reference: 'bench-hub' })) !== null;
}

export interface CallerResult {
  /** One per attempt, successful or not. */
  samples: AttemptSample[];
  successes: number;
  errors: number;
  firstError?: string;
}

/** Runs the callers concurrently; each makes its attempts one after another. */
export async function runCallers(attempt: Attempt, skuId: string, attemptsPerCaller: number[]): Promise<CallerResult> {
  const result: CallerResult = { samples: [], successes: 0, errors: 0 };
  await Promise.all(
    attemptsPerCaller.map(async (attempts) => {
      for (let i = 0; i < attempts; i++) {
        const sample: AttemptSample = { ms: 0, poolWaitMs: 0, statementMs: 0, serverMs: null };
        const start = performance.now();
        try {
          if (await attemptScope.run(sample, () => attempt(skuId))) result.successes++;
        } catch (e) {
          result.errors++;
          result.firstError ??= (e as Error).message;
        }
        sample.ms = performance.now() - start;
        result.samples.push(sample);
      }
    }),
  );
  return result;
}

/**
 * Before the clock starts: opens `connections` connections (`openOne` holds one for a moment),
 * then runs the path a few times against a SKU that does not exist (refused, touches
 * nothing) so the client and the JIT are warm.
 */
export async function warmUp(attempt: Attempt, openOne: () => Promise<unknown>, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, openOne));
  for (let i = 0; i < 20; i++) await attempt('bench-warm-up-no-such-sku');
}
