// Staff sessions on the server side: one row per sign-in (one device). The signed cookie
// (api/staff/session.ts) only names its row, so a copied cookie stops working the moment
// the row ends: on sign-out (that device) or a PIN change (every device of the store).
// Times come from the caller's clock (core/clock.ts).
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/generated/prisma/client.ts';

type Db = Pick<PrismaClient, 'staffSession'>;

export type SessionEndReason = 'signed_out' | 'pin_changed';

/** Opens a session for one store; returns its id (random, 144 bits). */
export async function startStaffSession(
  prisma: Db,
  input: { locationId: string; staffName: string; now: Date; ttlMs: number },
): Promise<string> {
  const id = randomBytes(18).toString('base64url');
  await prisma.staffSession.create({
    data: {
      id,
      locationId: input.locationId,
      staffName: input.staffName,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.ttlMs),
    },
  });
  return id;
}

/** Whether the session is still open: not ended, not expired, and of this store. */
export async function isLiveSession(prisma: Db, id: string, locationId: string, now: Date): Promise<boolean> {
  const row = await prisma.staffSession.findUnique({
    where: { id },
    select: { locationId: true, expiresAt: true, endedAt: true },
  });
  return !!row && row.locationId === locationId && row.endedAt === null && row.expiresAt.getTime() > now.getTime();
}

/** Ends one session (sign-out). Ending an ended session changes nothing. */
export async function endStaffSession(prisma: Db, id: string, now: Date, why: SessionEndReason): Promise<void> {
  await prisma.staffSession.updateMany({ where: { id, endedAt: null }, data: { endedAt: now, endedWhy: why } });
}

/**
 * Ends every open session of a store (its PIN changed or was cleared). Not awaited here:
 * setStorePin runs it in the same transaction as the PIN change.
 */
export function endStoreSessions(prisma: Db, locationId: string, now: Date, why: SessionEndReason) {
  return prisma.staffSession.updateMany({
    where: { locationId, endedAt: null },
    data: { endedAt: now, endedWhy: why },
  });
}
