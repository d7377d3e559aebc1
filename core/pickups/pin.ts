// The counter PIN staff use to sign in to one store's pickup pages. Only a scrypt hash
// is stored (`locations.staff_pin_hash`), in a self-describing format so that the cost
// can be raised later without invalidating existing PINs:
//   scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<hash, base64url>
// Setting a new PIN (or clearing it) changes the hash, which also ends every staff
// session of the store (their rows in staff_sessions end; sessions also carry a tag of the hash).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { systemClock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { endStoreSessions } from './staff-sessions.ts';

export type StorePinErrorCode = 'weak_pin' | 'not_found' | 'not_a_store';

export class StorePinError extends Error {
  constructor(
    readonly code: StorePinErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorePinError';
  }
}

export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;

/** scrypt N = 2^15, r = 8: 32 MiB and ~50-100 ms per check; attempts are rate-limited before it runs. */
const COST = { logN: 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/**
 * Why a PIN is refused, or null when it is acceptable: 6 to 12 digits, not one digit
 * repeated, not a straight run (123456, 987654).
 */
export function pinProblem(pin: string): string | null {
  if (!/^\d+$/.test(pin)) return 'a PIN is digits only';
  if (pin.length < PIN_MIN_DIGITS || pin.length > PIN_MAX_DIGITS) {
    return `a PIN has ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits`;
  }
  if (/^(\d)\1+$/.test(pin)) return 'a PIN cannot be one digit repeated';
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add((pin.charCodeAt(i) - pin.charCodeAt(i - 1) + 10) % 10);
  if (steps.size === 1 && (steps.has(1) || steps.has(9))) return 'a PIN cannot be a run of consecutive digits';
  return null;
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function derive(pin: string, salt: Uint8Array, logN: number, r: number, p: number, len: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(pin.normalize('NFKC'), salt, len, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(pin, salt, COST.logN, COST.r, COST.p, HASH_BYTES);
  return `scrypt$${COST.logN}$${COST.r}$${COST.p}$${b64url(salt)}$${b64url(hash)}`;
}

/** Constant-time check of `pin` against a stored hash; a malformed hash never matches. */
export async function verifyPin(pin: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every(Number.isSafeInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 4) {
    return false;
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || expected.length < 16) return false;
  const actual = await derive(pin, salt, logN, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * Sets (or, with `null`, clears) the counter PIN of a store location. Clearing it turns
 * staff sign-in off for the store. Either way every open staff session of the store ends.
 */
export async function setStorePin(
  prisma: PrismaClient,
  locationId: string,
  pin: string | null,
  opts: { actor?: string; now?: Date } = {},
): Promise<void> {
  if (pin !== null) {
    const problem = pinProblem(pin);
    if (problem) throw new StorePinError('weak_pin', problem);
  }
  const location = await prisma.location.findUnique({ where: { id: locationId }, select: { kind: true } });
  if (!location) throw new StorePinError('not_found', `location ${locationId} not found`);
  if (location.kind !== 'store') throw new StorePinError('not_a_store', `location ${locationId} is not a store`);
  const staffPinHash = pin === null ? null : await hashPin(pin);
  const now = opts.now ?? systemClock.now();
  await prisma.$transaction([
    prisma.location.update({ where: { id: locationId }, data: { staffPinHash } }),
    // Copied cookies of the old PIN's sessions stop working with the rows they name.
    endStoreSessions(prisma, locationId, now, 'pin_changed'),
    prisma.auditLog.create({
      data: {
        actor: opts.actor ?? 'system',
        action: pin === null ? 'staff.pin_cleared' : 'staff.pin_set',
        entity: 'location',
        entityId: locationId,
      },
    }),
  ]);
}
