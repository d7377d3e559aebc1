// Loads what target computation needs for a set of SKUs, inside a transaction that holds the
// SKUs' row locks: every computation of a SKU's targets, and every decision to raise a strict
// channel, runs under that lock, so two processes never decide from the same stale picture.
// (The ledger does not take this lock: stock keeps moving, and every move writes an outbox row
// that brings the SKU back here.)
import type { AllocationMode } from '../../core/inventory/allocation.ts';
import { parseAllocationMode } from '../../core/inventory/allocation.ts';
import type { StockLevel } from '../../core/inventory/available-to-sell.ts';
import { computeTargets, type ListingTarget, type TargetAccount } from '../../core/inventory/stock-targets.ts';
import { listingIdsLocked } from '../../core/db/listing-locks.ts';
import type { Sql } from '../../core/db/sql.ts';
import { inFlight } from './status.ts';

export interface ListingRow {
  id: string;
  skuId: string;
  accountId: string;
  externalStockId: string;
  targetQty: number | null;
  lastSentQty: number | null;
  lastSentAt: Date | null;
  lastConfirmedQty: number | null;
  lastConfirmedAt: Date | null;
  lastError: string | null;
  /** See status.ts and README "Beliefs": the channel's value when the first unconfirmed write was sent. */
  doubtFromQty: number | null;
  /** The connector's data for the item (ChannelData in connectors/connector.ts), passed on with every push. */
  channelData: Record<string, unknown>;
  /** An asynchronous submission awaiting the channel's answer, with the target it was planned for (status.ts). */
  openSubmission: { target: number | null } | null;
}

export interface SkuState {
  skuId: string;
  mode: AllocationMode;
  levels: StockLevel[];
  listings: ListingRow[];
  /** Per `held` account (a till, stock-targets.ts): units reserved at its locations for its own orders. */
  ownReserved: Map<string, number>;
}

export interface StockSnapshot {
  skus: Map<string, SkuState>;
  accounts: Map<string, TargetAccount & { stockLocation: string | null }>;
}

export async function loadStock(tx: Sql, skuIds: readonly string[], opts: { lock: boolean }): Promise<StockSnapshot> {
  const ids = [...new Set(skuIds)].sort();
  const skus = new Map<string, SkuState>();
  if (ids.length === 0) return { skus, accounts: new Map() };
  // FOR NO KEY UPDATE serialises target computations per SKU without waiting for orders in
  // flight: their reservations' foreign keys take KEY SHARE on the same rows, which FOR UPDATE
  // would wait for (and block in turn), queueing the dispatcher behind every open ingestion.
  const skuRows = opts.lock
    ? await tx.$queryRaw<{ id: string; allocation_mode: string }[]>`
        SELECT id, allocation_mode FROM skus WHERE id = ANY(${ids}::text[]) ORDER BY id FOR NO KEY UPDATE`
    : await tx.$queryRaw<{ id: string; allocation_mode: string }[]>`
        SELECT id, allocation_mode FROM skus WHERE id = ANY(${ids}::text[])`;
  for (const s of skuRows) {
    skus.set(s.id, {
      skuId: s.id,
      mode: parseAllocationMode(s.allocation_mode) ?? 'auto',
      levels: [],
      listings: [],
      ownReserved: new Map(),
    });
  }
  const levels = await tx.$queryRaw<
    { sku_id: string; location_id: string; on_hand: number; reserved: number; safety_stock: number }[]
  >`SELECT sku_id, location_id, on_hand, reserved, safety_stock FROM inventory_levels WHERE sku_id = ANY(${ids}::text[])`;
  for (const l of levels) {
    skus.get(l.sku_id)?.levels.push({
      locationId: l.location_id,
      onHand: l.on_hand,
      reserved: l.reserved,
      safetyStock: l.safety_stock,
    });
  }
  // Only listings the hub can push take part: an unpushable listing's channel value is unknown forever.
  const listings = await tx.$queryRaw<RawListing[]>`
    SELECT l.id, l.sku_id, l.account_id, l.external_stock_id, l.target_qty, l.last_sent_qty, l.last_sent_at,
           l.last_confirmed_qty, l.last_confirmed_at, l.last_error, l.doubt_from_qty, l.channel_data,
           s.id IS NOT NULL AS has_open, s.target_qty AS open_target
      FROM listings l JOIN channel_accounts a ON a.id = l.account_id
      LEFT JOIN LATERAL (SELECT s.id, s.target_qty FROM stock_submissions s WHERE s.listing_id = l.id AND s.status = 'open'
                          ORDER BY s.submitted_at DESC LIMIT 1) s ON TRUE
     WHERE l.sku_id = ANY(${ids}::text[]) AND a.active AND l.external_stock_id IS NOT NULL`;
  for (const l of listings) skus.get(l.sku_id)?.listings.push(toListing(l));
  const accountIds = [...new Set(listings.map((l) => l.account_id))];
  const accounts = await loadAccounts(tx, accountIds);
  const held = [...accounts.values()].filter((a) => a.stockTarget === 'held').map((a) => a.id);
  if (held.length) {
    // A till's own pickup orders: it took those units off its sellable stock when it sold them.
    const own = await tx.$queryRaw<{ sku_id: string; account_id: string; units: number }[]>`
      SELECT r.sku_id, o.account_id, sum(r.quantity)::int AS units
        FROM reservations r JOIN orders o ON o.id = r.order_id
        JOIN channel_locations cl ON cl.account_id = o.account_id AND cl.location_id = r.location_id
       WHERE r.status = 'active' AND r.sku_id = ANY(${ids}::text[]) AND o.account_id = ANY(${held}::text[])
       GROUP BY r.sku_id, o.account_id`;
    for (const r of own) skus.get(r.sku_id)?.ownReserved.set(r.account_id, r.units);
  }
  return { skus, accounts };
}

