// Bin import from CSV: `sku,location,bin` — where each SKU is shelved at a location, which
// pick lists group by. Every row is checked first (SKU and location exist, the bin fits the
// column, no SKU and location twice); then all bins are set in ONE transaction, or none. An
// empty bin clears it. A SKU with no stock record at the location gets one (nothing on hand),
// so bins can be set before the first count.
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { readCsvRecords } from './csv.ts';
import { lookUpRowRefs } from './row-refs.ts';
import { ImportFormatError, type RowError } from './plan.ts';

export const BIN_COLUMNS = ['sku', 'location', 'bin'] as const;
/** inventory_levels.bin is VARCHAR(32). */
export const MAX_BIN_LENGTH = 32;

export interface BinRow {
  line: number;
  skuId: string;
  locationId: string;
  /** Null clears the bin. */
  bin: string | null;
}

/** A bin's problem, or null when it can be stored: printable text of at most 32 characters. */
function binProblem(bin: string): string | null {
  if ([...bin].length > MAX_BIN_LENGTH) return `bin: at most ${MAX_BIN_LENGTH} characters (got ${[...bin].length})`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(bin)) return 'bin: control characters are not allowed';
  return null;
}

/** Reads and checks the whole file; `errors` lists every bad row with its line number and field. */
export async function planBinsImport(
  prisma: PrismaClient,
  text: string,
): Promise<{ rows: BinRow[]; errors: RowError[] }> {
  const read = readCsvRecords(text);
  if ('error' in read) return { rows: [], errors: [read.error] };
  const records = read.records;
  const header = records.shift();
  const columns = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  if (!header || columns.length !== BIN_COLUMNS.length || BIN_COLUMNS.some((c, i) => columns[i] !== c)) {
    throw new ImportFormatError(
      `the first line must be the header "${BIN_COLUMNS.join(',')}" (got "${header?.fields.join(',') ?? ''}")`,
    );
  }

  const refs = await lookUpRowRefs(prisma, records);

  const rows: BinRow[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    const reasons: string[] = [];
    if (r.fields.length !== BIN_COLUMNS.length) {
      reasons.push(`expected ${BIN_COLUMNS.length} columns, found ${r.fields.length}`);
    }
    const code = (r.fields[0] ?? '').trim();
    const locRef = (r.fields[1] ?? '').trim();
    const bin = (r.fields[2] ?? '').trim();
    const skuId = code ? refs.skuId(code) : undefined;
    const locationId = locRef ? refs.locationId(locRef) : undefined;
    if (!code) reasons.push('sku: empty');
    else if (!skuId) reasons.push(`sku: unknown SKU "${code}" (create it first: POST /api/v1/skus)`);
    if (!locRef) reasons.push('location: empty');
    else if (!locationId) reasons.push(`location: unknown location "${locRef}" (use a location id or code)`);
    const problem = binProblem(bin);
    if (problem) reasons.push(problem);
    if (skuId && locationId) {
      const key = `${skuId}|${locationId}`;
      const first = seen.get(key);
      if (first !== undefined) reasons.push(`sku, location: same SKU and location as line ${first}`);
      else seen.set(key, r.line);
    }
    if (reasons.length) errors.push({ line: r.line, reason: reasons.join('; ') });
    else rows.push({ line: r.line, skuId: skuId as string, locationId: locationId as string, bin: bin || null });
  }
  return { rows, errors };
}

/** Sets every row's bin in one transaction, with one audit entry; the count of bins that changed. */
export async function applyBins(
  prisma: PrismaClient,
  rows: readonly BinRow[],
  ctx: { actor: string; reference: string; now: Date },
): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      const before = await tx.inventoryLevel.findMany({
        where: { OR: rows.map((r) => ({ skuId: r.skuId, locationId: r.locationId })) },
        select: { skuId: true, locationId: true, bin: true },
      });
      const had = new Map(before.map((l) => [`${l.skuId}|${l.locationId}`, l.bin]));
      let changed = 0;
      for (const r of rows) {
        if ((had.get(`${r.skuId}|${r.locationId}`) ?? null) === r.bin) continue;
        await tx.inventoryLevel.upsert({
          where: { skuId_locationId: { skuId: r.skuId, locationId: r.locationId } },
          update: { bin: r.bin },
          create: { skuId: r.skuId, locationId: r.locationId, bin: r.bin },
        });
        changed++;
      }
      await tx.auditLog.create({
        data: {
          actor: ctx.actor,
          action: 'inventory.bins_imported',
          entity: 'bins_import',
          entityId: ctx.reference,
          data: { rows: rows.length, changed },
          createdAt: ctx.now,
        },
      });
      return changed;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
