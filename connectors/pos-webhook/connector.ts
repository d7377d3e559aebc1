// Assembles the generic till ChannelConnector (ChannelType `pos`): any till that can sign and
// post a JSON event. The till pushes everything to the hub; the hub has nothing to call on it
// except an optional notification address. So, honestly:
// - verifyWebhook / interpret: the whole of the inbound path (webhooks.ts, mapping.ts);
// - pollOrders: a till has nothing to list; answers no events and keeps the cursor (the safety
//   net of webhook channels runs, finds nothing, costs nothing);
// - fetchOrder: never needed (till events carry whole orders, interpret never asks to fetch);
//   refused for good if called;
// - discoverListings: no listings (the till sells by hub SKU and keeps no copy of the stock);
// - pushStock: no stock API: any update is refused for good (a listing made by hand for a till);
// - pushFulfilment: a signed notification to settings.notifyUrl (notify.ts).
import type {
  AccountContext,
  ChannelConnector,
  FulfilmentPush,
  InboundEvent,
  ListingCandidate,
  StockUpdate,
} from '../connector.ts';
import { ChannelDataError, ConnectorError } from '../connector.ts';
import { type Clock, systemClock } from '../../core/clock.ts';
import { accountTransport, type Transport } from '../transport.ts';
import { normaliseTillAccount, readTillConfig } from './config.ts';
import { createTillDoor } from './door.ts';
import { interpretTillEvent } from './mapping.ts';
import { notifyTill } from './notify.ts';

export interface TillConnectorOptions {
  /** The hub's clock: webhook timestamps are checked against it (±5 minutes). */
  clock?: Clock;
  /** Where notifications to the till go instead of the network (the simulator in tests). */
  transport?: Transport;
}

export function createTillConnector(options: TillConnectorOptions = {}): ChannelConnector {
  const clock = options.clock ?? systemClock;
  return {
    ...createTillDoor({ clock }),
    limits: {
      stockBatchSize: 100,
      rateLimitModel: 'requests',
      ordersNeedPolling: false,
      supportsPickup: false,
    },

    async pollOrders(_account: AccountContext, cursor: unknown | null) {
      return { events: [], cursor, hasMore: false };
    },

    async fetchOrder(_account: AccountContext, externalOrderId: string): Promise<InboundEvent | null> {
      throw new ConnectorError(
        'unsupported',
        `a till cannot be read (receipt ${externalOrderId}): its webhooks carry whole orders`,
        {
          retryable: false,
        },
      );
    },

    interpret(_account: AccountContext, event: InboundEvent) {
      return interpretTillEvent(event.topic, event.payload);
    },

    async pushStock(_account: AccountContext, updates: StockUpdate[]) {
      return {
        confirmed: [],
        failed: updates.map((u) => ({
          listingId: u.listingId,
          code: 'unsupported',
          message: 'a till has no stock API: remove this listing (the till sells by SKU from the hub ledger)',
          retryable: false,
          refused: true,
        })),
        pending: [],
      };
    },

    async pushFulfilment(account: AccountContext, push: FulfilmentPush) {
      const cfg = readTillConfig(account);
      return notifyTill(
        {
          notifyUrl: cfg.notifyUrl,
          secret: cfg.secrets[0] ?? null,
          transport: accountTransport(account, options.transport),
          nowMs: clock.nowMs(),
        },
        push,
      );
    },

    discoverListings(): AsyncIterable<ListingCandidate> {
      // A till keeps no listings: nothing to discover.
      return (async function* none() {
        yield* [];
      })();
    },

    normaliseChannelData() {
      throw new ChannelDataError('(any)', 'a till takes no listings: it sells by hub SKU and has no stock API');
    },

    async testConnection(account: AccountContext) {
      const cfg = readTillConfig(account);
      if (cfg.secrets.length === 0)
        return { ok: false, detail: 'no signing secret: the till cannot sign its webhooks' };
      return {
        ok: true,
        detail: cfg.notifyUrl
          ? `webhook till; notifications go to ${cfg.notifyUrl}`
          : 'webhook till without a notification address (refunds and cancellations become exceptions)',
      };
    },

    normaliseAccount: normaliseTillAccount,
  };
}
