// The one throttle for guessable secrets at a store: counter PINs at sign-in and customers'
// pickup codes at the counter. Attempts are rows of the audit log, so the limit holds across
// every hub process sharing the database and leaves a trail (audit rows of the store).
//
//   1. record the attempt (`<kind>_attempt`) BEFORE checking the secret — committed on its
//      own — then count the store's attempts and failures in the window, this one included.
//      Concurrent guesses each see the others (write, then count; never read-then-write),
//      so a burst cannot slip past the limit; at worst a burst refuses one too many.
//   2. over a limit: the row becomes `<kind>_throttled` (not counted) and nothing is checked;
//   3. otherwise the caller checks and settles: `<kind>_failed` (counted) or `<ok action>`.
//
// Rows in the window are read whole (the `by` key lives in `data`): a throttled store has at
// most perStore counted rows in a window, so the read stays small under attack.
import type { PrismaClient } from '../db/generated/prisma/client.ts';

export interface AttemptLimits {
  windowMs: number;
  /** Failed attempts allowed per store and per `by` key (address, session, API key) in the window. */
  perKey: number;
  /** Failed attempts allowed per store from all keys together. */
  perStore: number;
}

export interface AttemptSpec {
  /** `staff.signin` or `pickup.code`: the prefix of the audit actions. */
  kind: string;
  /** The audit action of a success (`staff.signin`, `pickup.code_ok`). */
  okAction: string;
  storeId: string;
  actor: string;
  /** The field of `data` that names who tries (`ip`, `session`) and its value. */
  by: { field: string; value: string };
  /** More context for the trail (the order, the address). */
  data?: Record<string, string>;
  now: Date;
  limits: AttemptLimits;
}

export type Attempt =
  | { throttled: true; retryAfterSeconds: number; scope: 'key' | 'store' }
  | { throttled: false; settle(ok: boolean): Promise<void> };

export async function beginAttempt(prisma: PrismaClient, spec: AttemptSpec): Promise<Attempt> {
  const { kind, limits, now } = spec;
  const attempt = await prisma.auditLog.create({
    data: {
      actor: spec.actor,
      action: `${kind}_attempt`,
      entity: 'location',
      entityId: spec.storeId,
      data: { ...spec.data, [spec.by.field]: spec.by.value },
      createdAt: now,
    },
    select: { id: true },
  });
  const since = new Date(now.getTime() - limits.windowMs);
  const counted = await prisma.auditLog.findMany({
    where: {
      entity: 'location',
      entityId: spec.storeId,
      action: { in: [`${kind}_attempt`, `${kind}_failed`] },
      createdAt: { gt: since },
    },
    select: { id: true, createdAt: true, data: true },
    orderBy: { createdAt: 'asc' },
  });
  const fromKey = counted.filter((r) => (r.data as Record<string, unknown> | null)?.[spec.by.field] === spec.by.value);
  const scope = fromKey.length > limits.perKey ? 'key' : counted.length > limits.perStore ? 'store' : null;
  if (scope) {
    await prisma.auditLog.update({ where: { id: attempt.id }, data: { action: `${kind}_throttled` } });
    // Allowed again once the oldest counted attempt leaves the window.
    const oldest = (scope === 'key' ? fromKey : counted)[0]?.createdAt ?? now;
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest.getTime() + limits.windowMs - now.getTime()) / 1000));
    return { throttled: true, retryAfterSeconds, scope };
  }
  return {
    throttled: false,
    async settle(ok) {
      await prisma.auditLog.update({
        where: { id: attempt.id },
        data: { action: ok ? spec.okAction : `${kind}_failed` },
      });
    },
  };
}
