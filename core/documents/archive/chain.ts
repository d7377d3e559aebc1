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
  // Length-prefixed, so that no two different field lists give the same text.
  return createHash('sha256')
    .update(fields.map((f) => `${f.length}:${f}`).join('|'))
    .digest('hex');
}
