// The inventory ledger: every change of on hand or reserved for one SKU x location
// is ONE conditional SQL statement that updates the level, appends the movement and
// writes an `inventory.changed` outbox row together. The condition is the invariant
// itself (0 <= reserved <= on_hand after the change), evaluated by PostgreSQL under
// the row lock, so concurrent callers can never oversell or lose an update: a
// refused change touches nothing and returns null. The CHECK constraint in the
// migration backs this up should any other code write the table.
// On hand is also bounded above (MAX_ON_HAND, far below the int column's 2^31 - 1): a change
// that would pass it is refused the same way and reported as OnHandLimitError, never an overflow.
import type { Sql } from '../db/sql.ts';

/** The most units one SKU may have on hand at one location (also a CHECK on inventory_levels). */
export const MAX_ON_HAND = 1_000_000_000;

/** A change would take on hand past MAX_ON_HAND; `field` names the argument at fault. */
export class OnHandLimitError extends RangeError {
  constructor(
    readonly field: 'delta' | 'counted' | 'quantity',
    readonly onHand: number,
    readonly change: number,
  ) {
    super(
      `${field}: on hand would exceed ${MAX_ON_HAND.toLocaleString('en')} units (on hand ${onHand}, change ${change})`,
    );
    this.name = 'OnHandLimitError';
  }
}

export type MovementKind = 'reserve' | 'release' | 'commit' | 'adjust' | 'transfer_out' | 'transfer_in';

/** Why on hand changed, for adjustments. */
export const ADJUST_REASONS = ['count', 'receipt', 'damage', 'return', 'correction', 'shrinkage', 'sale'] as const;
export type AdjustReason = (typeof ADJUST_REASONS)[number];

export interface MovementContext {
  orderId?: string | null;
  reference?: string | null;
  reason?: string | null;
  actor?: string;
  /**
   * When it happened on the reporting channel's clock, and whose clock (the account id): a
   * till's sale, return or receipt. Store counts compare it with the count's own channel time.
   */
  channel?: { at: Date; clock: string } | null;
}

export interface Level {
  skuId: string;
  locationId: string;
  onHand: number;
  reserved: number;
}

interface Delta {
  kind: MovementKind;
  skuId: string;
  locationId: string;
  onHandDelta: number;
  reservedDelta: number;
}

function assertQuantity(name: string, q: number, allowZero = false): void {
  if (!Number.isSafeInteger(q) || q < 0 || (!allowZero && q === 0)) {
    throw new RangeError(`${name} must be a positive integer (got ${q})`);
  }
}

/**
 * Applies one movement if and only if the level exists and stays within
 * 0 <= reserved <= on_hand <= MAX_ON_HAND; returns the new level, or null when refused.
 */
export async function applyMovement(sql: Sql, d: Delta, ctx: MovementContext = {}): Promise<Level | null> {
  const rows = await sql.$queryRaw<{ on_hand: number; reserved: number }[]>`
    WITH upd AS (
      UPDATE inventory_levels
         SET on_hand = on_hand + ${d.onHandDelta}::int,
             reserved = reserved + ${d.reservedDelta}::int,
             updated_at = now()
       WHERE sku_id = ${d.skuId} AND location_id = ${d.locationId}
         AND reserved + ${d.reservedDelta}::int >= 0
         AND on_hand + ${d.onHandDelta}::int >= reserved + ${d.reservedDelta}::int
         AND on_hand::bigint + ${d.onHandDelta}::bigint <= ${MAX_ON_HAND}::bigint
      RETURNING sku_id, location_id, on_hand, reserved
    ), mv AS (
      INSERT INTO inventory_movements (sku_id, location_id, kind, on_hand_delta, reserved_delta, reason, order_id, reference, actor, channel_at, channel_clock)
      SELECT sku_id, location_id, ${d.kind}::"MovementKind", ${d.onHandDelta}::int, ${d.reservedDelta}::int,
             ${ctx.reason ?? null}, ${ctx.orderId ?? null}, ${ctx.reference ?? null}, ${ctx.actor ?? 'system'},
             ${ctx.channel?.at ?? null}::timestamptz, ${ctx.channel?.clock ?? null}
        FROM upd
    ), ob AS (
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inventory.changed', jsonb_build_object('skuId', sku_id, 'locationId', location_id) FROM upd
    )
    SELECT on_hand, reserved FROM upd`;
  const row = rows[0];
  return row ? { skuId: d.skuId, locationId: d.locationId, onHand: row.on_hand, reserved: row.reserved } : null;
}

/** Reserves exactly `quantity` or nothing. */
export async function reserve(sql: Sql, skuId: string, locationId: string, quantity: number, ctx?: MovementContext) {
  assertQuantity('quantity', quantity);
  return applyMovement(sql, { kind: 'reserve', skuId, locationId, onHandDelta: 0, reservedDelta: quantity }, ctx);
}

/**
 * Reserves as much of `quantity` as is free (0 when none), in one statement:
 * used to split a line over locations and for SKUs that allow backorders.
 */
