// The buyer asked the channel to cancel (OrderDraft.cancelRequest): the order is held with
// reason `cancel_requested`, nothing may be picked or handed over, and an exception asks a
// person to answer. Approving cancels the order (its stock is released) and declining
// resumes it; either way the channel hears the answer through the outbox (fulfilment.push
// of kind cancel_request_approved / cancel_request_declined).
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { Tx } from '../db/sql.ts';
import type { OrderDraft } from '../order/schema.ts';
import {
  announcePush,
  audit,
  cancelRequestOpen,
  type LockedOrder,
  OrderActionError,
  type OrderSummary,
  summary,
  withLockedOrder,
} from './action-kit.ts';
import { cancelHeld, resumeHeld } from './order-stock.ts';

export const CANCEL_REQUEST_EXCEPTION = 'cancel_requested';

interface StoredRequest {
  cancel_requested_at: Date | null;
  cancel_request_outcome: string | null;
}

/**
 * Ingestion's part: records the request the channel reports (a newer one reopens the
 * question; one already answered stays answered) and returns whether a request is open.
 * A request the channel no longer reports while unanswered was withdrawn: it is cleared.
 */
export async function recordCancelRequest(
  tx: Tx,
  order: { id: string; accountId: string; label: string },
  stored: StoredRequest | null,
  reported: OrderDraft['cancelRequest'],
  actor: string,
  now: Date,
): Promise<boolean> {
  const knownAt = stored?.cancel_requested_at ?? null;
  if (reported) {
    const at = new Date(reported.requestedAt);
    if (knownAt && at.getTime() <= knownAt.getTime()) return stored?.cancel_request_outcome === null;
    await tx.order.update({
      where: { id: order.id },
      data: { cancelRequestedAt: at, cancelRequestReason: reported.reason ?? null, cancelRequestOutcome: null },
    });
    await tx.exceptionItem.upsert({
      where: { dedupeKey: `${CANCEL_REQUEST_EXCEPTION}:${order.id}:${at.toISOString()}` },
      create: {
        id: randomUUID(),
        kind: CANCEL_REQUEST_EXCEPTION,
        dedupeKey: `${CANCEL_REQUEST_EXCEPTION}:${order.id}:${at.toISOString()}`,
        accountId: order.accountId,
        orderId: order.id,
        message: `the buyer asked to cancel order ${order.label}: approve or decline`,
        data: {
          requestedAt: at.toISOString(),
          reason: reported.reason ?? null,
          // The exception is answered, not resolved: these actions close it.
          actions: {
            approve: `/api/v1/orders/${order.id}/cancel-request/approve`,
            decline: `/api/v1/orders/${order.id}/cancel-request/decline`,
          },
        },
        createdAt: now,
        updatedAt: now,
      },
      update: {},
    });
    return true;
  }
  if (knownAt && stored?.cancel_request_outcome === null) {
    await tx.order.update({
      where: { id: order.id },
      data: { cancelRequestedAt: null, cancelRequestReason: null },
    });
    await resolveRequestException(tx, order.id, actor, now);
  }
  return false;
}

async function resolveRequestException(tx: Tx, orderId: string, actor: string, now: Date) {
  await tx.exceptionItem.updateMany({
    where: { kind: CANCEL_REQUEST_EXCEPTION, orderId, resolvedAt: null },
    data: { resolvedAt: now, resolvedBy: actor, updatedAt: now },
  });
}

type Answer = 'approved' | 'declined';

/** The open request of a locked order, or the answer already given (a repeat is a no-op). */
function pendingOrAnswered(order: LockedOrder, answer: Answer): 'open' | 'done' {
  if (cancelRequestOpen(order)) return 'open';
  if (order.cancelRequestedAt && order.cancelRequestOutcome === answer) return 'done';
  if (order.cancelRequestedAt) {
    throw new OrderActionError('conflict', `the cancel request was already ${order.cancelRequestOutcome}`);
  }
  throw new OrderActionError('conflict', 'the buyer has not asked to cancel this order');
}

async function answer(tx: Tx, order: LockedOrder, outcome: Answer, actor: string, note: string | null) {
  await tx.order.update({ where: { id: order.id }, data: { cancelRequestOutcome: outcome } });
  order.cancelRequestOutcome = outcome;
  await resolveRequestException(tx, order.id, actor, order.at);
  await audit(tx, actor, `cancel_request.${outcome}`, order.id, { note });
}

/** Approves the buyer's request: cancels the order, releases its stock, tells the channel. */
export async function approveCancelRequest(
  prisma: PrismaClient,
  orderId: string,
  input: { note?: string | null },
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (pendingOrAnswered(order, 'approved') === 'done') return summary(tx, order.id);
    await answer(tx, order, 'approved', actor, input.note ?? null);
    await cancelHeld(tx, order, actor, input.note ?? 'cancel requested by the buyer', 'cancel_request_approved');
    return summary(tx, order.id);
  });
}

/**
 * Declines the buyer's request: tells the channel and resumes the order where it was held
 * from (or keeps it held for stock, if stock went short meanwhile).
 */
export async function declineCancelRequest(
  prisma: PrismaClient,
  orderId: string,
  input: { note?: string | null },
  actor: string,
  clock: Clock = systemClock,
): Promise<OrderSummary> {
  return withLockedOrder(prisma, orderId, clock, async (tx, order) => {
    if (pendingOrAnswered(order, 'declined') === 'done') return summary(tx, order.id);
    await answer(tx, order, 'declined', actor, input.note ?? null);
    if (order.status === 'on_hold' && order.holdReason === 'cancel_requested') {
      await resumeHeld(tx, order, actor, 'cancel request declined');
    }
    await announcePush(tx, order, 'cancel_request_declined', null);
    return summary(tx, order.id);
  });
}
