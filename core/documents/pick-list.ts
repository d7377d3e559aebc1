// The pick list of one location: what to take off the shelves for many orders at once — the
// units reserved there for orders waiting to be picked — grouped by bin (where the SKU is
// shelved at that location) or by SKU, with the quantity to pick and the orders it is for.
// Not archived: it is a working sheet, printed again whenever it is needed.
import type { PrismaClient } from '../db/generated/prisma/client.ts';

/** Orders whose reserved units are still on the shelf. */
export const PICKABLE = ['confirmed', 'allocated', 'picking'] as const;

export interface PickRow {
  sku: string;
  title: string;
  quantity: number;
  /** "#1001 ×2" per order, in the orders' order. */
  orders: { number: string; quantity: number }[];
}

export interface PickGroup {
  /** The bin, or the SKU when grouped by SKU; null: SKUs without a bin. */
  key: string | null;
  rows: PickRow[];
  quantity: number;
}

export interface PickItem {
  bin: string | null;
  sku: string;
  title: string;
  orderNumber: string;
  quantity: number;
}

export interface PickList {
  location: { code: string; name: string };
  groupBy: 'bin' | 'sku';
  orderCount: number;
  groups: PickGroup[];
  quantity: number;
}

const byText = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

/** Groups pick items (pure): by bin (bins in order, no bin last) or by SKU; one row per SKU in a group. */
export function groupPicks(items: readonly PickItem[], groupBy: 'bin' | 'sku'): PickGroup[] {
  const groups = new Map<string | null, Map<string, PickRow>>();
  for (const it of items) {
    if (it.quantity <= 0) continue;
    const key = groupBy === 'bin' ? it.bin : it.sku;
    let rows = groups.get(key);
    if (!rows) {
      rows = new Map();
      groups.set(key, rows);
    }
    let row = rows.get(it.sku);
    if (!row) {
      row = { sku: it.sku, title: it.title, quantity: 0, orders: [] };
      rows.set(it.sku, row);
    }
    row.quantity += it.quantity;
    const same = row.orders.find((o) => o.number === it.orderNumber);
    if (same) same.quantity += it.quantity;
    else row.orders.push({ number: it.orderNumber, quantity: it.quantity });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([key, rows]) => {
      const sorted = [...rows.values()].sort((a, b) => byText(a.sku, b.sku));
      return { key, rows: sorted, quantity: sorted.reduce((s, r) => s + r.quantity, 0) };
    });
}

/**
 * The pick list of a location for the given orders (all pickable orders when none are named):
 * the active reservations at that location. Null when the location does not exist.
 */
export async function loadPickList(
  prisma: PrismaClient,
  locationId: string,
  opts: { groupBy: 'bin' | 'sku'; orderIds?: string[] },
): Promise<PickList | null> {
  const location = await prisma.location.findUnique({ where: { id: locationId }, select: { code: true, name: true } });
  if (!location) return null;
  const reservations = await prisma.reservation.findMany({
    where: {
      locationId,
      status: 'active',
      quantity: { gt: 0 },
      order: { status: { in: [...PICKABLE] }, ...(opts.orderIds ? { id: { in: opts.orderIds } } : {}) },
    },
    include: {
      sku: { select: { code: true, title: true, levels: { where: { locationId }, select: { bin: true } } } },
      order: { select: { id: true, displayNumber: true, externalId: true, channelCreatedAt: true } },
      line: { select: { title: true } },
    },
    orderBy: [{ order: { channelCreatedAt: 'asc' } }, { order: { externalId: 'asc' } }, { id: 'asc' }],
  });
  const items: PickItem[] = reservations.map((r) => ({
    bin: r.sku.levels[0]?.bin ?? null,
    sku: r.sku.code,
    title: r.sku.title || r.line.title,
    orderNumber: r.order.displayNumber ?? r.order.externalId,
    quantity: r.quantity,
  }));
  const groups = groupPicks(items, opts.groupBy);
  return {
    location,
    groupBy: opts.groupBy,
    orderCount: new Set(reservations.map((r) => r.orderId)).size,
    groups,
    quantity: groups.reduce((s, g) => s + g.quantity, 0),
  };
}
