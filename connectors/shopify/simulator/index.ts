// A stateful fake of one Shopify shop's Admin GraphQL API, as a plain
// (Request) => Promise<Response> handler: msw forwards to it in tests, the benchmark calls it
// in process, and serve.ts puts it on a local port for the demo. Merchant and buyer actions
// (place, edit, cancel, refund an order) change its state and, when a webhook target is set,
// send the signed webhooks Shopify would send.
import { type Clock, systemClock } from '../../../core/clock.ts';
import { createSimulatorApp, type Fault, type SimStats } from './app.ts';
import { Bucket, type BucketConfig } from './cost.ts';
import { restOrder, restRefund } from './serialize.ts';
import { type OrderInput, type SimOrder, type SimRefund, SimStore } from './state.ts';
import { WebhookEmitter } from './webhooks.ts';

export type { Delivery, SendOptions, WebhookTarget } from './webhooks.ts';
export type { OrderInput, SimOrder, SimStore } from './state.ts';

export interface SimulatorOptions {
  shop?: string;
  accessToken?: string;
  /** The app's API secret key: signs webhooks. */
  apiSecret?: string;
  currency?: string;
  /** API version stamped on webhooks (X-Shopify-API-Version). */
  apiVersion?: string;
  clock?: Clock;
  /** Cost bucket; defaults to 1,000 points restoring 100 per second. */
  bucket?: BucketConfig;
  /** Send orders/* and refunds/create webhooks on every change made through this facade or the API. */
  autoWebhooks?: boolean;
}

export interface ShopifySimulator {
  readonly shop: string;
  readonly accessToken: string;
  readonly apiSecret: string;
  readonly store: SimStore;
  readonly bucket: Bucket;
  readonly webhooks: WebhookEmitter;
  readonly stats: SimStats;
  /** The endpoint: give it any Request for https://{shop}/admin/api/{version}/graphql.json. */
  fetch(request: Request): Promise<Response>;
  faults: {
    /** The next `count` API calls fail with `status` (429 carries Retry-After) before running. */
    failNext(count: number, status?: Fault['status'], retryAfterSeconds?: number): void;
    /** The next `count` API calls run, then answer 502 as if the response was lost on the way back. */
    loseNextResponses(count: number): void;
    /** Added to every call (virtual time under a ManualClock). */
    latency(ms: number): void;
    clear(): void;
  };
  placeOrder(input: OrderInput): Promise<SimOrder>;
  removeUnits(orderId: string, lineItemId: string, quantity: number): Promise<SimOrder>;
  updateOrder(
    orderId: string,
    patch: { tags?: string[]; financialStatus?: string; email?: string | null },
  ): Promise<SimOrder>;
  cancelOrder(orderId: string, reason?: string, restock?: boolean): Promise<SimOrder>;
  refund(
    orderId: string,
    lines: { lineItemId: string; quantity: number; restockType: 'RETURN' | 'CANCEL' | 'NO_RESTOCK' }[],
    note?: string,
  ): Promise<SimRefund>;
  /** "available" at a location, or undefined when the item is not stocked there. */
  available(inventoryItemId: string, locationId: string): number | undefined;
  /** REST webhook body of an order as Shopify would send it now. */
  orderWebhookBody(orderId: string): unknown;
  /** REST refunds/create body of a refund. */
  refundWebhookBody(refundId: string): unknown;
}

export function createShopifySimulator(options: SimulatorOptions = {}): ShopifySimulator {
  const shop = options.shop ?? 'omnihub-sim.myshopify.com';
  const accessToken = options.accessToken ?? 'shpat_simulator';
  const apiSecret = options.apiSecret ?? 'simulator-secret';
  const clock = options.clock ?? systemClock;
  const store = new SimStore(shop, options.currency ?? 'USD', clock);
  const bucket = new Bucket(options.bucket ?? { maximumAvailable: 1000, restoreRate: 100 }, clock);
  const webhooks = new WebhookEmitter(shop, apiSecret, options.apiVersion ?? '2026-10', clock);
  const faults: Fault[] = [];
  const lostResponses = { count: 0 };
  const latency = { ms: 0 };
  const stats: SimStats = {
    requests: 0,
    byOperation: {},
    throttled: 0,
    faults: 0,
    unauthorized: 0,
    costPoints: 0,
    requestedPoints: 0,
    maxRequested: 0,
    lostResponses: 0,
  };
  const auto = options.autoWebhooks ?? false;
  const outbox: Promise<unknown>[] = [];

  const emit = async (topic: string, body: unknown) => {
    if (auto && webhooks.target) await webhooks.send(topic, body);
  };
  const emitOrder = (topic: string, order: SimOrder) => emit(topic, restOrder(store, order));

  const app = createSimulatorApp({
    store,
    bucket,
    clock,
    accessToken,
    faults,
    lostResponses,
    latency,
    stats,
    idempotency: new Map(),
    orderChanged: (orderId) => {
      const order = store.orders.get(orderId);
      // API mutations answer first; their webhooks follow, as on Shopify.
      if (order) outbox.push(emitOrder('orders/updated', order));
    },
    refundCreated: (orderId, refundId) => {
      const order = store.orders.get(orderId);
      const refund = store.refunds.get(refundId);
      if (order && refund) outbox.push(emit('refunds/create', restRefund(store, order, refund)));
    },
  });

  return {
    shop,
    accessToken,
    apiSecret,
    store,
    bucket,
    webhooks,
    stats,
    async fetch(request) {
      const res = await app.fetch(request);
      await Promise.all(outbox.splice(0));
      return res;
    },
    faults: {
      failNext(count, status = 503, retryAfterSeconds) {
        for (let i = 0; i < count; i++)
          faults.push({ status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
      },
      loseNextResponses(count) {
        lostResponses.count += count;
      },
      latency(ms) {
        latency.ms = ms;
      },
      clear() {
        faults.length = 0;
        lostResponses.count = 0;
        latency.ms = 0;
      },
    },
    async placeOrder(input) {
      const order = store.createOrder(input);
      await emitOrder('orders/create', order);
      return order;
    },
    async removeUnits(orderId, lineItemId, quantity) {
      const order = store.removeUnits(orderId, lineItemId, quantity);
      await emitOrder('orders/updated', order);
      return order;
    },
    async updateOrder(orderId, patch) {
      const order = store.updateOrder(orderId, patch);
      await emitOrder('orders/updated', order);
      return order;
    },
    async cancelOrder(orderId, reason, restock) {
      const before = new Set(store.refundsOf(orderId).map((r) => r.id));
      const order = store.cancel(orderId, reason, restock);
      for (const r of store.refundsOf(orderId))
        if (!before.has(r.id)) await emit('refunds/create', restRefund(store, order, r));
      await emitOrder('orders/cancelled', order);
      await emitOrder('orders/updated', order);
      return order;
    },
    async refund(orderId, lines, note) {
      const r = store.refund(orderId, lines, note ?? null);
      const order = store.mustOrder(orderId);
      await emit('refunds/create', restRefund(store, order, r));
      await emitOrder('orders/updated', order);
      return r;
    },
    available(inventoryItemId, locationId) {
      return store.levels.get(`${inventoryItemId}|${locationId}`);
    },
    orderWebhookBody(orderId) {
      return restOrder(store, store.mustOrder(orderId));
    },
    refundWebhookBody(refundId) {
      const refund = store.refunds.get(refundId);
      if (!refund) throw new Error(`no refund ${refundId}`);
      return restRefund(store, store.mustOrder(refund.orderId), refund);
    },
  };
}
