// The contract every sales channel implements (Shopify, Amazon, eBay, POS).
// It is shaped by what the real channels do, not by Shopify alone:
// - orders arrive pushed (signed webhooks: Shopify, eBay, POS) or pulled (Amazon SP-API
//   has no webhooks for orders; its SQS notifications only say "go and look"), so both
//   paths end in the same InboundEvent that the inbox stores, keyed by the channel's id;
// - stock is pushed as absolute values, either synchronously in batches (Shopify
//   inventorySetQuantities, Square) or as a submission confirmed later (Amazon
//   JSON_LISTINGS_FEED, eBay bulk jobs): see StockPushResult.pending;
// - fulfilment is a parcel with tracking, or an in-store pickup (ready, then collected);
//   an order the channel fulfils itself (Amazon FBA) is flagged on its draft and never touches
//   the merchant's stock (OrderDraft.fulfilledByChannel);
// - a listing keeps the channel's ids plus the connector's own data about the item
//   (ChannelData: Amazon product type, eBay offer ids, Square variation id), handed back to the
//   connector with every stock update; order lines without a usable SKU are matched by their
//   item ids against listings;
// - pointer notifications (eBay: one per line item) are resolved with one read per order, many
//   orders per call where the channel allows (fetchOrders, limits.fetchOrdersMax);
// - rate limits are per account and operation (SP-API, eBay) or a cost bucket (Shopify): a
//   connector declares its operations' rate and burst in `limits.operations` and waits on
//   `account.acquire(operation)` before each call, a bucket shared by all the hub's processes
//   (sync/rate/); a channel that still answers 429 throws ConnectorError with `retryAfterMs`,
//   which the queue turns into a delayed retry that spends no attempt;
// - OAuth tokens expire and refresh tokens may rotate: `refreshCredentials` renews them, and
//   `account.refreshCredentials()` asks for that in the middle of a run (see AccountContext).
// - all HTTP goes through one `Transport` ((Request) => Promise<Response>, transport.ts):
//   never fetch, node:https or an SDK's own HTTP stack directly, so that tests (msw), benchmarks
//   (the simulator in process) and the demo (the simulator on a port) run the same client code;
// - some secrets belong to the channel's application, not to an account (AppContext): webhooks
//   sent to the app are verified with them and routed to an account by accountIdentity().
// Nothing here names a vendor field; everything vendor-specific lives in connectors/<channel>/.
import type { OrderDraft } from '../core/order/schema.ts';
import type { FulfilmentKind } from '../core/order/state-machine.ts';
import type { RefundAmount } from '../core/orders/refund-amount.ts';

export type { RefundAmount } from '../core/orders/refund-amount.ts';

// The account a connector acts for (credentials decrypted) is core's: one definition for all layers.
export type { AccountContext, ChannelType } from '../core/accounts/accounts.ts';
import type { AccountContext, ChannelType } from '../core/accounts/accounts.ts';
// The channel's application (hub-level credentials shared by every account of the type).
export type { AppContext } from '../core/accounts/channel-apps.ts';
import type { AppContext } from '../core/accounts/channel-apps.ts';

/**
 * What the inbox stores, exactly once per externalEventId (a duplicate delivery is a no-op).
 * Webhooks and pollers produce the same shape so that core has one path for both.
 */
export interface InboundEvent {
  /** The channel's own id for this event (a webhook delivery id, or a stable id derived from a polled record's version). */
  externalEventId: string;
  /** Connector-defined topic, e.g. "orders/updated"; interpret() dispatches on it. */
  topic: string;
  /**
   * When the state in the payload was true, as the channel states it (ISO-8601 with offset).
   * Core never lets an event with an older occurredAt overwrite state it got from a newer one.
   * Null when the channel gives no time at all.
   */
  occurredAt: string | null;
  /** The channel payload as received (parsed JSON), unchanged: mapping happens in interpret(). */
  payload: unknown;
}

