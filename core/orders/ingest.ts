// Takes one channel order (an OrderDraft from a connector's mapping) into the hub:
// upserts the order by (account, external id), ignores a payload older than what the
// hub holds (at an equal timestamp, the tie-break in channel-version.ts decides), brings
// reservations in line with the lines, and moves the order along its life. All of it is
// one transaction, so a crash or a retry leaves either the whole change or none of it,
// and re-ingesting the same payload changes nothing.
import { randomUUID } from 'node:crypto';
import { systemClock } from '../clock.ts';
import { Prisma, type PrismaClient } from '../db/generated/prisma/client.ts';
import { listingsLockedInIdOrder } from '../db/listing-locks.ts';
import type { Sql, Tx } from '../db/sql.ts';
import { type OrderDraft, type OrderDraftInput, OrderDraftSchema } from '../order/schema.ts';
import { type HoldReason, isClosedStatus, type OrderStatus, planTransition } from '../order/state-machine.ts';
import { recordCancelRequest } from './cancel-request.ts';
import { channelVersionKey, supersedes } from './channel-version.ts';
import { type LineSku, resolveLineSkus } from './line-skus.ts';
import { type LineNeed, type ReservationRow, reconcileReservations } from './reservations.ts';
import { pathTo, type Target, targetFor } from './status-policy.ts';
import { withTxRetry } from '../db/retry.ts';
import { announceDocumentsDue } from '../documents/due.ts';

export interface IngestOptions {
  actor?: string;
  /** The hub clock's now (stamps the order's created_at, which the landing page counts by). */
  now?: Date;
}

export interface IngestResult {
  orderId: string;
  created: boolean;
  /** The payload was older than the version the hub holds (channel-version.ts): nothing changed. */
  stale: boolean;
  status: OrderStatus;
  holdReason: string | null;
  shortUnits: number;
  /** SKUs whose reserved quantities changed (the synchronizer pushes them). */
  touchedSkus: string[];
  /** SKUs this ingest found oversold for the first time (a new oversold exception each). */
  newOversells: string[];
  /** The hub SKU code of each line that has one (channelLineId -> code), however it was matched. */
  lineSkuCodes: Map<string, string>;
}

export async function ingestOrder(
  prisma: PrismaClient,
  accountId: string,
  input: OrderDraftInput,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const draft = OrderDraftSchema.parse(input);
  const actor = opts.actor ?? `channel:${accountId}`;
  const setup = await loadAccountSetup(prisma, accountId, draft);
  return withTxRetry(() =>
    prisma.$transaction((tx) => ingestInTx(tx, accountId, draft, setup, actor, opts.now ?? systemClock.now()), {
      timeout: 30_000,
      maxWait: 30_000,
    }),
  );
}

interface AccountSetup {
  /** Locations serving the account, in priority order. */
  locationIds: string[];
  pickupLocationId: string | null;
  originLocationId: string | null;
  unknownLocation: boolean;
  /** channelLineId -> hub SKU (line-skus.ts: by SKU text, else by the channel's item id). */
  lineSkus: Map<string, LineSku>;
}

async function loadAccountSetup(prisma: PrismaClient, accountId: string, d: OrderDraft): Promise<AccountSetup> {
  const links = await prisma.channelLocation.findMany({
    where: { accountId },
    orderBy: [{ priority: 'asc' }, { locationId: 'asc' }],
  });
  if (!links.length && !(await prisma.channelAccount.findUnique({ where: { id: accountId }, select: { id: true } }))) {
    throw new Error(`unknown channel account ${accountId}`);
  }
  const byExternal = new Map(
    links.filter((l) => l.externalLocationId).map((l) => [l.externalLocationId, l.locationId]),
  );
  const resolve = (ref: { externalId: string } | null | undefined) =>
    ref ? (byExternal.get(ref.externalId) ?? null) : null;
  const pickupLocationId = resolve(d.pickupLocation);
  const originLocationId = resolve(d.originLocation);
  const unknownLocation = (!!d.pickupLocation && !pickupLocationId) || (!!d.originLocation && !originLocationId);
  return {
    locationIds: links.map((l) => l.locationId),
    pickupLocationId,
    originLocationId,
    unknownLocation,
    lineSkus: await resolveLineSkus(prisma, accountId, d.lines),
  };
}

