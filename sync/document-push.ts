// `document.push`: hands an invoice or credit note the hub issued to the order's channel, when
// the channel keeps the seller's documents (Amazon's invoice upload). From the outbox row the
// issuing transaction wrote (core/documents/issue.ts). Each outcome is recorded once in the
// audit log — uploaded, not applicable, refused — so the sweep never sends it again; a refusal
// for good becomes an exception a person can see (and replay once the cause is fixed).
// A crash after the channel accepted the upload and before the record sends it again on the
// retry: the channel's API gives no way to look an upload up, so this is at least once.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ArchiveStores } from '../core/documents/archive/stores.ts';
import { returnOfCreditNoteKey } from '../core/documents/issue.ts';
import {
  DOCUMENT_PUSH_ENTITY,
  DOCUMENT_PUSH_OUTCOMES,
  DOCUMENT_PUSH_REFUSED,
  DOCUMENT_PUSH_REPLAYED,
  documentPushDedupeKey,
} from '../core/documents/channel-upload.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { ConnectorError } from '../connectors/connector.ts';
import { type AccountSource, openAccount, safeMessage } from './connectors.ts';

export const DocumentIssuedPayload = z.object({
  documentId: z.string().min(1),
  orderId: z.string().min(1),
  accountId: z.string().min(1),
  /** Integer minor units: the tax in the document (the channel's upload asks for it). */
  taxTotal: z.number().int(),
});
export type DocumentIssuedPayload = z.infer<typeof DocumentIssuedPayload>;

export type DocumentPushOutcome = 'pushed' | 'already_done' | 'not_applicable' | 'refused' | 'skipped';

export async function pushDocument(
  deps: AccountSource & { logger: Logger; clock: Clock; documentStores: ArchiveStores },
  p: DocumentIssuedPayload,
): Promise<DocumentPushOutcome> {
  const { prisma } = deps;
  // The latest of the outcomes and replays decides: a person's replay reopens a refusal.
  const last = await prisma.auditLog.findFirst({
    where: {
      entity: DOCUMENT_PUSH_ENTITY,
      entityId: p.documentId,
      action: { in: [...DOCUMENT_PUSH_OUTCOMES, DOCUMENT_PUSH_REPLAYED] },
    },
    orderBy: { id: 'desc' },
    select: { action: true },
  });
  if (last && last.action !== DOCUMENT_PUSH_REPLAYED) return 'already_done';
  const handle = await openAccount(deps, p.accountId);
  // A channel without document uploads: nothing to do, and nothing to record for each document.
  if (!handle?.connector.uploadDocument) return 'skipped';
  const doc = await prisma.document.findUnique({ where: { id: p.documentId }, include: { order: true } });
  // Only invoices and credit notes are the channel's business (not confirmations or delivery notes).
  if (!doc || (doc.kind !== 'invoice' && doc.kind !== 'credit_note')) return 'skipped';
  const bytes = await deps.documentStores.byName[doc.store as keyof ArchiveStores['byName']]?.get(doc.id);
  if (!bytes) throw new Error(`document ${doc.number} has no bytes in the ${doc.store} store`);
  const record = (action: string, data: Record<string, unknown>) =>
    prisma.auditLog.create({
      data: { actor: 'system:sync', action, entity: DOCUMENT_PUSH_ENTITY, entityId: doc.id, data: data as object },
    });
  try {
    const result = await handle.connector.uploadDocument(handle.account, {
      kind: doc.kind,
      number: doc.number,
      externalOrderId: doc.order.externalId,
      channelRef: (doc.order.channelRef as Record<string, unknown> | null) ?? null,
      currency: doc.currency,
      total: Number(doc.total),
      taxTotal: p.taxTotal,
      refundExternalId: await refundExternalId(deps, doc.idempotencyKey),
      pdf: bytes,
    });
    if (result.status === 'uploaded') {
      await record('document.pushed', { number: doc.number, reference: result.reference });
      // A refusal replayed by a person is settled by this upload.
      await prisma.exceptionItem.updateMany({
        where: { dedupeKey: documentPushDedupeKey(doc.id), resolvedAt: null },
        data: { resolvedAt: deps.clock.now(), resolvedBy: 'system:sync', updatedAt: deps.clock.now() },
      });
      return 'pushed';
    }
    await record('document.push_not_applicable', { number: doc.number, reason: result.reason });
    return 'not_applicable';
  } catch (e) {
    if (!(e instanceof ConnectorError) || e.retryable) throw e; // the queue retries with backoff
    const message = safeMessage(e, handle.account);
    await prisma.exceptionItem.upsert({
      where: { dedupeKey: documentPushDedupeKey(doc.id) },
      create: {
        id: randomUUID(),
        kind: DOCUMENT_PUSH_REFUSED,
        dedupeKey: documentPushDedupeKey(doc.id),
        accountId: p.accountId,
        orderId: doc.orderId,
        message: `the channel refused ${doc.kind === 'invoice' ? 'invoice' : 'credit note'} ${doc.number}: ${message}`,
        data: { documentId: doc.id },
      },
      update: { occurrences: { increment: 1 }, updatedAt: deps.clock.now() },
    });
    await record('document.push_refused', { number: doc.number, message });
    deps.logger.warn({ documentId: doc.id, error: message }, 'document upload refused by the channel');
    return 'refused';
  }
}

/** A credit note's refund as the channel knows it (the return's channel id), from its issuing key. */
async function refundExternalId(deps: AccountSource, key: string): Promise<string | null> {
  const returnId = returnOfCreditNoteKey(key);
  if (!returnId) return null;
  const ret = await deps.prisma.return.findUnique({ where: { id: returnId }, select: { externalId: true } });
  return ret?.externalId ?? null;
}