/** A webhook request with its body as the exact bytes received: signatures are computed over these bytes. */
export interface WebhookRequest {
  method: string;
  url: string;
  headers: Headers;
  rawBody: Uint8Array;
}

/**
 * Result of verifying a webhook. On failure nothing may be stored; the API answers with `status`.
 * `reply` is set when the channel expects a specific answer instead of a plain 200
 * (eBay's marketplace-account-deletion challenge is a GET that must echo a hash).
 */
export type WebhookResult =
  | { ok: true; events: InboundEvent[]; reply?: { status: number; contentType: string; body: string } | null }
  | { ok: false; status: 400 | 401 | 405 | 412 | 413; code: string; message: string };

/**
 * verifyWebhook() of a channel whose notifications are the application's, not an account's
 * (Amazon's EventBridge, eBay's, Square's): a delivery to the account's address is refused
 * with the address that takes it.
 */
export function appLevelOnly(type: ChannelType, how: string): WebhookResult {
  return {
    ok: false,
    status: 405,
    code: 'app_level_only',
    message: `${how} to /webhooks/channel/${type}, not to an account's address`,
  };
}

/**
 * Result of verifying a webhook sent to the channel's application rather than to one account
 * (`/webhooks/channel/<type>`: Square's subscriptions, eBay's notifications). On success,
 * `identity` names the merchant or seller the events belong to, compared with
 * `accountIdentity()` of the type's accounts to route them; it is null only for an answer that
 * concerns no account (a challenge, with `reply`). Failure as in WebhookResult: nothing stored.
 */
export type AppWebhookResult =
  | {
      ok: true;
      identity: string | null;
      events: InboundEvent[];
      reply?: { status: number; contentType: string; body: string } | null;
      /**
       * People the channel tells the application to forget (eBay's marketplace account
       * deletion): the door erases each buyer's personal data (core/privacy/erase.ts, with the
       * connector's personalDataKeys) before answering; a failure answers 500 so the channel
       * delivers again.
       */
      erase?: { externalBuyerId: string; reason: string }[] | null;
    }
  | { ok: false; status: 400 | 401 | 405 | 412 | 413; code: string; message: string };

/** A line that went back (or was refunded without coming back). */
export interface ReturnLineDraft {
  channelLineId: string;
  quantity: number;
  /** True when the goods go back to sellable stock (returned or cancelled before shipping). */
  restock: boolean;
  /**
   * The line's SKU, for a channel that names lines by SKU rather than by the order's line ids
   * (a till taking back another channel's order): matched against the order's lines when no
   * line has `channelLineId`.
   */
  sku?: string | null;
}

/** A refund or return as the channel reports it; core applies it once per externalReturnId. */
export interface ReturnDraft {
  externalReturnId: string;
  lines: ReturnLineDraft[];
  occurredAt: string;
  reason?: string | null;
  /**
   * Money given back to the buyer; null when the channel does not say. When the channel names no
   * currency, the decimal amounts are passed on and core reads them in the order's currency.
   */
  refund?: RefundAmount | null;
  /**
   * Where the goods physically came back, as the reporting channel names the location (a store's
   * till): restocked there instead of where they left from. Absent: where they left from.
   */
  restockLocation?: ChannelLocationRef | null;
}

/** A location as a channel names it; core resolves it through the account's location links. */
export interface ChannelLocationRef {
  externalId: string;
}

/**
 * What an inbox event means for core. interpret() is pure: no I/O.
 * - `fetch`: the event is only a pointer (Amazon/eBay notifications) or lacks something core
 *   needs (a Shopify webhook order body does not say whether it is a local pickup); the sync
 *   layer calls fetchOrder() and stores the result as a new inbound event.
 */