// The story of one ingestion, one step per function below: lock the order's row, drop a
// payload that is not the latest, write the header, upsert the lines, bring reservations in
// line, react to what the channel did to stock, and move the order to its target status.
async function ingestInTx(
  tx: Tx,
  accountId: string,
  d: OrderDraft,
  setup: AccountSetup,
  actor: string,
  now: Date,
): Promise<IngestResult> {
  const incoming = { updatedAt: new Date(d.channelUpdatedAt), key: channelVersionKey(d) };
  const { row, created } = await lockOrderRow(tx, accountId, d, now);
  const orderId = row.id;
  if (!created && !supersedes(incoming, { updatedAt: row.channel_updated_at, key: row.channel_version })) {
    return {
      orderId,
      created,
      stale: true,
      status: row.status,
      holdReason: row.hold_reason,
      shortUnits: 0,
      touchedSkus: [],
      newOversells: [],
      lineSkuCodes: new Map(),
    };
  }
  await writeOrderHeader(tx, orderId, d, setup, incoming.key, row.personal_data_erased_at !== null);
  const cancelRequested = await recordCancelRequest(
    tx,
    { id: orderId, accountId, label: d.displayNumber ?? d.externalId },
    created ? null : row,
    d.cancelRequest,
    actor,
    now,
  );
  const lines = await upsertLines(tx, orderId, d, setup, created);
  const { shortUnits, shortBySku, heldUnitsSold, touchedSkus } = await reserveForLines(
    tx,
    accountId,
    orderId,
    d,
    setup,
    lines.needs,
    actor,
  );
  // The channel restocks a channel-fulfilled order into its own warehouse, not the merchant's listing.
  if (
    d.state.cancelled &&
    d.state.restock &&
    row.status !== 'cancelled' &&
    lines.needs.length &&
    !d.fulfilledByChannel
  ) {
    await forgetChannelQuantity(
      tx,
      accountId,
      lines.needs.map((n) => n.skuId),
    );
  }
  if (heldUnitsSold.size) await recordHeldUnitsSold(tx, accountId, orderId, d, setup, heldUnitsSold);
  const oversold = shortBySku.size
    ? await recordOversell(tx, accountId, orderId, d, shortBySku)
    : { skuIds: [], newSkuIds: [] };
  const target = targetFor({
    channel: d.state,
    method: d.fulfilmentMethod,
    shortUnits,
    oversold: oversold.skuIds.length > 0,
    unmappedLines: lines.unmappedLines,
    openUnits: lines.openUnits,
    fulfilledUnits: lines.fulfilledUnits,
    unknownLocation: setup.unknownLocation,
    cancelRequested,
    fulfilledByChannel: d.fulfilledByChannel,
  });
  const { status, holdReason } = await moveToTarget(tx, orderId, created ? null : row, target, actor, now);
  return {
    orderId,
    created,
    stale: false,
    status,
    holdReason,
    shortUnits,
    touchedSkus: [...touchedSkus],
    newOversells: oversold.newSkuIds,
    lineSkuCodes: new Map([...setup.lineSkus].map(([lineId, sku]) => [lineId, sku.code])),
  };
}

interface LockedOrder {
  id: string;
  status: OrderStatus;
  channel_updated_at: Date;
  channel_version: string | null;
  hold_reason: string | null;
  closed_at: Date | null;
  cancel_requested_at: Date | null;
  cancel_request_outcome: string | null;
  personal_data_erased_at: Date | null;
}

/** Inserts the order if absent, then locks its row: concurrent deliveries of one order serialise here. */
async function lockOrderRow(
  tx: Tx,
  accountId: string,
  d: OrderDraft,
  now: Date,
): Promise<{ row: LockedOrder; created: boolean }> {
  const newId = randomUUID();
  await tx.$executeRaw`
    INSERT INTO orders (id, account_id, external_id, currency, subtotal, total, channel_created_at, channel_updated_at, created_at, updated_at)
    VALUES (${newId}, ${accountId}, ${d.externalId}, ${d.currency}, 0, 0, ${new Date(d.channelCreatedAt)}, ${new Date(d.channelUpdatedAt)}, ${now}, ${now})
    ON CONFLICT (account_id, external_id) DO NOTHING`;
  const locked = await tx.$queryRaw<LockedOrder[]>`
    SELECT id, status, channel_updated_at, channel_version, hold_reason, closed_at,
           cancel_requested_at, cancel_request_outcome, personal_data_erased_at FROM orders
     WHERE account_id = ${accountId} AND external_id = ${d.externalId} FOR UPDATE`;
  const row = locked[0];
  if (!row) throw new Error('order row vanished inside its transaction');
  return { row, created: row.id === newId };
}

/**
 * The order's own fields, as the channel states them now. Once the buyer's personal data
 * was erased (core/privacy), later versions of the order do not bring it back.
 */
