// Runs the official EN 16931 validation artifacts (tests/fixtures/en16931/README.md) over XML
// e-invoices: the CII D16B XML schema with xmllint, then the CEN/TC 434 schematron (compiled
// to XSLT 2.0) and, for XRechnung, KoSIT's schematron with Saxon-HE (Debian libsaxonhe-java).
// One Saxon run per rule set validates a whole directory, so the stylesheet is compiled once.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'en16931');
const SAXON = process.env.SAXON_JAR ?? '/usr/share/java/Saxon-HE.jar';
export const CII_SCHEMA = join(FIXTURES, 'cii-d16b', 'CrossIndustryInvoice_100pD16B.xsd');
export const CEN_CII = join(FIXTURES, 'cen', 'EN16931-CII-validation.xslt');
export const XRECHNUNG_CII = join(FIXTURES, 'xrechnung', 'XRechnung-CII-validation.xsl');

export interface Assertion {
  id: string;
  flag: string;
  text: string;
}

export interface Verdict {
  schemaErrors: string[];
  /** Failed assertions flagged fatal, per rule set that was run. */
  fatal: Assertion[];
  warnings: Assertion[];
}

function failedAsserts(svrl: string): Assertion[] {
  const out: Assertion[] = [];
  for (const m of svrl.matchAll(/<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g)) {
    const attrs = m[1] ?? '';
    const id = /\bid="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const flag = /\bflag="([^"]*)"/.exec(attrs)?.[1] ?? 'fatal';
    const text = (/<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(m[2] ?? '')?.[1] ?? '').trim();
    out.push({ id, flag, text });
  }
  return out;
}

/** Validates each named XML against the schema and the given schematron stylesheets. */
export async function validateCii(
  documents: Record<string, Uint8Array | string>,
  stylesheets: (name: string) => string[],
): Promise<Record<string, Verdict>> {
  const dir = await mkdtemp(join(tmpdir(), 'omnihub-en16931-'));
  try {
    const names = Object.keys(documents);
    const verdicts: Record<string, Verdict> = {};
    const bySheet = new Map<string, string[]>();
    for (const name of names) {
      await writeFile(join(dir, `${name}.xml`), documents[name] as Uint8Array | string);
      verdicts[name] = { schemaErrors: [], fatal: [], warnings: [] };
      for (const sheet of stylesheets(name)) bySheet.set(sheet, [...(bySheet.get(sheet) ?? []), name]);
    }
    for (const name of names) {
      const file = join(dir, `${name}.xml`);
      try {
        await run('xmllint', ['--noout', '--schema', CII_SCHEMA, file]);
      } catch (e) {
        const lines = String((e as { stderr?: string }).stderr ?? e).split('\n');
        (verdicts[name] as Verdict).schemaErrors = lines.filter((l) => l.includes('error'));
      }
    }
    let n = 0;
    for (const [sheet, members] of bySheet) {
      const input = join(dir, `in-${n}`);
      const output = join(dir, `out-${n++}`);
      await mkdir(input);
      await mkdir(output);
      for (const name of members) await writeFile(join(input, `${name}.xml`), documents[name] as Uint8Array | string);
      await run('java', ['-cp', SAXON, 'net.sf.saxon.Transform', `-s:${input}`, `-o:${output}`, `-xsl:${sheet}`], {
        maxBuffer: 64 * 1024 * 1024,
      });
      for (const name of members) {
        const asserts = failedAsserts(await readFile(join(output, `${name}.xml`), 'utf8'));
        const v = verdicts[name] as Verdict;
        v.fatal.push(...asserts.filter((a) => a.flag === 'fatal' || a.flag === 'error'));
        v.warnings.push(...asserts.filter((a) => a.flag !== 'fatal' && a.flag !== 'error'));
      }
    }
    return verdicts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The factur-x.xml embedded in a Factur-X PDF, with poppler's pdfdetach. */
export async function embeddedFacturX(pdf: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'omnihub-fx-'));
  try {
    await writeFile(join(dir, 'doc.pdf'), pdf);
    const { stdout } = await run('pdfdetach', ['-list', join(dir, 'doc.pdf')]);
    if (!/\bfactur-x\.xml\b/.test(stdout)) throw new Error(`no factur-x.xml embedded: ${stdout}`);
    const index = /(\d+): factur-x\.xml/.exec(stdout)?.[1] ?? '1';
    await run('pdfdetach', ['-save', index, '-o', join(dir, 'factur-x.xml'), join(dir, 'doc.pdf')]);
    return await readFile(join(dir, 'factur-x.xml'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