export type InterpretedEvent =
  | { kind: 'order'; draft: OrderDraft }
  | {
      kind: 'return';
      externalOrderId: string;
      draft: ReturnDraft;
      /**
       * The hub account the order was sold on, when it is not the reporting account (a web order
       * brought back to a store's till). Core then restocks as the hub (the selling channel did
       * not) and tells the selling channel of the refund.
       */
      orderAccountId?: string | null;
      /**
       * How long the return may wait for its order to arrive before it is an exception (default:
       * sync's WAIT_FOR_ORDER_MS, a week). A channel that only reports returns of orders it has
       * already reported (Square's return orders) waits briefly.
       */
      waitForOrderMs?: number;
    }
  | {
      kind: 'fetch';
      externalOrderId: string;
      reason: string;
      /**
       * The order as far as the event itself tells it, with what it cannot say listed in
       * `unconfirmed`: recorded when the read fails, so that the order is never missing
       * while the channel cannot be read. Absent for pure pointers.
       */
      provisional?: OrderDraft | null;
      /**
       * When the channel changed the order, as the pointer itself says (Amazon's
       * OrderChangeTrigger.TimeOfOrderChange): an order the hub holds at that version or newer
       * (a poll's full read, say) covers the pointer, which then costs no read.
       */
      changedAt?: string | null;
    }
  | { kind: 'count'; counts: StockCountDraft[]; receipts?: StockReceiptDraft[] }
  | { kind: 'ignored'; reason: string };

/**
 * Goods received on the channel itself, where the channel is a store's own stock system (a
 * delivery booked in at the till): on hand at the location goes up by `quantity`, once per
 * externalReceiptId, unless a count the hub applied from the same channel was taken after it
 * (that count already holds the units). Matched like a StockCountDraft.
 */
export interface StockReceiptDraft {
  externalReceiptId: string;
  externalItemId: string;
  externalLocationId: string;
  /** Units received (integer > 0). */
  quantity: number;
  /** When received, on the channel's clock (ISO-8601 with offset). */
  receivedAt: string;
}

/**
 * A stock count made on the channel itself, where the channel is a store's own stock system
 * (a till's physical count): the hub sets its on hand at the location to the counted units plus
 * what moved in its ledger since the count (core/inventory/store-count.ts), once per
 * externalCountId. The item is matched through the account's listing (variant or stock id),
 * the location through the account's channel locations.
 */
export interface StockCountDraft {
  /** The channel's id of the count: applied once. */
  externalCountId: string;
  /** The channel's item id (a listing's externalVariantId or externalStockId). */
  externalItemId: string;
  /**
   * The hub SKU code, for a channel that names items by SKU and keeps no listings (a generic
   * till): matched by code instead of through a listing.
   */
  sku?: string | null;
  externalLocationId: string;
  /**
   * Units at the location when counted, as the channel counts them (integer; a fraction is refused
   * by the mapping). Units of the channel's own orders not handed over yet are not in it (a till
   * counts them sold): the hub adds its reservations for them.
   */
  quantity: number;
  /** When the count was taken (ISO-8601 with offset). */
  countedAt: string;
}

/**
 * What a connector keeps about one channel item beyond the three fixed ids of a listing (product,
 * variant, stock handle): e.g. Amazon's product type and marketplace ids, eBay's offer ids and a
 * legacy item id with its variation SKU, Square's catalog variation id. Owned by the connector:
 * it shapes it in discoverListings() (and normaliseChannelData() for a person's input), core stores
 * it on the listing as it is (a JSON object) and hands it back in every StockUpdate. Core never reads it.
 */
export type ChannelData = Record<string, unknown>;

/** One stock value to advertise for one listing at one channel location. */
export interface StockUpdate {
  listingId: string;
  /** The channel's stock handle: Shopify inventory item id, Amazon seller SKU, eBay offer id. */
  externalStockId: string;
  /** The listing's channel data as the connector stored it; the sync layer always passes it ({} when none). */
  channelData?: ChannelData;
  /** The channel's location id where the channel stocks per location (Shopify, Square); null otherwise. */
  externalLocationId: string | null;
  /** Absolute quantity to advertise (never negative). */
  quantity: number;
  /**
   * The value the hub last saw or pushed for this listing; the channel's compare-and-set
   * (Shopify changeFromQuantity) uses it so that a concurrent change on the channel is
   * noticed instead of silently overwritten. Null when unknown: the push is unconditional.
   */
  previousQuantity: number | null;
  /**
   * The hub's on hand, summed over the locations serving the account: for a channel that keeps
   * the store's own count (a till whose listings carry the units held back, stock-targets.ts
   * `held`), to tell units that left the store (on hand fell) from units freed for the counter.
   */
  onHand?: number | null;
}

