// What the drill proves, read from the hub's database and the simulators' own state (never
// from what the hub or the traffic says about itself).
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { DemoShop } from '../../api/demo/simulators.ts';

export interface StateFigures {
  /** Orders the shops hold vs orders the hub holds, per shop. */
  orders: { accountId: string; onShop: number; inHub: number; missing: number; extra: number }[];
  /** Hub orders sharing (account, external id): must be 0 (the unique key makes it so). */
  duplicateOrders: number;
  /** Listings whose shop value differs from the hub's target. */
  listingsOff: { accountId: string; sku: string; target: number | null; shows: number | null }[];
  /** Orders found short of a SKU in strict allocation that a channel still advertised. */
  strictOversold: number;
  /** Orders found short of a shared-pool SKU (allowed by design: one propagation window). */
  sharedOversold: number;
  /** Inventory levels whose on hand / reserved differ from the sum of their movements. */
  ledgerMismatches: number;
  /** Levels breaking 0 <= reserved <= on hand (the database refuses it; counted anyway). */
  invariantBreaches: number;
  /** Inbox events the hub tried and could not apply (attempts spent, not processed). */
  failedEvents: number;
  /** A few of them, topic and last error, so that a breach names its cause. */
  failedSample: string[];
  /** Inbox events stored but not yet tried when the hub stopped: durable, applied at the next start. */
  pendingEvents: number;
  /** Of those, events that had waited over a minute: the hub was not keeping up or had stalled. */
  stalePendingEvents: number;
}

export async function stateFigures(
  prisma: PrismaClient,
  shops: DemoShop[],
  strictSkuIds: string[],
  /** How long ago the hub stopped (ms): the age test runs on the database's own clock. */
  sinceStopMs = 0,
): Promise<StateFigures> {
  const orders: StateFigures['orders'] = [];
  for (const shop of shops) {
    const onShop = new Set([...shop.sim.store.orders.keys()].map((gid) => gid.split('/').pop() as string));
    const rows = await prisma.order.findMany({ where: { accountId: shop.accountId }, select: { externalId: true } });
    const inHub = new Set(rows.map((r) => r.externalId.split('/').pop() as string));
    orders.push({
      accountId: shop.accountId,
      onShop: onShop.size,
      inHub: rows.length,
      missing: [...onShop].filter((id) => !inHub.has(id)).length,
      extra: [...inHub].filter((id) => !onShop.has(id)).length,
    });
  }
  const [dup] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*)::bigint AS n FROM (
      SELECT 1 FROM orders GROUP BY account_id, external_id HAVING count(*) > 1) d`;

  const listings = await prisma.listing.findMany({
    select: { accountId: true, externalStockId: true, targetQty: true, sku: { select: { code: true } } },
  });
  const listingsOff: StateFigures['listingsOff'] = [];
  for (const l of listings) {
    const shop = shops.find((s) => s.accountId === l.accountId);
    if (!shop || !l.externalStockId) continue;
    const shows = shop.sim.available(l.externalStockId, shop.stockLocationId) ?? null;
    if (shows !== l.targetQty)
      listingsOff.push({ accountId: l.accountId, sku: l.sku.code, target: l.targetQty, shows });
  }

  // Per line, not per order: an order is a strict oversell only when a strict SKU was the one
  // short (the oversold exception names the SKU), not when it merely also holds a strict SKU.
  const [oversold] = await prisma.$queryRaw<{ strict: bigint; shared: bigint }[]>`
    SELECT count(DISTINCT order_id) FILTER (WHERE sku_id = ANY(${strictSkuIds}))::bigint AS strict,
           count(DISTINCT order_id) FILTER (WHERE NOT (sku_id = ANY(${strictSkuIds})))::bigint AS shared
      FROM exceptions WHERE kind = 'oversold'`;

  const [ledger] = await prisma.$queryRaw<{ mismatches: bigint; breaches: bigint }[]>`
    SELECT count(*) FILTER (WHERE l.on_hand <> COALESCE(m.on_hand, 0) OR l.reserved <> COALESCE(m.reserved, 0))::bigint AS mismatches,
           count(*) FILTER (WHERE l.reserved < 0 OR l.reserved > l.on_hand)::bigint AS breaches
      FROM inventory_levels l
      LEFT JOIN (SELECT sku_id, location_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
                   FROM inventory_movements GROUP BY sku_id, location_id) m
        ON m.sku_id = l.sku_id AND m.location_id = l.location_id`;

  const failedEvents = await prisma.inboxEvent.count({ where: { processedAt: null, attempts: { gt: 0 } } });
  const failedSample = (
    await prisma.inboxEvent.findMany({
      where: { processedAt: null, attempts: { gt: 0 } },
      select: { topic: true, attempts: true, lastError: true },
      take: 3,
    })
  ).map((e) => `${e.topic} after ${e.attempts} attempts: ${(e.lastError ?? '').slice(0, 160)}`);
  const pendingEvents = await prisma.inboxEvent.count({ where: { processedAt: null, attempts: 0 } });
  // received_at is stamped by the database: compare on its clock (under faketime PostgreSQL keeps its own).
  const [stale] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*)::bigint AS n FROM inbox_events
     WHERE processed_at IS NULL AND attempts = 0
       AND received_at < now() - make_interval(secs => ${(60_000 + sinceStopMs) / 1000})`;
  const stalePendingEvents = Number(stale?.n ?? 0);

  return {
    orders,
    duplicateOrders: Number(dup?.n ?? 0),
    listingsOff,
    strictOversold: Number(oversold?.strict ?? 0),
    sharedOversold: Number(oversold?.shared ?? 0),
    ledgerMismatches: Number(ledger?.mismatches ?? 0),
    invariantBreaches: Number(ledger?.breaches ?? 0),
    failedEvents,
    failedSample,
    pendingEvents,
    stalePendingEvents,
  };
}

/** The breaches among the figures: each is a promise the hub broke. Empty = the drill passed. */
export function breaches(s: StateFigures, pushesAfterConvergence: number, converged: boolean): string[] {
  const out: string[] = [];
  for (const o of s.orders) {
    if (o.missing) out.push(`${o.accountId}: ${o.missing} of ${o.onShop} orders never reached the hub`);
    if (o.extra) out.push(`${o.accountId}: ${o.extra} orders in the hub that the shop does not have`);
  }
  if (s.duplicateOrders) out.push(`${s.duplicateOrders} orders stored twice`);
  if (!converged) out.push('the hub did not settle within the time allowed');
  if (s.listingsOff.length)
    out.push(
      `${s.listingsOff.length} listings differ from their target, e.g. ${s.listingsOff
        .slice(0, 3)
        .map((l) => `${l.accountId}/${l.sku} shows ${l.shows} vs ${l.target}`)
        .join(', ')}`,
    );
  if (pushesAfterConvergence) out.push(`${pushesAfterConvergence} stock pushes after convergence`);
  if (s.strictOversold) out.push(`${s.strictOversold} orders oversold on strict SKUs`);
  if (s.ledgerMismatches) out.push(`${s.ledgerMismatches} levels differ from the sum of their movements`);
  if (s.invariantBreaches) out.push(`${s.invariantBreaches} levels break 0 <= reserved <= on hand`);
  if (s.failedEvents)
    out.push(`${s.failedEvents} channel events the hub tried and could not apply, e.g. ${s.failedSample.join(' | ')}`);
  if (s.stalePendingEvents) out.push(`${s.stalePendingEvents} channel events waited over a minute without being tried`);
  return out;
}
