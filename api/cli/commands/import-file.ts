// What the CLI's file imports (inventory, bins) share: reading the file with an error that
// names it, and listing the bad rows (at most 50) with the promise that nothing was changed.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../args.ts';
import { type CliContext, EXIT } from '../io.ts';

const SHOW_ERRORS = 50;

export async function readImportFile(path: string, command: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, command);
  }
}

/** Prints the bad rows; `nothing` says what the import did not do ("applied", "changed"). Exit 2. */
export function reportBadRows(
  ctx: CliContext,
  path: string,
  errors: { line: number; reason: string }[],
  nothing: 'applied' | 'changed',
): number {
  ctx.stderr.write(`${path}: ${errors.length} bad row(s); nothing was ${nothing}:\n`);
  for (const e of errors.slice(0, SHOW_ERRORS)) ctx.stderr.write(`  line ${e.line}: ${e.reason}\n`);
  if (errors.length > SHOW_ERRORS) ctx.stderr.write(`  … and ${errors.length - SHOW_ERRORS} more\n`);
  ctx.stderr.write('Fix these rows and run the import again.\n');
  return EXIT.usage;
}
