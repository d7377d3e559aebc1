// Pacing against Shopify's cost-based leaky bucket (GraphQL Admin API rate limits).
// Every response carries extensions.cost.throttleStatus {maximumAvailable, currentlyAvailable,
// restoreRate}; a query runs only if the bucket holds its *requested* cost, then is charged
// its actual cost. Instead of firing and eating THROTTLED errors, the client asks the pacer
// how long to wait for the requested cost to be available, from the last status Shopify
// reported plus the restore rate since then, minus what calls in flight already took.
// One pacer per shop (the bucket is per app and store). Time comes from the injected Clock
// (core/clock.ts) so tests and the benchmark run on virtual time.
import type { Clock } from '../../core/clock.ts';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** Points in the bucket at `now`, refilled at restoreRate per second since the status was observed. */
export function availableAt(status: ThrottleStatus, observedAt: number, now: number): number {
  const refill = (Math.max(0, now - observedAt) / 1000) * status.restoreRate;
  return Math.min(status.maximumAvailable, status.currentlyAvailable + refill);
}

/** Milliseconds until `cost` points are available (0 when they already are). */
export function waitForCost(
  status: ThrottleStatus,
  observedAt: number,
  now: number,
  cost: number,
  reserved = 0,
): number {
  const have = availableAt(status, observedAt, now) - reserved;
  if (have >= cost) return 0;
  if (status.restoreRate <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(((cost - have) / status.restoreRate) * 1000);
}

/** Reads extensions.cost from a GraphQL response body, if it is there and well-formed. */
export function readCost(extensions: unknown): QueryCost | null {
  const cost = (extensions as { cost?: unknown } | null | undefined)?.cost as Record<string, unknown> | undefined;
  const t = cost?.throttleStatus as Record<string, unknown> | undefined;
  if (!cost || !t) return null;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const max = n(t.maximumAvailable);
  const cur = n(t.currentlyAvailable);
  const rate = n(t.restoreRate);
  const requested = n(cost.requestedQueryCost);
  if (max === null || cur === null || rate === null || requested === null) return null;
  return {
    requestedQueryCost: requested,
    actualQueryCost: n(cost.actualQueryCost),
    throttleStatus: { maximumAvailable: max, currentlyAvailable: cur, restoreRate: rate },
  };
}

export class CostPacer {
  private status: ThrottleStatus | null = null;
  private observedAt = 0;
  /** Requested points of calls sent but not answered yet (concurrent jobs for the same shop). */
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

  /** The last status Shopify reported, refilled to now; null before the first response. */
  snapshot(): ThrottleStatus | null {
    if (!this.status) return null;
    return { ...this.status, currentlyAvailable: availableAt(this.status, this.observedAt, this.clock.nowMs()) };
  }

  /** Waits until `cost` points are free, then books them until settle() is called. Returns the time waited. */
  async acquire(cost: number): Promise<number> {
    let waited = 0;
    for (;;) {
      const status = this.status;
      if (!status) break; // nothing known yet: Shopify will tell us on the first answer
      // A cost above the bucket size can never fit; let Shopify answer (MAX_COST_EXCEEDED).
      const need = Math.min(cost, status.maximumAvailable);
      if (this.inFlight > 0 && need > status.maximumAvailable - this.inFlight) {
        // Refill cannot make room that calls in flight hold: wait for one of them to answer.
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      const ms = waitForCost(status, this.observedAt, this.clock.nowMs(), need, this.inFlight);
      if (ms <= 0 || !Number.isFinite(ms)) break;
      await this.clock.sleep(ms);
      waited += ms;
    }
    this.inFlight += cost;
    return waited;
  }

  /** Releases a booking and records what Shopify reported with the answer (if anything). */
  settle(booked: number, cost: QueryCost | null): void {
    this.inFlight = Math.max(0, this.inFlight - booked);
    if (cost) this.observe(cost.throttleStatus);
    for (const wake of this.waiters.splice(0)) wake();
  }

  observe(status: ThrottleStatus): void {
    this.status = { ...status };
    this.observedAt = this.clock.nowMs();
  }

  /** After a THROTTLED answer: how long until the requested cost fits, per the status it carried. */
  delayAfterThrottle(requested: number): number {
    if (!this.status) return 1000;
    return Math.max(
      1,
      waitForCost(this.status, this.observedAt, this.clock.nowMs(), Math.min(requested, this.status.maximumAvailable)),
    );
  }
}
