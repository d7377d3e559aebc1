// Assembles the Shopify ChannelConnector from the parts of this folder.
import type {
  AccountContext,
  ChannelConnector,
  InboundEvent,
  InterpretedEvent,
  ListingCandidate,
  HeldOrderVersions,
  StockJournal,
  StockRequest,
  StockUpdate,
} from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import { type Clock, systemClock } from '../../core/clock.ts';
import { type ClientStats, routeShop, ShopifyClient } from './client.ts';
import { accountTransport, type Transport } from '../transport.ts';
import { normaliseShopifyAccount } from './account-input.ts';
import { readConfig } from './config.ts';
import { createShopifyDoor } from './door.ts';
import { pushFulfilment } from './fulfilment.ts';
import { isHubRefund } from './refund.ts';
import { discoverListings } from './listings.ts';
import {
  mapGraphqlOrder,
  mapGraphqlRefund,
  mapRestOrder,
  mapRestRefund,
  provisionalRestOrder,
  restOrderNeedsFetch,
} from './mapping.ts';
import {
  FETCH_ORDERS_MAX,
  ORDER_SNAPSHOT_TOPIC,
  REFUND_SNAPSHOT_TOPIC,
  fetchOrder,
  fetchOrders,
  pollOrders,
} from './orders.ts';
import { restOrderBody, restRefundBody } from './payload-shapes.ts';
import type { GqlOrder, GqlRefund } from './payloads.ts';
import { SHOP_QUERY, OP } from './queries.ts';
import { pushStock, replayStock, STOCK_BATCH_SIZE } from './stock.ts';
import { listWebhooks, registerWebhooks } from './subscriptions.ts';
import { ORDER_TOPICS, REFUND_TOPIC, REFUSED_TOPICS } from './webhooks.ts';

export interface ShopifyConnectorOptions {
  /** Time source for pacing and retries (virtual in tests and the benchmark). */
  clock?: Clock;
  /**
   * Send this connector's Shopify traffic to an in-process handler (the simulator) instead of the
   * network or the account's endpointOverride (connectors/transport.ts).
   */
  transport?: Transport;
  /** Idempotency keys for @idempotent mutations; random UUIDs by default. */
  newIdempotencyKey?: () => string;
}

export interface ShopifyConnector extends ChannelConnector {
  /** Calls and cost points spent for an account since the connector was created. */
  clientStats(account: AccountContext): ClientStats;
}

export function createShopifyConnector(options: ShopifyConnectorOptions = {}): ShopifyConnector {
  const clock = options.clock ?? systemClock;
  const newKey = options.newIdempotencyKey ?? (() => crypto.randomUUID());
  const clients = new Map<string, { fingerprint: string; client: ShopifyClient }>();

  function clientFor(account: AccountContext): ShopifyClient {
    const cfg = readConfig(account);
    routeShop(cfg.shop, accountTransport(account, options.transport));
    const fingerprint = `${cfg.shop}|${cfg.accessToken}|${cfg.apiVersion}|${JSON.stringify(account.settings)}`;
    const cached = clients.get(account.id);
    if (cached && cached.fingerprint === fingerprint) return cached.client;
    // One client per account keeps one pacer per shop bucket across all jobs of this process.
    const client = new ShopifyClient(cfg, clock);
    clients.set(account.id, { fingerprint, client });
    return client;
  }

  function interpret(_account: AccountContext, event: InboundEvent): InterpretedEvent {
    const topic = event.topic;
    if ((ORDER_TOPICS as readonly string[]).includes(topic)) {
      const order = restOrderBody(event.payload);
      if (restOrderNeedsFetch(order)) {
        return {
          kind: 'fetch',
          externalOrderId: order.admin_graphql_api_id ?? `gid://shopify/Order/${String(order.id)}`,
          reason: 'webhook order body does not carry the delivery method (possible local pickup)',
          provisional: provisionalRestOrder(order),
        };
      }
      return { kind: 'order', draft: mapRestOrder(order) };
    }
    if (topic === ORDER_SNAPSHOT_TOPIC) return { kind: 'order', draft: mapGraphqlOrder(event.payload as GqlOrder) };
    if (topic === REFUND_TOPIC || topic === REFUND_SNAPSHOT_TOPIC) {
      const mapped =
        topic === REFUND_TOPIC
          ? mapRestRefund(restRefundBody(event.payload))
          : mapGraphqlRefund(event.payload as GqlRefund, (event.payload as GqlRefund).order?.id ?? '');
      if (isHubRefund(mapped.draft.reason)) {
        // The hub made this refund (refund.ts) for a return it already recorded and restocked.
        return { kind: 'ignored', reason: 'refund created by the hub for a return it already recorded' };
      }
      if (mapped.draft.lines.length === 0 && !mapped.draft.refund) {
        // Nothing moves and no money is stated; the payment status arrives with orders/updated.
        return { kind: 'ignored', reason: 'refund without line items or amount' };
      }
      return { kind: 'return', externalOrderId: mapped.externalOrderId, draft: mapped.draft };
    }
    const why = REFUSED_TOPICS[topic];
    if (why) return { kind: 'ignored', reason: `topic ${topic} is not acted on: ${why}` };
    return { kind: 'ignored', reason: `topic ${topic} is not handled by the Shopify connector` };
  }

  return {
    ...createShopifyDoor(),
    limits: {
      stockBatchSize: STOCK_BATCH_SIZE,
      rateLimitModel: 'query-cost',
      ordersNeedPolling: false,
      pollIntervalSeconds: 300,
      supportsPickup: true,
      fetchOrdersMax: FETCH_ORDERS_MAX,
    },

    async pollOrders(account: AccountContext, cursor: unknown | null, now: Date, held?: HeldOrderVersions) {
      return pollOrders(clientFor(account), cursor, now, held);
    },

    async fetchOrder(account: AccountContext, externalOrderId: string) {
      return fetchOrder(clientFor(account), externalOrderId);
    },

    async fetchOrders(account: AccountContext, externalOrderIds: string[]) {
      return fetchOrders(clientFor(account), externalOrderIds);
    },

    interpret,

    async pushStock(account: AccountContext, updates: StockUpdate[], journal?: StockJournal) {
      return pushStock({ client: clientFor(account), newKey }, updates, journal);
    },

    async replayStock(account: AccountContext, updates: StockUpdate[], requests: StockRequest[]) {
      return replayStock({ client: clientFor(account), newKey }, updates, requests);
    },

    async pushFulfilment(account, push) {
      return pushFulfilment(clientFor(account), push);
    },

    discoverListings(account: AccountContext): AsyncIterable<ListingCandidate> {
      return discoverListings(clientFor(account));
    },

    async testConnection(account: AccountContext) {
      try {
        const data = await clientFor(account).request<{
          shop: { name: string; myshopifyDomain: string; currencyCode: string };
        }>(OP.shop, SHOP_QUERY, {}, { retrySafe: true });
        return { ok: true, detail: `${data.shop.name} (${data.shop.myshopifyDomain}, ${data.shop.currencyCode})` };
      } catch (error) {
        return {
          ok: false,
          detail: error instanceof ConnectorError ? `${error.code}: ${error.message}` : String(error),
        };
      }
    },

    normaliseAccount: normaliseShopifyAccount,

    async registerWebhooks(account: AccountContext, callbackUrl: string) {
      return registerWebhooks(clientFor(account), callbackUrl);
    },

    async listWebhooks(account: AccountContext) {
      return listWebhooks(clientFor(account));
    },

    clientStats(account: AccountContext): ClientStats {
      return clientFor(account).stats;
    },
  };
}
