// `fulfilment.push`: tells the channel what the hub did with an order — a parcel with
// tracking, a pickup made ready or handed over, a cancellation — from the outbox row the
// order action wrote in its transaction. Idempotent per push id: the connector checks the
// channel before creating anything, and a push that succeeded is recorded (audit log), so
// the sweep never sends it again. A refusal for good (e.g. Shopify leaves cancelling to
// the merchant) becomes an exception for a person instead of endless retries.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError } from '../connectors/connector.ts';
import { type AccountSource, openAccount, safeMessage } from './connectors.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { FULFILMENT_KINDS } from '../core/order/state-machine.ts';

export const FulfilmentPushPayload = z.object({
  pushId: z.string().min(1),
  orderId: z.string().min(1),
  accountId: z.string().min(1),
  kind: z.enum(FULFILMENT_KINDS),
  fulfilmentId: z.string().nullable(),
  lines: z.array(z.object({ orderLineId: z.string(), quantity: z.number().int().positive() })).default([]),
  /** For `refund` pushes: the money given back, when known (core/orders/returns.ts). */
  refund: z.object({ amount: z.number().int(), currency: z.string() }).nullish(),
});
export type FulfilmentPushPayload = z.infer<typeof FulfilmentPushPayload>;

export type FulfilmentPushOutcome = 'pushed' | 'already_pushed' | 'refused' | 'skipped';

export async function pushFulfilment(
  deps: AccountSource & { logger: Logger; clock: Clock },
  p: FulfilmentPushPayload,
): Promise<FulfilmentPushOutcome> {
  const { prisma } = deps;
  const done = await prisma.auditLog.findFirst({
    where: {
      entity: 'fulfilment_push',
      entityId: p.pushId,
      action: { in: ['fulfilment.pushed', 'fulfilment.push_refused'] },
    },
    select: { id: true },
  });
  if (done) return 'already_pushed';
  const order = await prisma.order.findUnique({ where: { id: p.orderId }, include: { lines: true } });
  const handle = await openAccount(deps, p.accountId);
  if (!order || !handle) return 'skipped';
  const channelLine = new Map(order.lines.map((l) => [l.id, l.channelLineId]));
  const fulfilment = p.fulfilmentId ? await prisma.fulfilment.findUnique({ where: { id: p.fulfilmentId } }) : null;
  try {
    const result = await handle.connector.pushFulfilment(handle.account, {
      externalOrderId: order.externalId,
      kind: p.kind,
      lines: p.lines.flatMap((l) => {
        const id = channelLine.get(l.orderLineId);
        return id ? [{ channelLineId: id, quantity: l.quantity }] : [];
      }),
      tracking: fulfilment
        ? { company: fulfilment.trackingCompany, number: fulfilment.trackingNumber, url: fulfilment.trackingUrl }
        : null,
      refund: p.refund ?? null,
      idempotencyKey: p.pushId,
    });
    if (fulfilment) {
      await prisma.fulfilment.update({
        where: { id: fulfilment.id },
        data: {
          pushedAt: deps.clock.now(),
          externalId: result.externalFulfilmentId ?? fulfilment.externalId,
          lastError: null,
        },
      });
    }
    await prisma.auditLog.create({
      data: {
        actor: 'system:sync',
        action: 'fulfilment.pushed',
        entity: 'fulfilment_push',
        entityId: p.pushId,
        data: { kind: p.kind, orderId: p.orderId, alreadyApplied: result.alreadyApplied },
      },
    });
    return 'pushed';
  } catch (e) {
    const message = safeMessage(e, handle.account);
    if (fulfilment) await prisma.fulfilment.update({ where: { id: fulfilment.id }, data: { lastError: message } });
    if (e instanceof ConnectorError && !e.retryable) {
      await prisma.exceptionItem.upsert({
        where: { dedupeKey: `fulfilment_push:${p.pushId}` },
        create: {
          id: randomUUID(),
          kind: 'fulfilment_push_refused',
          dedupeKey: `fulfilment_push:${p.pushId}`,
          accountId: p.accountId,
          orderId: p.orderId,
          message: `the channel refused to record "${p.kind}" for order ${order.displayNumber ?? order.externalId}: ${message}`,
          data: { kind: p.kind },
        },
        update: { occurrences: { increment: 1 }, updatedAt: deps.clock.now() },
      });
      await prisma.auditLog.create({
        data: {
          actor: 'system:sync',
          action: 'fulfilment.push_refused',
          entity: 'fulfilment_push',
          entityId: p.pushId,
          data: { kind: p.kind, message },
        },
      });
      deps.logger.warn({ pushId: p.pushId, kind: p.kind, error: message }, 'fulfilment push refused by the channel');
      return 'refused';
    }
    throw e; // retryable: the queue retries with backoff
  }
}
