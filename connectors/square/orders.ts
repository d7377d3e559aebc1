// Orders in, pull side. Square's webhooks are pointers (payment.created / payment.updated /
// order.updated name an order; order.created fires only for orders created through the API, so
// counter sales are found through their payments), resolved by reading the orders:
// BatchRetrieveOrders, at most 100 ids a call. SearchOrders (at most 10 locations, by
// updated_at, oldest first) is the safety-net poll. The same reads resolve inventory pointers
// (inventory.count.updated): the physical counts and adjustments made since, and what Square
// holds reserved.
import type { AccountContext, HeldOrderVersions, InboundEvent, PollResult } from '../connector.ts';
import type { SquareClient } from './client.ts';
import { readConfig } from './config.ts';
import type { SqInventoryChange, SqInventoryCount, SqLocation, SqOrder } from './payloads.ts';

export const FETCH_ORDERS_MAX = 100;
export const SEARCH_LOCATIONS_MAX = 10;
export const ORDER_SNAPSHOT_TOPIC = 'order.snapshot';
export const COUNTS_TOPIC = 'inventory.physical_counts';
/** Pointer ids the connector resolves itself: inventory of items at locations since a time. */
export const INVENTORY_POINTER = 'inventory:';

/** The inbox event of one read of an order: one per version. */
export function orderSnapshot(order: SqOrder): InboundEvent {
  return {
    externalEventId: `${order.id}@v${order.version ?? 0}@${order.updated_at}`,
    topic: ORDER_SNAPSHOT_TOPIC,
    occurredAt: order.updated_at,
    payload: order,
  };
}

export interface InventoryPointer {
  since: string;
  items: { itemId: string; locationId: string }[];
}

export function inventoryPointerId(p: InventoryPointer): string {
  const pairs = [...new Set(p.items.map((i) => `${i.itemId}@${i.locationId}`))].sort();
  return `${INVENTORY_POINTER}${p.since}|${pairs.join(',')}`;
}

export function parseInventoryPointer(id: string): InventoryPointer | null {
  if (!id.startsWith(INVENTORY_POINTER)) return null;
  const [since, pairs] = id.slice(INVENTORY_POINTER.length).split('|');
  if (!since || !pairs) return null;
  return {
    since,
    items: pairs.split(',').map((p) => {
      const [itemId = '', locationId = ''] = p.split('@');
      return { itemId, locationId };
    }),
  };
}

export async function fetchOrders(
  client: SquareClient,
  account: AccountContext,
  ids: string[],
): Promise<Map<string, InboundEvent>> {
  const out = new Map<string, InboundEvent>();
  const orderIds = ids.filter((id) => !id.startsWith(INVENTORY_POINTER));
  for (let i = 0; i < orderIds.length; i += FETCH_ORDERS_MAX) {
    const chunk = orderIds.slice(i, i + FETCH_ORDERS_MAX);
    const res = await client.request<{ orders?: SqOrder[] }>(account, {
      op: 'BatchRetrieveOrders',
      method: 'POST',
      path: '/v2/orders/batch-retrieve',
      body: { order_ids: chunk },
      retrySafe: true,
    });
    for (const o of res.orders ?? []) out.set(o.id, orderSnapshot(o));
  }
  for (const id of ids) {
    const pointer = parseInventoryPointer(id);
    if (pointer) out.set(id, await readInventory(client, account, pointer));
  }
  return out;
}

/** Physical counts of the pointer's items since its time (a day before, for late deliveries), and Square's reserved units. */
async function readInventory(
  client: SquareClient,
  account: AccountContext,
  p: InventoryPointer,
): Promise<InboundEvent> {
  const itemIds = [...new Set(p.items.map((i) => i.itemId))];
  const locationIds = [...new Set(p.items.map((i) => i.locationId))];
  const since = new Date(Date.parse(p.since) - 24 * 3600_000).toISOString();
  const changes: SqInventoryChange[] = [];
  let cursor: string | undefined;
  do {
    const res = await client.request<{ changes?: SqInventoryChange[]; cursor?: string }>(account, {
      op: 'BatchRetrieveInventoryChanges',
      method: 'POST',
      path: '/v2/inventory/changes/batch-retrieve',
      body: {
        catalog_object_ids: itemIds,
        location_ids: locationIds,
        types: ['PHYSICAL_COUNT', 'ADJUSTMENT'],
        updated_after: since,
        cursor,
      },
      retrySafe: true,
    });
    changes.push(...(res.changes ?? []));
    cursor = res.cursor;
  } while (cursor);
  const reserved = await readCounts(client, account, itemIds, locationIds, ['RESERVED_FOR_SALE']);
  const byTime = (a: { occurred_at: string }, b: { occurred_at: string }) =>
    Date.parse(a.occurred_at) - Date.parse(b.occurred_at);
  const counts = changes.flatMap((c) => (c.physical_count ? [c.physical_count] : [])).sort(byTime);
  // Receipts are read with the counts (interpret keeps NONE → IN_STOCK only): a count applied
  // with the receipts before it in Square's order never counts a delivery twice.
  const adjustments = changes.flatMap((c) => (c.adjustment ? [c.adjustment] : [])).sort(byTime);
  const last = [...counts, ...adjustments].sort(byTime).at(-1);
  return {
    // A new count or a new adjustment makes a new read; the same changes read again are one event.
    externalEventId: `${inventoryPointerId(p)}#${last?.id ?? 'none'}`,
    topic: COUNTS_TOPIC,
    occurredAt: last?.occurred_at ?? null,
    payload: { physical_counts: counts, adjustments, reserved },
  };
}

