// Stock import from CSV: `sku,location,on_hand[,safety_stock]`. Every row is checked
// before anything is written (SKU and location exist, whole numbers, no row twice, on hand
// not below what orders hold); then all rows are applied in ONE transaction through the
// ledger's setOnHand, so each change is a movement — all of them or none.
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { setOnHand } from '../../core/inventory/ledger.ts';
import { setSafetyStock } from '../../core/inventory/ledger.ts';
import { readCsvRecords } from './csv.ts';
import { lookUpRowRefs } from './row-refs.ts';

export const REQUIRED_COLUMNS = ['sku', 'location', 'on_hand'] as const;
export const OPTIONAL_COLUMNS = ['safety_stock'] as const;
const MAX_QTY = 100_000_000;

export interface ImportRow {
  line: number;
  skuId: string;
  skuCode: string;
  locationId: string;
  onHand: number;
  safetyStock: number | null;
}

export interface RowError {
  line: number;
  reason: string;
}

export class ImportFormatError extends Error {}

function quantity(text: string | undefined, column: string): number | string {
  const t = (text ?? '').trim();
  if (!/^\d+$/.test(t)) return `${column} must be a whole number ≥ 0 (got "${t}")`;
  const n = Number(t);
  return n > MAX_QTY ? `${column} must be at most ${MAX_QTY} (got ${t})` : n;
}

/** Reads and checks the whole file; `errors` lists every bad row, with its line number. */
export async function planImport(
  prisma: PrismaClient,
  text: string,
): Promise<{ rows: ImportRow[]; errors: RowError[] }> {
  const read = readCsvRecords(text);
  if ('error' in read) return { rows: [], errors: [read.error] };
  const records = read.records;
  const header = records.shift();
  const columns = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const expected = REQUIRED_COLUMNS.join(',');
  if (
    !header ||
    columns.length < 3 ||
    columns.length > 4 ||
    REQUIRED_COLUMNS.some((c, i) => columns[i] !== c) ||
    (columns.length === 4 && columns[3] !== 'safety_stock')
  ) {
    throw new ImportFormatError(
      `the first line must be the header "${expected}" or "${expected},safety_stock" (got "${header?.fields.join(',') ?? ''}")`,
    );
  }
  const width = columns.length;

  const refs = await lookUpRowRefs(prisma, records);

  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    const reasons: string[] = [];
    if (r.fields.length !== width) reasons.push(`expected ${width} columns, found ${r.fields.length}`);
    const code = (r.fields[0] ?? '').trim();
    const locRef = (r.fields[1] ?? '').trim();
    const skuId = code ? refs.skuId(code) : undefined;
    const locationId = locRef ? refs.locationId(locRef) : undefined;
    if (!code) reasons.push('sku is empty');
    else if (!skuId) reasons.push(`unknown SKU "${code}" (create it first: POST /api/v1/skus)`);
    if (!locRef) reasons.push('location is empty');
    else if (!locationId) reasons.push(`unknown location "${locRef}" (use a location id or code)`);
    const onHand = quantity(r.fields[2], 'on_hand');
    if (typeof onHand === 'string') reasons.push(onHand);
    let safety: number | string | null = null;
    if (width === 4 && (r.fields[3] ?? '').trim() !== '') safety = quantity(r.fields[3], 'safety_stock');
    if (typeof safety === 'string') reasons.push(safety);
    if (skuId && locationId) {
      const key = `${skuId}|${locationId}`;
      const first = seen.get(key);
      if (first !== undefined) reasons.push(`same SKU and location as line ${first}`);
      else seen.set(key, r.line);
    }
    if (reasons.length) {
      errors.push({ line: r.line, reason: reasons.join('; ') });
      continue;
    }
    rows.push({
      line: r.line,
      skuId: skuId as string,
      skuCode: code,
      locationId: locationId as string,
      onHand: onHand as number,
      safetyStock: safety as number | null,
    });
  }

  // A count below what orders hold would be refused by the ledger: say so now, per line.
  if (rows.length) {
    const levels = await prisma.inventoryLevel.findMany({
      where: { skuId: { in: [...new Set(rows.map((r) => r.skuId))] }, reserved: { gt: 0 } },
      select: { skuId: true, locationId: true, reserved: true },
    });
    const reserved = new Map(levels.map((l) => [`${l.skuId}|${l.locationId}`, l.reserved]));
    for (const r of rows) {
      const held = reserved.get(`${r.skuId}|${r.locationId}`) ?? 0;
      if (r.onHand < held)
        errors.push({
          line: r.line,
          reason: `on_hand ${r.onHand} is below the ${held} unit(s) reserved for orders there`,
        });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

/** Thrown inside the transaction when the ledger refuses a row (stock changed meanwhile): nothing is applied. */
export class RowRefused extends Error {
  constructor(readonly line: number) {
    super(
      `line ${line}: on hand would fall below what is reserved (stock changed since the check); nothing was applied`,
    );
  }
}

export async function applyImport(
  prisma: PrismaClient,
  rows: ImportRow[],
  opts: { actor: string; reference: string; onProgress?: (done: number) => void },
): Promise<{ changed: number }> {
  return prisma.$transaction(
    async (tx) => {
      let changed = 0;
      for (const [i, r] of rows.entries()) {
        const before = await tx.inventoryLevel.findUnique({
          where: { skuId_locationId: { skuId: r.skuId, locationId: r.locationId } },
        });
        const level = await setOnHand(tx, r.skuId, r.locationId, r.onHand, {
          actor: opts.actor,
          reference: `${opts.reference}:${r.line}`,
          reason: 'import',
        });
        if (!level) throw new RowRefused(r.line);
        if (r.safetyStock !== null) await setSafetyStock(tx, r.skuId, r.locationId, r.safetyStock);
        if ((before?.onHand ?? 0) !== r.onHand || (r.safetyStock !== null && before?.safetyStock !== r.safetyStock))
          changed++;
        opts.onProgress?.(i + 1);
      }
      return { changed };
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
}
