// Applies a refund or return the channel reported, exactly once per channel return id.
// Units that had left the building come back (restock: on hand goes up at the location
// they were shipped from; no restock: only counted as returned). Units refunded before
// they shipped are a cancellation of that part of the line: their reservation is released.
import { randomUUID } from 'node:crypto';
import { systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { withTxRetry } from '../db/retry.ts';
import { forgetChannelQuantity } from './ingest.ts';
import { adjust, release } from '../inventory/ledger.ts';
import { canTransition, type OrderStatus, planTransition } from '../order/state-machine.ts';
import { announceDocumentsDue } from '../documents/due.ts';
import { type RefundAmount, refundMinor } from './refund-amount.ts';

export interface ReturnInput {
  externalReturnId: string;
  /** `sku`: the line as a channel that names lines by SKU gives it (matched when no line has the id). */
  lines: { channelLineId: string; quantity: number; restock: boolean; sku?: string | null }[];
  occurredAt: string;
  reason?: string | null;
  /** Money given back (see refundMinor); null or absent when nobody said. */
  refund?: RefundAmount | null;
}

export interface ReturnResult {
  applied: boolean;
  /** Why nothing happened: a duplicate, or the order is not known yet (retry later). */
  skipped?: 'duplicate' | 'unknown_order';
  orderId?: string;
  status?: OrderStatus;
  touchedSkus: string[];
}

export async function recordReturn(
  prisma: PrismaClient,
  accountId: string,
  externalOrderId: string,
  input: ReturnInput,
  /**
   * `byHub`: the goods came back through the hub or another channel, not the selling channel
   * (which restocks by itself): the selling channel is told of the refund (a `refund` push).
   * `restockLocationId`: where the goods physically arrived (a store, the warehouse's returns
   * desk); absent: where they left from.
   */
  opts: {
    actor?: string;
    now?: Date;
    byHub?: boolean;
    restockLocationId?: string | null;
    /** The reporting channel account whose clock `occurredAt` is on: stamped on the restock. */
    clock?: string | null;
  } = {},
): Promise<ReturnResult> {
  const actor = opts.actor ?? `channel:${accountId}`;
  for (const l of input.lines) {
    if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0) {
      throw new RangeError(`lines[${l.channelLineId}].quantity must be a positive integer (got ${l.quantity})`);
    }
  }
  return withTxRetry(() =>
    prisma.$transaction(
      async (tx) => {
        const orders = await tx.$queryRaw<{ id: string; status: OrderStatus; currency: string }[]>`
          SELECT id, status, currency FROM orders
           WHERE account_id = ${accountId} AND external_id = ${externalOrderId} FOR UPDATE`;
        const order = orders[0];
        if (!order) return { applied: false, skipped: 'unknown_order' as const, touchedSkus: [] };
        const refund = input.refund ? refundMinor(input.refund, order.currency.trim()) : null;
        const inserted = await tx.$executeRaw`
          INSERT INTO returns (id, order_id, lines, reason, external_id, idempotency_key, refund_amount, refund_currency)
          VALUES (${randomUUID()}, ${order.id}, ${JSON.stringify(input.lines)}::jsonb, ${input.reason ?? null},
                  ${input.externalReturnId}, ${`${accountId}:${input.externalReturnId}`},
                  ${refund === null ? null : BigInt(refund.amount)}, ${refund?.currency ?? null})
          ON CONFLICT (idempotency_key) DO NOTHING`;
        if (inserted === 0)
          return { applied: false, skipped: 'duplicate' as const, orderId: order.id, touchedSkus: [] };

        const touched = new Set<string>();
        const refundLines: { orderLineId: string; quantity: number }[] = [];
        const lines = await tx.orderLine.findMany({ where: { orderId: order.id } });
        const mv = {
          orderId: order.id,
          actor,
          reference: `return:${input.externalReturnId}`,
          channel: opts.clock ? { at: new Date(input.occurredAt), clock: opts.clock } : null,
        };
        for (const rl of input.lines) {
          const line =
            lines.find((l) => l.channelLineId === rl.channelLineId) ??
            (rl.sku ? lines.find((l) => l.skuCode === rl.sku && l.fulfilledQty > l.returnedQty) : undefined);
          if (!line) continue;
          const returnable = line.fulfilledQty - line.returnedQty;
          const back = Math.min(rl.quantity, Math.max(0, returnable));
          const unshipped = rl.quantity - back;
          if (back > 0) {
            if (rl.restock) {
              const committed = await tx.reservation.findFirst({
                where: { orderLineId: line.id, status: 'committed' },
                orderBy: { createdAt: 'asc' },
              });
              if (committed) {
                // Restocked where the goods are now: the store that took them back, else where they left from.
                await adjust(tx, committed.skuId, opts.restockLocationId ?? committed.locationId, back, 'return', mv);
                touched.add(committed.skuId);
              }
            }
            await tx.orderLine.update({ where: { id: line.id }, data: { returnedQty: { increment: back } } });
            refundLines.push({ orderLineId: line.id, quantity: back });
          }
          if (unshipped > 0) {
            let left = unshipped;
            const active = await tx.reservation.findMany({
              where: { orderLineId: line.id, status: 'active' },
              orderBy: { createdAt: 'desc' },
            });
            for (const r of active) {
              const q = Math.min(left, r.quantity);
              if (q === 0) continue;
              if (await release(tx, r.skuId, r.locationId, q, { ...mv, reason: 'refunded before shipping' })) {
                await tx.reservation.update({
                  where: { id: r.id },
                  data: { quantity: { decrement: q }, ...(q === r.quantity ? { status: 'released' } : {}) },
                });
                touched.add(r.skuId);
                left -= q;
              }
            }
            // Mirror what the channel does (its quantity drops too), so a later order update agrees.
            await tx.orderLine.update({
              where: { id: line.id },
              data: {
                quantity: { decrement: Math.min(unshipped, line.quantity - line.fulfilledQty) },
                cancelledQty: { increment: unshipped },
              },
            });
          }
        }

        // A channel-reported restock puts the units back on sale on that channel by itself.
        if (!opts.byHub && input.lines.some((l) => l.restock) && touched.size) {
          await forgetChannelQuantity(tx, accountId, [...touched]);
        }
        // The selling channel did not see this return: it must record the refund (fulfilment.push).
        if (opts.byHub && refundLines.length) {
          await tx.outboxEvent.create({
            data: {
              createdAt: opts.now ?? systemClock.now(),
              kind: 'fulfilment.push',
              payload: {
                orderId: order.id,
                accountId,
                kind: 'refund',
                fulfilmentId: null,
                lines: refundLines,
                refund: refund ? { amount: refund.amount, currency: refund.currency } : null,
                pushId: randomUUID(),
              },
            },
          });
        }
        // The refund's credit note is issued by a job.
        if (refund) await announceDocumentsDue(tx, order.id, opts.now);
        const after = await tx.orderLine.findMany({ where: { orderId: order.id } });
        const shipped = after.reduce((a, l) => a + l.fulfilledQty, 0);
        const returned = after.reduce((a, l) => a + l.returnedQty, 0);
        let status = order.status;
        // All shipped units back -> returned; a partly shipped order can only be partly returned.
        const wanted: OrderStatus | null =
          returned === 0 ? null : returned >= shipped ? 'returned' : 'partially_returned';
        const target = wanted && !canTransition(status, wanted) ? 'partially_returned' : wanted;
        if (target && target !== status && canTransition(status, target)) {
          const rec = planTransition(
            status,
            target,
            { actor, reason: input.reason ?? 'returned' },
            opts.now ?? systemClock.now(),
          );
          await tx.orderEvent.create({
            data: { orderId: order.id, fromStatus: rec.from, toStatus: rec.to, actor, reason: rec.reason },
          });
          await tx.order.update({ where: { id: order.id }, data: { status: target } });
          status = target;
        }
        return { applied: true, orderId: order.id, status, touchedSkus: [...touched] };
      },
      { timeout: 30_000, maxWait: 30_000 },
    ),
  );
}
