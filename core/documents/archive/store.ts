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

export interface DocumentStore {
  readonly name: StoreName;
  /** Writes the bytes of a new document; `tx` is the transaction that records it. Refuses an existing id. */
  put(tx: Tx, documentId: string, bytes: Uint8Array): Promise<void>;
  /** The stored bytes, or null when they are missing. */
  get(documentId: string): Promise<Uint8Array | null>;
}
