// Shopify's calculated query cost and leaky bucket, simulated.
// Rules from shopify.dev "GraphQL Admin API rate limits": a call needs its *requested* cost
// in the bucket before it runs (else THROTTLED, nothing runs); it is charged its *actual*
// cost; the bucket refills at restoreRate points per second up to maximumAvailable; no single
// query may request more than 1,000 points (MAX_COST_EXCEEDED).
// Costs come from the document itself, priced by Shopify's published rules (../query-cost.ts):
// objects 1, scalars and enums 0, connections 2 + first x node cost, mutations 10.
import type { Clock } from '../../../core/clock.ts';
import { actualQueryCost, requestedQueryCost } from '../query-cost.ts';
import type { QueryCost, ThrottleStatus } from '../throttle.ts';

export { SINGLE_QUERY_LIMIT } from '../query-cost.ts';

export interface BucketConfig {
  /** Bucket size in points. */
  maximumAvailable: number;
  /** Points restored per second (Standard plan: 100 per shopify.dev rate limits page). */
  restoreRate: number;
}

export class Bucket {
  private available: number;
  private at: number;

  constructor(
    private cfg: BucketConfig,
    private readonly clock: Clock,
  ) {
    this.available = cfg.maximumAvailable;
    this.at = clock.nowMs();
  }

  configure(cfg: Partial<BucketConfig> & { currentlyAvailable?: number }): void {
    this.refill();
    this.cfg = { ...this.cfg, ...cfg };
    this.available = Math.min(this.cfg.maximumAvailable, cfg.currentlyAvailable ?? this.available);
  }

  private refill(): void {
    const now = this.clock.nowMs();
    this.available = Math.min(
      this.cfg.maximumAvailable,
      this.available + ((now - this.at) / 1000) * this.cfg.restoreRate,
    );
    this.at = now;
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.cfg.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.cfg.restoreRate,
    };
  }

  /** Tries to run a call: true when the requested cost fits (nothing is charged yet). */
  admits(requested: number): boolean {
    this.refill();
    return this.available >= requested;
  }

  charge(actual: number): void {
    this.refill();
    this.available = Math.max(0, this.available - actual);
  }

  cost(requested: number, actual: number | null): QueryCost {
    return { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: this.status() };
  }
}

/**
 * Requested and actual cost of a call, by Shopify's published rules over the document the
 * caller sent (../query-cost.ts, the same code the connector sizes its queries with).
 */
export function priceCall(document: string, variables: Record<string, unknown>) {
  return {
    requested: requestedQueryCost(document, variables),
    actual: (data: unknown) => actualQueryCost(document, variables, data),
  };
}
