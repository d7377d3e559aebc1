// The stores of one hub: new documents go to the directory when OMNIHUB_ARCHIVE_DIR is set,
// else to the database. Verify and downloads read each document from the store its row names,
// so documents written before a switch stay readable.
import type { PrismaClient } from '../../db/generated/prisma/client.ts';
import { databaseStore } from './database-store.ts';
import { directoryStore } from './directory-store.ts';
import type { DocumentStore, StoreName } from './store.ts';

export interface ArchiveStores {
  /** Where new documents are written. */
  active: DocumentStore;
  byName: Partial<Record<StoreName, DocumentStore>>;
}

export function archiveStores(prisma: PrismaClient, archiveDir: string | undefined): ArchiveStores {
  const database = databaseStore(prisma);
  const directory = archiveDir ? directoryStore(archiveDir) : undefined;
  return { active: directory ?? database, byName: { database, ...(directory ? { directory } : {}) } };
}