/** A stock request as the connector sends it (its own JSON, with its idempotency key), kept to be replayed. */
export type StockRequest = Record<string, unknown>;

/** Where a connector records each stock request before sending it (sync/stock/journal.ts). */
export interface StockJournal {
  record(request: StockRequest): Promise<void>;
}

export interface StockPushResult {
  /** Accepted and applied by the channel. `channelPrevious` is the value the channel had when it differed from previousQuantity. */
  confirmed: { listingId: string; quantity: number; channelPrevious?: number | null }[];
  /** Not applied. Retryable failures go back to the queue as they are; the others need a human (unknown item, wrong location). */
  failed: {
    listingId: string;
    code: string;
    message: string;
    retryable: boolean;
    /**
     * The channel answered and did not apply this value (a compare-and-set refusal, a rejected
     * call): certain, unlike a call whose answer never came, which may have been applied.
     */
    refused?: boolean;
  }[];
  /**
   * Accepted for asynchronous processing (feeds, bulk jobs), not yet applied. Always empty for
   * synchronous channels. The sync layer stores each (listing, submissionId, quantity) as an open
   * submission, leaves the listing alone while it is open and its target holds (a moved target
   * supersedes it with a new push), counts the value as possibly shown (strict allocation), and
   * runs stock.confirm, which calls checkStockSubmission(submissionId) until the channel settles
   * it or limits.stockSubmissionTimeoutSeconds pass (then the value is in doubt and pushed again).
   */
  pending: { listingId: string; quantity: number; submissionId: string }[];
}

/**
 * What the hub did with an order, for the channel to learn:
 * - `ship`, `pickup_ready`, `pickup_collected`: a parcel left, a pickup is ready or was handed over;
 * - `cancel`: the merchant cancelled (the hub released the stock);
 * - `cancel_request_approved` / `cancel_request_declined`: the answer to the buyer's cancel request
 *   the channel reported on the order (OrderDraft.cancelRequest). A channel with a request workflow
 *   (eBay post-order cancellation approve / reject) answers the request; one without it never
 *   reports requests, and refuses these kinds with a non-retryable ConnectorError (an exception
 *   for a person), as Shopify does.
 * - `refund`: goods of the order were taken back elsewhere (the hub's returns desk, a store's
 *   till for a web order); `lines` and `refund` say what and how much. A channel that cannot
 *   record a refund refuses it (non-retryable: an exception for a person to refund by hand).
 */
export type { FulfilmentKind };

/** A fulfilment the hub made (or a pickup step) that the channel must learn about. */
export interface FulfilmentPush {
  externalOrderId: string;
  kind: FulfilmentKind;
  /** Lines and quantities; partial quantities are allowed. An empty list means "everything still open". */
  lines: { channelLineId: string; quantity: number }[];
  tracking?: { company?: string | null; number?: string | null; url?: string | null } | null;
  /** For `refund`: the money given back, when known (integer minor units). */
  refund?: { amount: number; currency: string } | null;
  /** Whether the channel should e-mail the buyer (Shopify notifyCustomer). Defaults to false. */
  notifyCustomer?: boolean;
  /** Stable per hub fulfilment: a retried push must not create a second fulfilment on the channel. */
  idempotencyKey: string;
}

export interface FulfilmentPushResult {
  /** The channel's id of the fulfilment created (or found, when this push had already been applied); null when nothing was created. */
  externalFulfilmentId: string | null;
  /** True when the channel already reflected this push (replay after a crash or timeout). */
  alreadyApplied: boolean;
}

