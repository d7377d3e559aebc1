// The multi-process drill's figures per channel, read from the hub's database and the channel
// simulators' own state, and the breaches among them.
import type { PrismaClient } from '../../../core/db/generated/prisma/client.ts';
import { EVENT_FAILED, eventExceptionKey } from '../../../core/inbox/failures.ts';
import type { DrillChannel } from './channels.ts';

export interface ChannelFigures {
  accountId: string;
  type: string;
  onChannel: number;
  inHub: number;
  missing: number;
  extra: number;
  /** Hub orders sharing (account, external id). */
  duplicates: number;
  listings: number;
  /** Listings whose channel value differs from the target with nothing said about it. */
  listingsOff: string[];
  /**
   * Listings off target whose last push the channel refused for good (the refusal is on the
   * listing, for staff to see): e.g. Square asked to hold units its own count no longer has.
   */
  listingsRefused: string[];
  writesAfterConvergence: number;
}

/**
 * Per account, the channel's orders the hub does not hold yet, or holds at an older version than
 * the channel's latest (where the drill can read the channel's versions): an order in the hub
 * but behind its channel can still move stock when its last version lands.
 */
export async function ordersMissing(prisma: PrismaClient, channels: DrillChannel[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const c of channels) {
    const rows = await prisma.order.findMany({
      where: { accountId: c.accountId },
      select: { externalId: true, channelUpdatedAt: true },
    });
    const held = new Map(rows.map((r) => [c.orderKey(r.externalId), r.channelUpdatedAt.getTime()]));
    const versions = c.orderVersions?.();
    const current = (id: string) => {
      const at = held.get(id);
      const latest = versions?.get(id);
      return at !== undefined && (latest === undefined || at >= latest);
    };
    out.set(c.accountId, c.ordersOnChannel().filter((id) => !current(id)).length);
  }
  return out;
}

/**
 * Listings whose channel value differs from the hub's target, per account: silently (`off`),
 * or with the channel's permanent refusal recorded on the listing (`refused`).
 */
export async function listingsOff(
  prisma: PrismaClient,
  channels: DrillChannel[],
): Promise<{ off: Map<string, string[]>; refused: Map<string, string[]> }> {
  const listings = await prisma.listing.findMany({
    select: {
      accountId: true,
      externalStockId: true,
      targetQty: true,
      lastConfirmedQty: true,
      lastError: true,
      sku: { select: { code: true } },
    },
  });
  const off = new Map<string, string[]>(channels.map((c) => [c.accountId, []]));
  const refused = new Map<string, string[]>(channels.map((c) => [c.accountId, []]));
  for (const l of listings) {
    const c = channels.find((x) => x.accountId === l.accountId);
    if (!c || !l.externalStockId) continue;
    const shows = c.shows(l.externalStockId);
    if (shows === l.targetQty) continue;
    // The belief tells a lost write (believed on target) from one never made (believed as shown).
    const line = `${l.sku.code}@${c.accountId} shows ${shows} vs ${l.targetQty} (believed ${l.lastConfirmedQty})`;
    if (l.lastError?.startsWith('permanent:')) refused.get(c.accountId)?.push(`${line} (${l.lastError.slice(0, 120)})`);
    else off.get(c.accountId)?.push(line);
  }
  return { off, refused };
}

/**
 * Per channel that shows stock, the share of its listings with a positive target that it shows
 * stock for: before the hub's first push a channel shows nothing (its buyers cannot buy).
 */
export async function stockedShares(prisma: PrismaClient, channels: DrillChannel[]): Promise<Map<string, number>> {
  const listings = await prisma.listing.findMany({
    where: { targetQty: { gt: 0 }, externalStockId: { not: null } },
    select: { accountId: true, externalStockId: true },
  });
  const out = new Map<string, number>();
  for (const c of channels) {
    const mine = listings.filter((l) => l.accountId === c.accountId);
    const shown = mine.map((l) => c.shows(l.externalStockId as string));
    if (mine.length === 0 || shown.every((q) => q === null)) continue; // shows nothing (the generic till)
    out.set(c.accountId, shown.filter((q) => (q ?? 0) > 0).length / mine.length);
  }
  return out;
}

export async function channelFigures(
  prisma: PrismaClient,
  channels: DrillChannel[],
  writesAfter: Map<string, number>,
): Promise<ChannelFigures[]> {
  const { off, refused } = await listingsOff(prisma, channels);
  const out: ChannelFigures[] = [];
  for (const c of channels) {
    const rows = await prisma.order.findMany({ where: { accountId: c.accountId }, select: { externalId: true } });
    const inHub = new Set(rows.map((r) => c.orderKey(r.externalId)));
    const onChannel = new Set(c.ordersOnChannel());
    out.push({
      accountId: c.accountId,
      type: c.type,
      onChannel: onChannel.size,
      inHub: rows.length,
      missing: [...onChannel].filter((id) => !inHub.has(id)).length,
      extra: [...inHub].filter((id) => !onChannel.has(id)).length,
      duplicates: rows.length - inHub.size,
      listings: await prisma.listing.count({ where: { accountId: c.accountId } }),
      listingsOff: off.get(c.accountId) ?? [],
      listingsRefused: refused.get(c.accountId) ?? [],
      writesAfterConvergence: writesAfter.get(c.accountId) ?? 0,
    });
  }
  return out;
}

