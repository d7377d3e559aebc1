// The documents.issue job: issues the documents an order is now due (core/documents/due.ts).
// Safe to run any number of times for the same order — each document has its idempotency key —
// so a retried or duplicated job never numbers or archives a document twice.
//
// Each finished run leaves its outcome in the audit log, stamped with the moment it started: a
// `documents.due` row dispatched before that moment has been served (the run read the order
// after the row's change committed). The runtime's sweep re-queues the rows no run served — a
// job lost between the dispatcher's commit and its enqueue — like lost channel pushes.
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import type { DocumentStore } from '../core/documents/archive/store.ts';
import { issueDueDocuments } from '../core/documents/due.ts';
import type { Logger } from '../core/log.ts';

/** audit_log.entity of a finished documents run; entity_id is the order. */
export const DOCUMENTS_RUN_ENTITY = 'documents_issue';

export interface DocumentsJobDeps {
  prisma: PrismaClient;
  store: DocumentStore;
  clock: Clock;
  logger: Logger;
}

export async function runDocumentsJob(deps: DocumentsJobDeps, orderId: string): Promise<void> {
  const startedAt = deps.clock.now();
  const run = await issueDueDocuments(deps, orderId);
  if (run.issued.length) deps.logger.info({ orderId, documents: run.issued }, 'documents issued');
  else if (run.skipped) deps.logger.debug({ orderId, reason: run.skipped }, 'documents not issued');
  await deps.prisma.auditLog.create({
    data: {
      actor: 'system:sync',
      action: run.skipped ? 'skipped' : 'checked',
      entity: DOCUMENTS_RUN_ENTITY,
      entityId: orderId,
      data: { issued: run.issued, skipped: run.skipped },
      createdAt: startedAt,
    },
  });
}
