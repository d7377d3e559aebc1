// Assembles the Amazon (Selling Partner API) ChannelConnector from the parts of this folder.
import { type Clock, systemClock } from '../../core/clock.ts';
import { OrderDraftSchema } from '../../core/order/schema.ts';
import type {
  AccountContext,
  ChannelConnector,
  HeldOrderVersions,
  InboundEvent,
  InterpretedEvent,
  StockUpdate,
} from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import { accountTransport, type Transport } from '../transport.ts';
import { AmazonClient, type AmazonCtx, type ClientStats, spCall } from './client.ts';
import { normaliseAmazonAccount, readConfig } from './config.ts';
import { createAmazonDoor } from './door.ts';
import { pushFulfilment } from './fulfilment.ts';
import { uploadInvoice } from './invoice-upload.ts';
import { discoverListings, normaliseChannelData } from './listings.ts';
import { requestAccessToken } from './lwa.ts';
import { mapOrder } from './mapping.ts';
import { OPERATIONS } from './operations.ts';
import { fetchOrder, ORDER_SNAPSHOT_TOPIC, pollOrders } from './orders.ts';
import type { SpOrder } from './payloads.ts';
import { checkStockSubmission, PATCH_APPLY_SECONDS, pushStock, STOCK_BATCH_SIZE } from './stock.ts';
import { LocalBuckets } from './throttle.ts';
import { changeTimeOf, ORDER_CHANGE_TOPIC, orderIdOf } from './webhooks.ts';

export interface AmazonConnectorOptions {
  /** Time source for pacing, the poll window and tokens (virtual in tests and the benchmark). */
  clock?: Clock;
  /** Send this connector's traffic to an in-process handler (the simulator): connectors/transport.ts. */
  transport?: Transport;
}

export interface AmazonConnector extends ChannelConnector {
  /** Calls spent since the connector was created (all accounts). */
  clientStats(): ClientStats;
}

export function createAmazonConnector(options: AmazonConnectorOptions = {}): AmazonConnector {
  const clock = options.clock ?? systemClock;
  const client = new AmazonClient(clock, new LocalBuckets(clock));

  function ctxFor(account: AccountContext): AmazonCtx {
    return {
      account,
      cfg: readConfig(account),
      transport: accountTransport(account, options.transport),
      client,
      clock,
    };
  }

  function interpret(_account: AccountContext, event: InboundEvent): InterpretedEvent {
    if (event.topic === ORDER_SNAPSHOT_TOPIC) {
      return { kind: 'order', draft: OrderDraftSchema.parse(mapOrder(event.payload as SpOrder)) };
    }
    if (event.topic === ORDER_CHANGE_TOPIC) {
      const id = orderIdOf(event.payload);
      if (!id) throw new Error('ORDER_CHANGE without Payload.OrderChangeNotification.AmazonOrderId');
      return {
        kind: 'fetch',
        externalOrderId: id,
        reason: 'ORDER_CHANGE is a pointer: the order is read with getOrder',
        changedAt: changeTimeOf(event.payload),
      };
    }
    return { kind: 'ignored', reason: `topic ${event.topic} is not handled by the Amazon connector` };
  }

  return {
    ...createAmazonDoor(),
    limits: {
      stockBatchSize: STOCK_BATCH_SIZE,
      rateLimitModel: 'requests',
      ordersNeedPolling: true,
      pointerTopics: [ORDER_CHANGE_TOPIC],
      // searchOrders restores one call every ~179 s; a sweep usually takes one call.
      pollIntervalSeconds: 180,
      supportsPickup: false,
      operations: OPERATIONS,
      // An ACCEPTED patch is recorded as confirmed but applied within minutes (README, "Stock").
      stockApplySeconds: PATCH_APPLY_SECONDS,
    },

    normaliseAccount: normaliseAmazonAccount,
    normaliseChannelData,

    pollOrders(account, cursor, now: Date, held?: HeldOrderVersions) {
      return pollOrders(ctxFor(account), cursor, now, held);
    },
    fetchOrder(account, externalOrderId) {
      return fetchOrder(ctxFor(account), externalOrderId);
    },
    // No fetchOrders: Amazon has no batch read, and a loop of getOrder answering as one lost
    // every order it had read when the quota ran out part-way (the full multi drill's Amazon
    // backlog never moved). Read one by one, each order read is stored as it arrives.
    interpret,
    pushStock(account, updates: StockUpdate[]) {
      return pushStock(ctxFor(account), updates);
    },
    checkStockSubmission(account, submissionId, submitted) {
      return checkStockSubmission(ctxFor(account), submissionId, submitted);
    },
    pushFulfilment(account, push) {
      return pushFulfilment(ctxFor(account), push);
    },
    uploadDocument(account, doc) {
      return uploadInvoice(ctxFor(account), doc);
    },
    discoverListings(account) {
      return discoverListings(ctxFor(account));
    },

    async refreshCredentials(account) {
      const ctx = ctxFor(account);
      client.forget(account.id);
      const token = await requestAccessToken(ctx.cfg, ctx.transport, clock.nowMs());
      // LWA does not rotate the refresh token: nothing to store, the access token stays in memory.
      return {
        stored: null,
        ephemeral: { accessToken: token.token },
        expiresAt: new Date(token.expiresAtMs).toISOString(),
      };
    },

    async testConnection(account) {
      try {
        const ctx = ctxFor(account);
        const marketplaceId = ctx.cfg.marketplaceIds[0];
        if (!marketplaceId) return { ok: false, detail: 'settings.marketplaceIds is empty' };
        const { body } = await spCall<{ numberOfResults: number }>(ctx, 'searchListingsItems', {
          method: 'GET',
          path: `/listings/2021-08-01/items/${encodeURIComponent(ctx.cfg.sellerId)}`,
          query: { marketplaceIds: [marketplaceId], pageSize: 1 },
        });
        return { ok: true, detail: `seller ${ctx.cfg.sellerId}: ${body.numberOfResults} listings in ${marketplaceId}` };
      } catch (error) {
        return {
          ok: false,
          detail: error instanceof ConnectorError ? `${error.code}: ${error.message}` : String(error),
        };
      }
    },

    clientStats: () => client.stats,
  };
}
