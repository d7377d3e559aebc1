// Assembles the eBay ChannelConnector from the parts of this folder.
import { type Clock, systemClock } from '../../core/clock.ts';
import type {
  AccountContext,
  ChannelConnector,
  HeldOrderVersions,
  InboundEvent,
  InterpretedEvent,
  ListingCandidate,
  RefreshedCredentials,
  StockUpdate,
} from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import { accountTransport, type Transport } from '../transport.ts';
import { ebayAccountIdentity, normaliseEbayAccount } from './account-input.ts';
import { type ClientStats, EbayClient, emptyStats, type TokenCache } from './client.ts';
import { readConfig, USER_SCOPES } from './config.ts';
import { pushFulfilment } from './fulfilment.ts';
import { GET_ORDERS_IDS_MAX, OP, operationLimits } from './limits.ts';
import { normaliseEbayChannelData } from './listing-data.ts';
import { discoverListings } from './listings.ts';
import { EbayMappingError, mapOrder } from './mapping.ts';
import { refreshUserToken } from './oauth.ts';
import { fetchOrder, fetchOrders, ORDER_SNAPSHOT_TOPIC, pollOrders } from './orders.ts';
import type { EbayNotification, EbayOrder, EbayOrderPage } from './payloads.ts';
import { createEbayDoor } from './door.ts';
import type { PublicKeys } from './public-keys.ts';
import { RevisionBudget } from './revisions.ts';
import { readCallLimits } from './quota.ts';
import { pushStock, STOCK_BATCH_SIZE } from './stock.ts';
import { NOTIFICATION_TOPIC_PREFIX } from './webhooks.ts';

export interface EbayConnectorOptions {
  /** Time source for token expiry, retries and the revision day (virtual in tests and the benchmark). */
  clock?: Clock;
  /** Send this connector's eBay traffic to an in-process handler (the simulator). */
  transport?: Transport;
}

export interface EbayConnector extends ChannelConnector {
  /** Calls per operation for an account since the connector was created. */
  clientStats(account: AccountContext): ClientStats;
  /** Revisions counted today for one eBay listing (`offer:<id>`, `item:<id>`, `sku:<sku>`). */
  revisionsUsed(account: AccountContext, listing: string): number;
  /** Public-key lookups and application tokens fetched. */
  readonly publicKeyStats: PublicKeys['stats'];
}

export function createEbayConnector(options: EbayConnectorOptions = {}): EbayConnector {
  const clock = options.clock ?? systemClock;
  const tokens: TokenCache = new Map();
  const stats = new Map<string, ClientStats>();
  const budgets = new Map<string, RevisionBudget>();
  const door = createEbayDoor({ clock, transport: options.transport });

  function clientFor(account: AccountContext): EbayClient {
    // One short-lived client per call (the account's token may have changed); stats per account.
    let kept = stats.get(account.id);
    if (!kept) {
      kept = emptyStats();
      stats.set(account.id, kept);
    }
    return new EbayClient(account, accountTransport(account, options.transport), clock, tokens, kept);
  }

  function budgetFor(account: AccountContext): RevisionBudget {
    let b = budgets.get(account.id);
    if (!b) {
      b = new RevisionBudget(readConfig(account).revisionReserve);
      budgets.set(account.id, b);
    }
    return b;
  }

  function interpret(_account: AccountContext, event: InboundEvent): InterpretedEvent {
    if (event.topic === ORDER_SNAPSHOT_TOPIC) return { kind: 'order', draft: mapOrder(event.payload as EbayOrder) };
    if (event.topic.startsWith(NOTIFICATION_TOPIC_PREFIX)) {
      const orderId = (event.payload as EbayNotification)?.notification?.data?.order as
        | { orderId?: unknown }
        | undefined;
      if (typeof orderId?.orderId !== 'string') {
        throw new EbayMappingError('notification.data.order.orderId', 'is missing');
      }
      return { kind: 'fetch', externalOrderId: orderId.orderId, reason: 'eBay notifications only point at the order' };
    }
    return { kind: 'ignored', reason: `topic ${event.topic} is not handled by the eBay connector` };
  }

  return {
    type: door.type,
    personalDataKeys: door.personalDataKeys,
    verifyWebhook: door.verifyWebhook,
    verifyAppWebhook: door.verifyAppWebhook,
    accountIdentity: door.accountIdentity,
    limits: {
      stockBatchSize: STOCK_BATCH_SIZE,
      rateLimitModel: 'requests',
      ordersNeedPolling: false,
      supportsPickup: false,
      operations: operationLimits(),
      fetchOrdersMax: GET_ORDERS_IDS_MAX,
    },

    normaliseAccount: normaliseEbayAccount,
    normaliseChannelData: normaliseEbayChannelData,

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

    async pushStock(account: AccountContext, updates: StockUpdate[]) {
      return pushStock({ client: clientFor(account), budget: budgetFor(account), clock }, updates);
    },

    async pushFulfilment(account, push) {
      return pushFulfilment(clientFor(account), clock, push);
    },

    discoverListings(account: AccountContext): AsyncIterable<ListingCandidate> {
      return discoverListings(clientFor(account));
    },

    async testConnection(account: AccountContext) {
      try {
        const client = clientFor(account);
        const res = await client.rest<EbayOrderPage>(OP.getOrders, 'fulfillment', '/order', {
          query: { limit: '1' },
          retrySafe: true,
        });
        const limits = await readCallLimits(client);
        const said = (op: keyof typeof limits) =>
          `${op} ${limits[op].limit}/day${limits[op].source === 'ebay' ? ` (eBay says, ${limits[op].remaining ?? '?'} left)` : ' (documented)'}`;
        return {
          ok: true,
          detail: `eBay seller ${ebayAccountIdentity(account) ?? '?'}: ${res?.body.total ?? 0} orders visible; ${said('getOrders')}, ${said('bulkUpdatePriceQuantity')}, ${said('ReviseInventoryStatus')}`,
        };
      } catch (error) {
        return {
          ok: false,
          detail: error instanceof ConnectorError ? `${error.code}: ${error.message}` : String(error),
        };
      }
    },

    async refreshCredentials(account: AccountContext): Promise<RefreshedCredentials | null> {
      const cfg = readConfig(account);
      const issued = await refreshUserToken(
        accountTransport(account, options.transport),
        cfg.host,
        cfg,
        cfg.refreshToken,
        USER_SCOPES,
        clock.nowMs(),
      );
      const expiresAt = new Date(issued.expiresAtMs).toISOString();
      // eBay does not rotate refresh tokens: the stored set stays; the access token lives in memory only.
      return {
        stored: null,
        ephemeral: { accessToken: issued.accessToken, accessTokenExpiresAt: expiresAt },
        expiresAt,
      };
    },

    clientStats(account: AccountContext): ClientStats {
      return clientFor(account).stats;
    },

    revisionsUsed(account: AccountContext, listing: string): number {
      return budgetFor(account).used(listing, clock.nowMs());
    },

    publicKeyStats: door.keys.stats,
  };
}