async function writeOrderHeader(
  tx: Tx,
  orderId: string,
  d: OrderDraft,
  setup: AccountSetup,
  channelVersion: string,
  erased: boolean,
) {
  const isPickup = d.fulfilmentMethod === 'pickup';
  await tx.order.update({
    where: { id: orderId },
    data: {
      displayNumber: d.displayNumber ?? null,
      currency: d.currency,
      subtotal: BigInt(d.totals.subtotal),
      discountTotal: BigInt(d.totals.discountTotal),
      shippingTotal: BigInt(d.totals.shippingTotal),
      taxTotal: BigInt(d.totals.taxTotal),
      tipTotal: BigInt(d.totals.tipTotal),
      total: BigInt(d.totals.total),
      test: d.test,
      fulfilledByChannel: d.fulfilledByChannel,
      discountCodes: d.discountCodes,
      // A payload that does not state the channel's fulfilments leaves the known ones in place.
      ...(d.channelFulfilments ? { channelFulfilments: d.channelFulfilments } : {}),
      paymentStatus: d.state.payment,
      fulfilmentMethod: d.fulfilmentMethod,
      pickupLocationId: isPickup ? setup.pickupLocationId : null,
      ...(erased
        ? {}
        : {
            customer: d.customer ?? undefined,
            billingAddress: d.billingAddress ?? undefined,
            shippingAddress: d.shippingAddress ?? undefined,
            buyerVatId: d.buyerVatId ?? undefined,
          }),
      shippingLines: d.shippingLines,
      tags: d.tags,
      channelRef: {
        ...d.channelRef,
        sourceName: d.sourceName ?? null,
        presentment: d.presentment ?? null,
        // Sold over a store's counter (the channel names the store it sold in): the landing page's
        // counter figure, whatever the till calls its source (Shopify 'pos', Square, any till).
        soldAtCounter: Boolean(d.originLocation),
      },
      unconfirmed: d.unconfirmed,
      // A promise the channel states replaces the known one; none stated keeps it (a hand-set date).
      ...(d.promisedAt ? { promisedAt: new Date(d.promisedAt) } : {}),
      channelCreatedAt: new Date(d.channelCreatedAt),
      channelUpdatedAt: new Date(d.channelUpdatedAt),
      channelVersion,
    },
  });
}

interface UpsertedLines {
  /** What each stock-tracked line still needs reserved, and what it newly shipped. */
  needs: LineNeed[];
  unmappedLines: number;
  openUnits: number;
  fulfilledUnits: number;
}

/** Upserts the lines by channel line id; fulfilled quantities never go down. */
async function upsertLines(
  tx: Tx,
  orderId: string,
  d: OrderDraft,
  setup: AccountSetup,
  created: boolean,
): Promise<UpsertedLines> {
  // An order created in this transaction has no lines yet: no need to ask.
  const existing = created ? [] : await tx.orderLine.findMany({ where: { orderId } });
  const prevByChannelId = new Map(existing.map((l) => [l.channelLineId, l]));
  const out: UpsertedLines = { needs: [], unmappedLines: 0, openUnits: 0, fulfilledUnits: 0 };
  // New lines are written together after the loop, in one statement.
  const fresh: Prisma.OrderLineCreateManyInput[] = [];
  for (const [position, line] of d.lines.entries()) {
    const prev = prevByChannelId.get(line.channelLineId);
    const sku = setup.lineSkus.get(line.channelLineId);
    const data = {
      // The hub SKU the line resolved to (by its item id when its SKU text is missing or unknown),
      // so that later actions on the order find it; else the channel's text as it is.
      skuCode: sku?.code ?? line.sku,
      // The channel's own line order; the API lists lines by it.
      position,
      title: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
      quantity: line.quantity,
      unitPrice: BigInt(line.unitPrice),
      discountTotal: BigInt(line.discountTotal),
      taxTotal: BigInt(line.taxLines.reduce((a, t) => a + t.amount, 0)),
      taxLines: line.taxLines,
      discounts: line.discounts,
      fulfilledQty: Math.max(prev?.fulfilledQty ?? 0, line.fulfilledQuantity),
    };
    const lineId = prev?.id ?? randomUUID();
    if (prev) await tx.orderLine.update({ where: { id: lineId }, data });
    else fresh.push({ id: lineId, orderId, channelLineId: line.channelLineId, ...data });

    out.openUnits += Math.max(0, line.quantity - data.fulfilledQty);
    out.fulfilledUnits += data.fulfilledQty;
    if (!sku) {
      // Without SKU text nor a known item id: a custom item, not stock-tracked. An order the
      // channel fulfils needs no mapping to be complete.
      if (line.sku && !d.fulfilledByChannel) out.unmappedLines++;
      continue;
    }
    const fulfilled = data.fulfilledQty;
    // The channel fulfils from its own stock (FBA): nothing of the merchant's is wanted or leaves
    // (a line reserved before the channel said so is released).
    const own = !d.fulfilledByChannel;
    out.needs.push({
      orderLineId: lineId,
      skuId: sku.id,
      wanted: own && !d.state.cancelled ? Math.max(0, line.quantity - fulfilled) : 0,
      newlyFulfilled: own ? Math.max(0, fulfilled - (prev?.fulfilledQty ?? 0)) : 0,
      allowBackorder: sku.allowBackorder,
    });
  }
  if (fresh.length) await tx.orderLine.createMany({ data: fresh });
  return out;
}

