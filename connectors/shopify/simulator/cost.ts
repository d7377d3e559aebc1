// Shopify's calculated query cost and leaky bucket, simulated.
// Rules from shopify.dev "GraphQL Admin API rate limits": a call needs its *requested* cost
// in the bucket before it runs (else THROTTLED, nothing runs); it is charged its *actual*
// cost; the bucket refills at restoreRate points per second up to maximumAvailable; no single
// query may request more than 1,000 points (MAX_COST_EXCEEDED).
// The per-operation costs below approximate Shopify's rule (objects 1 point, connections
// `first` x their node cost, mutations 10) for the documents in queries.ts; they are not
// Shopify's exact numbers, which the connector never hard-codes: it learns each operation's
// requestedQueryCost from the responses.
import type { Clock } from '../../../core/clock.ts';
import type { QueryCost, ThrottleStatus } from '../throttle.ts';

export const SINGLE_QUERY_LIMIT = 1000;

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

const MUTATION = 10;

/** Requested cost of an operation from its variables (the simulator does not parse documents). */
export function requestedCost(op: string, variables: Record<string, unknown>): number {
  const n = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  switch (op) {
    case 'ShopInfo':
      return 1;
    case 'OrdersUpdatedSince':
      return 2 + n(variables.first, 250);
    case 'OrderDetails':
      // per order: ~40 for the order's objects, 50 lines x 6, 10 fulfillment orders x 3, 5 refunds x (4 + 20 x 2)
      return Math.max(1, len(variables.ids)) * (40 + 300 + 30 + 220);
    case 'OrderLineItemsPage':
      return 2 + 100 * 6;
    case 'InventoryLevelsAtLocation':
      return 1 + Math.max(1, len(variables.ids)) * 3;
    case 'FulfillmentOrdersForOrder':
      return 1 + 20 * 4 + 5 * (4 + 50 * 2);
    case 'ProductVariantsPage':
      return 2 + n(variables.first, 25) * (3 + 10 * 3);
    default:
      return MUTATION;
  }
}
