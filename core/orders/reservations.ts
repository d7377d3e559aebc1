// Brings an order's reservations in line with what its lines still need, through
// the ledger. Lines of one order that share a SKU reserve their sum in one step
// (per location), so two lines can never both pass a check that only one fits.
// Locations are tried in the channel's priority order: first one location that can
// take the whole quantity, then a split over several. What cannot be reserved stays
// short (the order is held) unless the SKU allows backorders.
import type { Sql } from '../db/sql.ts';
import { adjust, commit, type MovementContext, release, reserve, reserveUpTo } from '../inventory/ledger.ts';

export interface LineNeed {
  orderLineId: string;
  skuId: string;
  /** Units the line still needs reserved (ordered, not fulfilled, not cancelled). */
  wanted: number;
  /** Units the channel newly reports fulfilled since the hub last looked. */
  newlyFulfilled: number;
  allowBackorder: boolean;
}

export interface ReservationRow {
  id: string;
  orderLineId: string;
  skuId: string;
  locationId: string;
  quantity: number;
  backordered: number;
}

export interface ReconcileResult {
  shortUnits: number;
  /** Units that could not be reserved, per SKU id. */
  shortBySku: Map<string, number>;
  /**
   * Units the channel handed over without a reservation (a counter sale) that the ledger could
   * not take because they are reserved for other orders (a click-and-collect waiting at the
   * store), per SKU id. The ledger keeps them on hand for those orders; a person settles it.
   */
  heldUnitsSold: Map<string, number>;
  touchedSkus: Set<string>;
}

type Mv = Pick<MovementContext, 'channel'> & { orderId: string; actor: string; reference: string };

interface Ctx {
  orderId: string;
  actor: string;
  reference: string;
  /** Locations in the order they should be drawn from. */
  locationIds: string[];
  newId: () => string;
  /** The order's version on the channel's clock, stamped on its movements (store counts compare it). */
  channel?: MovementContext['channel'];
}

export async function reconcileReservations(
  tx: Sql,
  needs: LineNeed[],
  active: ReservationRow[],
  ctx: Ctx,
): Promise<ReconcileResult> {
  const touched = new Set<string>();
  const mv: Mv = { orderId: ctx.orderId, actor: ctx.actor, reference: ctx.reference, channel: ctx.channel ?? null };
  let shortUnits = 0;
  const shortBySku = new Map<string, number>();
  const heldUnitsSold = new Map<string, number>();
  const byLine = groupBy(active, (r) => r.orderLineId);
  const toReserve: LineNeed[] = [];

  for (const need of needs) {
    const rows = byLine.get(need.orderLineId) ?? [];
    // 1. Units the channel shipped or handed over: out of reserved and on hand.
    let toCommit = need.newlyFulfilled;
    for (const r of rows) {
      if (toCommit === 0) break;
      const q = Math.min(r.quantity, toCommit);
      if (q === 0) continue;
      if (await commit(tx, r.skuId, r.locationId, q, { ...mv, reason: 'fulfilled' })) {
        r.quantity -= q;
        toCommit -= q;
        touched.add(r.skuId);
        await addCommitted(tx, { ...r, orderId: ctx.orderId }, q, ctx.newId);
      }
    }
    // Shipped by the channel without a reservation here (e.g. while on hold, or sold over the
    // counter): the goods still left. Only free units can be taken off the shelf in the ledger.
    if (toCommit > 0 && ctx.locationIds[0]) {
      const taken = await takeFree(tx, need.skuId, ctx.locationIds[0], toCommit, mv);
      if (taken > 0) {
        touched.add(need.skuId);
        // Recorded like a commit, so that a return restocks where these goods left from.
        await addCommitted(
          tx,
          { orderId: ctx.orderId, orderLineId: need.orderLineId, skuId: need.skuId, locationId: ctx.locationIds[0] },
          taken,
          ctx.newId,
        );
      }
      if (taken < toCommit) heldUnitsSold.set(need.skuId, (heldUnitsSold.get(need.skuId) ?? 0) + toCommit - taken);
    }
    // 2. More reserved than still needed (quantity reduced, cancelled): release the surplus.
    let held = sum(rows.map((r) => r.quantity));
    for (const r of [...rows].reverse()) {
      if (held <= need.wanted) break;
      const q = Math.min(r.quantity, held - need.wanted);
      if (q === 0) continue;
      if (await release(tx, r.skuId, r.locationId, q, { ...mv, reason: 'no longer needed' })) {
        r.quantity -= q;
        held -= q;
        touched.add(r.skuId);
      }
    }
    for (const r of rows) {
      const backordered = Math.max(0, Math.min(r.backordered, need.wanted - held));
      await tx.$executeRaw`
        UPDATE reservations SET quantity = ${r.quantity}::int, backordered = ${backordered}::int,
               status = CASE WHEN ${r.quantity}::int = 0 AND ${backordered}::int = 0 THEN 'released'::"ReservationStatus" ELSE status END,
               updated_at = now()
         WHERE id = ${r.id}`;
      r.backordered = backordered;
    }
    const missing = need.wanted - held;
    if (missing > 0) toReserve.push({ ...need, wanted: missing });
  }

  // 3. Reserve what is missing, SKU by SKU (sorted: a fixed lock order across orders).
  const bySku = groupBy(toReserve, (n) => n.skuId);
  for (const skuId of [...bySku.keys()].sort()) {
    const lines = bySku.get(skuId) ?? [];
    const total = sum(lines.map((l) => l.wanted));
    const takes = await reserveAcross(tx, skuId, total, ctx.locationIds, mv);
    if (takes.length) touched.add(skuId);
    // Hand the reserved units out to the lines in order, location by location.
    const queue = takes.map((t) => ({ ...t }));
    for (const line of lines) {
      let left = line.wanted;
      while (left > 0 && queue.length) {
        const head = queue[0] as { locationId: string; quantity: number };
        const q = Math.min(left, head.quantity);
        await addActive(tx, ctx.orderId, line, head.locationId, q, ctx.newId);
        head.quantity -= q;
        left -= q;
        if (head.quantity === 0) queue.shift();
      }
      if (left > 0) {
        if (line.allowBackorder && ctx.locationIds[0]) {
          await addBackorder(tx, ctx.orderId, line, ctx.locationIds[0], left, ctx.newId);
        } else {
          shortUnits += left;
          shortBySku.set(skuId, (shortBySku.get(skuId) ?? 0) + left);
        }
      }
    }
  }
  return { shortUnits, shortBySku, heldUnitsSold, touchedSkus: touched };
}