/** An invoice or credit note the hub issued, for channels that keep the seller's documents (Amazon's invoice upload). */
export interface ChannelDocument {
  kind: 'invoice' | 'credit_note';
  /** The document's number in its series (printed on the PDF). */
  number: string;
  externalOrderId: string;
  /** The order's channelRef as the connector's mapping stored it (e.g. marketplace, fulfilled by). */
  channelRef: Record<string, unknown> | null;
  currency: string;
  /** Integer minor units: the document's total and the tax in it. */
  total: number;
  taxTotal: number;
  /** Credit notes: the channel's id of the refund they document, when the channel made it. */
  refundExternalId: string | null;
  pdf: Uint8Array;
}

export type ChannelDocumentResult =
  | { status: 'uploaded'; reference: string }
  /** The channel takes no document for this order (wrong marketplace, fulfilled by the channel…): nothing to retry. */
  | { status: 'not_applicable'; reason: string };

/** A sellable item found on the channel, to be linked to a hub SKU as a Listing. */
export interface ListingCandidate {
  externalProductId: string | null;
  externalVariantId: string | null;
  /** The handle stock pushes use (Shopify inventory item id). */
  externalStockId: string | null;
  /** Null when the channel item has no SKU: it cannot be matched automatically. */
  sku: string | null;
  title: string;
  /** Current channel stock per channel location (quantity null when the channel does not say). */
  levels: { externalLocationId: string; quantity: number | null }[];
  /** Stored on the listing created from this candidate, as it is (see ChannelData); absent: {}. */
  channelData?: ChannelData | null;
}

/**
 * The versions the hub holds of some of the channel's orders: external order id -> the channel's
 * updated_at (ISO 8601) of the version applied. An id the hub does not hold, or holds only
 * provisionally (fields the channel has not confirmed), is absent.
 */
export type HeldOrderVersions = (externalOrderIds: string[]) => Promise<Map<string, string>>;

export interface PollResult {
  events: InboundEvent[];
  /** Opaque to the caller: store it on the account and pass it back unchanged on the next call. */
  cursor: unknown;
  /** True when the caller should call again right away (more pages in this sweep). */
  hasMore: boolean;
}

/** What the sync layer needs to pace and batch calls for an account without knowing the channel. */
export interface ConnectorLimits {
  /** Maximum StockUpdates in one pushStock() call that map to one channel request. */
  stockBatchSize: number;
  /** How the channel rate-limits: by computed query cost (Shopify), by request count (eBay, Amazon per operation). */
  rateLimitModel: 'query-cost' | 'requests';
  /** Whether orders must be polled to be seen at all (Amazon) or polling is only a safety net (webhook channels). */
  ordersNeedPolling: boolean;
  /**
   * Topics whose events only point at an order (interpret says 'fetch'), each read with a call
   * of a small quota, while the poll reads full orders oldest first (Amazon's ORDER_CHANGE and
   * getOrder). The inbox reads these newest first, after the account's other events, so that
   * during a backlog the two quotas read different orders instead of racing for the same ones.
   * Only for topics whose events carry nothing but the pointer (their order does not matter).
   */
  pointerTopics?: readonly string[];
  /**
   * Seconds between order polls that the channel's limits allow, used when orders must be
   * polled (default 120). Webhook channels are polled every 15 minutes as a safety net.
   */
  pollIntervalSeconds?: number;
  /** Whether the channel has in-store pickup (ready / collected steps). */
  supportsPickup: boolean;
  /**
   * The vendor's published limit per operation (name chosen by the connector, e.g. "getOrders"):
   * tokens per second and burst. The sync runtime keeps one bucket per (account, operation)
   * shared by all processes (Redis, else PostgreSQL, else memory) and `account.acquire(op)`
   * waits for a token. Channels that correct themselves from every answer (Shopify's cost
   * bucket, connectors/shopify/throttle.ts) may declare nothing.
   */
  operations?: Readonly<Record<string, OperationLimit>>;
  /**
   * Most order ids one fetchOrders() call takes (eBay getOrders `orderIds` 50, Square
   * BatchGetOrders 100); the sync layer splits larger sets. Only for connectors with fetchOrders.
   */
  fetchOrdersMax?: number;
  /**
   * Channels with asynchronous stock submissions: how long the channel may take to process one
   * before the hub stops waiting and pushes the value again (default: 2 hours, the sync tuning's
   * stockSubmissionTimeoutMs). Synchronous channels leave it out.
   */
  stockSubmissionTimeoutSeconds?: number;
  /**
   * Channels that confirm a stock write before they show it (Amazon answers a listing patch
   * ACCEPTED and applies it within minutes): how long a confirmed value may take to show.
   * Reconciliation leaves a listing confirmed that recently alone, since the channel may still
   * show the value before the write (an account's settings.stockApplySeconds overrides it).
   */
  stockApplySeconds?: number;
}

