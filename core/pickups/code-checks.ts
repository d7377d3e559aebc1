// Customers' pickup codes are 6 characters from 31 (~887 million codes), but a store has
// many ready pickups at once, so unthrottled guessing at 20–60 tries/s would find one. Every
// place a code is checked (the staff page's "find by code", its hand-over, the REST collect)
// goes through `throttledCodeCheck`: failures are limited per session or API key and per
// store (attempt-throttle.ts), each one is an audit row (`pickup.code_failed`), and hitting
// a limit opens an exception staff and admins see (`pickup_codes_throttled`, one per store).
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { type AttemptLimits, beginAttempt } from './attempt-throttle.ts';

/**
 * 10 wrong codes per session (or API key) and 30 per store in 15 minutes. The store cap
 * bounds guessing to < 3,000 tries a day (with 100 ready pickups: < 1 in 2,900 to hit one
 * in a day); one session cannot reach it alone, so one attacker with one sign-in cannot
 * lock the counter out. Three can, for at most 15 minutes: a stated trade-off.
 */
export const DEFAULT_CODE_CHECK_LIMITS: AttemptLimits = { windowMs: 15 * 60_000, perKey: 10, perStore: 30 };

export const CODE_THROTTLE_EXCEPTION = 'pickup_codes_throttled';

export class PickupCodeThrottled extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly scope: 'key' | 'store',
  ) {
    super(`too many wrong pickup codes ${scope === 'key' ? 'from this session' : 'at this store'}: try again later`);
    this.name = 'PickupCodeThrottled';
  }
}

export interface CodeCheckSpec {
  storeId: string;
  /** Who checks: `session:<id>` for a staff page, `key:<id>` for an API key. */
  by: string;
  actor: string;
  orderId?: string;
  now: Date;
  limits?: AttemptLimits;
}

export type CodeCheckOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `check` unless this session or store is over its limit (then throws
 * PickupCodeThrottled without checking). `wrong` says whether the outcome was a wrong
 * code: only those count. The check's own result or error is passed through.
 */
export async function throttledCodeCheck<T>(
  prisma: PrismaClient,
  spec: CodeCheckSpec,
  check: () => Promise<T>,
  wrong: (outcome: CodeCheckOutcome<T>) => boolean,
): Promise<T> {
  const attempt = await beginAttempt(prisma, {
    kind: 'pickup.code',
    okAction: 'pickup.code_ok',
    storeId: spec.storeId,
    actor: spec.actor,
    by: { field: 'by', value: spec.by.slice(0, 80) },
    ...(spec.orderId ? { data: { orderId: spec.orderId } } : {}),
    now: spec.now,
    limits: spec.limits ?? DEFAULT_CODE_CHECK_LIMITS,
  });
  if (attempt.throttled) {
    await openThrottleException(prisma, spec, attempt.scope, attempt.retryAfterSeconds);
    throw new PickupCodeThrottled(attempt.retryAfterSeconds, attempt.scope);
  }
  let outcome: CodeCheckOutcome<T>;
  try {
    outcome = { ok: true, value: await check() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  await attempt.settle(!wrong(outcome));
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** One open exception per store while its code checks are throttled; repeats bump it. */
async function openThrottleException(prisma: PrismaClient, spec: CodeCheckSpec, scope: 'key' | 'store', after: number) {
  const store = await prisma.location.findUnique({ where: { id: spec.storeId }, select: { code: true, name: true } });
  const where = store ? `${store.name} (${store.code})` : spec.storeId;
  const who = scope === 'key' ? `one session or API key (${spec.by.split(':')[0]})` : 'the store as a whole';
  const message = `too many wrong pickup codes at ${where} from ${who}: code checks refused for up to ${Math.ceil(after / 60)} min`;
  const dedupeKey = `${CODE_THROTTLE_EXCEPTION}:${spec.storeId}`;
  await prisma.exceptionItem.upsert({
    where: { dedupeKey },
    create: {
      id: randomUUID(),
      kind: CODE_THROTTLE_EXCEPTION,
      dedupeKey,
      message,
      data: { storeId: spec.storeId, scope, by: spec.by.slice(0, 80) },
      createdAt: spec.now,
      updatedAt: spec.now,
    },
    update: {
      occurrences: { increment: 1 },
      message,
      data: { storeId: spec.storeId, scope, by: spec.by.slice(0, 80) },
      updatedAt: spec.now,
      resolvedAt: null,
      resolvedBy: null,
    },
  });
}
