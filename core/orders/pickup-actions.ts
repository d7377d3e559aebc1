// Click-and-collect at the counter: ready (issue the customer's pickup code, start the
// hold clock, tell the channel), hand-over with the code (whole or partial), refusal,
// and the expiry of pickups nobody came for. Repeats are no-ops, so a double click or a
// retried request never acts twice.
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { type Clock, ManualClock, systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import {
  announcePush,
  assertNoOpenCancelRequest,
  audit,
  type LockedOrder,
  OrderActionError,
  type OrderSummary,
  summary,
  transition,
  withLockedOrder,
} from './action-kit.ts';
import { cancelHeld, commitLines, leavingLines } from './order-stock.ts';

// No 0/O, 1/I/L: a code read aloud or typed from a phone screen is not misread.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 6;

export function newPickupCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Upper-cases and drops spaces and dashes, so "k7p-3qx" matches "K7P3QX". */
export function normalizePickupCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

function codesMatch(expected: string | null, given: string): boolean {
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(normalizePickupCode(given));
  return a.length === b.length && timingSafeEqual(a, b);
}

function assertPickup(order: LockedOrder) {
  if (order.fulfilmentMethod !== 'pickup') {
    throw new OrderActionError('invalid_input', 'this order is shipped, not collected in store', 'method');
  }
}

/** Marks a pickup ready: issues the pickup code once, starts the hold, tells the channel. */
export async function markReadyForPickup(
  prisma: PrismaClient,
  orderId: string,
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary & { pickupCode: string }> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    assertPickup(order);
    if (order.status === 'ready_for_pickup' && order.pickupCode) {
      return { ...(await summary(tx, order.id)), pickupCode: order.pickupCode };
    }
    assertNoOpenCancelRequest(order, 'make the pickup ready');
    const pickupCode = newPickupCode();
    await transition(tx, order, 'ready_for_pickup', { actor }, { pickupCode, readyForPickupAt: order.at });
    await announcePush(tx, order, 'pickup_ready', null);
    return { ...(await summary(tx, order.id)), pickupCode };
  });
}

/**
 * Hands the goods over against the customer's code. With `lines`, only those units go
 * (partial hand-over): the order stays ready for the rest. A repeat after the order was
 * collected, with the right code, returns the collected order and does nothing.
 */
export async function collectPickup(
  prisma: PrismaClient,
  orderId: string,
  input: { code: string; lines?: { orderLineId: string; quantity: number }[]; idempotencyKey?: string | null },
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    assertPickup(order);
    // A resubmitted hand-over form (same key) acts once, even across hub processes.
    if (input.idempotencyKey && (await tx.fulfilment.findUnique({ where: { idempotencyKey: input.idempotencyKey } }))) {
      return summary(tx, order.id);
    }
    assertNoOpenCancelRequest(order, 'hand the pickup over');
    if (!codesMatch(order.pickupCode, input.code ?? '')) {
      await audit(tx, actor, 'pickup.wrong_code', order.id);
      throw new OrderActionError('wrong_pickup_code', 'that pickup code does not match this order', 'code');
    }
    if (order.status === 'collected') return summary(tx, order.id);
    if (order.status !== 'ready_for_pickup') {
      throw new OrderActionError('illegal_transition', `order cannot go from ${order.status} to collected`);
    }
    const handed = await leavingLines(tx, order.id, input.lines);
    const fulfilmentId = randomUUID();
    await commitLines(tx, order, handed, actor, `pickup:${fulfilmentId}`, order.pickupLocationId);
    await tx.fulfilment.create({
      data: {
        id: fulfilmentId,
        orderId: order.id,
        locationId: order.pickupLocationId,
        method: 'pickup',
        status: 'collected',
        lines: handed,
        idempotencyKey: input.idempotencyKey ?? null,
      },
    });
    const after = await tx.orderLine.findMany({ where: { orderId: order.id } });
    const complete = after.every((l) => l.fulfilledQty >= l.quantity);
    if (complete) {
      await transition(tx, order, 'collected', { actor }, { collectedAt: order.at });
    } else {
      await audit(tx, actor, 'pickup.partial_handover', order.id, { lines: handed });
    }
    await announcePush(tx, order, 'pickup_collected', fulfilmentId, handed);
    return summary(tx, order.id);
  });
}

/** The customer refused or the store cannot hand over: release the stock, cancel, tell the channel. */
export async function refusePickup(
  prisma: PrismaClient,
  orderId: string,
  input: { reason?: string | null },
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    assertPickup(order);
    if (order.status === 'cancelled') return summary(tx, order.id);
    await cancelHeld(tx, order, actor, input.reason ?? 'refused at the counter');
    return summary(tx, order.id);
  });
}

/** How long after its hold period a flagged, uncollected pickup waits before its stock is released. */
export const EXPIRY_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Pickups ready for longer than their store's hold period are first flagged (an
 * exception staff see), then, a grace period later, released with a reason. `now` is the
 * hub clock's (readyForPickupAt was stamped from it); the release acts at that time too.
 */
export async function expirePickups(prisma: PrismaClient, now: Date): Promise<{ flagged: number; released: number }> {
  const ready = await prisma.order.findMany({
    where: { status: 'ready_for_pickup', readyForPickupAt: { not: null } },
    select: {
      id: true,
      displayNumber: true,
      externalId: true,
      readyForPickupAt: true,
      accountId: true,
      pickupLocation: { select: { pickupHoldDays: true, name: true } },
    },
  });
  let flagged = 0;
  let released = 0;
  for (const o of ready) {
    const holdMs = (o.pickupLocation?.pickupHoldDays ?? 7) * 24 * 60 * 60 * 1000;
    const due = (o.readyForPickupAt as Date).getTime() + holdMs;
    if (now.getTime() < due) continue;
    const key = `pickup_expired:${o.id}`;
    const existing = await prisma.exceptionItem.findUnique({ where: { dedupeKey: key } });
    if (!existing) {
      await prisma.exceptionItem.create({
        data: {
          id: crypto.randomUUID(),
          kind: 'pickup_expired',
          dedupeKey: key,
          accountId: o.accountId,
          orderId: o.id,
          message: `pickup ${o.displayNumber ?? o.externalId} at ${o.pickupLocation?.name ?? 'the store'} was not collected within ${o.pickupLocation?.pickupHoldDays ?? 7} day(s)`,
        },
      });
      flagged++;
    } else if (!existing.resolvedAt && now.getTime() >= due + EXPIRY_GRACE_MS) {
      const days = o.pickupLocation?.pickupHoldDays ?? 7;
      const at = new ManualClock(now);
      await refusePickup(prisma, o.id, { reason: `not collected within ${days} day(s)` }, 'system:pickup-expiry', at);
      await prisma.exceptionItem.update({
        where: { id: existing.id },
        data: { resolvedAt: now, resolvedBy: 'system:pickup-expiry' },
      });
      released++;
    }
  }
  return { flagged, released };
}
