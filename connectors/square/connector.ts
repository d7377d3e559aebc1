// Assembles the Square ChannelConnector from the parts of this folder. Square's notifications
// are the application's (verifyAppWebhook, routed by merchant id); everything they name is read
// back (orders.ts), and interpret() maps what was read.
import { type Clock, systemClock } from '../../core/clock.ts';
import type {
  AccountContext,
  ChannelConnector,
  HeldOrderVersions,
  InboundEvent,
  InterpretedEvent,
  ListingCandidate,
  StockUpdate,
} from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import { accountTransport, type Transport } from '../transport.ts';
import { normaliseSquareAccount } from './account-input.ts';
import { SquareClient, type SquareClientStats } from './client.ts';
import { readConfig } from './config.ts';
import { createSquareDoor } from './door.ts';
import { pushFulfilment } from './fulfilment.ts';
import { discoverListings } from './listings.ts';
import { mapOrder, storeCounts, storeReceipts, wholeQuantity } from './mapping.ts';
import { refreshCredentials } from './oauth.ts';
import {
  COUNTS_TOPIC,
  FETCH_ORDERS_MAX,
  ORDER_SNAPSHOT_TOPIC,
  fetchOrder,
  fetchOrders,
  inventoryPointerId,
  listLocations,
  pollOrders,
} from './orders.ts';
import type {
  SqAdjustment,
  SqEvent,
  SqInventoryCount,
  SqOrder,
  SqPayment,
  SqPaymentRefund,
  SqPhysicalCount,
} from './payloads.ts';
import { isReturnOrder, mapReturnOrder } from './returns.ts';
import { STOCK_BATCH_SIZE, pushStock } from './stock.ts';

export interface SquareConnectorOptions {
  clock?: Clock;
  /** Send this connector's Square traffic to an in-process handler (the simulator). */
  transport?: Transport;
  /** Idempotency keys for BatchChangeInventory; random UUIDs by default. */
  newIdempotencyKey?: () => string;
}

export interface SquareConnector extends ChannelConnector {
  clientStats(account: AccountContext): SquareClientStats;
}

/** Topics that only name an order: it is read whole. */
export const ORDER_POINTER_TOPICS = ['order.created', 'order.updated', 'order.fulfillment.updated'] as const;
export const PAYMENT_TOPICS = ['payment.created', 'payment.updated'] as const;
export const REFUND_TOPICS = ['refund.created', 'refund.updated'] as const;
export const INVENTORY_TOPIC = 'inventory.count.updated';

function eventObject(payload: unknown): Record<string, unknown> {
  const data = (payload as SqEvent | null)?.data;
  return (data?.object ?? {}) as Record<string, unknown>;
}

