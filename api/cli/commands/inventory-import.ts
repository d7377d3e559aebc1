// omnihub inventory import <csv>
import { basename } from 'node:path';
import { type CommandSpec, type ParsedArgs, UsageError } from '../args.ts';
import { applyImport, ImportFormatError, planImport, RowRefused } from '../../stock-import/plan.ts';
import type { Database } from '../../../core/db/database.ts';
import { type CliContext, EXIT, withDatabaseOrHub } from '../io.ts';
import { readImportFile, reportBadRows } from './import-file.ts';
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

export async function runInventoryImport(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const path = args.positionals[0] as string;
  const text = await readImportFile(path, inventoryImport.name);
  return withDatabaseOrHub(
    ctx,
    (db) => importDirect(ctx, args, path, text, db),
    async (hub) => {
      const r = await hub.call('POST', '/inventory/imports', {
        csv: text,
        name: basename(path),
        dryRun: args.options['dry-run'] === true,
      });
      if (r.status === 200) {
        ctx.stdout.write(
          r.body.applied
            ? `${path}: applied ${r.body.rows} row(s), ${r.body.changed} level(s) changed\n`
            : `${path}: ${r.body.rows} row(s) are valid; nothing was applied (--dry-run)\n`,
        );
        return EXIT.ok;
      }
      const error = r.body?.error as { message?: string; fields?: { message: string }[] } | undefined;
      if (r.status === 400) {
        const lines = (error?.fields ?? []).map((f) => f.message).filter((m) => /^line \d+: /.test(m));
        if (!lines.length) throw new UsageError(`${path}: ${error?.message ?? 'refused'}`, inventoryImport.name);
        return reportBadRows(
          ctx,
          path,
          lines.map((m) => {
            const at = m.indexOf(': ');
            return { line: Number(m.slice(5, at)), reason: m.slice(at + 2) };
          }),
          'applied',
        );
      }
      ctx.stderr.write(`${path}: the hub at ${hub.url} answered ${r.status}: ${error?.message ?? 'no detail'}\n`);
      return EXIT.failed;
    },
  );
}

async function importDirect(
  ctx: CliContext,
  args: ParsedArgs,
  path: string,
  text: string,
  db: Database,
): Promise<number> {
  let plan: Awaited<ReturnType<typeof planImport>>;
  try {
    plan = await planImport(db.prisma, text);
  } catch (e) {
    if (e instanceof ImportFormatError) throw new UsageError(`${path}: ${e.message}`, inventoryImport.name);
    throw e;
  }
  if (plan.errors.length) return reportBadRows(ctx, path, plan.errors, 'applied');
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
}
