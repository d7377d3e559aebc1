// The archive in the database: bytes in document_blobs (bytea), written in the transaction that
// records the document; a second write of the same id hits the primary key, and a trigger
// refuses UPDATE and DELETE (see the documents_archive migration).
import type { PrismaClient } from '../../db/generated/prisma/client.ts';
import type { Tx } from '../order-state.ts';
import { type ArchiveFile, ArchiveOverwriteError, type DocumentStore, fileKey } from './store.ts';

export function databaseStore(prisma: PrismaClient): DocumentStore {
  return {
    name: 'database',
    async put(tx: Tx, documentId: string, bytes: Uint8Array, file: ArchiveFile = 'pdf') {
      const key = fileKey(documentId, file);
      const inserted = await tx.$executeRaw`
        INSERT INTO document_blobs (document_id, bytes) VALUES (${key}, ${Buffer.from(bytes)})
        ON CONFLICT (document_id) DO NOTHING`;
      if (inserted === 0) throw new ArchiveOverwriteError(documentId);
    },
    async get(documentId: string, file: ArchiveFile = 'pdf') {
      const row = await prisma.documentBlob.findUnique({ where: { documentId: fileKey(documentId, file) } });
      return row ? new Uint8Array(row.bytes) : null;
    },
  };
}