/** Requests per second the channel restores, and how many it allows at once (its bucket size). */
export interface OperationLimit {
  ratePerSecond: number;
  burst: number;
}

/** What a connector's token refresh produced. */
export interface RefreshedCredentials {
  /**
   * The whole credential set to store, encrypted (with the rotated refresh token when the
   * channel rotates it); null when the stored set did not change. Stored only over the version
   * the refresh read (compare-and-set), never merged with another writer's set.
   */
  stored: Record<string, string> | null;
  /**
   * Short-lived values (access tokens) kept in this process's memory only, laid over the
   * stored set in the AccountContext until `expiresAt`: never written to the database.
   */
  ephemeral?: Record<string, string> | null;
  /** When the ephemeral values stop working (ISO-8601 UTC). */
  expiresAt?: string | null;
}

/** An error a connector throws on purpose: the sync layer retries it or parks it by `retryable`. */
export class ConnectorError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  /** Earliest sensible retry, when the channel said (Retry-After, throttle restore time). */
  readonly retryAfterMs: number | null;
  constructor(
    code: string,
    message: string,
    opts: { retryable: boolean; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/**
 * ConnectorError codes that mean the channel refused the account itself (HTTP 401/403, a scope
 * the app was not granted, a missing token): retrying cannot help until a person fixes the
 * credentials, so the sync layer flags the account instead of spending attempts.
 */
export const CREDENTIALS_REFUSED_CODES: ReadonlySet<string> = new Set([
  'unauthorized',
  'access_denied',
  'invalid_credentials',
]);

export function credentialsRefused(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && CREDENTIALS_REFUSED_CODES.has(error.code);
}

/**
 * What a person typed when creating or changing an account, refused before it is stored:
 * `field` is the path in the account body (`credentials.shop`), `message` says what to type.
 * Never carries a credential's value.
 */
export class AccountInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'AccountInputError';
  }
}

/**
 * Runs a connector's own config reader on an account being added (normaliseAccount), so its
 * settings are checked the way they will be read, and turns its refusal into an
 * AccountInputError naming the setting.
 */
export function checkedByConfig<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ConnectorError) {
      const field = /settings\.(\w+)/.exec(e.message)?.[0] ?? 'settings';
      throw new AccountInputError(field, e.message.replace(/^account new: /, ''));
    }
    throw e;
  }
}

/** Channel data for a listing refused by the connector: `field` is the key inside channelData. */
export class ChannelDataError extends Error {
  constructor(
    readonly field: string,
    /** What to give instead, without the field name. */
    readonly detail: string,
  ) {
    super(`channelData.${field}: ${detail}`);
    this.name = 'ChannelDataError';
  }
}

/** The parts of a new or changed account a connector checks and normalises. */
export interface AccountInput {
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
  endpointOverride: string | null;
}

export interface ChannelConnector {
  readonly type: ChannelType;
  readonly limits: ConnectorLimits;

