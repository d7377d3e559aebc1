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

/**
 * Where one propagation's time went: reservation → outbox row dispatched (dispatch); → the first
 * write call to that shop carrying the item (queue: debounce, the account's push in flight,
 * pacing); → the call that applied it (retries: compare-and-set re-reads and re-sends, backoff
 * after a failed push); → its answer (call).
 */
export interface Breakdown {
  dispatch: number;
  queue: number;
  retries: number;
  call: number;
}

export interface Propagation {
  samples: number[];
  /** Per sample (same order), where its time went; null where the outbox row was not found. */
  parts: (Breakdown | null)[];
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
  // The outbox row the reserving transaction wrote has the same created_at (its start) and SKU.
  const dispatched = await db.prisma.$queryRaw<{ code: string; at: Date; dispatched: Date }[]>`
    SELECT s.code, o.created_at AS at, min(o.dispatched_at) AS dispatched
      FROM outbox_events o JOIN skus s ON s.id = o.payload->>'skuId'
     WHERE o.kind = 'inventory.changed' AND s.code = ANY(${codes}::text[]) AND o.dispatched_at IS NOT NULL
     GROUP BY s.code, o.created_at`;
  const dispatchedAt = new Map(dispatched.map((d) => [`${d.code}|${d.at.getTime()}`, d.dispatched.getTime()]));
  const attemptsByShopItem = new Map<string, number[]>();
  for (const a of w.attempts) {
    const k = `${a.shop}|${a.item}`;
    attemptsByShopItem.set(k, [...(attemptsByShopItem.get(k) ?? []), a.sentAt]);
  }
  const byShopItem = new Map<string, Write[]>();
  for (const wr of w.writes) {
    const k = `${wr.shop}|${wr.item}`;
    byShopItem.set(k, [...(byShopItem.get(k) ?? []), wr]);
  }
  const reserved = new Map<string, number>();
  const out: Propagation = { samples: [], parts: [], missing: 0 };
  for (const m of moves) {
    const left = startUnits - ((reserved.get(m.code) ?? 0) + m.qty);
    reserved.set(m.code, (reserved.get(m.code) ?? 0) + m.qty);
    w.shops.forEach((shop, i) => {
      if (shop.accountId === m.seller) return; // the selling shop took the unit off itself
      const item = w.items.get(m.code)?.[i];
      const hit = (byShopItem.get(`${i}|${item}`) ?? []).find((x) => x.at >= m.at.getTime() && x.value <= left);
      if (!hit) {
        out.missing += 1;
        return;
      }
      const t0 = m.at.getTime();
      out.samples.push(hit.at - t0);
      const t1 = dispatchedAt.get(`${m.code}|${t0}`);
      const first = (attemptsByShopItem.get(`${i}|${item}`) ?? []).find((sent) => t1 !== undefined && sent >= t1);
      out.parts.push(
        t1 === undefined || first === undefined
          ? null
          : { dispatch: t1 - t0, queue: first - t1, retries: hit.sentAt - first, call: hit.at - hit.sentAt },
      );
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

/** Mean of each part over the samples at or above the p-th percentile of the total (the tail). */
export function tailBreakdown(p: Propagation, pct: number): Breakdown & { samples: number } {
  const cut = percentile(p.samples, pct);
  const tail = p.samples.map((s, i) => (s >= cut ? p.parts[i] : null)).filter((x): x is Breakdown => x !== null);
  const mean = (k: keyof Breakdown) => Math.round(tail.reduce((a, b) => a + b[k], 0) / Math.max(1, tail.length));
  return {
    dispatch: mean('dispatch'),
    queue: mean('queue'),
    retries: mean('retries'),
    call: mean('call'),
    samples: tail.length,
  };
}

/** The p-th percentile of each part on its own. */
export function partPercentiles(p: Propagation, pct: number): Breakdown {
  const parts = p.parts.filter((x): x is Breakdown => x !== null);
  const at = (k: keyof Breakdown) =>
    Math.round(
      percentile(
        parts.map((x) => x[k]),
        pct,
      ),
    );
  return { dispatch: at('dispatch'), queue: at('queue'), retries: at('retries'), call: at('call') };
}
