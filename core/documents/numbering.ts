// Gap-free document numbers: one counter row per series ("INV-2026"), bumped with
// UPDATE … RETURNING inside the transaction that records the document. The row stays locked
// until that transaction ends, so concurrent issuers queue behind it, and a rollback takes the
// number back with it: 1, 2, 3 … with no gap and no duplicate. (A SEQUENCE would leave gaps.)
import type { Tx } from './order-state.ts';

export interface AllocatedNumber {
  series: string;
  seq: number;
  /** The printed number: INV-2026-000123. */
  number: string;
}

/** The series of a prefix in the year of the issue date (UTC). */
export function seriesKey(prefix: string, issuedAt: Date): string {
  return `${prefix}-${issuedAt.getUTCFullYear()}`;
}

export function formatNumber(series: string, seq: number): string {
  return `${series}-${String(seq).padStart(6, '0')}`;
}

export async function allocateNumber(tx: Tx, series: string): Promise<AllocatedNumber> {
  await tx.$executeRaw`INSERT INTO document_series (key, last_number) VALUES (${series}, 0) ON CONFLICT (key) DO NOTHING`;
  const rows = await tx.$queryRaw<{ last_number: number }[]>`
    UPDATE document_series SET last_number = last_number + 1 WHERE key = ${series} RETURNING last_number`;
  const seq = Number(rows[0]?.last_number);
  return { series, seq, number: formatNumber(series, seq) };
}