/** Brings the order's active reservations in line with what its lines need now. */
async function reserveForLines(
  tx: Tx,
  accountId: string,
  orderId: string,
  d: OrderDraft,
  setup: AccountSetup,
  needs: LineNeed[],
  actor: string,
) {
  // Stock comes from the store for pickups and counter sales, else from the account's locations.
  const fixedLocation = d.originLocation
    ? setup.originLocationId
    : d.fulfilmentMethod === 'pickup'
      ? setup.pickupLocationId
      : null;
  const locationIds = fixedLocation ? [fixedLocation] : setup.locationIds;
  const active = await tx.$queryRaw<ReservationRow[]>`
    SELECT id, order_line_id AS "orderLineId", sku_id AS "skuId", location_id AS "locationId", quantity, backordered
      FROM reservations WHERE order_id = ${orderId} AND status = 'active' ORDER BY created_at, id`;
  return reconcileReservations(tx, needs, active, {
    orderId,
    actor,
    reference: `order:${accountId}:${d.externalId}`,
    locationIds: locationIds.filter((x): x is string => !!x),
    newId: randomUUID,
    // The version that carried the change, on the channel's clock: a count taken on the same
    // channel (a till) is compared with it, never with the database's clock.
    channel: { at: new Date(d.channelUpdatedAt), clock: accountId },
  });
}

/**
 * Walks the legal path from where the order is (`held` null: just created, starts at
 * captured) to the target status, recording each transition, and stores where it ended.
 */
async function moveToTarget(
  tx: Tx,
  orderId: string,
  held: LockedOrder | null,
  target: Target,
  actor: string,
  now: Date,
): Promise<{ status: OrderStatus; holdReason: string | null }> {
  const from = held?.status ?? 'captured';
  const steps = held ? pathTo(from, target.status) : ['captured' as OrderStatus, ...pathTo('captured', target.status)];
  let at: OrderStatus | null = held ? from : null;
  let heldFrom: OrderStatus | null = null;
  const transitions: Prisma.OrderEventCreateManyInput[] = [];
  for (const to of steps) {
    if (at !== null) {
      const holdReason = to === 'on_hold' ? (target.holdReason as HoldReason) : undefined;
      planTransition(at, to, { actor, reason: target.reason, holdReason }, now);
      if (to === 'on_hold') heldFrom = at;
    }
    transitions.push({
      orderId,
      fromStatus: at,
      toStatus: to,
      actor,
      reason: to === target.status ? (target.reason ?? null) : null,
    });
    at = to;
  }
  // One statement for the whole path (a new order walks captured → confirmed → allocated):
  // ids keep the steps' order.
  if (transitions.length) await tx.orderEvent.createMany({ data: transitions });
  // Documents for the new state (confirmation, invoice) are issued by a job.
  if (steps.length) await announceDocumentsDue(tx, orderId, now);
  // An order already on hold whose reason changed (e.g. unpaid -> stock short) records why.
  const status = at ?? from;
  const holdReason = status === 'on_hold' ? (target.holdReason ?? held?.hold_reason ?? null) : null;
  await tx.order.update({
    where: { id: orderId },
    data: {
      status,
      holdReason,
      ...(heldFrom ? { heldFrom } : {}),
      // Personal-data retention counts from the first time nothing was left to hand over.
      ...(isClosedStatus(status) && !held?.closed_at ? { closedAt: now } : {}),
    },
  });
  return { status, holdReason };
}

/**
 * A short order is an oversell when the channel was still advertising the SKU: it sold
 * during propagation. Each such SKU becomes an exception for a person to look at, and a
 * priority stock push so the channel stops selling what is gone. Returns those SKU ids, and
 * the ones seen for the first time (a later update of the same short order is not a new oversell).
 */
