// Stock moves shared by the order actions: release everything an order holds, and
// commit the reserved units of the lines that leave the building.
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/sql.ts';
import { commit } from '../inventory/ledger.ts';
import {
  activeReservations,
  announcePush,
  type LockedOrder,
  OrderActionError,
  orderNeeds,
  transition,
} from './action-kit.ts';
import { addCommitted, reconcileReservations } from './reservations.ts';

/** Releases every active reservation of the order (cancellation, refusal). */
export async function releaseAll(tx: Tx, order: LockedOrder, actor: string, reason: string) {
  const { needs, locationIds } = await orderNeeds(tx, order, () => 0);
  const active = await activeReservations(tx, order.id);
  await reconcileReservations(tx, needs, active, {
    orderId: order.id,
    actor,
    reference: `order:${order.accountId}:${order.externalId}:${reason}`,
    locationIds,
    newId: randomUUID,
  });
}

/**
 * Commits reserved units of the given lines (stock leaves the building) and counts them
 * fulfilled. Every unit must be reserved: shipping what the hub never held would make
 * the ledger lie, so it is refused.
 */
export async function commitLines(
  tx: Tx,
  order: LockedOrder,
  parcel: { orderLineId: string; quantity: number }[],
  actor: string,
  reference: string,
  locationId: string | null,
) {
  const active = await activeReservations(tx, order.id);
  for (const [i, p] of parcel.entries()) {
    let left = p.quantity;
    const rows = active.filter((r) => r.orderLineId === p.orderLineId && (!locationId || r.locationId === locationId));
    const held = rows.reduce((a, r) => a + r.quantity, 0);
    if (held < left) {
      throw new OrderActionError(
        'conflict',
        `only ${held} unit(s) of this line are reserved${locationId ? ' at that location' : ''}`,
        `lines.${i}.quantity`,
      );
    }
    for (const r of rows) {
      if (left === 0) break;
      const q = Math.min(left, r.quantity);
      if (q === 0) continue;
      if (!(await commit(tx, r.skuId, r.locationId, q, { orderId: order.id, actor, reference, reason: 'fulfilled' }))) {
        throw new OrderActionError('conflict', 'the reservation changed under this action; try again');
      }
      r.quantity -= q;
      left -= q;
      // Reservation stamps are on the database clock, like every reservation write (reservations.ts).
      await tx.$executeRaw`
        UPDATE reservations SET quantity = ${r.quantity}::int, updated_at = now(),
               status = CASE WHEN ${r.quantity}::int = 0 THEN 'released'::"ReservationStatus" ELSE status END
         WHERE id = ${r.id}`;
      await addCommitted(tx, { ...r, orderId: order.id }, q, randomUUID);
    }
    await tx.orderLine.update({ where: { id: p.orderLineId }, data: { fulfilledQty: { increment: p.quantity } } });
  }
}

/** Cancels an order under its lock: releases what it holds, records why, tells the channel. */
export async function cancelHeld(
  tx: Tx,
  order: LockedOrder,
  actor: string,
  reason: string | undefined,
  push: 'cancel' | 'cancel_request_approved' = 'cancel',
): Promise<void> {
  await releaseAll(tx, order, actor, reason ?? 'cancelled');
  await transition(tx, order, 'cancelled', { actor, reason });
  await announcePush(tx, order, push, null);
}

/**
 * Takes an order off hold: first tries again to reserve what it still needs. If stock is
 * still short the order stays held, now for stock (the units it did get stay reserved), and
 * the shortfall is returned; otherwise it goes back to where it was held from.
 */
export async function resumeHeld(
  tx: Tx,
  order: LockedOrder,
  actor: string,
  reason: string,
): Promise<{ shortUnits: number }> {
  const { needs, locationIds } = await orderNeeds(tx, order, (l) => l.quantity - l.fulfilledQty);
  const active = await activeReservations(tx, order.id);
  const { shortUnits } = await reconcileReservations(tx, needs, active, {
    orderId: order.id,
    actor,
    reference: `order:${order.accountId}:${order.externalId}`,
    locationIds,
    newId: randomUUID,
  });
  if (shortUnits > 0) {
    await tx.order.update({ where: { id: order.id }, data: { holdReason: 'insufficient_stock' } });
    order.holdReason = 'insufficient_stock';
    return { shortUnits };
  }
  const back = order.heldFrom && order.heldFrom !== 'captured' ? order.heldFrom : 'allocated';
  // An order the channel fulfils has nothing to allocate: it goes back to confirmed.
  const to = order.fulfilledByChannel ? 'confirmed' : back === 'confirmed' ? 'allocated' : back;
  await transition(tx, order, to, { actor, reason });
  return { shortUnits: 0 };
}

/**
 * The lines and quantities leaving in one parcel or hand-over: the requested ones, checked
 * against what is still open on each line, or everything still open when none are named.
 */
export async function leavingLines(
  tx: Tx,
  orderId: string,
  requested: { orderLineId: string; quantity: number }[] | undefined,
): Promise<{ orderLineId: string; quantity: number }[]> {
  const lines = await tx.orderLine.findMany({ where: { orderId } });
  const open = new Map(lines.map((l) => [l.id, l.quantity - l.fulfilledQty]));
  const leaving = requested?.length
    ? requested
    : lines.filter((l) => (open.get(l.id) ?? 0) > 0).map((l) => ({ orderLineId: l.id, quantity: open.get(l.id) ?? 0 }));
  leaving.forEach((p, i) => {
    const left = open.get(p.orderLineId);
    if (left === undefined)
      throw new OrderActionError('invalid_input', `unknown order line ${p.orderLineId}`, `lines.${i}.orderLineId`);
    if (!Number.isSafeInteger(p.quantity) || p.quantity <= 0 || p.quantity > left) {
      throw new OrderActionError('invalid_input', `quantity must be 1..${left} for this line`, `lines.${i}.quantity`);
    }
  });
  return leaving;
}
