// The SKUs and locations an import file's rows name (column 1: SKU code, column 2: location id
// or code), looked up in two queries for the whole file: what both importers check rows against.
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { CsvRecord } from './csv.ts';

export interface RowRefs {
  /** The SKU id for a code, undefined when no SKU has it. */
  skuId(code: string): string | undefined;
  /** The location id for an id or a code, undefined when none matches. */
  locationId(ref: string): string | undefined;
}

export async function lookUpRowRefs(prisma: PrismaClient, records: CsvRecord[]): Promise<RowRefs> {
  const codes = [...new Set(records.map((r) => (r.fields[0] ?? '').trim()).filter(Boolean))];
  const locRefs = [...new Set(records.map((r) => (r.fields[1] ?? '').trim()).filter(Boolean))];
  const skus = codes.length
    ? await prisma.sku.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } })
    : [];
  const locations = locRefs.length
    ? await prisma.location.findMany({
        where: { OR: [{ id: { in: locRefs } }, { code: { in: locRefs } }] },
        select: { id: true, code: true },
      })
    : [];
  const skuByCode = new Map(skus.map((s) => [s.code, s.id]));
  const locByRef = new Map<string, string>();
  for (const l of locations) {
    locByRef.set(l.code, l.id);
    locByRef.set(l.id, l.id);
  }
  return { skuId: (code) => skuByCode.get(code), locationId: (ref) => locByRef.get(ref) };
}
