// Scaling the webhook door out for `npm run bench:webhooks`: how one step's load is spread over
// N api processes (one load generator per process, the connections, rate and burst split), how
// their results add up, and what the rounds say against issue 15's goals: one api process at
// ≥ 50 % of the raw single-row insert ceiling measured in the same round, two at ≥ 1.6× one.
// The goals are performance, not correctness: a missed goal is printed, never an exit code.
import type { LoadResult } from './webhooks-bench-load.ts';

export const GOAL_ONE_OF_CEILING = 0.5;
export const GOAL_TWO_OVER_ONE = 1.6;

/** `total` split into `parts` whole shares that differ by at most one and add up to it. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

/**
 * The step as one load: counts add up; its duration is the longest generator's; its latency
 * percentiles are the worst process's (a percentile of the whole cannot be rebuilt from parts).
 */
export function mergeLoads(parts: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => parts.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: LoadResult) => number) => Math.max(...parts.map(f));
  const errorCodes: Record<string, number> = {};
  for (const r of parts) {
    for (const [code, n] of Object.entries(r.errorCodes)) errorCodes[code] = (errorCodes[code] ?? 0) + n;
  }
  return {
    rate: sum((r) => r.rate),
    sent: sum((r) => r.sent),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    errorCodes,
    durationSeconds: max((r) => r.durationSeconds),
    p50ms: max((r) => r.p50ms),
    p99ms: max((r) => r.p99ms),
  };
}

/** One round: the ceiling (null on PGlite) and accepted/s at full speed by number of api processes. */
export interface ScaleRound {
  ceiling: number | null;
  accepted: Record<number, number>;
}

export interface ScaleSummary {
  /** Median over the rounds of 1 api process / the ceiling of its round; null when not measured. */
  oneOfCeiling: number | null;
  /** Median over the rounds of 2 api processes / 1 in the same round; null when not measured. */
  twoOverOne: number | null;
  oneOfCeilingReached: boolean | null;
  twoOverOneReached: boolean | null;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

export function scaleSummary(rounds: ScaleRound[]): ScaleSummary {
  const oneOfCeiling = median(
    rounds.flatMap((r) => (r.ceiling && r.accepted[1] !== undefined ? [r.accepted[1] / r.ceiling] : [])),
  );
  const twoOverOne = median(
    rounds.flatMap((r) =>
      r.accepted[1] && r.accepted[2] !== undefined ? [(r.accepted[2] as number) / r.accepted[1]] : [],
    ),
  );
  return {
    oneOfCeiling,
    twoOverOne,
    oneOfCeilingReached: oneOfCeiling === null ? null : oneOfCeiling >= GOAL_ONE_OF_CEILING,
    twoOverOneReached: twoOverOne === null ? null : twoOverOne >= GOAL_TWO_OVER_ONE,
  };
}

/** The summary's lines for the table's foot, each ratio marked against its goal. */
export function scaleLines(s: ScaleSummary): string[] {
  const mark = (reached: boolean | null) => (reached ? 'goal reached' : 'goal NOT reached');
  const lines: string[] = [];
  if (s.oneOfCeiling !== null) {
    lines.push(
      `median round: 1 api process = ${Math.round(s.oneOfCeiling * 100)} % of the ceiling ` +
        `(goal ≥ ${GOAL_ONE_OF_CEILING * 100} %: ${mark(s.oneOfCeilingReached)})`,
    );
  }
  if (s.twoOverOne !== null) {
    lines.push(
      `median round: 2 api processes = ${s.twoOverOne.toFixed(2)}× one ` +
        `(goal ≥ ${GOAL_TWO_OVER_ONE}×: ${mark(s.twoOverOneReached)})`,
    );
  }
  return lines;
}