export async function reserveUpTo(
  sql: Sql,
  skuId: string,
  locationId: string,
  quantity: number,
  ctx: MovementContext = {},
): Promise<number> {
  assertQuantity('quantity', quantity);
  const rows = await sql.$queryRaw<{ taken: number }[]>`
    WITH cur AS (
      SELECT sku_id, location_id, LEAST(${quantity}::int, on_hand - reserved) AS take
        FROM inventory_levels
       WHERE sku_id = ${skuId} AND location_id = ${locationId}
       FOR UPDATE
    ), upd AS (
      UPDATE inventory_levels l SET reserved = l.reserved + cur.take, updated_at = now()
        FROM cur
       WHERE l.sku_id = cur.sku_id AND l.location_id = cur.location_id AND cur.take > 0
      RETURNING l.sku_id, l.location_id, cur.take
    ), mv AS (
      INSERT INTO inventory_movements (sku_id, location_id, kind, on_hand_delta, reserved_delta, reason, order_id, reference, actor)
      SELECT sku_id, location_id, 'reserve'::"MovementKind", 0, take,
             ${ctx.reason ?? null}, ${ctx.orderId ?? null}, ${ctx.reference ?? null}, ${ctx.actor ?? 'system'}
        FROM upd
    ), ob AS (
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inventory.changed', jsonb_build_object('skuId', sku_id, 'locationId', location_id) FROM upd
    )
    SELECT take AS taken FROM upd`;
  return rows[0]?.taken ?? 0;
}

export async function release(sql: Sql, skuId: string, locationId: string, quantity: number, ctx?: MovementContext) {
  assertQuantity('quantity', quantity);
  return applyMovement(sql, { kind: 'release', skuId, locationId, onHandDelta: 0, reservedDelta: -quantity }, ctx);
}

/** Goods left the building (shipped or handed over): out of on hand and out of reserved. */
export async function commit(sql: Sql, skuId: string, locationId: string, quantity: number, ctx?: MovementContext) {
  assertQuantity('quantity', quantity);
  return applyMovement(
    sql,
    { kind: 'commit', skuId, locationId, onHandDelta: -quantity, reservedDelta: -quantity },
    ctx,
  );
}

/**
 * Changes on hand by `delta` (receipt, damage, return, ...); creates the level on first
 * receipt. Refused (null) when it would take on hand below what is reserved.
 */
export async function adjust(
  sql: Sql,
  skuId: string,
  locationId: string,
  delta: number,
  reason: AdjustReason,
  ctx: MovementContext = {},
): Promise<Level | null> {
  if (!Number.isSafeInteger(delta) || delta === 0)
    throw new RangeError(`delta must be a non-zero integer (got ${delta})`);
  if (Math.abs(delta) > MAX_ON_HAND) throw new OnHandLimitError('delta', 0, delta);
  await ensureLevel(sql, skuId, locationId);
  const level = await applyMovement(
    sql,
    { kind: 'adjust', skuId, locationId, onHandDelta: delta, reservedDelta: 0 },
    { ...ctx, reason: ctx.reason ? `${reason}: ${ctx.reason}` : reason },
  );
  // Adding units can only be refused by the upper bound (the level exists: ensured above).
  if (!level && delta > 0) throw await limitError(sql, 'delta', skuId, locationId, delta);
  return level;
}

async function limitError(
  sql: Sql,
  field: OnHandLimitError['field'],
  skuId: string,
  locationId: string,
  change: number,
): Promise<OnHandLimitError> {
  return new OnHandLimitError(field, (await getLevel(sql, skuId, locationId))?.onHand ?? 0, change);
}

/**
 * Sets on hand to a counted quantity; the movement records the difference. Refused
 * (null) when the count is below what is reserved: the reservations must be resolved first.
 * A count over MAX_ON_HAND throws OnHandLimitError.
 */
export async function setOnHand(
  sql: Sql,
  skuId: string,
  locationId: string,
  counted: number,
  ctx: MovementContext = {},
): Promise<Level | null> {
  assertQuantity('counted', counted, true);
  if (counted > MAX_ON_HAND) throw new OnHandLimitError('counted', 0, counted);
  await ensureLevel(sql, skuId, locationId);
  const rows = await sql.$queryRaw<{ on_hand: number; reserved: number }[]>`
    WITH old AS (
      SELECT sku_id, location_id, on_hand FROM inventory_levels
       WHERE sku_id = ${skuId} AND location_id = ${locationId}
       FOR UPDATE
    ), upd AS (
      UPDATE inventory_levels l SET on_hand = ${counted}::int, updated_at = now()
        FROM old
       WHERE l.sku_id = old.sku_id AND l.location_id = old.location_id AND ${counted}::int >= l.reserved
      RETURNING l.sku_id, l.location_id, l.on_hand, l.reserved, l.on_hand - old.on_hand AS delta
    ), mv AS (
      INSERT INTO inventory_movements (sku_id, location_id, kind, on_hand_delta, reserved_delta, reason, order_id, reference, actor, channel_at, channel_clock)
      SELECT sku_id, location_id, 'adjust'::"MovementKind", delta, 0,
             ${ctx.reason ? `count: ${ctx.reason}` : 'count'}, ${ctx.orderId ?? null}, ${ctx.reference ?? null}, ${ctx.actor ?? 'system'},
             ${ctx.channel?.at ?? null}::timestamptz, ${ctx.channel?.clock ?? null}
        FROM upd WHERE delta <> 0
    ), ob AS (
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inventory.changed', jsonb_build_object('skuId', sku_id, 'locationId', location_id) FROM upd WHERE delta <> 0
    )
    SELECT on_hand, reserved FROM upd`;
  const row = rows[0];
  return row ? { skuId, locationId, onHand: row.on_hand, reserved: row.reserved } : null;
}

