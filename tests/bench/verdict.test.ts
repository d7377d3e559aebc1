// The benches' correctness verdict: a wrong figure must turn into exit code 1 and name itself.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EXIT_WRONG_FIGURE, Verdict } from './verdict.ts';

function run(build: (v: Verdict) => void): { code: number; lines: string[] } {
  const v = new Verdict();
  build(v);
  const lines: string[] = [];
  return { code: v.report((l) => lines.push(l)), lines };
}

describe('bench verdict', () => {
  it('passes when every figure holds', () => {
    const r = run((v) => v.zero('oversold', 0).equal('orders = buys', 12, 12).that('drained', true, 'yes'));
    expect(r.code).toBe(0);
    expect(r.lines.join('\n')).toContain('all 3 correctness checks hold');
  });

  it('fails with exit 1 and names each wrong figure with its value', () => {
    const r = run((v) => v.zero('oversold', 3).equal('orders = buys', 11, 12).zero('lost updates', 0));
    expect(r.code).toBe(EXIT_WRONG_FIGURE);
    const text = r.lines.join('\n');
    expect(text).toContain('2 of 3');
    expect(text).toContain('oversold: 3 (expected 0)');
    expect(text).toContain('orders = buys: 11 (expected 12)');
    expect(text).not.toContain('lost updates');
  });

  it('fails on a condition that does not hold', () => {
    expect(run((v) => v.that('queues drained', false, '4 jobs left')).code).toBe(EXIT_WRONG_FIGURE);
  });

  it('a failed verdict still exits 1 after the bench closes its embedded database (PGlite writes the exit code)', async () => {
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const child = await promisify(execFile)(tsx, ['tests/bench/verdict-pglite-child.ts']).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(child.stdout).toContain('FAIL: 1 of 1 correctness checks');
    expect((child as { code?: number }).code).toBe(EXIT_WRONG_FIGURE);
  }, 60_000);
});