export function interpretSquare(account: AccountContext, event: InboundEvent): InterpretedEvent {
  const topic = event.topic;
  if (topic === ORDER_SNAPSHOT_TOPIC) {
    const order = event.payload as SqOrder;
    return isReturnOrder(order) ? mapReturnOrder(order) : { kind: 'order', draft: mapOrder(order) };
  }
  if ((REFUND_TOPICS as readonly string[]).includes(topic)) {
    // A refund names its return order (itemized, custom amount or exchange): read it whole.
    const refund = eventObject(event.payload).refund as SqPaymentRefund | undefined;
    if (!refund?.order_id) return { kind: 'ignored', reason: 'refund without an order' };
    return { kind: 'fetch', externalOrderId: refund.order_id, reason: `${topic}: read the return order` };
  }
  if ((PAYMENT_TOPICS as readonly string[]).includes(topic)) {
    const payment = eventObject(event.payload).payment as SqPayment | undefined;
    if (!payment?.order_id) return { kind: 'ignored', reason: 'payment without an order' };
    return { kind: 'fetch', externalOrderId: payment.order_id, reason: `${topic}: read the order it pays` };
  }
  if ((ORDER_POINTER_TOPICS as readonly string[]).includes(topic)) {
    const body = event.payload as SqEvent;
    const id = body?.data?.id;
    if (typeof id !== 'string' || !id) throw new RangeError(`${topic}: data.id (the order id) missing`);
    return { kind: 'fetch', externalOrderId: id, reason: `${topic} names the order; read it whole` };
  }
  if (topic === INVENTORY_TOPIC) {
    const counts = (eventObject(event.payload).inventory_counts ?? []) as SqInventoryCount[];
    const items = counts
      .filter((c) => c.state === 'IN_STOCK')
      .map((c) => ({ itemId: c.catalog_object_id, locationId: c.location_id }));
    if (items.length === 0) return { kind: 'ignored', reason: 'no IN_STOCK count changed' };
    const since =
      counts
        .map((c) => c.calculated_at)
        .filter((x): x is string => !!x)
        .sort()[0] ??
      event.occurredAt ??
      new Date(0).toISOString();
    return {
      kind: 'fetch',
      externalOrderId: inventoryPointerId({ since, items }),
      reason: 'inventory changed: read the physical counts made in the store',
    };
  }
  if (topic === COUNTS_TOPIC) {
    const p = event.payload as {
      physical_counts?: SqPhysicalCount[];
      adjustments?: SqAdjustment[];
      reserved?: SqInventoryCount[];
    };
    const held = (item: string, loc: string) => {
      const r = (p.reserved ?? []).find((c) => c.catalog_object_id === item && c.location_id === loc);
      return r ? wholeQuantity(r.quantity, `reserved[${item}@${loc}]`) : 0;
    };
    const prefix = readConfig(account).referencePrefix;
    const counts = storeCounts(p.physical_counts ?? [], prefix, held);
    const receipts = storeReceipts(p.adjustments ?? [], prefix);
    if (counts.length === 0 && receipts.length === 0)
      return { kind: 'ignored', reason: 'no physical count or receipt made in the store' };
    return { kind: 'count', counts, receipts };
  }
  return { kind: 'ignored', reason: `topic ${topic} is not handled by the Square connector` };
}

export function createSquareConnector(options: SquareConnectorOptions = {}): SquareConnector {
  const clock = options.clock ?? systemClock;
  const newKey = options.newIdempotencyKey ?? (() => crypto.randomUUID());
  const clients = new Map<string, SquareClient>();

  function clientFor(account: AccountContext): SquareClient {
    const key = `${account.id}|${account.endpointOverride ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = new SquareClient(accountTransport(account, options.transport));
      clients.set(key, client);
    }
    return client;
  }

  return {
    ...createSquareDoor(),
    limits: {
      stockBatchSize: STOCK_BATCH_SIZE,
      rateLimitModel: 'requests',
      ordersNeedPolling: false,
      supportsPickup: true,
      fetchOrdersMax: FETCH_ORDERS_MAX,
    },

    normaliseAccount: normaliseSquareAccount,

    async pollOrders(account: AccountContext, cursor: unknown | null, now: Date, held?: HeldOrderVersions) {
      return pollOrders(clientFor(account), account, cursor, now, held);
    },

    async fetchOrder(account: AccountContext, id: string) {
      return fetchOrder(clientFor(account), account, id);
    },

    async fetchOrders(account: AccountContext, ids: string[]) {
      return fetchOrders(clientFor(account), account, ids);
    },

    interpret: interpretSquare,

    async pushStock(account: AccountContext, updates: StockUpdate[]) {
      return pushStock({ client: clientFor(account), clock, newKey }, account, updates);
    },

    async pushFulfilment(account, push) {
      return pushFulfilment(clientFor(account), account, push);
    },

    discoverListings(account: AccountContext): AsyncIterable<ListingCandidate> {
      return discoverListings(clientFor(account), account);
    },

    async testConnection(account: AccountContext) {
      try {
        const locations = await listLocations(clientFor(account), account);
        const cfg = readConfig(account);
        return { ok: true, detail: `merchant ${cfg.merchantId}: ${locations.length} location(s)` };
      } catch (error) {
        return {
          ok: false,
          detail: error instanceof ConnectorError ? `${error.code}: ${error.message}` : String(error),
        };
      }
    },

    async refreshCredentials(account: AccountContext) {
      return refreshCredentials(clientFor(account), clock, account);
    },

    clientStats(account: AccountContext): SquareClientStats {
      return clientFor(account).stats;
    },
  };
}
