// The two reservation paths the ledger benchmark compares, and the caller loop that
// drives them. Shared by the bench (PGlite runs in-process) and its worker processes.
import type { Sql } from '../../core/db/sql.ts';
import { reserve } from '../../core/inventory/ledger.ts';

export type BenchPath = 'hub' | 'naive';

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

async function reserveOne(sql: Sql, path: BenchPath, skuId: string, locationId: string): Promise<boolean> {
  if (path === 'naive') return naiveReadThenWriteReserve(sql, skuId, locationId);
  return (await reserve(sql, skuId, locationId, 1, { reference: 'bench-hub' })) !== null;
}

export interface CallerResult {
  /** Milliseconds per attempt, successful or not. */
  latencies: number[];
  successes: number;
  errors: number;
  firstError?: string;
}

/** Runs the callers concurrently; each makes its attempts one after another. */
export async function runCallers(
  sql: Sql,
  path: BenchPath,
  skuId: string,
  locationId: string,
  attemptsPerCaller: number[],
): Promise<CallerResult> {
  const result: CallerResult = { latencies: [], successes: 0, errors: 0 };
  await Promise.all(
    attemptsPerCaller.map(async (attempts) => {
      for (let i = 0; i < attempts; i++) {
        const start = performance.now();
        try {
          if (await reserveOne(sql, path, skuId, locationId)) result.successes++;
        } catch (e) {
          result.errors++;
          result.firstError ??= (e as Error).message;
        }
        result.latencies.push(performance.now() - start);
      }
    }),
  );
  return result;
}

/**
 * Before the clock starts: opens `connections` pool connections, then runs the path a
 * few times against a SKU that does not exist (refused, touches nothing) so the client
 * and the JIT are warm.
 */
export async function warmUp(sql: Sql, path: BenchPath, locationId: string, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => sql.$queryRaw`SELECT 1 FROM pg_sleep(0.05)`));
  for (let i = 0; i < 20; i++) await reserveOne(sql, path, 'bench-warm-up-no-such-sku', locationId);
}
