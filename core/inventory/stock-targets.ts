// Target quantities for every listing of one SKU: what each channel should advertise.
// Channels that share a location draw on the same units, so they form a pool (connected
// through shared locations). In shared mode every channel advertises its own
// available-to-sell; in strict mode the pool is split (allocation.ts). Pure.
// An account whose channel is a store's own stock system (a till: Square) advertises nothing:
// it counts and sells the store's units itself, and the hub tells it only how many of them
// to hold back for other channels' orders (`stockTarget: 'held'`, see heldAt below). Such an
// account is outside every pool.
import {
  type AllocationMode,
  allocateStrict,
  channelBound,
  DEFAULT_STRICT_UNITS_PER_CHANNEL,
  effectiveMode,
} from './allocation.ts';
import { availableToSell, type StockLevel } from './available-to-sell.ts';

export interface TargetAccount {
  id: string;
  /** Locations serving the account. */
  locationIds: readonly string[];
  buffer: number;
  max: number | null;
  percent: number;
  /** Share of a strict pool relative to the other channels (default 1). */
  weight?: number;
  /** The account group's allocation mode (settings.allocationMode); null = auto. */
  mode?: AllocationMode | null;
  /**
   * What the account's listings carry: `available` (default) what the channel may sell;
   * `held` the units at its locations the hub holds for orders of other channels (a till that
   * is the store's own stock system keeps them out of what the counter sells).
   */
  stockTarget?: 'available' | 'held';
}

export interface TargetListing {
  id: string;
  accountId: string;
  /** What the channel advertises as far as the hub knows; null = unknown. */
  belief: number | null;
  /** A value sent and not confirmed yet (it may or may not have been applied). */
  inFlight: number | null;
}

export interface TargetInput {
  /** The SKU's own mode; shared or strict override the account groups, auto defers to them. */
  skuMode: AllocationMode;
  levels: readonly StockLevel[];
  accounts: readonly TargetAccount[];
  listings: readonly TargetListing[];
  unitsPerChannel?: number;
  /** Per `held` account: units reserved at its locations for its own orders (the till already took them off its sellable stock). */
  ownReserved?: ReadonlyMap<string, number>;
}

export interface ListingTarget {
  listingId: string;
  accountId: string;
  target: number;
  mode: 'shared' | 'strict';
  /** Units the pool can sell (Σ over its locations of on hand − reserved − safety stock). */
  pool: number;
  /** Σ of the other pool members' bounds (what they may be advertising at most). */
  othersBound: number;
}

/** Groups accounts that share at least one location (union-find); returns account id -> pool key. */
export function poolsOf(accounts: readonly TargetAccount[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    // The smaller key becomes the root, so pool keys do not depend on input order.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  };
  for (const a of accounts) parent.set(`a:${a.id}`, `a:${a.id}`);
  for (const a of accounts) {
    for (const l of a.locationIds) {
      if (!parent.has(`l:${l}`)) parent.set(`l:${l}`, `l:${l}`);
      union(`a:${a.id}`, `l:${l}`);
    }
  }
  return new Map(accounts.map((a) => [a.id, find(`a:${a.id}`)]));
}

/** Units sellable over a set of locations, each clamped at zero on its own. */
export function sellableAt(levels: readonly StockLevel[], locationIds: Iterable<string>): number {
  const at = new Set(locationIds);
  return levels.reduce(
    (s, l) => (at.has(l.locationId) ? s + Math.max(0, l.onHand - l.reserved - l.safetyStock) : s),
    0,
  );
}

const STRICTNESS: Record<AllocationMode, number> = { shared: 0, auto: 1, strict: 2 };

/** Units reserved over a set of locations (never more than is on hand there). */
export function heldAt(levels: readonly StockLevel[], locationIds: Iterable<string>): number {
  const at = new Set(locationIds);
  return levels.reduce((s, l) => (at.has(l.locationId) ? s + Math.max(0, Math.min(l.reserved, l.onHand)) : s), 0);
}

export function computeTargets(input: TargetInput): ListingTarget[] {
  const held = new Set(input.accounts.filter((a) => a.stockTarget === 'held').map((a) => a.id));
  const out: ListingTarget[] = [];
  for (const l of input.listings) {
    const a = input.accounts.find((x) => x.id === l.accountId);
    if (!a || !held.has(a.id)) continue;
    const target = Math.max(0, heldAt(input.levels, a.locationIds) - (input.ownReserved?.get(a.id) ?? 0));
    out.push({ listingId: l.id, accountId: a.id, target, mode: 'shared', pool: target, othersBound: 0 });
  }
  const selling = input.accounts.filter((a) => !held.has(a.id));
  const accounts = new Map(selling.map((a) => [a.id, a]));
  const listings = input.listings.filter((l) => accounts.has(l.accountId));
  const pools = poolsOf(selling);
  const members = new Map<string, TargetListing[]>();
  for (const l of listings) {
    const key = pools.get(l.accountId) ?? l.accountId;
    members.set(key, [...(members.get(key) ?? []), l]);
  }
  for (const group of members.values()) {
    const groupAccounts = group.map((l) => accounts.get(l.accountId) as TargetAccount);
    const pool = sellableAt(
      input.levels,
      groupAccounts.flatMap((a) => a.locationIds),
    );
    const caps = new Map(
      groupAccounts.map((a) => [
        a.id,
        availableToSell(input.levels, { locationIds: a.locationIds, buffer: a.buffer, max: a.max, percent: a.percent }),
      ]),
    );
    // The strictest account group wins (safety first); an explicit SKU mode overrides it.
    const groupMode = groupAccounts.reduce<AllocationMode>(
      (m, a) => (STRICTNESS[a.mode ?? 'auto'] > STRICTNESS[m] ? (a.mode ?? 'auto') : m),
      groupAccounts.every((a) => a.mode === 'shared') ? 'shared' : 'auto',
    );
    const declared = input.skuMode === 'auto' ? groupMode : input.skuMode;
    const mode = effectiveMode(declared, pool, group.length, input.unitsPerChannel ?? DEFAULT_STRICT_UNITS_PER_CHANNEL);
    const shares =
      mode === 'strict'
        ? allocateStrict(
            pool,
            group.map((l) => ({
              id: l.id,
              cap: caps.get(l.accountId) ?? 0,
              weight: accounts.get(l.accountId)?.weight ?? 1,
              current: l.belief,
            })),
          )
        : null;
    const bounds = new Map(group.map((l) => [l.id, channelBound(l.belief, l.inFlight)]));
    const totalBound = [...bounds.values()].reduce((s, b) => s + b, 0);
    for (const l of group) {
      const own = bounds.get(l.id) ?? 0;
      // ∞ − ∞ is NaN: with several unknown channels the others' bound is ∞ as well.
      const others = own === Number.POSITIVE_INFINITY ? othersWhenUnknown(group, bounds, l.id) : totalBound - own;
      out.push({
        listingId: l.id,
        accountId: l.accountId,
        target: shares ? (shares.get(l.id) ?? 0) : (caps.get(l.accountId) ?? 0),
        mode,
        pool,
        othersBound: others,
      });
    }
  }
  return out;
}

function othersWhenUnknown(group: readonly TargetListing[], bounds: Map<string, number>, self: string): number {
  return group.filter((l) => l.id !== self).reduce((s, l) => s + (bounds.get(l.id) ?? 0), 0);
}
