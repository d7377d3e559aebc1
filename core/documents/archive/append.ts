// Archives a new document inside the transaction that numbered it: links it to the previous
// record of its series (whose counter row this transaction holds locked, so the previous
// record is settled), records the row, then writes the bytes to the store once.
import type { DocumentKind } from '../../db/generated/prisma/client.ts';
import type { Tx } from '../order-state.ts';
import { type ChainRecord, recordHash, sha256Hex } from './chain.ts';
import type { DocumentStore } from './store.ts';

export interface NewDocument {
  id: string;
  orderId: string;
  kind: DocumentKind;
  series: string;
  seq: number;
  number: string;
  idempotencyKey: string;
  refersToId: string | null;
  language: string;
  currency: string;
  total: number;
  issuedAt: Date;
  pdfProfile?: string | null;
  xmlFormat?: string | null;
  einvoiceNote?: string | null;
}

/** `xml`: the XML e-invoice archived beside the PDF (doc.xmlFormat names it). */
export async function appendToArchive(
  tx: Tx,
  store: DocumentStore,
  doc: NewDocument,
  bytes: Uint8Array,
  xml: Uint8Array | null = null,
) {
  const previous =
    doc.seq > 1
      ? await tx.document.findUnique({ where: { series_seq: { series: doc.series, seq: doc.seq - 1 } } })
      : null;
  const record: ChainRecord = {
    ...doc,
    size: bytes.length,
    sha256: sha256Hex(bytes),
    prevHash: previous?.recordHash ?? null,
    xmlSha256: xml ? sha256Hex(xml) : null,
    xmlSize: xml ? xml.length : null,
  };
  const row = await tx.document.create({
    data: {
      ...doc,
      total: BigInt(doc.total),
      store: store.name,
      size: record.size,
      sha256: record.sha256,
      prevHash: record.prevHash,
      xmlSha256: record.xmlSha256 ?? null,
      xmlSize: record.xmlSize ?? null,
      recordHash: recordHash(record),
    },
  });
  await store.put(tx, doc.id, bytes);
  if (xml) await store.put(tx, doc.id, xml, 'xml');
  return row;
}
