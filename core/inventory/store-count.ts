// A count taken in a store on the store's own stock system (a till such as Square), applied to
// the ledger as of the moment it was taken: the units counted then, plus whatever the hub
// recorded at that location since (sales of the till that landed after the count, pickups
// handed over, receipts). Counts reach the hub late and out of order with the sales around
// them; "as of" keeps a sale that landed before the count's event from being counted twice,
// and one that lands after it from being lost. Other counts' corrections are not "since": a
// count replaces what came before it. Applied once per reference (the channel's count id).
//
// Which clock decides "since". The count's time is the channel's (Square's occurred_at: the
// till's clock), the ledger's created_at is the database's; the two drift apart, and a sale
// rung up a minute after the count would vanish if the till's clock ran a minute fast. So a
// movement that came from the same channel (its sale, return, receipt: `channel_clock` = the
// count's `clock`) is compared by its own channel time (`channel_at`), a like-for-like
// comparison no skew can upset. Only movements the channel cannot have timed (the hub's own:
// a click-and-collect handed over on the staff pages, a transfer received in the hub) fall back
// to the database's time; for them the skew matters only within the skew window of the count.
// Ordering everything by the hub's receipt time instead would be wrong whenever events arrive
// out of order (a sale delivered before the count it followed would be counted twice).
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
  /** Whose clock `countedAt` is on (the channel account): its movements are compared by their channel time. */
  clock?: string | null;
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
     WHERE sku_id = ${c.skuId} AND location_id = ${c.locationId}
       AND CASE WHEN channel_clock IS NOT NULL AND channel_clock = ${c.clock ?? null} AND channel_at IS NOT NULL
                THEN channel_at > ${c.countedAt} ELSE created_at > ${c.countedAt} END
       AND NOT (kind = 'adjust' AND reason LIKE 'count%')`;
  const target = Math.max(0, c.counted + (since?.delta ?? 0));
  const after = await setOnHand(tx, c.skuId, c.locationId, target, {
    reference: c.reference,
    reason: 'store count',
    actor: c.actor ?? 'system:store-count',
    channel: c.clock ? { at: c.countedAt, clock: c.clock } : null,
  });
  if (!after) return { applied: false, reason: 'below_reserved', ...current };
  return { applied: true, onHand: after.onHand, delta: after.onHand - current.onHand };
}
