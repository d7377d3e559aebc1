// omnihub inventory import <csv>
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type CommandSpec, type ParsedArgs, UsageError } from '../args.ts';
import { applyImport, ImportFormatError, planImport, RowRefused } from '../inventory-csv.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';
import { progress } from '../progress.ts';

export const inventoryImport: CommandSpec = {
  name: 'inventory import',
  summary: 'Set stock from a CSV file: every row is checked first, then all are applied in one transaction, or none.',
  positionals: [{ name: 'csv', description: 'path of the file' }],
  options: { 'dry-run': { type: 'boolean', description: 'check the file and report, change nothing' } },
  notes: [
    'Columns (header line required): sku,location,on_hand[,safety_stock]\n' +
      '  sku           the SKU code\n' +
      '  location      a location id or code\n' +
      '  on_hand       units counted on the shelf (whole number); recorded as a ledger movement\n' +
      '  safety_stock  units kept back from every channel (optional; empty = unchanged)',
    'A bad row is reported with its line number and nothing is applied (exit 2).',
  ],
  examples: ['omnihub inventory import stock.csv', 'omnihub inventory import --dry-run stock.csv'],
};

const SHOW_ERRORS = 50;

export async function runInventoryImport(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const path = args.positionals[0] as string;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      inventoryImport.name,
    );
  }
  return withDatabase(ctx, async (db) => {
    let plan: Awaited<ReturnType<typeof planImport>>;
    try {
      plan = await planImport(db.prisma, text);
    } catch (e) {
      if (e instanceof ImportFormatError) throw new UsageError(`${path}: ${e.message}`, inventoryImport.name);
      throw e;
    }
    if (plan.errors.length) {
      ctx.stderr.write(`${path}: ${plan.errors.length} bad row(s); nothing was applied:\n`);
      for (const e of plan.errors.slice(0, SHOW_ERRORS)) ctx.stderr.write(`  line ${e.line}: ${e.reason}\n`);
      if (plan.errors.length > SHOW_ERRORS) ctx.stderr.write(`  … and ${plan.errors.length - SHOW_ERRORS} more\n`);
      ctx.stderr.write('Fix these rows and run the import again.\n');
      return EXIT.usage;
    }
    if (args.options['dry-run']) {
      ctx.stdout.write(`${path}: ${plan.rows.length} row(s) are valid; nothing was applied (--dry-run)\n`);
      return EXIT.ok;
    }
    const bar = progress(ctx.stderr, `import ${basename(path)}`);
    const step = Math.max(1, Math.ceil(plan.rows.length / 20));
    try {
      const { changed } = await applyImport(db.prisma, plan.rows, {
        actor: 'cli:inventory-import',
        reference: `import:${basename(path)}`,
        onProgress: (done) => {
          if (ctx.stderr.isTTY || done % step === 0 || done === plan.rows.length) bar.update(done, plan.rows.length);
        },
      });
      bar.finish();
      ctx.stdout.write(`${path}: applied ${plan.rows.length} row(s), ${changed} level(s) changed\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof RowRefused) {
        ctx.stderr.write(`\n${path}: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
  });
}