export async function readCounts(
  client: SquareClient,
  account: AccountContext,
  itemIds: string[],
  locationIds: string[],
  states: string[],
): Promise<SqInventoryCount[]> {
  const out: SqInventoryCount[] = [];
  for (let i = 0; i < itemIds.length; i += 1000) {
    let cursor: string | undefined;
    do {
      const res = await client.request<{ counts?: SqInventoryCount[]; cursor?: string }>(account, {
        op: 'BatchRetrieveInventoryCounts',
        method: 'POST',
        path: '/v2/inventory/counts/batch-retrieve',
        body: {
          catalog_object_ids: itemIds.slice(i, i + 1000),
          location_ids: locationIds.length ? locationIds : undefined,
          states,
          cursor,
        },
        retrySafe: true,
      });
      out.push(...(res.counts ?? []));
      cursor = res.cursor;
    } while (cursor);
  }
  return out;
}

export async function fetchOrder(
  client: SquareClient,
  account: AccountContext,
  id: string,
): Promise<InboundEvent | null> {
  return (await fetchOrders(client, account, [id])).get(id) ?? null;
}

export async function listLocations(client: SquareClient, account: AccountContext): Promise<SqLocation[]> {
  const res = await client.request<{ locations?: SqLocation[] }>(account, {
    op: 'ListLocations',
    method: 'GET',
    path: '/v2/locations',
    retrySafe: true,
  });
  return res.locations ?? [];
}

interface PollCursor {
  /** Newest updated_at of the last complete sweep. */
  watermark: string | null;
  /** Within a sweep: where it started and Square's page cursor. */
  startAt?: string;
  page?: string;
}

/** One page of SearchOrders by updated_at, oldest first; orders the hub holds at that version are left out. */
export async function pollOrders(
  client: SquareClient,
  account: AccountContext,
  cursor: unknown | null,
  now: Date,
  held?: HeldOrderVersions,
): Promise<PollResult> {
  const cfg = readConfig(account);
  const c = (cursor ?? { watermark: null }) as PollCursor;
  const startAt =
    c.startAt ??
    (c.watermark
      ? new Date(Date.parse(c.watermark) - cfg.pollOverlapMinutes * 60_000).toISOString()
      : new Date(now.getTime() - cfg.pollLookbackDays * 86_400_000).toISOString());
  const locationIds = cfg.locationIds.length
    ? cfg.locationIds
    : (await listLocations(client, account))
        .filter((l) => l.status !== 'INACTIVE')
        .map((l) => l.id)
        .slice(0, SEARCH_LOCATIONS_MAX);
  const res = await client.request<{ orders?: SqOrder[]; cursor?: string }>(account, {
    op: 'SearchOrders',
    method: 'POST',
    path: '/v2/orders/search',
    body: {
      location_ids: locationIds,
      cursor: c.page,
      limit: 100,
      query: {
        filter: { date_time_filter: { updated_at: { start_at: startAt } } },
        sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
      },
    },
    retrySafe: true,
  });
  const orders = res.orders ?? [];
  const versions = held ? await held(orders.map((o) => o.id)) : new Map<string, string>();
  const fresh = orders.filter((o) => {
    const have = versions.get(o.id);
    return have === undefined || Date.parse(have) < Date.parse(o.updated_at);
  });
  const newest = orders.reduce<string | null>(
    (m, o) => (m === null || o.updated_at > m ? o.updated_at : m),
    c.watermark,
  );
  const next: PollCursor = res.cursor ? { watermark: newest, startAt, page: res.cursor } : { watermark: newest };
  return { events: fresh.map(orderSnapshot), cursor: next, hasMore: !!res.cursor };
}
