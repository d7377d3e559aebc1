// Amazon's usage plans as the simulator enforces them: a token bucket per (seller, operation),
// refilled continuously at the plan's rate up to its burst, on the simulator's clock. An empty
// bucket answers 429 QuotaExceeded and runs nothing.
import type { Clock } from '../../../core/clock.ts';
import type { OperationLimit } from '../../connector.ts';

export class UsagePlans {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly plans: Readonly<Record<string, OperationLimit>>,
  ) {}

  plan(operation: string): OperationLimit | undefined {
    return this.plans[operation];
  }

  /** Takes one token of (seller, operation); false when the bucket is empty. */
  take(sellerId: string, operation: string): boolean {
    const plan = this.plans[operation];
    if (!plan) return true;
    const now = this.clock.nowMs();
    const key = `${sellerId}|${operation}`;
    const b = this.buckets.get(key) ?? { tokens: plan.burst, atMs: now };
    b.tokens = Math.min(plan.burst, b.tokens + ((now - b.atMs) / 1000) * plan.ratePerSecond);
    b.atMs = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
