// Staff sign-in to one store with its counter PIN, throttled per store and per client
// address. The attempts are rows of the audit log, so the limit holds across every hub
// process sharing the database and leaves a trail of who tried what from where:
//   1. record the attempt (`staff.signin_attempt`) BEFORE checking the PIN, then count
//      the store's attempts and failures in the window including this one — concurrent
//      guesses each see the others, so a burst cannot slip past the limit;
//   2. over the limit: the attempt becomes `staff.signin_throttled` (not counted) and is
//      refused without running scrypt;
//   3. otherwise check the PIN; the row becomes `staff.signin` or `staff.signin_failed`.
import { systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
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
  const attempt = await prisma.auditLog.create({
    data: {
      actor: `staff@${ip}`,
      action: 'staff.signin_attempt',
      entity: 'location',
      entityId: store.id,
      data: { ip },
      createdAt: now,
    },
    select: { id: true },
  });
  const since = new Date(now.getTime() - limits.windowMs);
  const counted = await prisma.auditLog.findMany({
    where: {
      entity: 'location',
      entityId: store.id,
      action: { in: ['staff.signin_attempt', 'staff.signin_failed'] },
      createdAt: { gt: since },
    },
    select: { id: true, createdAt: true, data: true },
    orderBy: { createdAt: 'asc' },
  });
  const fromAddress = counted.filter((r) => (r.data as { ip?: string } | null)?.ip === ip);
  const over = fromAddress.length > limits.perAddress ? fromAddress : counted.length > limits.perStore ? counted : null;
  if (over) {
    await prisma.auditLog.update({ where: { id: attempt.id }, data: { action: 'staff.signin_throttled' } });
    // Allowed again once the oldest counted failure leaves the window.
    const oldest = over[0]?.createdAt ?? now;
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest.getTime() + limits.windowMs - now.getTime()) / 1000));
    return { ok: false, reason: 'rate_limited', retryAfterSeconds };
  }
  const ok = await verifyPin(input.pin, store.staffPinHash);
  await prisma.auditLog.update({
    where: { id: attempt.id },
    data: { action: ok ? 'staff.signin' : 'staff.signin_failed' },
  });
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