/** Stored events not applied yet and without an open exception (still to be tried). */
export async function inboxPending(prisma: PrismaClient): Promise<number> {
  const [r] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*)::bigint AS n FROM inbox_events e
     WHERE e.processed_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM exceptions x
                        WHERE x.dedupe_key = 'inbox_event:' || e.id::text AND x.resolved_at IS NULL)`;
  return Number(r?.n ?? 0);
}

export interface EventFigures {
  /** Channel events the hub stored (each once) and applied. */
  stored: number;
  applied: number;
  /** Applied events per second, from the first stored to the last applied. */
  appliedPerSecond: number;
  /** Events not applied, by whether they are the drill's malformed ones. */
  failedMalformed: number;
  failedOther: number;
  failedSample: string[];
  /** Malformed events stored without an open exception (vanished from view). */
  malformedWithoutException: number;
}

export async function eventFigures(prisma: PrismaClient, malformedIds: string[]): Promise<EventFigures> {
  const [t] = await prisma.$queryRaw<{ stored: bigint; applied: bigint; secs: number | null }[]>`
    SELECT count(*)::bigint AS stored, count(processed_at)::bigint AS applied,
           EXTRACT(EPOCH FROM (max(processed_at) - min(received_at)))::float8 AS secs
      FROM inbox_events`;
  const failed = await prisma.inboxEvent.findMany({
    where: { processedAt: null, attempts: { gt: 0 } },
    select: { id: true, externalEventId: true, topic: true, lastError: true, attempts: true },
  });
  const malformed = new Set(malformedIds);
  const other = failed.filter((e) => !malformed.has(e.externalEventId));
  const stored = await prisma.inboxEvent.findMany({
    where: { externalEventId: { in: malformedIds } },
    select: { id: true },
  });
  const open = await prisma.exceptionItem.count({
    where: { kind: EVENT_FAILED, resolvedAt: null, dedupeKey: { in: stored.map((e) => eventExceptionKey(e.id)) } },
  });
  const applied = Number(t?.applied ?? 0);
  return {
    stored: Number(t?.stored ?? 0),
    applied,
    appliedPerSecond: t?.secs ? applied / t.secs : 0,
    failedMalformed: failed.length - other.length,
    failedOther: other.length,
    failedSample: other
      .slice(0, 3)
      .map((e) => `${e.topic} after ${e.attempts} attempts: ${(e.lastError ?? '').slice(0, 160)}`),
    malformedWithoutException: stored.length - open,
  };
}

/** Ledger movements (kind, reason, SKU) and applied events (account, topic) since `at`, counted. */
export async function activitySince(prisma: PrismaClient, at: Date): Promise<string> {
  const moves = await prisma.$queryRaw<{ what: string; n: bigint }[]>`
    SELECT m.kind || COALESCE(' ' || m.reason, '') || ' ' || s.code || '@' || m.location_id AS what, count(*) AS n
      FROM inventory_movements m JOIN skus s ON s.id = m.sku_id
     WHERE m.created_at > ${at} GROUP BY 1 ORDER BY 2 DESC LIMIT 5`;
  const events = await prisma.$queryRaw<{ what: string; n: bigint }[]>`
    SELECT account_id || ' ' || topic AS what, count(*) AS n FROM inbox_events
     WHERE processed_at > ${at} GROUP BY 1 ORDER BY 2 DESC LIMIT 5`;
  const list = (rows: { what: string; n: bigint }[]) =>
    rows.length ? rows.map((r) => `${r.what} ×${r.n}`).join(', ') : 'none';
  // Each moved order as the hub holds it: who moved it, the version it holds, its steps since.
  const orders = await prisma.$queryRaw<{ what: string }[]>`
    SELECT m.kind || ' ' || m.reserved_delta || '/' || m.on_hand_delta || ' by ' || m.actor || ' ' ||
           COALESCE(m.reference, '-') || ' → ' || COALESCE(o.status::text, '?') ||
           COALESCE(' (' || o.hold_reason || ')', '') ||
           ', channel version ' || COALESCE(to_char(o.channel_updated_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), '?') ||
           ', steps since: ' || COALESCE((SELECT string_agg(COALESCE(e.from_status::text, '∅') || '→' || e.to_status::text, ' ' ORDER BY e.id)
                                            FROM order_events e WHERE e.order_id = o.id AND e.created_at > ${at}), 'none') AS what
      FROM inventory_movements m LEFT JOIN orders o ON o.id = m.order_id
     WHERE m.created_at > ${at} ORDER BY m.id LIMIT 5`;
  const detail = orders.length ? ` [${orders.map((r) => r.what).join('; ')}]` : '';
  return `movements: ${list(moves)}${detail}; events applied: ${list(events)}`;
}
