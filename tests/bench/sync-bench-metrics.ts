// What the benchmark reports, computed after a run from the database and the shops' write log.
// Propagation latency of a reservation to another shop: from the reservation's movement (its
// created_at is the reserving transaction's start, so the figure errs on the slow side) to the
// first value that shop applied which already reflects it (values only fall during the run:
// the first write at or below the quantity left after the reservation).
import type { Database } from '../../core/db/database.ts';
import type { BenchWorld, Write } from './sync-bench-world.ts';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Propagation {
  samples: number[];
  /**
   * Reservation × shop pairs with no write of ours reflecting the reservation: a shop's level
   * moves only by our writes and its own sales, so its own sales got it there first (a pushed
   * value was then confirmed by a re-read, not written). Whether every shop ends right is
   * checked once the hub has drained (shops agree with the confirmed values), not here.
   */
  missing: number;
}

export async function propagation(
  db: Database,
  w: BenchWorld,
  codes: string[],
  startUnits: number,
): Promise<Propagation> {
  const moves = await db.prisma.$queryRaw<{ code: string; at: Date; qty: number; seller: string }[]>`
    SELECT s.code, m.created_at AS at, m.reserved_delta AS qty, o.account_id AS seller
      FROM inventory_movements m JOIN skus s ON s.id = m.sku_id JOIN orders o ON o.id = m.order_id
     WHERE m.kind = 'reserve' AND s.code = ANY(${codes}::text[])
     ORDER BY m.id`;
  const byShopItem = new Map<string, Write[]>();
  for (const wr of w.writes) {
    const k = `${wr.shop}|${wr.item}`;
    byShopItem.set(k, [...(byShopItem.get(k) ?? []), wr]);
  }
  const reserved = new Map<string, number>();
  const out: Propagation = { samples: [], missing: 0 };
  for (const m of moves) {
    const left = startUnits - ((reserved.get(m.code) ?? 0) + m.qty);
    reserved.set(m.code, (reserved.get(m.code) ?? 0) + m.qty);
    w.shops.forEach((shop, i) => {
      if (shop.accountId === m.seller) return; // the selling shop took the unit off itself
      const item = w.items.get(m.code)?.[i];
      const hit = (byShopItem.get(`${i}|${item}`) ?? []).find((x) => x.at >= m.at.getTime() && x.value <= left);
      if (hit) out.samples.push(hit.at - m.at.getTime());
      else out.missing += 1;
    });
  }
  return out;
}

export interface Oversells {
  orders: number;
  /** Orders the hub could not fully reserve: the channel sold units that were gone. */
  oversold: number;
}

export async function oversells(db: Database, codes: string[]): Promise<Oversells> {
  const rows = await db.prisma.$queryRaw<{ orders: bigint; short: bigint }[]>`
    SELECT count(DISTINCT o.id) AS orders,
           count(DISTINCT o.id) FILTER (WHERE o.status = 'on_hold' AND o.hold_reason IN ('oversold', 'insufficient_stock')) AS short
      FROM orders o JOIN order_lines l ON l.order_id = o.id
     WHERE l.sku_code = ANY(${codes}::text[])`;
  return { orders: Number(rows[0]?.orders ?? 0), oversold: Number(rows[0]?.short ?? 0) };
}
