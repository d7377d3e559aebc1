// Shared pieces of the hub-driven order actions (actions.ts, pickup-actions.ts):
// the error type the API maps to HTTP, locking an order for the length of an action,
// recording a transition, and announcing a channel push through the outbox.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { announceDocumentsDue } from '../documents/due.ts';
import { withTxRetry } from '../db/retry.ts';
import type { Tx } from '../db/sql.ts';
import type { FulfilmentKind, FulfilmentMethod, HoldReason, OrderStatus } from '../order/state-machine.ts';
import { IllegalTransitionError, isClosedStatus, planTransition } from '../order/state-machine.ts';
import type { LineNeed, ReservationRow } from './reservations.ts';

export type OrderActionCode = 'not_found' | 'illegal_transition' | 'invalid_input' | 'wrong_pickup_code' | 'conflict';

const STATUS: Record<OrderActionCode, number> = {
  not_found: 404,
  illegal_transition: 409,
  invalid_input: 400,
  wrong_pickup_code: 422,
  conflict: 409,
};

export class OrderActionError extends Error {
  readonly status: number;
  constructor(
    readonly code: OrderActionCode,
    message: string,
    /** The request field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'OrderActionError';
    this.status = STATUS[code];
  }
}

/** What every action returns: enough for an API response or a page to redraw. */
export interface OrderSummary {
  id: string;
  accountId: string;
  externalId: string;
  displayNumber: string | null;
  status: OrderStatus;
  holdReason: string | null;
  fulfilmentMethod: FulfilmentMethod;
  pickupLocationId: string | null;
  readyForPickupAt: string | null;
  collectedAt: string | null;
}

export interface LockedOrder {
  id: string;
  accountId: string;
  externalId: string;
  displayNumber: string | null;
  status: OrderStatus;
  holdReason: string | null;
  heldFrom: OrderStatus | null;
  fulfilmentMethod: FulfilmentMethod;
  pickupLocationId: string | null;
  pickupCode: string | null;
  readyForPickupAt: Date | null;
  collectedAt: Date | null;
  closedAt: Date | null;
  /** The buyer's cancel request, open while requested and not yet answered (cancel-request.ts). */
  cancelRequestedAt: Date | null;
  cancelRequestOutcome: string | null;
  /** The channel fulfils the order from its own stock (FBA): the hub never picks, packs or ships it. */
  fulfilledByChannel: boolean;
  /** The action's time, read once from the hub's clock when the lock is taken (not a column). */
  at: Date;
}

/**
 * Runs `fn` in a transaction holding the order's row lock; unknown order → not_found.
 * `clock` is the hub's (the API passes its own): every time the action writes is `order.at`.
 */
export async function withLockedOrder<T>(
  prisma: PrismaClient,
  orderId: string,
  clock: Clock,
  fn: (tx: Tx, order: LockedOrder) => Promise<T>,
): Promise<T> {
  try {
    return await withTxRetry(() =>
      prisma.$transaction(
        async (tx) => {
          const rows = await tx.$queryRaw<Omit<LockedOrder, 'at'>[]>`
            SELECT id, account_id AS "accountId", external_id AS "externalId", display_number AS "displayNumber",
                   status, hold_reason AS "holdReason", held_from AS "heldFrom", fulfilment_method AS "fulfilmentMethod",
                   pickup_location_id AS "pickupLocationId", pickup_code AS "pickupCode",
                   ready_for_pickup_at AS "readyForPickupAt", collected_at AS "collectedAt",
                   closed_at AS "closedAt", cancel_requested_at AS "cancelRequestedAt",
                   cancel_request_outcome AS "cancelRequestOutcome",
                   fulfilled_by_channel AS "fulfilledByChannel"
              FROM orders WHERE id = ${orderId} FOR UPDATE`;
          const row = rows[0];
          if (!row) throw new OrderActionError('not_found', `order ${orderId} not found`);
          return fn(tx, { ...row, at: clock.now() });
        },
        { timeout: 30_000, maxWait: 30_000 },
      ),
    );
  } catch (e) {
    if (e instanceof IllegalTransitionError) throw new OrderActionError('illegal_transition', e.message);
    throw e;
  }
}

/** Statuses only the hub's own fulfilment reaches: never for an order the channel fulfils. */
const HUB_FULFILMENT: ReadonlySet<OrderStatus> = new Set([
  'allocated',
  'picking',
  'packed',
  'partially_shipped',
  'shipped',
  'ready_for_pickup',
  'collected',
]);

/** Moves the order to `to` (checked against the state machine) and records who did it. */
export async function transition(
  tx: Tx,
  order: LockedOrder,
  to: OrderStatus,
  cause: { actor: string; reason?: string; holdReason?: HoldReason },
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (order.fulfilledByChannel && HUB_FULFILMENT.has(to)) {
    throw new OrderActionError(
      'conflict',
      `order ${order.id} is fulfilled by the channel: the hub does not ${to === 'picking' ? 'pick' : 'fulfil'} it`,
    );
  }
  const rec = planTransition(order.status, to, cause, order.at);
  await tx.orderEvent.create({
    data: {
      orderId: order.id,
      fromStatus: rec.from,
      toStatus: rec.to,
      actor: rec.actor,
      reason: rec.reason,
      createdAt: order.at,
    },
  });
  await tx.order.update({
    where: { id: order.id },
    data: {
      status: to,
      holdReason: to === 'on_hold' ? (cause.holdReason ?? null) : null,
      ...(to === 'on_hold' ? { heldFrom: order.status } : {}),
      // Retention of personal data counts from the first time nothing was left to hand over.
      ...(isClosedStatus(to) && !order.closedAt ? { closedAt: order.at } : {}),
      ...extra,
    },
  });
  order.status = to;
  // Documents for the new state (confirmation, delivery note, invoice) are issued by a job.
  await announceDocumentsDue(tx, order.id, order.at);
}

export type PushKind = FulfilmentKind;

/** True while the buyer's cancel request waits for an answer: nothing may be picked or handed over. */
export function cancelRequestOpen(order: Pick<LockedOrder, 'cancelRequestedAt' | 'cancelRequestOutcome'>): boolean {
  return order.cancelRequestedAt !== null && order.cancelRequestOutcome === null;
}

/** Refuses an action that moves goods while the buyer's cancel request is unanswered. */
export function assertNoOpenCancelRequest(order: LockedOrder, what: string): void {
  if (cancelRequestOpen(order)) {
    throw new OrderActionError(
      'conflict',
      `cannot ${what}: the buyer asked to cancel this order; approve or decline the request first`,
    );
  }
}

/** Tells the channel, after commit, through the outbox (the sync layer sends `fulfilment.push`). */
export async function announcePush(
  tx: Tx,
  order: LockedOrder,
  kind: PushKind,
  fulfilmentId: string | null,
  lines: { orderLineId: string; quantity: number }[] = [],
): Promise<void> {
  await tx.outboxEvent.create({
    data: {
      // The runtime's sweep re-sends lost pushes by this stamp, on the same clock.
      createdAt: order.at,
      kind: 'fulfilment.push',
      payload: { orderId: order.id, accountId: order.accountId, kind, fulfilmentId, lines, pushId: randomUUID() },
    },
  });
}

export async function audit(tx: Tx, actor: string, action: string, orderId: string, data: object = {}) {
  await tx.auditLog.create({ data: { actor, action, entity: 'order', entityId: orderId, data } });
}

export async function summary(tx: Tx, orderId: string): Promise<OrderSummary> {
  const o = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
  return {
    id: o.id,
    accountId: o.accountId,
    externalId: o.externalId,
    displayNumber: o.displayNumber,
    status: o.status,
    holdReason: o.holdReason,
    fulfilmentMethod: o.fulfilmentMethod,
    pickupLocationId: o.pickupLocationId,
    readyForPickupAt: o.readyForPickupAt?.toISOString() ?? null,
    collectedAt: o.collectedAt?.toISOString() ?? null,
  };
}

/** Active reservations of an order, oldest first (ledger commits and releases draw from these). */
export function activeReservations(tx: Tx, orderId: string): Promise<ReservationRow[]> {
  return tx.$queryRaw<ReservationRow[]>`
    SELECT id, order_line_id AS "orderLineId", sku_id AS "skuId", location_id AS "locationId", quantity, backordered
      FROM reservations WHERE order_id = ${orderId} AND status = 'active' ORDER BY created_at, id`;
}

/**
 * What each stock-tracked line still needs reserved, and where the order may draw
 * from (its pickup store, or its channel's locations in priority order).
 */
export async function orderNeeds(
  tx: Tx,
  order: LockedOrder,
  wantedOf: (l: { quantity: number; fulfilledQty: number; cancelledQty: number }) => number,
): Promise<{ needs: LineNeed[]; locationIds: string[] }> {
  // The channel's own stock serves it: nothing of the merchant's to reserve.
  const lines = order.fulfilledByChannel ? [] : await tx.orderLine.findMany({ where: { orderId: order.id } });
  const codes = lines.map((l) => l.skuCode).filter((c): c is string => !!c);
  const skus = await tx.sku.findMany({
    where: { code: { in: codes } },
    select: { id: true, code: true, allowBackorder: true },
  });
  const byCode = new Map(skus.map((s) => [s.code, s]));
  const needs: LineNeed[] = [];
  for (const l of lines) {
    const sku = l.skuCode ? byCode.get(l.skuCode) : undefined;
    if (!sku) continue;
    needs.push({
      orderLineId: l.id,
      skuId: sku.id,
      wanted: Math.max(0, wantedOf(l)),
      newlyFulfilled: 0,
      allowBackorder: sku.allowBackorder,
    });
  }
  let locationIds: string[];
  if (order.fulfilmentMethod === 'pickup' && order.pickupLocationId) {
    locationIds = [order.pickupLocationId];
  } else {
    const links = await tx.channelLocation.findMany({
      where: { accountId: order.accountId },
      orderBy: [{ priority: 'asc' }, { locationId: 'asc' }],
    });
    locationIds = links.map((l) => l.locationId);
  }
  return { needs, locationIds };
}
