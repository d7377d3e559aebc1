// Where archived document bytes live: one interface, two stores (database-store.ts,
// directory-store.ts). A store writes a key once and refuses to overwrite it; the hash chain
// that proves nothing changed is kept with the document rows (chain.ts, verify.ts).
import type { Tx } from '../order-state.ts';

export type StoreName = 'database' | 'directory';

export class ArchiveOverwriteError extends Error {
  constructor(readonly documentId: string) {
    super(`document ${documentId} is already archived: a correction is a new document, never an overwrite`);
    this.name = 'ArchiveOverwriteError';
  }
}

/** The files of one document: its PDF, and the XML e-invoice beside it (XRechnung) when it has one. */
export type ArchiveFile = 'pdf' | 'xml';

export interface DocumentStore {
  readonly name: StoreName;
  /** Writes the bytes of a new document; `tx` is the transaction that records it. Refuses an existing id. */
  put(tx: Tx, documentId: string, bytes: Uint8Array, file?: ArchiveFile): Promise<void>;
  /** The stored bytes, or null when they are missing. */
  get(documentId: string, file?: ArchiveFile): Promise<Uint8Array | null>;
}

/** The key of a document's file: the id for its PDF (as before e-invoices), <id>.xml for the XML. */
export function fileKey(documentId: string, file: ArchiveFile = 'pdf'): string {
  return file === 'pdf' ? documentId : `${documentId}.${file}`;
}
