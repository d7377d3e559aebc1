// The documents.issue job: issues the documents an order is now due (core/documents/due.ts).
// Safe to run any number of times for the same order — each document has its idempotency key —
// so a retried or duplicated job never numbers or archives a document twice.
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import type { DocumentStore } from '../core/documents/archive/store.ts';
import { issueDueDocuments } from '../core/documents/due.ts';
import type { Logger } from '../core/log.ts';

export interface DocumentsJobDeps {
  prisma: PrismaClient;
  store: DocumentStore;
  clock: Clock;
  logger: Logger;
}

export async function runDocumentsJob(deps: DocumentsJobDeps, orderId: string): Promise<void> {
  const run = await issueDueDocuments(deps, orderId);
  if (run.issued.length) deps.logger.info({ orderId, documents: run.issued }, 'documents issued');
  else if (run.skipped) deps.logger.debug({ orderId, reason: run.skipped }, 'documents not issued');
}
