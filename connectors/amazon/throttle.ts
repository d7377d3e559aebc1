// Token buckets for the SP-API usage plans when no shared limiter is present (a connector used
// outside the sync runtime: tests, the benchmark, the CLI). Inside the runtime,
// `account.acquire(op)` waits on the bucket all processes share (sync/rate/) and this is unused.
// Pure arithmetic over an injected clock: waits are virtual under a ManualClock.
import type { Clock } from '../../core/clock.ts';
import type { OperationLimit } from '../connector.ts';

export class LocalBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  /** Time spent waiting for tokens, in ms of the clock. */
  waitedMs = 0;

  constructor(private readonly clock: Clock) {}

  /** Waits until one token of `key`'s bucket is free, then takes it. */
  async take(key: string, limit: OperationLimit): Promise<void> {
    for (;;) {
      const now = this.clock.nowMs();
      const b = this.buckets.get(key) ?? { tokens: limit.burst, atMs: now };
      b.tokens = Math.min(limit.burst, b.tokens + ((now - b.atMs) / 1000) * limit.ratePerSecond);
      b.atMs = now;
      this.buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - b.tokens) / limit.ratePerSecond) * 1000);
      this.waitedMs += waitMs;
      await this.clock.sleep(waitMs);
    }
  }
}
