// Replaying an exception gives what failed another go, once a person has dealt with the cause
// (mapped the SKU, upgraded the hub, fixed the channel): a failed inbox event gets its attempts
// back and is queued; an account whose credentials were refused is unflagged and its waiting
// events are queued. The exception stays open until the event is applied (markProcessed
// resolves it) — a replay that fails again shows as a further occurrence.
import { clearAuthRefused, AUTH_REFUSED } from '../accounts/auth-status.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { DOCUMENT_PUSH_ENTITY, DOCUMENT_PUSH_REFUSED, DOCUMENT_PUSH_REPLAYED } from '../documents/channel-upload.ts';
import { EVENT_FAILED } from '../inbox/failures.ts';

export type ReplayOutcome =
  /** Queued again: the result shows in the exception (resolved, or one more occurrence). */
  | 'queued'
  /** The event was applied meanwhile: the exception is resolved. */
  | 'already_applied'
  /** The event is no longer stored (its account was deleted). */
  | 'gone'
  /** This kind of exception has nothing to replay. */
  | 'not_replayable';

export const REPLAYABLE_KINDS: ReadonlySet<string> = new Set([EVENT_FAILED, AUTH_REFUSED, DOCUMENT_PUSH_REFUSED]);

interface ExceptionRow {
  id: string;
  kind: string;
  accountId: string | null;
  data: unknown;
}

export async function replayException(
  prisma: PrismaClient,
  ex: ExceptionRow,
  actor: string,
  now: Date,
): Promise<ReplayOutcome> {
  if (ex.kind === AUTH_REFUSED && ex.accountId) {
    await clearAuthRefused(prisma, ex.accountId, actor, now);
    return 'queued';
  }
  if (ex.kind === DOCUMENT_PUSH_REFUSED) return replayDocumentPush(prisma, ex, actor, now);
  if (ex.kind !== EVENT_FAILED) return 'not_replayable';
  const eventId = eventIdOf(ex.data);
  if (eventId === null) return 'gone';
  const queued = await prisma.$queryRaw<{ account_id: string }[]>`
    WITH e AS (
      UPDATE inbox_events SET attempts = 0, last_error = ${`replay requested by ${actor}`.slice(0, 2000)}
       WHERE id = ${eventId} AND processed_at IS NULL
      RETURNING account_id
    )
    INSERT INTO outbox_events (kind, payload)
    SELECT 'inbox.received', jsonb_build_object('accountId', account_id, 'count', 1) FROM e
    RETURNING payload->>'accountId' AS account_id`;
  if (queued.length) return 'queued';
  const processed = await prisma.inboxEvent.findUnique({ where: { id: eventId }, select: { processedAt: true } });
  if (!processed) return 'gone';
  await prisma.exceptionItem.updateMany({
    where: { id: ex.id, resolvedAt: null },
    data: { resolvedAt: now, resolvedBy: actor, updatedAt: now },
  });
  return 'already_applied';
}

function eventIdOf(data: unknown): bigint | null {
  const id = (data as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' && /^\d+$/.test(id) ? BigInt(id) : null;
}

/**
 * The replay is recorded (it outranks the refusal recorded before it: the audit log is only
 * appended to) and the document's outbox row written again, so that the synchronizer uploads
 * it once more; a success resolves the exception.
 */
async function replayDocumentPush(prisma: PrismaClient, ex: ExceptionRow, actor: string, now: Date) {
  const documentId = (ex.data as { documentId?: unknown } | null)?.documentId;
  if (typeof documentId !== 'string') return 'gone' as const;
  return prisma.$transaction(async (tx) => {
    const issued = await tx.outboxEvent.findFirst({
      where: { kind: 'document.issued', payload: { path: ['documentId'], equals: documentId } },
      orderBy: { id: 'desc' },
    });
    if (!issued) return 'gone' as const;
    await tx.auditLog.create({
      data: { actor, action: DOCUMENT_PUSH_REPLAYED, entity: DOCUMENT_PUSH_ENTITY, entityId: documentId, data: {} },
    });
    await tx.outboxEvent.create({
      data: { createdAt: now, kind: 'document.issued', payload: issued.payload as object },
    });
    return 'queued' as const;
  });
}
