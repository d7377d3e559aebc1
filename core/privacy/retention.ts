// Personal-data retention: the buyer's personal data is erased (erase.ts) a set number of
// days after the order closed (nothing left to hand over: orders.closed_at, stamped by the
// hub's clock). Run by the daily maintenance job; the order and its money stay.
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { CLOSED_STATUSES } from '../order/state-machine.ts';
import { erasePerson } from './erase.ts';

export { DEFAULT_PERSONAL_DATA_RETENTION_DAYS } from './settings.ts';
export const RETENTION_ACTOR = 'system:retention';

/** Orders erased per query; the job loops until none is left. */
const BATCH = 200;

export async function applyRetention(
  prisma: PrismaClient,
  opts: { retentionDays: number; clock: Clock; personalKeys?: readonly string[] },
): Promise<{ erased: number }> {
  const cutoff = new Date(opts.clock.now().getTime() - opts.retentionDays * 86_400_000);
  let erased = 0;
  for (;;) {
    const due = await prisma.order.findMany({
      where: { closedAt: { lt: cutoff }, personalDataErasedAt: null, status: { in: [...CLOSED_STATUSES] } },
      select: { id: true },
      orderBy: { closedAt: 'asc' },
      take: BATCH,
    });
    for (const o of due) {
      await erasePerson(
        prisma,
        { orderId: o.id },
        {
          clock: opts.clock,
          actor: RETENTION_ACTOR,
          reason: `retention: ${opts.retentionDays} days after the order closed`,
          ...(opts.personalKeys ? { personalKeys: opts.personalKeys } : {}),
        },
      );
      erased++;
    }
    if (due.length < BATCH) return { erased };
  }
}
