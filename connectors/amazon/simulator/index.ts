// A stateful fake of the Selling Partner API for one application and its sellers, as a plain
// (Request) => Promise<Response> handler: msw forwards to it in tests (hosts api.amazon.com,
// sellingpartnerapi-<region>.amazon.com and the documents' S3 host), the benchmark calls it in
// process, serve.ts puts it on a local port for the demo. Built from Amazon's published models
// (README, "Simulator"); seller and buyer actions change its state as Amazon would.
import { type Clock, systemClock } from '../../../core/clock.ts';
import type { OperationLimit } from '../../connector.ts';
import { OPERATIONS } from '../operations.ts';
import type { SpFulfillmentStatus, SpOrder } from '../payloads.ts';
import { type AppDeps, createSimulatorApp, DOCUMENT_HOST, type Fault, type SimStats } from './app.ts';
import { EventBridgeSender } from './notifications.ts';
import { UsagePlans } from './rate.ts';
import { type OrderInput, type SimListing, SimSeller } from './state.ts';

export { ALREADY_FULFILLED, MARKETPLACES } from './state.ts';
export type { EventBridgeDelivery, EventBridgeSender } from './notifications.ts';
export type { OrderInput, SimListing, SimSeller } from './state.ts';
export { DOCUMENT_HOST };

export interface AmazonSimulatorOptions {
  clock?: Clock;
  /** The application's LWA client. */
  clientId?: string;
  clientSecret?: string;
  /** Default seller (more with addSeller). */
  sellerId?: string;
  refreshToken?: string;
  marketplaceIds?: string[];
  /** Usage plans; default the models' published ones (../operations.ts). */
  plans?: Readonly<Record<string, OperationLimit>>;
  /** How long a feed takes to process (default 90 s) and an accepted patch to apply (default 5 s). */
  feedProcessingMs?: number;
  patchApplyMs?: number;
}

export interface AmazonSimulator {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly seller: SimSeller;
  readonly stats: SimStats;
  /** ORDER_CHANGE through an EventBridge API destination (set `url` and `secret` to subscribe). */
  readonly notifications: EventBridgeSender;
  /** Posts ORDER_CHANGE for an order of any seller; null when nothing is subscribed. */
  notifyOrderChange(orderId: string, changeType?: 'OrderStatusChange' | 'BuyerRequestedChange'): Promise<number | null>;
  fetch(request: Request): Promise<Response>;
  addSeller(sellerId: string, refreshToken: string, marketplaceIds: string[]): SimSeller;
  addListing(input: Partial<SimListing> & { sku: string }): SimListing;
  placeOrder(input: OrderInput): SpOrder;
  setStatus(orderId: string, status: SpFulfillmentStatus): SpOrder;
  requestCancellation(orderId: string, reason?: string): SpOrder;
  cancelOrder(orderId: string, by?: 'BUYER' | 'MERCHANT' | 'AMAZON', reason?: string): SpOrder;
  shipByAmazon(orderId: string): SpOrder;
  /** Merchant-fulfilled quantity of a SKU as Amazon shows it now (queued patches applied when due). */
  quantity(sku: string): number | null;
  faults: {
    /** The next `count` SP-API calls fail with `status` before running (429: QuotaExceeded). */
    failNext(count: number, status?: Fault['status'], rateHeader?: boolean): void;
    /** The next `pass` SP-API calls run, then `count` fail with `status` (a quota running out mid-batch). */
    failAfter(pass: number, count: number, status?: Fault['status']): void;
    /** The next `count` SP-API calls (of `operation` only, when given) run, then answer 502: the answer is lost on the way back. */
    loseNextResponses(count: number, operation?: string): void;
    latency(ms: number): void;
    /** Every access token issued so far expires now. */
    expireTokens(): void;
    /** Whether throttled answers carry x-amzn-RateLimit-Limit (default true). */
    rateHeaderOn429(on: boolean): void;
    /** The next feed message for each SKU is rejected in the processing report. */
    rejectInNextFeed(skus: string[]): void;
    clear(): void;
  };
}

