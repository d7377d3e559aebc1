// `npm run bench:webhooks` scaled out: the load spread over N api processes adds up to the step
// (the correctness checks count every 2xx of every process), the ratios are paired within a
// round and marked against issue 15's goals, and flags that cannot run are refused with exit 2.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadResult } from './webhooks-bench-load.ts';
import { mergeLoads, scaleLines, scaleSummary, splitEvenly } from './webhooks-bench-scale.ts';

const part = (o: Partial<LoadResult>): LoadResult => ({
  rate: 0,
  sent: 0,
  ok: 0,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  errorCodes: {},
  durationSeconds: 2,
  p50ms: 0,
  p99ms: 0,
  ...o,
});

describe('bench:webhooks over several api processes', () => {
  it('splits connections, rate and burst into shares that add up to the whole', () => {
    expect(splitEvenly(32, 2)).toEqual([16, 16]);
    expect(splitEvenly(33, 2)).toEqual([17, 16]);
    expect(splitEvenly(0, 2)).toEqual([0, 0]);
    expect(splitEvenly(7, 1)).toEqual([7]);
  });

  it('adds every process’s deliveries, answers and errors into the step, with the worst latency', () => {
    const step = mergeLoads([
      part({
        sent: 300,
        ok: 290,
        non2xx: 1,
        errors: 2,
        timeouts: 1,
        errorCodes: { ECONNRESET: 2 },
        p50ms: 40,
        p99ms: 300,
      }),
      part({
        sent: 200,
        ok: 195,
        errors: 1,
        errorCodes: { ECONNRESET: 1, EPIPE: 1 },
        durationSeconds: 2.2,
        p99ms: 500,
      }),
    ]);
    expect(step).toMatchObject({ sent: 500, ok: 485, non2xx: 1, errors: 3, timeouts: 1, durationSeconds: 2.2 });
    expect(step.errorCodes).toEqual({ ECONNRESET: 3, EPIPE: 1 });
    expect(step).toMatchObject({ p50ms: 40, p99ms: 500 });
  });

  it('takes each ratio within its round and the median over rounds, marked against the goals', () => {
    const s = scaleSummary([
      { ceiling: 1000, accepted: { 1: 400, 2: 700 } }, // 40 %, 1.75×
      { ceiling: 2000, accepted: { 1: 1200, 2: 1800 } }, // 60 %, 1.5×
      { ceiling: 1000, accepted: { 1: 550, 2: 990 } }, // 55 %, 1.8×
    ]);
    expect(s.oneOfCeiling).toBeCloseTo(0.55);
    expect(s.twoOverOne).toBeCloseTo(1.75);
    expect(s).toMatchObject({ oneOfCeilingReached: true, twoOverOneReached: true });
    const missed = scaleSummary([{ ceiling: 1000, accepted: { 1: 499, 2: 780 } }]);
    expect(missed).toMatchObject({ oneOfCeilingReached: false, twoOverOneReached: false });
    expect(scaleLines(missed)).toEqual([
      'median round: 1 api process = 50 % of the ceiling (goal ≥ 50 %: goal NOT reached)',
      'median round: 2 api processes = 1.56× one (goal ≥ 1.6×: goal NOT reached)',
    ]);
  });

  it('has no ratio for what was not measured (PGlite: no ceiling, one process)', () => {
    const s = scaleSummary([{ ceiling: null, accepted: { 1: 400 } }]);
    expect(s).toEqual({ oneOfCeiling: null, twoOverOne: null, oneOfCeilingReached: null, twoOverOneReached: null });
    expect(scaleLines(s)).toEqual([]);
  });

  it.each([
    [['--db', 'pglite', '--api-processes', '2']],
    [['--api-processes', '0']],
    [['--api-processes', '1,5']],
    // A burst of 1 cannot be split over 2 api processes.
    [['--amount', '1']],
  ])('refuses %j with exit 2 and the usage, before touching a database', (args) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'webhooks-bench.ts'), ...args],
      {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, BENCH_DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--api-processes');
  });
});
