// An order recorded before its delivery method was known (the channel could not be read) is
// shipped from the account's locations provisionally, so its units are held where a shipment
// would take them. When it turns out to be a pickup, that stock is released first, so that
// ingesting the confirmed order reserves at the pickup store instead. Two transactions on
// purpose: should the second not happen, the order has no reservation and the next ingest of
// the confirmed order (its event is still pending) reserves it — the steps converge.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { withTxRetry } from '../db/retry.ts';
import { release } from '../inventory/ledger.ts';

/** Releases the active reservations of an order whose delivery method is unconfirmed; returns the SKUs touched. */
export async function releaseProvisionalStock(
  prisma: PrismaClient,
  accountId: string,
  externalId: string,
): Promise<string[]> {
  // The common case (the order is not provisional) costs one indexed read and no transaction.
  const candidate = await prisma.order.findFirst({
    where: { accountId, externalId, unconfirmed: { has: 'fulfilmentMethod' } },
    select: { id: true },
  });
  if (!candidate) return [];
  return withTxRetry(() =>
    prisma.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM orders WHERE id = ${candidate.id} AND 'fulfilmentMethod' = ANY(unconfirmed) FOR UPDATE`;
        if (!locked[0]) return [];
        const active = await tx.reservation.findMany({
          where: { orderId: candidate.id, status: 'active' },
          orderBy: [{ skuId: 'asc' }, { locationId: 'asc' }, { id: 'asc' }], // the ledger's lock order
        });
        const touched = new Set<string>();
        const mv = {
          orderId: candidate.id,
          actor: `channel:${accountId}`,
          reference: `order:${accountId}:${externalId}`,
          reason: 'delivery method confirmed: reserved again where the order is fulfilled',
        };
        for (const r of active) {
          if (r.quantity > 0 && !(await release(tx, r.skuId, r.locationId, r.quantity, mv))) {
            throw new Error(`reservation ${r.id} could not be released`);
          }
          touched.add(r.skuId);
        }
        if (active.length) {
          // Database clock, as in every reservation write.
          await tx.$executeRaw`
            UPDATE reservations SET quantity = 0, backordered = 0, status = 'released', updated_at = now()
             WHERE id = ANY(${active.map((r) => r.id)}::text[])`;
        }
        return [...touched];
      },
      { timeout: 30_000, maxWait: 30_000 },
    ),
  );
}