/**
 * Takes up to `quantity` units that no order holds off on hand; returns how many. Units reserved
 * for other orders stay: the ledger never lets on hand fall below what is reserved.
 */
async function takeFree(tx: Sql, skuId: string, locationId: string, quantity: number, mv: Mv): Promise<number> {
  const ctx = { ...mv, reason: 'fulfilled without a reservation' };
  if (await adjust(tx, skuId, locationId, -quantity, 'sale', ctx)) return quantity;
  const [level] = await tx.$queryRaw<{ free: number }[]>`
    SELECT GREATEST(0, on_hand - reserved)::int AS free FROM inventory_levels
     WHERE sku_id = ${skuId} AND location_id = ${locationId} FOR UPDATE`;
  const free = Math.min(quantity, level?.free ?? 0);
  if (free === 0) return 0;
  return (await adjust(tx, skuId, locationId, -free, 'sale', ctx)) ? free : 0;
}

async function reserveAcross(
  tx: Sql,
  skuId: string,
  total: number,
  locationIds: string[],
  mv: Mv,
): Promise<{ locationId: string; quantity: number }[]> {
  // Prefer one location that has it all (one parcel), in priority order.
  for (const locationId of locationIds) {
    if (await reserve(tx, skuId, locationId, total, mv)) return [{ locationId, quantity: total }];
  }
  // Otherwise split, each step taking what is free at that moment.
  const takes: { locationId: string; quantity: number }[] = [];
  let left = total;
  for (const locationId of locationIds) {
    if (left === 0) break;
    const q = await reserveUpTo(tx, skuId, locationId, left, mv);
    if (q > 0) {
      takes.push({ locationId, quantity: q });
      left -= q;
    }
  }
  return takes;
}

async function addActive(tx: Sql, orderId: string, line: LineNeed, locationId: string, q: number, newId: () => string) {
  const updated = await tx.$executeRaw`
    UPDATE reservations SET quantity = quantity + ${q}::int, updated_at = now()
     WHERE order_line_id = ${line.orderLineId} AND location_id = ${locationId} AND status = 'active'`;
  if (updated === 0) {
    await tx.$executeRaw`
      INSERT INTO reservations (id, order_id, order_line_id, sku_id, location_id, quantity, status)
      VALUES (${newId()}, ${orderId}, ${line.orderLineId}, ${line.skuId}, ${locationId}, ${q}::int, 'active')`;
  }
}

async function addBackorder(
  tx: Sql,
  orderId: string,
  line: LineNeed,
  locationId: string,
  q: number,
  newId: () => string,
) {
  const updated = await tx.$executeRaw`
    UPDATE reservations SET backordered = backordered + ${q}::int, updated_at = now()
     WHERE order_line_id = ${line.orderLineId} AND location_id = ${locationId} AND status = 'active'`;
  if (updated === 0) {
    await tx.$executeRaw`
      INSERT INTO reservations (id, order_id, order_line_id, sku_id, location_id, quantity, backordered, status)
      VALUES (${newId()}, ${orderId}, ${line.orderLineId}, ${line.skuId}, ${locationId}, 0, ${q}::int, 'active')`;
  }
}

/**
 * Keeps one 'committed' row per line x location: returns restock where the goods left from.
 * Also for units handed over without a reservation (a counter sale).
 */
export async function addCommitted(
  tx: Sql,
  at: { orderId: string; orderLineId: string; skuId: string; locationId: string },
  q: number,
  newId: () => string,
) {
  const updated = await tx.$executeRaw`
    UPDATE reservations SET quantity = quantity + ${q}::int, updated_at = now()
     WHERE order_line_id = ${at.orderLineId} AND location_id = ${at.locationId} AND status = 'committed'`;
  if (updated === 0) {
    await tx.$executeRaw`
      INSERT INTO reservations (id, order_id, order_line_id, sku_id, location_id, quantity, status)
      VALUES (${newId()}, ${at.orderId}, ${at.orderLineId}, ${at.skuId}, ${at.locationId}, ${q}::int, 'committed')`;
  }
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