async function recordOversell(
  tx: Tx,
  accountId: string,
  orderId: string,
  d: OrderDraft,
  shortBySku: Map<string, number>,
): Promise<{ skuIds: string[]; newSkuIds: string[] }> {
  const skuIds = [...shortBySku.keys()];
  const advertised = await tx.listing.findMany({
    where: {
      accountId,
      skuId: { in: skuIds },
      OR: [{ lastConfirmedQty: { gt: 0 } }, { lastSentQty: { gt: 0 } }],
    },
    select: { skuId: true, lastConfirmedQty: true, lastSentQty: true },
  });
  const newSkuIds: string[] = [];
  for (const l of advertised) {
    const units = shortBySku.get(l.skuId) ?? 0;
    // xmax = 0 on the returned row: it was inserted, not updated (PostgreSQL's upsert tell).
    const [row] = await tx.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO exceptions (id, kind, dedupe_key, account_id, order_id, sku_id, message, data)
      VALUES (${randomUUID()}, 'oversold', ${`oversold:${orderId}:${l.skuId}`}, ${accountId}, ${orderId}, ${l.skuId},
              ${`order ${d.displayNumber ?? d.externalId} is ${units} unit(s) short: the channel still advertised ${l.lastConfirmedQty ?? l.lastSentQty}`},
              ${JSON.stringify({ units, advertised: l.lastConfirmedQty ?? l.lastSentQty })}::jsonb)
      ON CONFLICT (dedupe_key) DO UPDATE SET occurrences = exceptions.occurrences + 1, updated_at = now()
      RETURNING (xmax = 0) AS inserted`;
    if (row?.inserted) newSkuIds.push(l.skuId);
  }
  if (advertised.length) {
    await tx.$executeRaw`
      INSERT INTO outbox_events (kind, payload)
      VALUES ('stock.prioritize', jsonb_build_object('skuIds', ${JSON.stringify(advertised.map((l) => l.skuId))}::jsonb, 'reason', 'oversold'))`;
  }
  return { skuIds: advertised.map((l) => l.skuId), newSkuIds };
}

/**
 * A counter sale handed over units the hub holds for other orders at that store (a
 * click-and-collect waiting on the shelf): the sale happened and is recorded, but the ledger
 * keeps those units on hand for the orders they were promised to (so no channel advertises them
 * and the pickup stays whole in the books), and a person is asked to settle the shelf: give the
 * pickup other units, move stock in, or shorten the pickup, then count. One exception per order × SKU.
 */
async function recordHeldUnitsSold(
  tx: Tx,
  accountId: string,
  orderId: string,
  d: OrderDraft,
  setup: AccountSetup,
  heldUnitsSold: Map<string, number>,
): Promise<void> {
  const location = setup.originLocationId ?? setup.locationIds[0] ?? null;
  for (const [skuId, units] of heldUnitsSold) {
    await tx.$executeRaw`
      INSERT INTO exceptions (id, kind, dedupe_key, account_id, order_id, sku_id, message, data)
      VALUES (${randomUUID()}, 'held_units_sold', ${`held_units_sold:${orderId}:${skuId}`}, ${accountId}, ${orderId}, ${skuId},
              ${`sale ${d.displayNumber ?? d.externalId} handed over ${units} unit(s) held for other orders (e.g. a click-and-collect) at location ${location}: the shelf has ${units} fewer than the hub counts; give the held order other units, move stock in or shorten it, then count`},
              ${JSON.stringify({ units, locationId: location })}::jsonb)
      ON CONFLICT (dedupe_key) DO NOTHING`;
  }
}

/**
 * The channel put units back on sale by itself (a cancellation or refund with restock):
 * what the hub believes the channel shows is now wrong. Forgetting it makes the next
 * push for those listings unconditional, so the channel returns to the hub's target.
 */
export async function forgetChannelQuantity(tx: Sql, accountId: string, skuIds: string[]): Promise<void> {
  if (!skuIds.length) return;
  const n = await tx.$executeRaw`
    ${listingsLockedInIdOrder(Prisma.sql`account_id = ${accountId} AND sku_id = ANY(${skuIds}::text[])`)}
    UPDATE listings l SET last_confirmed_qty = NULL, last_sent_qty = NULL FROM locked k WHERE l.id = k.id`;
  if (n > 0) {
    await tx.$executeRaw`
      INSERT INTO outbox_events (kind, payload)
      SELECT 'inventory.changed', jsonb_build_object('skuId', s) FROM unnest(${skuIds}::text[]) AS s`;
  }
}