interface RawListing {
  id: string;
  sku_id: string;
  account_id: string;
  external_stock_id: string;
  target_qty: number | null;
  last_sent_qty: number | null;
  last_sent_at: Date | null;
  last_confirmed_qty: number | null;
  last_confirmed_at: Date | null;
  last_error: string | null;
  doubt_from_qty: number | null;
  channel_data: Record<string, unknown> | null;
  has_open: boolean;
  open_target: number | null;
}

function toListing(l: RawListing): ListingRow {
  return {
    id: l.id,
    skuId: l.sku_id,
    accountId: l.account_id,
    externalStockId: l.external_stock_id,
    targetQty: l.target_qty,
    lastSentQty: l.last_sent_qty,
    lastSentAt: l.last_sent_at,
    lastConfirmedQty: l.last_confirmed_qty,
    lastConfirmedAt: l.last_confirmed_at,
    lastError: l.last_error,
    doubtFromQty: l.doubt_from_qty,
    channelData: l.channel_data ?? {},
    openSubmission: l.has_open ? { target: l.open_target } : null,
  };
}

export async function loadAccounts(tx: Sql, ids: string[]): Promise<StockSnapshot['accounts']> {
  const out: StockSnapshot['accounts'] = new Map();
  if (ids.length === 0) return out;
  const rows = await tx.$queryRaw<
    { id: string; stock_buffer: number; stock_max: number | null; stock_percent: number; settings: unknown }[]
  >`SELECT id, stock_buffer, stock_max, stock_percent, settings FROM channel_accounts WHERE id = ANY(${ids}::text[])`;
  const links = await tx.$queryRaw<{ account_id: string; location_id: string; external_location_id: string | null }[]>`
    SELECT account_id, location_id, external_location_id FROM channel_locations
     WHERE account_id = ANY(${ids}::text[]) ORDER BY account_id, priority, location_id`;
  for (const r of rows) {
    const settings = (r.settings ?? {}) as Record<string, unknown>;
    const own = links.filter((l) => l.account_id === r.id);
    const weight =
      typeof settings.allocationWeight === 'number' && settings.allocationWeight > 0 ? settings.allocationWeight : 1;
    const configured = typeof settings.stockExternalLocationId === 'string' ? settings.stockExternalLocationId : null;
    out.set(r.id, {
      id: r.id,
      locationIds: own.map((l) => l.location_id),
      buffer: r.stock_buffer,
      max: r.stock_max,
      percent: r.stock_percent,
      weight,
      mode: parseAllocationMode(settings.allocationMode),
      stockTarget: settings.stockTarget === 'held' ? 'held' : 'available',
      // The channel location that carries the account's quantity (see README: one number per listing).
      stockLocation: configured ?? own.find((l) => l.external_location_id)?.external_location_id ?? null,
    });
  }
  return out;
}

/** Targets of every listing of every SKU in the snapshot, by listing id. */
export function targetsOf(snap: StockSnapshot, unitsPerChannel: number): Map<string, ListingTarget> {
  const out = new Map<string, ListingTarget>();
  for (const sku of snap.skus.values()) {
    const accountIds = new Set(sku.listings.map((l) => l.accountId));
    const targets = computeTargets({
      skuMode: sku.mode,
      levels: sku.levels,
      accounts: [...accountIds].map((id) => snap.accounts.get(id)).filter((a): a is NonNullable<typeof a> => !!a),
      listings: sku.listings.map((l) => ({
        id: l.id,
        accountId: l.accountId,
        belief: l.lastConfirmedQty,
        inFlight: inFlight(l),
      })),
      unitsPerChannel,
      ownReserved: sku.ownReserved,
    });
    for (const t of targets) out.set(t.listingId, t);
  }
  return out;
}

/** Stores new targets; returns how many changed. */
export async function saveTargets(tx: Sql, targets: Map<string, ListingTarget>, snap: StockSnapshot): Promise<number> {
  const current = new Map<string, number | null>();
  for (const s of snap.skus.values()) for (const l of s.listings) current.set(l.id, l.targetQty);
  const changed = [...targets.values()].filter((t) => current.get(t.listingId) !== t.target);
  if (changed.length === 0) return 0;
  await tx.$executeRaw`
    ${listingIdsLocked(changed.map((t) => t.listingId))}
    UPDATE listings l SET target_qty = u.t
      FROM locked k, unnest(${changed.map((t) => t.listingId)}::text[], ${changed.map((t) => t.target)}::int[]) AS u(id, t)
     WHERE l.id = k.id AND l.id = u.id`;
  return changed.length;
}

export { PERMANENT } from './status.ts';
