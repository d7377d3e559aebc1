// A stateful fake of one eBay seller's APIs (OAuth, Sell Fulfillment, Sell Inventory, Trading
// ReviseInventoryStatus, Post-Order cancellation answers, Notification public keys) as a plain
// (Request) => Promise<Response>: msw forwards api.ebay.com to it in tests, the benchmark calls
// it in process, serve.ts puts it on a local port for the demo. Its notifications are signed
// with its own ECDSA key pair, whose public half its getPublicKey serves, so the connector's
// verification runs for real.
import { type Clock, systemClock } from '../../../core/clock.ts';
import { createHandler, type Faults, type SimStats, type SimulatorCredentials } from './app.ts';
import { NotificationSender } from './notifications.ts';
import { type CallLimits, DEFAULT_CALL_LIMITS, EbayState } from './state.ts';

export type { LineSpec, OrderSpec } from './state.ts';
export { EbayState } from './state.ts';

export interface EbaySimulatorOptions {
  clock?: Clock;
  sellerUsername?: string;
  credentials?: Partial<SimulatorCredentials>;
  /** Daily call limits per API (documented defaults). */
  callLimits?: Partial<CallLimits>;
  /** Whether the seller's token may read its limits (Developer Analytics getUserRateLimits); default true. */
  analytics?: boolean;
}

export interface EbaySimulator {
  readonly state: EbayState;
  readonly notifications: NotificationSender;
  readonly faults: Faults;
  readonly stats: SimStats;
  readonly credentials: SimulatorCredentials;
  readonly sellerUsername: string;
  /** Called after each getOrders page is answered (offset of that page): tests change orders mid-sweep. */
  readonly hooks: { afterGetOrders: ((offset: number) => void) | null };
  fetch(request: Request): Promise<Response>;
}

export const SIM_CREDENTIALS: SimulatorCredentials = {
  clientId: 'OmnihubS-sim-PRD-0123456789-abcdef01',
  clientSecret: 'PRD-sim-secret-0123456789',
  refreshToken: 'v^1.1#i^1#r^1#sim-refresh-token',
};

export function createEbaySimulator(options: EbaySimulatorOptions = {}): EbaySimulator {
  const clock = options.clock ?? systemClock;
  const sellerUsername = options.sellerUsername ?? 'omnihub_seller';
  const credentials = { ...SIM_CREDENTIALS, ...options.credentials };
  const state = new EbayState(clock, sellerUsername, { ...DEFAULT_CALL_LIMITS, ...options.callLimits });
  const notifications = new NotificationSender(state, clock);
  const handler = createHandler(state, notifications, credentials, clock, { analytics: options.analytics ?? true });
  return {
    state,
    notifications,
    faults: handler.faults,
    stats: handler.stats,
    credentials,
    sellerUsername,
    hooks: handler.hooks,
    fetch: handler.fetch,
  };
}
