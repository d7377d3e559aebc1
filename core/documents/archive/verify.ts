// Checks the whole archive: every series numbered 1..n without a gap (its counter agrees), each
// record's hash recomputes and links to the record before it, and each document's bytes are in
// its store with the SHA-256 recorded. Every problem names the record it was found at.
import type { PrismaClient } from '../../db/generated/prisma/client.ts';
import { recordHash, sha256Hex } from './chain.ts';
import type { DocumentStore, StoreName } from './store.ts';

export type ArchiveProblemKind =
  | 'missing_record'
  | 'record_altered'
  | 'chain_broken'
  | 'document_missing'
  | 'document_altered';

export interface ArchiveProblem {
  kind: ArchiveProblemKind;
  series: string;
  /** The record's position and number; for a missing record, the position that is empty. */
  seq: number;
  number: string | null;
  documentId: string | null;
  message: string;
}

export interface ArchiveReport {
  series: number;
  documents: number;
  problems: ArchiveProblem[];
}

export async function verifyArchive(
  prisma: PrismaClient,
  stores: Partial<Record<StoreName, DocumentStore>>,
): Promise<ArchiveReport> {
  const problems: ArchiveProblem[] = [];
  const counters = await prisma.documentSeries.findMany({ orderBy: { key: 'asc' } });
  let documents = 0;
  for (const counter of counters) {
    const rows = await prisma.document.findMany({ where: { series: counter.key }, orderBy: { seq: 'asc' } });
    documents += rows.length;
    let expected = 1;
    let prevHash: string | null = null;
    for (const row of rows) {
      const at = { series: counter.key, seq: row.seq, number: row.number, documentId: row.id };
      for (; expected < row.seq; expected++) {
        problems.push({
          kind: 'missing_record',
          ...at,
          seq: expected,
          number: null,
          documentId: null,
          message: `${counter.key}: record ${expected} is missing`,
        });
      }
      expected = row.seq + 1;
      if (recordHash(row) !== row.recordHash) {
        problems.push({
          kind: 'record_altered',
          ...at,
          message: `${row.number}: its record was altered (hash does not recompute)`,
        });
      }
      if (row.prevHash !== prevHash) {
        problems.push({
          kind: 'chain_broken',
          ...at,
          message: `${row.number}: does not link to the record before it (reordered, removed or altered)`,
        });
      }
      prevHash = row.recordHash;
      const store = stores[row.store as StoreName];
      const bytes = store ? await store.get(row.id) : null;
      if (!bytes) {
        problems.push({
          kind: 'document_missing',
          ...at,
          message: `${row.number}: document ${row.id} is missing from the ${row.store} store`,
        });
      } else if (sha256Hex(bytes) !== row.sha256 || bytes.length !== row.size) {
        problems.push({
          kind: 'document_altered',
          ...at,
          message: `${row.number}: document ${row.id} was altered (SHA-256 differs)`,
        });
      }
      if (row.xmlSha256) {
        const xml = store ? await store.get(row.id, 'xml') : null;
        if (!xml) {
          problems.push({
            kind: 'document_missing',
            ...at,
            message: `${row.number}: the e-invoice (${row.xmlFormat}) of ${row.id} is missing from the ${row.store} store`,
          });
        } else if (sha256Hex(xml) !== row.xmlSha256 || xml.length !== row.xmlSize) {
          problems.push({
            kind: 'document_altered',
            ...at,
            message: `${row.number}: the e-invoice (${row.xmlFormat}) of ${row.id} was altered (SHA-256 differs)`,
          });
        }
      }
    }
    // Records removed from the end of a series leave the counter ahead of them.
    for (; expected <= counter.lastNumber; expected++) {
      problems.push({
        kind: 'missing_record',
        series: counter.key,
        seq: expected,
        number: null,
        documentId: null,
        message: `${counter.key}: record ${expected} is missing`,
      });
    }
  }
  return { series: counters.length, documents, problems };
}