export function createAmazonSimulator(options: AmazonSimulatorOptions = {}): AmazonSimulator {
  const clock = options.clock ?? systemClock;
  const timing = { feedMs: options.feedProcessingMs ?? 90_000, patchMs: options.patchApplyMs ?? 5_000 };
  const stats: SimStats = {
    requests: 0,
    byOperation: {},
    throttled: 0,
    unauthorized: 0,
    tokensIssued: 0,
    lostResponses: 0,
    faults: 0,
  };
  const deps: AppDeps = {
    clock,
    sellers: new Map(),
    refreshTokens: new Map(),
    app: {
      clientId: options.clientId ?? 'amzn1.application-oa2-client.sim',
      clientSecret: options.clientSecret ?? 'sim-client-secret',
    },
    plans: new UsagePlans(clock, options.plans ?? OPERATIONS),
    accessTokens: new Map(),
    faults: [],
    lostResponses: { count: 0, operation: null },
    latency: { ms: 0 },
    rateHeaderOn429: { on: true },
    pageTokens: new Map(),
    stats,
  };
  const app = createSimulatorApp(deps);

  function addSeller(sellerId: string, refreshToken: string, marketplaceIds: string[]): SimSeller {
    const seller = new SimSeller(sellerId, marketplaceIds, clock, timing);
    deps.sellers.set(sellerId, seller);
    deps.refreshTokens.set(refreshToken, sellerId);
    return seller;
  }
  const seller = addSeller(
    options.sellerId ?? 'A3SIMSELLER01',
    options.refreshToken ?? 'Atzr|sim-refresh-token',
    options.marketplaceIds ?? ['ATVPDKIKX0DER'],
  );

  const notifications = new EventBridgeSender(clock, 'amzn1.sellerapps.app.sim');

  return {
    clientId: deps.app.clientId,
    clientSecret: deps.app.clientSecret,
    seller,
    stats,
    notifications,
    notifyOrderChange(orderId, changeType) {
      const owner = [...deps.sellers.values()].find((s) => s.orders.has(orderId)) ?? seller;
      return notifications.orderChange(owner.sellerId, owner.order(orderId), changeType);
    },
    fetch: async (request: Request) => {
      const url = new URL(request.url);
      // The documents' host serves only pre-signed document URLs.
      if (url.host === DOCUMENT_HOST && !url.pathname.startsWith('/documents/'))
        return new Response('Not Found', { status: 404 });
      return app.fetch(request);
    },
    addSeller,
    addListing: (input) => seller.addListing(input),
    placeOrder: (input) => seller.placeOrder(input),
    setStatus: (id, status) => seller.setStatus(id, status),
    requestCancellation: (id, reason) => seller.requestCancellation(id, reason),
    cancelOrder: (id, by, reason) => seller.cancelOrder(id, by, reason),
    shipByAmazon: (id) => seller.shipByAmazon(id),
    quantity: (sku) => {
      seller.settle();
      return seller.listings.get(sku)?.quantity ?? null;
    },
    faults: {
      failNext(count, status = 429, rateHeader) {
        for (let i = 0; i < count; i++) deps.faults.push({ status, rateHeader });
      },
      failAfter(pass, count, status = 429) {
        for (let i = 0; i < pass; i++) deps.faults.push(null);
        for (let i = 0; i < count; i++) deps.faults.push({ status });
      },
      loseNextResponses(count, operation) {
        deps.lostResponses.count += count;
        deps.lostResponses.operation = operation ?? null;
      },
      latency(ms) {
        deps.latency.ms = ms;
      },
      expireTokens() {
        for (const t of deps.accessTokens.values()) t.expiresAt = Math.min(t.expiresAt, clock.nowMs());
      },
      rateHeaderOn429(on) {
        deps.rateHeaderOn429.on = on;
      },
      rejectInNextFeed(skus) {
        for (const s of skus) seller.feedRejections.set(s, (seller.feedRejections.get(s) ?? 0) + 1);
      },
      clear() {
        deps.faults.length = 0;
        deps.lostResponses.count = 0;
        deps.lostResponses.operation = null;
        deps.latency.ms = 0;
        deps.rateHeaderOn429.on = true;
      },
    },
  };
}
