// Staff sign-in to one store with its counter PIN, throttled per store and per client
// address by the store's attempt throttle (attempt-throttle.ts: audit rows
// `staff.signin_attempt` → `staff.signin` | `staff.signin_failed` | `staff.signin_throttled`);
// a throttled attempt is refused without running scrypt.
import { systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { beginAttempt } from './attempt-throttle.ts';
import { verifyPin } from './pin.ts';

export interface SignInLimits {
  windowMs: number;
  /** Failed attempts allowed per store and client address in the window. */
  perAddress: number;
  /** Failed attempts allowed per store from all addresses together. */
  perStore: number;
}

/**
 * 5 per address and 10 per store per 15 minutes. The store-wide cap bounds online
 * guessing of a 6-digit PIN to < 1,000 tries a day (< 0.1 % of the space) whatever the
 * number of addresses; sessions already open keep working while a store is throttled.
 */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { windowMs: 15 * 60_000, perAddress: 5, perStore: 10 };

export interface StoreForSignIn {
  id: string;
  code: string;
  name: string;
  timezone: string;
  staffPinHash: string;
}

export type SignInResult =
  | { ok: true; store: StoreForSignIn }
  | { ok: false; reason: 'unknown_store' | 'wrong_pin' }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/** Stores where staff can sign in: pickup-enabled stores with a PIN set. */
export async function signInStores(prisma: PrismaClient) {
  return prisma.location.findMany({
    where: { kind: 'store', pickupEnabled: true, staffPinHash: { not: null } },
    select: { id: true, code: true, name: true },
    orderBy: { name: 'asc' },
  });
}

export async function signInWithPin(
  prisma: PrismaClient,
  input: { storeCode: string; pin: string; clientAddress: string; now?: Date; limits?: SignInLimits },
): Promise<SignInResult> {
  const limits = input.limits ?? DEFAULT_SIGN_IN_LIMITS;
  const now = input.now ?? systemClock.now();
  const store = await prisma.location.findUnique({
    where: { code: input.storeCode },
    select: { id: true, code: true, name: true, timezone: true, staffPinHash: true, kind: true, pickupEnabled: true },
  });
  if (store?.kind !== 'store' || !store.pickupEnabled || !store.staffPinHash) {
    return { ok: false, reason: 'unknown_store' };
  }
  const ip = input.clientAddress.slice(0, 64);
  const attempt = await beginAttempt(prisma, {
    kind: 'staff.signin',
    okAction: 'staff.signin',
    storeId: store.id,
    actor: `staff@${ip}`,
    by: { field: 'ip', value: ip },
    now,
    limits: { windowMs: limits.windowMs, perKey: limits.perAddress, perStore: limits.perStore },
  });
  if (attempt.throttled) return { ok: false, reason: 'rate_limited', retryAfterSeconds: attempt.retryAfterSeconds };
  const ok = await verifyPin(input.pin, store.staffPinHash);
  await attempt.settle(ok);
  if (!ok) return { ok: false, reason: 'wrong_pin' };
  return {
    ok: true,
    store: {
      id: store.id,
      code: store.code,
      name: store.name,
      timezone: store.timezone,
      staffPinHash: store.staffPinHash,
    },
  };
}