/**
 * Moves free stock between locations. Must run inside a transaction (both legs or
 * neither); locks both rows in a fixed order first so two opposite transfers cannot deadlock.
 * False when the units are not free; throws OnHandLimitError (rolling the transaction back)
 * when the destination would pass MAX_ON_HAND.
 */
export async function transfer(
  tx: Sql,
  skuId: string,
  fromLocationId: string,
  toLocationId: string,
  quantity: number,
  ctx: MovementContext = {},
): Promise<boolean> {
  assertQuantity('quantity', quantity);
  if (fromLocationId === toLocationId) throw new RangeError('a transfer needs two different locations');
  if (quantity > MAX_ON_HAND) throw new OnHandLimitError('quantity', 0, quantity);
  await ensureLevel(tx, skuId, toLocationId);
  await tx.$queryRaw`
    SELECT 1 FROM inventory_levels
     WHERE sku_id = ${skuId} AND location_id IN (${fromLocationId}, ${toLocationId})
     ORDER BY location_id FOR UPDATE`;
  const reference = ctx.reference ?? `transfer:${fromLocationId}->${toLocationId}`;
  const out = await applyMovement(
    tx,
    { kind: 'transfer_out', skuId, locationId: fromLocationId, onHandDelta: -quantity, reservedDelta: 0 },
    { ...ctx, reference },
  );
  if (!out) return false;
  const into = await applyMovement(
    tx,
    { kind: 'transfer_in', skuId, locationId: toLocationId, onHandDelta: quantity, reservedDelta: 0 },
    { ...ctx, reference },
  );
  if (!into) throw await limitError(tx, 'quantity', skuId, toLocationId, quantity);
  return true;
}

export async function ensureLevel(sql: Sql, skuId: string, locationId: string): Promise<void> {
  await sql.$executeRaw`
    INSERT INTO inventory_levels (sku_id, location_id) VALUES (${skuId}, ${locationId})
    ON CONFLICT (sku_id, location_id) DO NOTHING`;
}

export async function getLevel(sql: Sql, skuId: string, locationId: string): Promise<Level | null> {
  const rows = await sql.$queryRaw<{ on_hand: number; reserved: number }[]>`
    SELECT on_hand, reserved FROM inventory_levels WHERE sku_id = ${skuId} AND location_id = ${locationId}`;
  const row = rows[0];
  return row ? { skuId, locationId, onHand: row.on_hand, reserved: row.reserved } : null;
}

/** Sums of the movements for one level: must equal the level itself at all times. */
export async function ledgerTotals(sql: Sql, skuId: string, locationId: string) {
  const rows = await sql.$queryRaw<{ on_hand: bigint | null; reserved: bigint | null; entries: bigint }[]>`
    SELECT sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved, count(*) AS entries
      FROM inventory_movements WHERE sku_id = ${skuId} AND location_id = ${locationId}`;
  const r = rows[0];
  return { onHand: Number(r?.on_hand ?? 0), reserved: Number(r?.reserved ?? 0), entries: Number(r?.entries ?? 0) };
}

/**
 * Safety stock is a policy on a level, not a movement of goods: it changes what channels
 * may sell, so the change is announced like any other (inventory.changed), in the same statement.
 */
export async function setSafetyStock(sql: Sql, skuId: string, locationId: string, safetyStock: number): Promise<void> {
  if (!Number.isSafeInteger(safetyStock) || safetyStock < 0) {
    throw new RangeError(`safetyStock must be a non-negative integer (got ${safetyStock})`);
  }
  await ensureLevel(sql, skuId, locationId);
  await sql.$executeRaw`
    WITH upd AS (
      UPDATE inventory_levels SET safety_stock = ${safetyStock}::int, updated_at = now()
       WHERE sku_id = ${skuId} AND location_id = ${locationId} AND safety_stock <> ${safetyStock}::int
      RETURNING sku_id, location_id
    )
    INSERT INTO outbox_events (kind, payload)
    SELECT 'inventory.changed', jsonb_build_object('skuId', sku_id, 'locationId', location_id) FROM upd`;
}
