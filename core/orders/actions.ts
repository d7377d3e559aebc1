// What people (through the API or the staff pages) do to an order: confirm, hold and
// release, cancel, pick, pack, ship with tracking, take back a return. Each action is
// one transaction under the order's row lock, checked against the state machine,
// recorded with its actor, and tells the channel through the outbox after commit.
// Repeating an action that already happened is a no-op, never a second effect.
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { HoldReason } from '../order/state-machine.ts';
import {
  announcePush,
  assertNoOpenCancelRequest,
  OrderActionError,
  type OrderSummary,
  summary,
  transition,
  withLockedOrder,
} from './action-kit.ts';
import { cancelHeld, commitLines, leavingLines, resumeHeld } from './order-stock.ts';
import { recordReturn } from './returns.ts';

export { OrderActionError, type OrderSummary } from './action-kit.ts';
export { collectPickup, expirePickups, markReadyForPickup, refusePickup } from './pickup-actions.ts';

export async function confirmOrder(
  prisma: PrismaClient,
  orderId: string,
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (order.status !== 'confirmed') await transition(tx, order, 'confirmed', { actor });
    return summary(tx, order.id);
  });
}

export async function holdOrder(
  prisma: PrismaClient,
  orderId: string,
  input: { reason: HoldReason; note?: string | null },
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (order.status === 'on_hold') {
      if (order.holdReason !== input.reason) {
        await tx.order.update({ where: { id: order.id }, data: { holdReason: input.reason } });
      }
    } else {
      await transition(tx, order, 'on_hold', { actor, holdReason: input.reason, reason: input.note ?? undefined });
    }
    return summary(tx, order.id);
  });
}

/**
 * Releases a hold: first tries again to reserve what the order still needs. If stock is
 * still short the order stays held and the caller gets a conflict naming the shortfall.
 */
export async function releaseHold(
  prisma: PrismaClient,
  orderId: string,
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (order.status !== 'on_hold') return summary(tx, order.id);
    // The buyer's request needs an answer the channel hears: decline it instead.
    assertNoOpenCancelRequest(order, 'release the hold');
    const { shortUnits } = await resumeHeld(tx, order, actor, 'hold released');
    if (shortUnits > 0) throw new OrderActionError('conflict', `cannot release: ${shortUnits} unit(s) still short`);
    return summary(tx, order.id);
  });
}

/** Cancels what has not shipped: releases its reservations and tells the channel. */
export async function cancelOrder(
  prisma: PrismaClient,
  orderId: string,
  input: { reason?: string | null },
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (order.status === 'cancelled') return summary(tx, order.id);
    await cancelHeld(tx, order, actor, input.reason ?? undefined);
    return summary(tx, order.id);
  });
}

export async function markPicking(
  prisma: PrismaClient,
  orderId: string,
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (order.status !== 'picking') {
      assertNoOpenCancelRequest(order, 'start picking');
      await transition(tx, order, 'picking', { actor });
    }
    return summary(tx, order.id);
  });
}

export async function markPacked(
  prisma: PrismaClient,
  orderId: string,
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (order.status !== 'packed') {
      assertNoOpenCancelRequest(order, 'pack');
      await transition(tx, order, 'packed', { actor });
    }
    return summary(tx, order.id);
  });
}

export interface ShipInput {
  /** Lines and quantities in this parcel; omitted = everything still open. */
  lines?: { orderLineId: string; quantity: number }[];
  tracking?: { company?: string | null; number?: string | null; url?: string | null } | null;
  /** Ship from this location only (its reservations are committed). */
  locationId?: string | null;
  /** The same key twice creates one shipment. */
  idempotencyKey?: string | null;
}

