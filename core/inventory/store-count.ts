// A count taken in a store on the store's own stock system (a till such as Square), applied to
// the ledger as of the moment it was taken: the units counted then, plus whatever the hub
// recorded at that location since (sales of the till that landed after the count, pickups
// handed over, receipts). Counts reach the hub late and out of order with the sales around
// them; "as of" keeps a sale that landed before the count's event from being counted twice,
// and one that lands after it from being lost. Other counts' corrections are not "since": a
// count replaces what came before it. Applied once per reference (the channel's count id).
import type { Sql } from '../db/sql.ts';
import { ensureLevel, setOnHand } from './ledger.ts';

export interface StoreCount {
  skuId: string;
  locationId: string;
  /** Units counted (integer, ≥ 0). */
  counted: number;
  countedAt: Date;
  /** The channel's count id, stored on the movement: a count is applied once. */
  reference: string;
  actor?: string;
}

export type StoreCountResult =
  | { applied: true; onHand: number; delta: number }
  | { applied: false; reason: 'duplicate' | 'below_reserved'; onHand: number; reserved: number };

/** Must run inside a transaction: the level's row lock spans the read of the later movements and the write. */
export async function applyStoreCount(tx: Sql, c: StoreCount): Promise<StoreCountResult> {
  if (!Number.isSafeInteger(c.counted) || c.counted < 0)
    throw new RangeError(`counted must be an integer ≥ 0 (got ${c.counted})`);
  await ensureLevel(tx, c.skuId, c.locationId);
  const [level] = await tx.$queryRaw<{ on_hand: number; reserved: number }[]>`
    SELECT on_hand, reserved FROM inventory_levels WHERE sku_id = ${c.skuId} AND location_id = ${c.locationId} FOR UPDATE`;
  const current = { onHand: level?.on_hand ?? 0, reserved: level?.reserved ?? 0 };
  const [seen] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM inventory_movements
     WHERE sku_id = ${c.skuId} AND location_id = ${c.locationId} AND reference = ${c.reference}`;
  if ((seen?.n ?? 0) > 0) return { applied: false, reason: 'duplicate', ...current };
  const [since] = await tx.$queryRaw<{ delta: number }[]>`
    SELECT COALESCE(sum(on_hand_delta), 0)::int AS delta FROM inventory_movements
     WHERE sku_id = ${c.skuId} AND location_id = ${c.locationId} AND created_at > ${c.countedAt}
       AND NOT (kind = 'adjust' AND reason LIKE 'count%')`;
  const target = Math.max(0, c.counted + (since?.delta ?? 0));
  const after = await setOnHand(tx, c.skuId, c.locationId, target, {
    reference: c.reference,
    reason: 'store count',
    actor: c.actor ?? 'system:store-count',
  });
  if (!after) return { applied: false, reason: 'below_reserved', ...current };
  return { applied: true, onHand: after.onHand, delta: after.onHand - current.onHand };
}
