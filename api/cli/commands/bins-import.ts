// omnihub bins import <csv>: where each SKU is shelved at each location, from a file.
import { basename } from 'node:path';
import { applyBins, planBinsImport } from '../../stock-import/bins-plan.ts';
import { ImportFormatError } from '../../stock-import/plan.ts';
import { type CommandSpec, type ParsedArgs, UsageError } from '../args.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';
import { readImportFile, reportBadRows } from './import-file.ts';

export const binsImport: CommandSpec = {
  name: 'bins import',
  summary: 'Set the bins SKUs are shelved in from a CSV file: every row is checked first, then all are set, or none.',
  positionals: [{ name: 'csv', description: 'path of the file' }],
  options: { 'dry-run': { type: 'boolean', description: 'check the file and report, change nothing' } },
  notes: [
    'Columns (header line required): sku,location,bin\n' +
      '  sku       the SKU code\n' +
      '  location  a location id or code\n' +
      `  bin       where it is shelved there, e.g. A-03-2 (at most 32 characters; empty clears it)`,
    'Pick lists are grouped by bin. A bad row is reported with its line number and field, and nothing is changed (exit 2).',
  ],
  examples: ['omnihub bins import bins.csv', 'omnihub bins import --dry-run bins.csv'],
};

export async function runBinsImport(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const path = args.positionals[0] as string;
  const text = await readImportFile(path, binsImport.name);
  return withDatabase(ctx, async (db) => {
    let plan: Awaited<ReturnType<typeof planBinsImport>>;
    try {
      plan = await planBinsImport(db.prisma, text);
    } catch (e) {
      if (e instanceof ImportFormatError) throw new UsageError(`${path}: ${e.message}`, binsImport.name);
      throw e;
    }
    if (plan.errors.length) return reportBadRows(ctx, path, plan.errors, 'changed');
    if (args.options['dry-run']) {
      ctx.stdout.write(`${path}: ${plan.rows.length} row(s) are valid; nothing was changed (--dry-run)\n`);
      return EXIT.ok;
    }
    const changed = await applyBins(db.prisma, plan.rows, {
      actor: 'cli:bins-import',
      reference: `import:${basename(path)}`,
      now: ctx.clock.now(),
    });
    ctx.stdout.write(`${path}: ${plan.rows.length} row(s), ${changed} bin(s) changed\n`);
    return EXIT.ok;
  });
}
