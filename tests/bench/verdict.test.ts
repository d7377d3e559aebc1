// The benches' correctness verdict: a wrong figure must turn into exit code 1 and name itself.
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
});