  /**
   * JSON keys under which the channel's payloads carry a buyer's personal data (name, e-mail,
   * phone, addresses, e.g. a `customer` or `shipping_address` object). Erasure
   * (core/privacy/erase.ts) blanks them whole in the stored raw events of the person, on top of
   * replacing the person's identifiers wherever else they appear. Optional: without it only
   * the identifiers are replaced.
   */
  readonly personalDataKeys?: readonly string[];

  /**
   * Verifies a pushed notification before anything is parsed (signature over the raw bytes)
   * and turns it into inbox events. Must run on Workers: no Node-only APIs on this path.
   */
  verifyWebhook(account: AccountContext, req: WebhookRequest): Promise<WebhookResult>;

  /**
   * Reads orders changed since `cursor` (null: start from the account's configured lookback),
   * one page per call. Safe to call with the same cursor twice: events repeat with the same ids.
   * `held`, when given, says which versions the hub already holds: a connector that can list
   * versions cheaply reads whole only the orders the hub does not hold at that version or newer.
   */
  pollOrders(account: AccountContext, cursor: unknown | null, now: Date, held?: HeldOrderVersions): Promise<PollResult>;

  /** Reads one order now (after an `InterpretedEvent` of kind `fetch`); null when the channel does not know it. */
  fetchOrder(account: AccountContext, externalOrderId: string): Promise<InboundEvent | null>;

  /**
   * Reads several orders in one call where the channel allows it (at most limits.fetchOrdersMax
   * ids): the inbox resolves the pointer events of a batch with ceil(orders / max) calls instead of
   * one fetchOrder() per order. The result maps each id the channel knows to its event; an id
   * absent from it is an order the channel does not know. Optional: without it, fetchOrder() per order.
   */
  fetchOrders?(account: AccountContext, externalOrderIds: string[]): Promise<Map<string, InboundEvent>>;

  /** Maps a stored event to what it means for core. Pure; throws when the payload does not fit the channel's documented shape. */
  interpret(account: AccountContext, event: InboundEvent): InterpretedEvent;

  /**
   * Sets absolute stock values; batches to limits.stockBatchSize and paces to the channel's rate
   * limit internally. A connector that can replay a request exactly (an idempotency key whose
   * repeat returns the original answer) hands each request to `journal` before sending it.
   */
  pushStock(account: AccountContext, updates: StockUpdate[], journal?: StockJournal): Promise<StockPushResult>;

  /**
   * Sends again, in order and with their original idempotency keys, the requests a push
   * journaled before its answer was lost, and reports that push's outcome for `updates` as
   * pushStock() would have: the channel answers a repeated key with the original result, so a
   * write refused by compare-and-set is told apart from one applied. Null when these requests
   * cannot be replayed (e.g. an API version without idempotency keys): the doubt stays.
   */
  replayStock?(
    account: AccountContext,
    updates: StockUpdate[],
    requests: StockRequest[],
  ): Promise<StockPushResult | null>;

  /**
   * What became of an asynchronous stock submission (a feed, a bulk job) that pushStock() answered
   * as `pending`; called by the stock.confirm job, paced and exclusive like pushStock(). Per listing
   * of the submission: `confirmed` (applied: recorded as a synchronous confirmation), `failed`
   * (rejected, with the channel's code and message: a later push retries it, or a person is asked
   * when not retryable), or `pending` / left out (still processing: asked again later). Throws a
   * ConnectorError when the channel cannot be asked now. Synchronous channels do not implement it.
   * `submitted` lists what the hub still holds open of that submission (listing, stock handle,
   * value), so a channel that reports per item handle (Amazon's feed report: per SKU) can name
   * the listings without keeping its own copy.
   */
  checkStockSubmission?(
    account: AccountContext,
    submissionId: string,
    submitted: readonly StockUpdate[],
  ): Promise<StockPushResult>;

