// The hash chain over a series: each record's hash covers the previous record's hash, its own
// place in the series and the SHA-256 of its bytes. Changing, removing or swapping any record
// breaks every link after it (verify.ts names the first).
import { createHash } from 'node:crypto';

export interface ChainRecord {
  id: string;
  orderId: string;
  kind: string;
  series: string;
  seq: number;
  number: string;
  refersToId: string | null;
  currency: string;
  total: bigint | number;
  size: number;
  sha256: string;
  prevHash: string | null;
  issuedAt: Date;
  /** E-invoice fields (added with e-invoices): hashed only when set, so older records recompute as before. */
  pdfProfile?: string | null;
  xmlFormat?: string | null;
  xmlSha256?: string | null;
  xmlSize?: number | null;
  einvoiceNote?: string | null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function recordHash(r: ChainRecord): string {
  const fields = [
    r.prevHash ?? '',
    r.series,
    String(r.seq),
    r.number,
    r.id,
    r.orderId,
    r.kind,
    r.refersToId ?? '',
    r.currency,
    String(r.total),
    String(r.size),
    r.sha256,
    r.issuedAt.toISOString(),
  ];
  const einvoice = [r.pdfProfile, r.xmlFormat, r.xmlSha256, r.xmlSize, r.einvoiceNote];
  if (einvoice.some((f) => f !== null && f !== undefined)) fields.push(...einvoice.map((f) => String(f ?? '')));
  // Length-prefixed, so that no two different field lists give the same text.
  return createHash('sha256')
    .update(fields.map((f) => `${f.length}:${f}`).join('|'))
    .digest('hex');
}
