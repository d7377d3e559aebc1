// CI's closing line (.ci/summarize.mjs over vitest's JSON report): it counts tests, never
// files, and it fails CI for a file that could not run (an import error runs no test).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'omnihub-summarize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Status = 'passed' | 'failed' | 'skipped';
const file = (name: string, tests: Status[], message = '') => ({
  name: `/repo/tests/${name}`,
  status: tests.includes('failed') || message ? 'failed' : 'passed',
  message,
  assertionResults: tests.map((status, i) => ({ status, fullName: `${name} test ${i}` })),
});

function summarize(files: ReturnType<typeof file>[]) {
  const tests = files.flatMap((f) => f.assertionResults);
  const report = {
    numPassedTests: tests.filter((t) => t.status === 'passed').length,
    numFailedTests: tests.filter((t) => t.status === 'failed').length,
    numFailedTestSuites: files.filter((f) => f.status === 'failed').length,
    testResults: files,
  };
  const path = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(report));
  const r = spawnSync(process.execPath, ['.ci/summarize.mjs', path], { encoding: 'utf8' });
  return { status: r.status, line: r.stdout.trim().split('\n').at(-1), stderr: r.stderr };
}

describe('.ci/summarize.mjs', () => {
  it('counts failed tests, not the files that hold them', () => {
    const r = summarize([file('a.test.ts', ['passed', 'failed', 'failed']), file('b.test.ts', ['failed', 'passed'])]);
    expect(r).toMatchObject({ status: 1, line: '2 passed, 3 failed' });
  });

  it('fails CI for a file that could not run, listing it without counting it as a test', () => {
    const r = summarize([
      file('a.test.ts', ['passed', 'passed']),
      file('broken.test.ts', [], "Cannot find module './gone.ts'"),
    ]);
    expect(r.status).toBe(1);
    expect(r.line).toBe('2 passed, 0 failed, 1 file error(s)');
    expect(r.stderr).toContain("broken.test.ts (0 test(s) ran): Cannot find module './gone.ts'");
  });

  it('passes a clean run and fails one with a skipped test', () => {
    expect(summarize([file('a.test.ts', ['passed', 'passed'])])).toMatchObject({
      status: 0,
      line: '2 passed, 0 failed',
    });
    expect(summarize([file('a.test.ts', ['passed', 'skipped'])])).toMatchObject({
      status: 1,
      line: '1 passed, 0 failed, 1 skipped',
    });
  });
});