  /** Tells the channel about a shipment (with tracking) or a pickup step; idempotent per push.idempotencyKey. */
  pushFulfilment(account: AccountContext, push: FulfilmentPush): Promise<FulfilmentPushResult>;
  /** Hands the channel an invoice or credit note the hub issued (absent: the channel takes none). */
  uploadDocument?(account: AccountContext, doc: ChannelDocument): Promise<ChannelDocumentResult>;

  /** Lists the channel's sellable items with their stock handles, to create listings. */
  discoverListings(account: AccountContext): AsyncIterable<ListingCandidate>;

  /**
   * Checks and shapes the channel data a person gives for a listing (POST /listings) before it
   * is stored; throws ChannelDataError naming the field. Pure, no network. Without it, the
   * object is stored as given.
   */
  normaliseChannelData?(data: ChannelData): ChannelData;

  /** Cheap authenticated call that proves the credentials work. */
  testConnection(account: AccountContext): Promise<{ ok: boolean; detail: string }>;

  /**
   * Checks and normalises an account before it is stored (required secrets, the shop's
   * canonical address); throws AccountInputError naming the field. Pure, no network.
   */
  normaliseAccount?(input: AccountInput): AccountInput;

  /**
   * Renews short-lived credentials (OAuth) with the account's refresh token. Called by the
   * sync layer only — on the `token.refresh` schedule and when a connector calls
   * `account.refreshCredentials()` — under a per-account lock across processes, with the
   * newest stored credentials, so a rotating refresh token is never used twice. Returns null
   * when nothing changed. Must not log or put a credential in an error message.
   */
  refreshCredentials?(account: AccountContext): Promise<RefreshedCredentials | null>;

  /**
   * The channel-side thing the account points at (Shopify: the shop domain; Square: the
   * merchant id; eBay: the seller's user id), to warn about two accounts on one and to route
   * app-level webhooks: it must equal the `identity` verifyAppWebhook() reads from a payload.
   */
  accountIdentity?(account: AccountContext): string | null;

  /**
   * Verifies a webhook sent to the channel's application with the app's credentials (never an
   * account's), answers a challenge (GET), and says which merchant the events are for; the hub
   * then stores them exactly as verifyWebhook()'s for that account. `req.url` is the address the
   * channel called as the hub publishes it (app.notificationUrl when set), not the one behind a
   * proxy. Must run on Workers: WebCrypto only. Channels whose webhooks are per account omit it.
   */
  verifyAppWebhook?(app: AppContext, req: WebhookRequest): Promise<AppWebhookResult>;

  /**
   * Subscribes the channel's notifications the hub needs to `callbackUrl` (the account's webhook
   * address), leaving the ones already there; channels without such an API do not implement it.
   */
  registerWebhooks?(account: AccountContext, callbackUrl: string): Promise<WebhookRegistration>;

  /** The notification subscriptions the channel holds for this app and shop. */
  listWebhooks?(account: AccountContext): Promise<WebhookSubscription[]>;
}

export interface WebhookSubscription {
  id: string;
  /** The hub's spelling, e.g. "orders/create". */
  topic: string;
  uri: string;
  createdAt: string | null;
}

export interface WebhookRegistration {
  /** Created by this call. */
  created: WebhookSubscription[];
  /** Already subscribed to this address. */
  existing: WebhookSubscription[];
  /** Topics the channel refused, with its message. */
  failed: { topic: string; message: string }[];
  /** Subscriptions to other addresses (e.g. an old hub URL), left alone. */
  elsewhere: WebhookSubscription[];
}

/**
 * The part of a connector the webhook doors use: verification, routing and the keys erasure
 * blanks. Each channel builds it in its `door.ts` (imports nothing Node-only) and spreads it into
 * its connector, so the Node door and the edge door (api/worker-app.ts) run one implementation.
 */
export type WebhookDoor = Pick<
  ChannelConnector,
  'type' | 'personalDataKeys' | 'verifyWebhook' | 'verifyAppWebhook' | 'accountIdentity'
>;
