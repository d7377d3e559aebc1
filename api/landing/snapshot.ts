// What the landing page shows, read in one go from the database (a handful of small
// aggregate queries): orders per channel account, the followed SKUs with the hub's stock,
// each channel's target and what the channel shows, pending pickups per store, open
// exceptions, the latest orders and the synchronizer's backlog.
import { systemClock } from '../../core/clock.ts';
import { Prisma, type PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { REPLAYABLE_KINDS } from '../../core/exceptions/replay.ts';
import { TO_PICK_STATUSES } from '../../core/pickups/queries.ts';
import { IN_SYNC_SQL } from '../../sync/stock/status.ts';

/**
 * An order sold over a store's counter: the channel named the store it sold in (stored as
 * soldAtCounter); orders from before that flag, Shopify POS by its source name.
 */
const SOLD_AT_COUNTER = Prisma.sql`(o.channel_ref->>'soldAtCounter' = 'true' OR o.channel_ref->>'sourceName' = 'pos')`;

/** What a channel shows for a listing right now, or null when it cannot be read. */
export type ChannelQuantity = (listing: { accountId: string; externalStockId: string }) => number | null;

/** Orders per channel account; test orders (the channel flags them) are not counted. */
export interface ChannelCount {
  accountId: string;
  name: string;
  type: string;
  orders: number;
  /** Shipped to the buyer (online orders that are not pickups). */
  online: number;
  pickup: number;
  /** Sold at a store counter (POS). */
  counter: number;
  lastMinute: number;
  /** When the channel refused the account's credentials (its events that need the channel wait), or null. */
  authRefusedAt: string | null;
}

export interface ChannelStock {
  accountId: string;
  name: string;
  /** What the hub wants the channel to advertise; null before the first computation. */
  target: number | null;
  /** What the channel shows (read from the channel, or the hub's last confirmed value). */
  shows: number | null;
  /** Where `shows` comes from. */
  source: 'channel' | 'hub';
  inSync: boolean;
  error: string | null;
}

export interface HotSku {
  code: string;
  title: string;
  onHand: number;
  reserved: number;
  /** Σ over locations of on hand − reserved − safety stock (each at least 0). */
  sellable: number;
  /** One entry per channel account listing the SKU. */
  channels: ChannelStock[];
  /** Every channel shows its target. */
  inSync: boolean;
  /**
   * What all channels advertise together; never above sellable in strict allocation. A till that
   * counts the store's stock itself (account setting stockTarget "held", e.g. Square) shows the
   * units it holds back for other channels' orders, not an offer: it is left out.
   */
  advertisedTotal: number;
  /** When the SKU's stock last moved in the hub (a sale, a return, a delivery). */
  lastChangeAt: string | null;
  /** How long after that change the last channel confirmed its new quantity; null when no push was needed or it is still under way. */
  caughtUpMs: number | null;
}

export interface StorePickups {
  locationId: string;
  code: string;
  name: string;
  toPrepare: number;
  ready: number;
  onHold: number;
}

export interface RecentOrder {
  id: string;
  number: string;
  account: string;
  kind: 'online' | 'pickup' | 'counter';
  status: string;
  holdReason: string | null;
  total: string;
  currency: string;
  units: number;
  place: string | null;
  createdAt: string;
}

export interface ExceptionView {
  id: string;
  kind: string;
  /** POST /api/v1/exceptions/{id}/replay tries again what failed. */
  replayable: boolean;
  message: string;
  occurrences: number;
  updatedAt: string;
}

export interface LandingSnapshot {
  generatedAt: string;
  totals: { orders: number; lastMinute: number };
  channels: ChannelCount[];
  hotSkus: HotSku[];
  pickups: StorePickups[];
  exceptions: { open: number; byKind: Record<string, number>; latest: ExceptionView[] };
  recentOrders: RecentOrder[];
  sync: { inboxPending: number; outboxPending: number; listingsBehind: number };
}

export interface SnapshotOptions {
  /** SKU codes to follow; default: the listed SKUs with the least sellable stock. */
  hotSkus?: readonly string[];
  channelQuantity?: ChannelQuantity;
  /** The hub clock's now: orders.created_at is stamped by ingest from the same clock. */
  now?: Date;
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

export async function landingSnapshot(prisma: PrismaClient, opts: SnapshotOptions = {}): Promise<LandingSnapshot> {
  const now = opts.now ?? systemClock.now();
  const minuteAgo = new Date(now.getTime() - 60_000);

  const channelRows = await prisma.$queryRaw<
    {
      id: string;
      name: string;
      type: string;
      orders: bigint;
      pickup: bigint;
      counter: bigint;
      last_minute: bigint;
      auth_refused_at: Date | null;
    }[]
  >`
    SELECT a.id, a.name, a.type::text AS type, a.auth_refused_at,
           count(o.id) AS orders,
           count(o.id) FILTER (WHERE o.fulfilment_method = 'pickup') AS pickup,
           count(o.id) FILTER (WHERE ${SOLD_AT_COUNTER}) AS counter,
           count(o.id) FILTER (WHERE o.created_at >= ${minuteAgo}) AS last_minute
      -- Test orders (Shopify test: true) are the merchant trying the checkout, not sales.
      FROM channel_accounts a LEFT JOIN orders o ON o.account_id = a.id AND NOT o.test
     GROUP BY a.id, a.name, a.type, a.created_at, a.auth_refused_at
     ORDER BY a.created_at, a.name`;
  const channels: ChannelCount[] = channelRows.map((r) => ({
    accountId: r.id,
    name: r.name,
    type: r.type,
    orders: n(r.orders),
    pickup: n(r.pickup),
    counter: n(r.counter),
    online: n(r.orders) - n(r.pickup) - n(r.counter),
    lastMinute: n(r.last_minute),
    authRefusedAt: r.auth_refused_at ? r.auth_refused_at.toISOString() : null,
  }));

  const codes = opts.hotSkus?.length
    ? [...opts.hotSkus]
    : (
        await prisma.$queryRaw<{ code: string }[]>`
          SELECT s.code FROM skus s
            JOIN inventory_levels l ON l.sku_id = s.id
           WHERE EXISTS (SELECT 1 FROM listings li WHERE li.sku_id = s.id)
           GROUP BY s.id, s.code
           ORDER BY sum(GREATEST(0, l.on_hand - l.reserved - l.safety_stock)), s.code
           LIMIT 5`
      ).map((r) => r.code);
  const skuRows = codes.length
    ? await prisma.$queryRaw<
        { id: string; code: string; title: string; on_hand: bigint; reserved: bigint; sellable: bigint }[]
      >`
        SELECT s.id, s.code, s.title,
               COALESCE(sum(l.on_hand), 0) AS on_hand, COALESCE(sum(l.reserved), 0) AS reserved,
               COALESCE(sum(GREATEST(0, l.on_hand - l.reserved - l.safety_stock)), 0) AS sellable
          FROM skus s LEFT JOIN inventory_levels l ON l.sku_id = s.id
         WHERE s.code = ANY(${codes}::text[])
         GROUP BY s.id, s.code, s.title`
    : [];
  const listingRows = skuRows.length
    ? await prisma.$queryRaw<
        {
          sku_id: string;
          account_id: string;
          account_name: string;
          external_stock_id: string | null;
          target_qty: number | null;
          last_confirmed_qty: number | null;
          last_confirmed_at: Date | null;
          last_error: string | null;
          in_sync: boolean;
          holds_back: boolean;
        }[]
      >`
        SELECT l.sku_id, l.account_id, a.name AS account_name, l.external_stock_id, l.target_qty,
               l.last_confirmed_qty, l.last_confirmed_at, l.last_error, ${IN_SYNC_SQL} AS in_sync,
               COALESCE(a.settings->>'stockTarget' = 'held', false) AS holds_back
          FROM listings l JOIN channel_accounts a ON a.id = l.account_id
         WHERE l.sku_id = ANY(${skuRows.map((s) => s.id)}::text[]) AND a.active
         ORDER BY a.created_at, a.name`
    : [];
  const moves = skuRows.length
    ? await prisma.$queryRaw<{ sku_id: string; at: Date }[]>`
        SELECT sku_id, max(created_at) AS at FROM inventory_movements
         WHERE sku_id = ANY(${skuRows.map((s) => s.id)}::text[]) GROUP BY sku_id`
    : [];
  const lastMove = new Map(moves.map((m) => [m.sku_id, m.at]));
  const heldBy = new Set(listingRows.filter((l) => l.holds_back).map((l) => l.account_id));
  const order = new Map(codes.map((c, i) => [c, i]));
  const hotSkus: HotSku[] = skuRows
    .sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0))
    .map((s) => {
      const chans: ChannelStock[] = listingRows
        .filter((l) => l.sku_id === s.id)
        .map((l) => {
          const read =
            opts.channelQuantity && l.external_stock_id
              ? opts.channelQuantity({ accountId: l.account_id, externalStockId: l.external_stock_id })
              : null;
          const shows = read ?? l.last_confirmed_qty;
          return {
            accountId: l.account_id,
            name: l.account_name,
            target: l.target_qty,
            shows,
            source: read === null ? ('hub' as const) : ('channel' as const),
            // Read from the channel: what it shows. Otherwise the hub's one rule (nothing unconfirmed).
            inSync: read === null ? l.in_sync : l.target_qty !== null && read === l.target_qty,
            error: l.last_error,
          };
        });
      const changed = lastMove.get(s.id) ?? null;
      const confirmed = listingRows
        .filter((l) => l.sku_id === s.id && l.last_confirmed_at)
        .reduce<Date | null>((m, l) => (!m || (l.last_confirmed_at as Date) > m ? l.last_confirmed_at : m), null);
      const inSync = chans.every((c) => c.inSync);
      return {
        code: s.code,
        title: s.title,
        onHand: n(s.on_hand),
        reserved: n(s.reserved),
        sellable: n(s.sellable),
        channels: chans,
        inSync,
        advertisedTotal: chans.reduce((sum, c) => (heldBy.has(c.accountId) ? sum : sum + (c.shows ?? 0)), 0),
        lastChangeAt: changed ? changed.toISOString() : null,
        caughtUpMs:
          inSync && changed && confirmed && confirmed >= changed ? confirmed.getTime() - changed.getTime() : null,
      };
    });

  const pickupRows = await prisma.$queryRaw<
    { id: string; code: string; name: string; to_prepare: bigint; ready: bigint; on_hold: bigint }[]
  >`
    SELECT loc.id, loc.code, loc.name,
           count(o.id) FILTER (WHERE o.status::text = ANY(${[...TO_PICK_STATUSES]}::text[])) AS to_prepare,
           count(o.id) FILTER (WHERE o.status = 'ready_for_pickup') AS ready,
           count(o.id) FILTER (WHERE o.status = 'on_hold') AS on_hold
      FROM locations loc
      LEFT JOIN orders o ON o.pickup_location_id = loc.id AND o.fulfilment_method = 'pickup'
     WHERE loc.pickup_enabled
     GROUP BY loc.id, loc.code, loc.name
     ORDER BY loc.code`;
  const pickups: StorePickups[] = pickupRows.map((r) => ({
    locationId: r.id,
    code: r.code,
    name: r.name,
    toPrepare: n(r.to_prepare),
    ready: n(r.ready),
    onHold: n(r.on_hold),
  }));

  const [byKindRows, latestExceptions] = await Promise.all([
    prisma.$queryRaw<{ kind: string; n: bigint }[]>`
      SELECT kind, count(*) AS n FROM exceptions WHERE resolved_at IS NULL GROUP BY kind ORDER BY kind`,
    prisma.exceptionItem.findMany({
      where: { resolvedAt: null },
      orderBy: { updatedAt: 'desc' },
      take: 5,
      select: { id: true, kind: true, message: true, occurrences: true, updatedAt: true },
    }),
  ]);
  const byKind = Object.fromEntries(byKindRows.map((r) => [r.kind, n(r.n)]));

  const recent = await prisma.$queryRaw<
    {
      id: string;
      display_number: string | null;
      external_id: string;
      account: string;
      fulfilment_method: string;
      counter: boolean;
      status: string;
      hold_reason: string | null;
      total: bigint;
      currency: string;
      units: bigint | null;
      place: string | null;
      created_at: Date;
    }[]
  >`
    SELECT o.id, o.display_number, o.external_id, a.name AS account, o.fulfilment_method::text AS fulfilment_method,
           (${SOLD_AT_COUNTER}) AS counter, o.status::text AS status, o.hold_reason, o.total, o.currency,
           (SELECT sum(quantity) FROM order_lines ol WHERE ol.order_id = o.id) AS units,
           COALESCE(pl.name, (SELECT loc.name FROM reservations r JOIN locations loc ON loc.id = r.location_id
                                WHERE r.order_id = o.id ORDER BY r.created_at LIMIT 1)) AS place,
           o.created_at
      FROM orders o JOIN channel_accounts a ON a.id = o.account_id
      LEFT JOIN locations pl ON pl.id = o.pickup_location_id
     ORDER BY o.created_at DESC, o.id
     LIMIT 8`;
  const recentOrders: RecentOrder[] = recent.map((r) => ({
    id: r.id,
    number: r.display_number ?? r.external_id,
    account: r.account,
    kind: r.fulfilment_method === 'pickup' ? 'pickup' : r.counter ? 'counter' : 'online',
    status: r.status,
    holdReason: r.hold_reason,
    total: String(r.total),
    currency: r.currency.trim(),
    units: n(r.units),
    place: r.place,
    createdAt: r.created_at.toISOString(),
  }));

  const [sync] = await prisma.$queryRaw<{ inbox: bigint; outbox: bigint; behind: bigint }[]>`
    SELECT (SELECT count(*) FROM inbox_events WHERE processed_at IS NULL AND attempts < 10) AS inbox,
           (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL) AS outbox,
           (SELECT count(*) FROM listings l WHERE l.target_qty IS NOT NULL AND NOT ${IN_SYNC_SQL}) AS behind`;

  return {
    generatedAt: now.toISOString(),
    totals: {
      orders: channels.reduce((s, c) => s + c.orders, 0),
      lastMinute: channels.reduce((s, c) => s + c.lastMinute, 0),
    },
    channels,
    hotSkus,
    pickups,
    exceptions: {
      open: Object.values(byKind).reduce((s, x) => s + x, 0),
      byKind,
      latest: latestExceptions.map((e) => ({
        id: e.id,
        kind: e.kind,
        replayable: REPLAYABLE_KINDS.has(e.kind),
        message: e.message,
        occurrences: e.occurrences,
        updatedAt: e.updatedAt.toISOString(),
      })),
    },
    recentOrders,
    sync: { inboxPending: n(sync?.inbox), outboxPending: n(sync?.outbox), listingsBehind: n(sync?.behind) },
  };
}
