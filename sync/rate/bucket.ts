// Channel rate limits shared by every process of the hub: one token bucket per
// (account, operation) with the rate and burst the connector declares for that operation
// (ConnectorLimits.operations), held where all processes see it — Redis when REDIS_URL is
// set (redis-store.ts, one Lua script), PostgreSQL otherwise (postgres-store.ts, one
// conditional upsert), memory for the embedded single process. A store only answers "take
// one token now, or how long until there is one"; waiting is the limiter's, on the hub's
// Clock, so tests and the benchmark wait in simulated time.
import type { Clock } from '../../core/clock.ts';
import { ConnectorError } from '../../connectors/connector.ts';

/** A vendor's limit for one operation: tokens refilled per second, and the bucket size. */
export interface RateSpec {
  ratePerSecond: number;
  burst: number;
}

export interface RateStore {
  /**
   * Takes `cost` tokens from the bucket `key` at `nowMs` (the hub's clock) if it holds them and
   * returns 0; otherwise takes nothing and returns the milliseconds until it would hold them.
   */
  take(key: string, spec: RateSpec, nowMs: number, cost: number): Promise<number>;
  close?(): Promise<void>;
}

/** A bucket's state: tokens at a time. A missing bucket is full. */
export interface BucketState {
  tokens: number;
  atMs: number;
}

/** Tokens at `nowMs`: refilled continuously since `atMs`, never above the burst (no refill backwards in time). */
export function refilled(state: BucketState | null, spec: RateSpec, nowMs: number): number {
  if (!state) return spec.burst;
  return Math.min(spec.burst, state.tokens + (Math.max(0, nowMs - state.atMs) * spec.ratePerSecond) / 1000);
}

/** Milliseconds until `cost` tokens are there (0 when they are). */
export function waitFor(have: number, spec: RateSpec, cost: number): number {
  if (have >= cost) return 0;
  return Math.max(1, Math.ceil(((cost - have) * 1000) / spec.ratePerSecond));
}

/** A usable spec (positive rate, burst at least 1), or null for "no limit declared". */
export function validSpec(spec: RateSpec | null | undefined): RateSpec | null {
  if (!spec || !(spec.ratePerSecond > 0) || !Number.isFinite(spec.ratePerSecond)) return null;
  return { ratePerSecond: spec.ratePerSecond, burst: Math.max(1, spec.burst) };
}

/** One process only (the embedded default on PGlite). */
export class MemoryRateStore implements RateStore {
  private readonly buckets = new Map<string, BucketState>();
  async take(key: string, spec: RateSpec, nowMs: number, cost: number): Promise<number> {
    const state = this.buckets.get(key) ?? null;
    const have = refilled(state, spec, nowMs);
    const wait = waitFor(have, spec, cost);
    if (wait === 0) this.buckets.set(key, { tokens: have - cost, atMs: Math.max(state?.atMs ?? nowMs, nowMs) });
    return wait;
  }
}

export class RateLimiter {
  constructor(
    private readonly store: RateStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Waits (on the clock) until the bucket of (account, operation) gives `cost` tokens, and
   * takes them. No spec: no limit declared, nothing to wait for. Returns the time waited.
   */
  async acquire(
    accountId: string,
    operation: string,
    spec: RateSpec | null | undefined,
    cost = 1,
    /** Longest total wait; beyond it a retryable ConnectorError('throttled') with retryAfterMs. */
    maxWaitMs?: number,
  ): Promise<number> {
    const s = validSpec(spec);
    if (!s) return 0;
    const need = Math.min(Math.max(cost, 0), s.burst); // more than the burst can never fit
    const key = `${accountId}|${operation}`;
    let waited = 0;
    for (;;) {
      const ms = await this.store.take(key, s, this.clock.nowMs(), need);
      if (ms <= 0) return waited;
      if (maxWaitMs !== undefined && waited + ms > maxWaitMs)
        throw new ConnectorError('throttled', `${operation}: the rate limit frees a call in ${ms} ms`, {
          retryable: true,
          retryAfterMs: ms,
        });
      // Another process may take the token we waited for: ask again after the wait.
      await this.clock.sleep(ms);
      waited += ms;
    }
  }

  close(): Promise<void> {
    return this.store.close?.() ?? Promise.resolve();
  }
}