/** Ships (part of) an order: commits the reserved units, records the parcel, tells the channel. */
export async function shipOrder(
  prisma: PrismaClient,
  orderId: string,
  input: ShipInput,
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (input.idempotencyKey) {
      const done = await tx.fulfilment.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (done) return summary(tx, order.id);
    }
    if (order.fulfilmentMethod === 'pickup') {
      throw new OrderActionError('invalid_input', 'a pickup order is handed over at the store, not shipped', 'method');
    }
    assertNoOpenCancelRequest(order, 'ship');
    const parcel = await leavingLines(tx, order.id, input.lines);
    if (!parcel.length) throw new OrderActionError('conflict', 'nothing left to ship on this order');
    const fulfilmentId = randomUUID();
    await commitLines(tx, order, parcel, actor, `fulfilment:${fulfilmentId}`, input.locationId ?? null);
    await tx.fulfilment.create({
      data: {
        id: fulfilmentId,
        orderId: order.id,
        locationId: input.locationId ?? null,
        method: 'ship',
        status: 'shipped',
        trackingCompany: input.tracking?.company ?? null,
        trackingNumber: input.tracking?.number ?? null,
        trackingUrl: input.tracking?.url ?? null,
        lines: parcel,
        idempotencyKey: input.idempotencyKey ?? null,
      },
    });
    const after = await tx.orderLine.findMany({ where: { orderId: order.id } });
    const complete = after.every((l) => l.fulfilledQty >= l.quantity);
    const to = complete ? 'shipped' : 'partially_shipped';
    if (order.status !== to || to === 'partially_shipped') {
      // Picking and packing are optional steps: ship straight from allocated too.
      await transition(tx, order, to, {
        actor,
        reason: input.tracking?.number ? `tracking ${input.tracking.number}` : undefined,
      });
    }
    await announcePush(tx, order, 'ship', fulfilmentId, parcel);
    return summary(tx, order.id);
  });
}

export interface ReturnInput {
  lines: { orderLineId: string; quantity: number; restock: boolean }[];
  reason?: string | null;
  idempotencyKey?: string | null;
  /** Where the goods arrived (the warehouse's returns desk, a store); absent: where they left from. */
  locationId?: string | null;
  /** Money given back, integer minor units in the order's currency; the selling channel is told. */
  refund?: { amount: number; currency: string } | null;
}

/**
 * A return the merchant takes back (in store or by post); restocked units go back on hand where
 * they arrived, and the selling channel is told of the refund.
 */
export async function returnOrder(
  prisma: PrismaClient,
  orderId: string,
  input: ReturnInput,
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  const order = await prisma.order.findUnique({ where: { id: orderId }, include: { lines: true } });
  if (!order) throw new OrderActionError('not_found', `order ${orderId} not found`);
  if (input.locationId && !(await prisma.location.findUnique({ where: { id: input.locationId } }))) {
    throw new OrderActionError('invalid_input', `unknown location ${input.locationId}`, 'locationId');
  }
  if (input.refund) {
    if (input.refund.currency !== order.currency.trim()) {
      throw new OrderActionError('invalid_input', `must be the order's currency ${order.currency}`, 'refund.currency');
    }
    if (!Number.isSafeInteger(input.refund.amount) || input.refund.amount < 0) {
      throw new OrderActionError('invalid_input', 'must be a non-negative integer in minor units', 'refund.amount');
    }
  }
  if (!input.lines.length) throw new OrderActionError('invalid_input', 'a return needs at least one line', 'lines');
  const lines = input.lines.map((l, i) => {
    const line = order.lines.find((x) => x.id === l.orderLineId);
    if (!line)
      throw new OrderActionError('invalid_input', `unknown order line ${l.orderLineId}`, `lines.${i}.orderLineId`);
    const returnable = line.fulfilledQty - line.returnedQty;
    if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0 || l.quantity > returnable) {
      throw new OrderActionError(
        'invalid_input',
        `quantity must be 1..${returnable} for this line`,
        `lines.${i}.quantity`,
      );
    }
    return { channelLineId: line.channelLineId, quantity: l.quantity, restock: l.restock };
  });
  await recordReturn(
    prisma,
    order.accountId,
    order.externalId,
    {
      externalReturnId: `hub:${input.idempotencyKey ?? randomUUID()}`,
      lines,
      occurredAt: clock.now().toISOString(),
      reason: input.reason ?? null,
      refund: input.refund ?? null,
    },
    { actor, byHub: true, now: clock.now(), restockLocationId: input.locationId ?? null },
  );
  return withLockedOrder(prisma, orderId, clock, (tx) => summary(tx, orderId));
}
