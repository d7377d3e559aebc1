// The simulated seller's data and Amazon's rules over it: orders (Orders API 2026-01-01 shapes,
// MFN and FBA), listings with the merchant-fulfilled quantity, shipment packages, feeds and their
// documents. Time comes from the injected clock; feeds and listing patches complete lazily when
// a request finds their time has come.
import { INVOICE_FEED_TYPE, SimVatInvoices } from './vat-invoices.ts';
import type { Clock } from '../../../core/clock.ts';
import type {
  SpFeed,
  SpFulfillmentStatus,
  SpListingsFeed,
  SpOrder,
  SpOrderItem,
  SpPackage,
  SpProcessingReport,
} from '../payloads.ts';

export interface SimListing {
  sku: string;
  asin: string;
  title: string;
  productType: string;
  marketplaceIds: string[];
  /** Merchant-fulfilled quantity (fulfillment_channel_code DEFAULT); null for an FBA-only offer. */
  quantity: number | null;
  /** FBA offer: fulfillment channel AMAZON_NA/AMAZON_EU…, quantity managed by Amazon. */
  fba: boolean;
  price: string;
  createdDate: string;
  lastUpdatedDate: string;
}

export interface SimItemInput {
  sku: string;
  quantity: number;
  /** Decimal text in the marketplace currency; default the listing's price. */
  unitPrice?: string;
}

export interface OrderInput {
  orderId?: string;
  marketplaceId?: string;
  items: SimItemInput[];
  fulfilledBy?: 'MERCHANT' | 'AMAZON';
  status?: 'PENDING' | 'UNSHIPPED' | 'PENDING_AVAILABILITY';
  buyerName?: string;
  shipping?: string;
  /** End of the ship-by window (ISO); default two days after the order. */
  shipBy?: string;
  /** End of the deliver-by window (ISO); default five days after the order; null: no delivery window. */
  deliverBy?: string | null;
}

export interface SimFeed extends SpFeed {
  sellerId: string;
  inputFeedDocumentId: string;
  /** Sim-clock ms at which processing starts and ends. */
  startsAt: number;
  endsAt: number;
}

export interface SimDocument {
  id: string;
  sellerId: string;
  contentType: string;
  content: string | null;
  /** The upload's bytes (content is their UTF-8 reading, for JSON feeds). */
  bytes: Uint8Array | null;
  /** Sim-clock ms until which its pre-signed URL works. */
  urlExpiresAt: number;
}

export const MARKETPLACES: Record<string, { name: string; currency: string }> = {
  ATVPDKIKX0DER: { name: 'Amazon.com', currency: 'USD' },
  A2EUQ1WTGCTBG2: { name: 'Amazon.ca', currency: 'CAD' },
  A1F83G8C2ARO7P: { name: 'Amazon.co.uk', currency: 'GBP' },
  A1PA6795UKMFR9: { name: 'Amazon.de', currency: 'EUR' },
  A13V1IB3VIYZZH: { name: 'Amazon.fr', currency: 'EUR' },
  A1VC38T7YXB528: { name: 'Amazon.co.jp', currency: 'JPY' },
};

/** Amazon's answer to a second confirmation of the same units (selling-partner-api-models issue #5037). */
export const ALREADY_FULFILLED =
  'Failed to create package due to not finding a matching package or order already fulfilled.';

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const DAY_MS = 86_400_000;

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function decimalTimes(amount: string, quantity: number, exp: number): string {
  const [w = '0', f = ''] = amount.split('.');
  return fromMinor(BigInt(w + f.padEnd(exp, '0').slice(0, exp)) * BigInt(quantity), exp);
}

function fromMinor(minor: bigint, exp: number): string {
  const s = minor.toString().padStart(exp + 1, '0');
  return exp === 0 ? s : `${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

function exponent(currency: string): number {
  return currency === 'JPY' ? 0 : 2;
}

export class SimSeller {
  readonly listings = new Map<string, SimListing>();
  readonly orders = new Map<string, SpOrder>();
  readonly feeds = new Map<string, SimFeed>();
  readonly documents = new Map<string, SimDocument>();
  /** Invoices and credit notes uploaded with the invoicing feed. */
  readonly vatInvoices = new SimVatInvoices();
  /** Patches accepted but not applied yet: applied at `at`. */
  readonly queuedPatches: { sku: string; quantity: number; at: number }[] = [];
  /** SKUs the next feeds reject (each entry is spent by one rejection). */
  readonly feedRejections = new Map<string, number>();
  private seq = 0;

  constructor(
    readonly sellerId: string,
    readonly marketplaceIds: string[],
    private readonly clock: Clock,
    /** How long a feed takes to process and a patch to apply (sim-clock ms). */
    readonly timing: { feedMs: number; patchMs: number },
  ) {}

  private now(): number {
    return this.clock.nowMs();
  }

  addListing(input: Partial<SimListing> & { sku: string }): SimListing {
    const at = iso(this.now());
    const listing: SimListing = {
      asin: `B0${String(this.listings.size + 1).padStart(8, '0')}`,
      title: input.sku,
      productType: 'PRODUCT',
      marketplaceIds: this.marketplaceIds,
      quantity: input.fba ? null : 0,
      fba: false,
      price: '19.99',
      createdDate: at,
      lastUpdatedDate: at,
      ...input,
    };
    this.listings.set(listing.sku, listing);
    return listing;
  }

  /** Applies what time has completed: queued patches and feed processing. */
  settle(): void {
    const now = this.now();
    for (let i = 0; i < this.queuedPatches.length; ) {
      const p = this.queuedPatches[i] as { sku: string; quantity: number; at: number };
      if (p.at <= now) {
        this.setQuantity(p.sku, p.quantity);
        this.queuedPatches.splice(i, 1);
      } else i++;
    }
    for (const feed of this.feeds.values()) {
      if (feed.processingStatus === 'IN_QUEUE' && now >= feed.startsAt) {
        feed.processingStatus = 'IN_PROGRESS';
        feed.processingStartTime = iso(feed.startsAt);
      }
      if (feed.processingStatus === 'IN_PROGRESS' && now >= feed.endsAt) this.processFeed(feed);
    }
  }

  private setQuantity(sku: string, quantity: number): void {
    const l = this.listings.get(sku);
    if (!l) return;
    l.quantity = quantity;
    l.lastUpdatedDate = iso(this.now());
  }

  /** Amazon takes sold units off the merchant quantity at once. */
  private sell(sku: string, quantity: number): void {
    const l = this.listings.get(sku);
    if (l && !l.fba && l.quantity !== null) l.quantity = Math.max(0, l.quantity - quantity);
  }

  // ---- orders ---------------------------------------------------------------------------

  placeOrder(input: OrderInput): SpOrder {
    const marketplaceId = input.marketplaceId ?? this.marketplaceIds[0] ?? 'ATVPDKIKX0DER';
    const currency = MARKETPLACES[marketplaceId]?.currency ?? 'USD';
    const exp = exponent(currency);
    const n = ++this.seq;
    const orderId =
      input.orderId ??
      `11${String(n % 10).padStart(1, '0')}-${String(1000000 + n).slice(-7)}-${String(3000000 + n * 7).slice(-7)}`;
    const fulfilledBy = input.fulfilledBy ?? 'MERCHANT';
    const now = iso(this.now());
    const items: SpOrderItem[] = input.items.map((it, i) => {
      const l = this.listings.get(it.sku);
      const unit = it.unitPrice ?? l?.price ?? '19.99';
      const total = decimalTimes(unit, it.quantity, exp);
      return {
        orderItemId: `${orderId.replace(/-/g, '').slice(0, 12)}${String(i + 1).padStart(2, '0')}`,
        quantityOrdered: it.quantity,
        product: {
          asin: l?.asin ?? 'B000000000',
          title: l?.title ?? it.sku,
          sellerSku: it.sku,
          price: { unitPrice: { amount: unit, currencyCode: currency } },
        },
        proceeds: {
          proceedsTotal: { amount: total, currencyCode: currency },
          breakdowns: [{ type: 'ITEM', subtotal: { amount: total, currencyCode: currency } }],
        },
        fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: it.quantity },
      };
    });
    const itemsTotal = items.reduce(
      (acc, i) => acc + BigInt((i.proceeds?.proceedsTotal?.amount ?? '0').replace('.', '')),
      0n,
    );
    const shipping = input.shipping ?? (exp === 0 ? '0' : '0.00');
    const shippingMinor = BigInt(shipping.replace('.', ''));
    const grandText = fromMinor(itemsTotal + shippingMinor, exp);
    const order: SpOrder = {
      orderId,
      createdTime: now,
      lastUpdatedTime: now,
      programs: [],
      salesChannel: {
        channelName: 'AMAZON',
        marketplaceId,
        marketplaceName: MARKETPLACES[marketplaceId]?.name ?? 'Amazon',
      },
      buyer: { buyerName: input.buyerName ?? 'Sim Buyer', buyerEmail: `${n}@marketplace.amazon.example` },
      recipient: {
        deliveryAddress: {
          name: input.buyerName ?? 'Sim Buyer',
          addressLine1: '410 Terry Ave N',
          city: 'Seattle',
          stateOrRegion: 'WA',
          postalCode: '98109',
          countryCode: 'US',
          addressType: 'RESIDENTIAL',
        },
      },
      proceeds: {
        grandTotal: { amount: grandText, currencyCode: currency },
        breakdowns: [
          {
            type: 'ITEM',
            subtotal: { amount: fromMinor(itemsTotal, exp), currencyCode: currency },
          },
          ...(shippingMinor > 0n ? [{ type: 'SHIPPING', subtotal: { amount: shipping, currencyCode: currency } }] : []),
        ],
      },
      fulfillment: {
        fulfillmentStatus: input.status ?? 'UNSHIPPED',
        fulfilledBy,
        // The promise windows Amazon states on every order (orders_2026-01-01.json examples).
        shipByWindow: { earliestDateTime: now, latestDateTime: input.shipBy ?? iso(this.now() + 2 * DAY_MS) },
        ...(input.deliverBy === null
          ? {}
          : {
              deliverByWindow: {
                earliestDateTime: iso(this.now() + 3 * DAY_MS),
                latestDateTime: input.deliverBy ?? iso(this.now() + 5 * DAY_MS),
              },
            }),
      },
      orderItems: items,
      packages: [],
    };
    this.orders.set(orderId, order);
    if (fulfilledBy === 'MERCHANT') for (const it of input.items) this.sell(it.sku, it.quantity);
    return order;
  }

  order(orderId: string): SpOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new SimError(404, 'NotFound', `order ${orderId} not found`);
    return o;
  }

  private touch(order: SpOrder): void {
    // lastUpdatedTime always moves forward, one second at least (Amazon's resolution).
    const now = Math.floor(this.now() / 1000) * 1000;
    const prev = Date.parse(order.lastUpdatedTime);
    order.lastUpdatedTime = iso(Math.max(now, prev + 1000));
  }

  setStatus(orderId: string, status: SpFulfillmentStatus): SpOrder {
    const o = this.order(orderId);
    if (o.fulfillment) o.fulfillment.fulfillmentStatus = status;
    this.touch(o);
    return o;
  }

  /** The buyer asks to cancel (Amazon shows it to the seller, who decides). */
  requestCancellation(orderId: string, reason = 'Buyer Requested Cancel'): SpOrder {
    const o = this.order(orderId);
    for (const i of o.orderItems)
      i.cancellation = { cancellationRequest: { requester: 'BUYER', cancelReason: reason } };
    this.touch(o);
    return o;
  }

  cancelOrder(orderId: string, by: 'BUYER' | 'MERCHANT' | 'AMAZON' = 'MERCHANT', reason = 'Cancelled'): SpOrder {
    const o = this.order(orderId);
    if (o.fulfillment?.fulfillmentStatus === 'SHIPPED')
      throw new SimError(400, 'InvalidInput', 'order already shipped');
    if (o.fulfillment) o.fulfillment.fulfillmentStatus = 'CANCELLED';
    for (const i of o.orderItems) {
      i.cancellation = { ...i.cancellation, cancellationExecution: { cancelledBy: by, cancelReason: reason } };
      const l = this.listings.get(i.product.sellerSku ?? '');
      if (l && !l.fba && l.quantity !== null && o.fulfillment?.fulfilledBy === 'MERCHANT') {
        l.quantity += i.fulfillment?.quantityUnfulfilled ?? 0;
      }
    }
    this.touch(o);
    return o;
  }

  /** Amazon ships an FBA order itself. */
  shipByAmazon(orderId: string): SpOrder {
    const o = this.order(orderId);
    for (const i of o.orderItems) i.fulfillment = { quantityFulfilled: i.quantityOrdered, quantityUnfulfilled: 0 };
    return this.setStatus(orderId, 'SHIPPED');
  }

  /** confirmShipment (orders v0): validates as Amazon does and records the package. */
  confirmShipment(
    orderId: string,
    body: {
      marketplaceId?: string;
      packageDetail?: {
        packageReferenceId?: unknown;
        carrierCode?: string;
        trackingNumber?: string;
        shipDate?: string;
        orderItems?: { orderItemId?: string; quantity?: number }[];
      };
    },
  ): void {
    const o = this.order(orderId);
    const d = body.packageDetail;
    if (!body.marketplaceId || !d)
      throw new SimError(400, 'InvalidInput', 'marketplaceId and packageDetail are required');
    if (typeof d.packageReferenceId !== 'string' || !/^[1-9][0-9]*$/.test(d.packageReferenceId)) {
      throw new SimError(
        400,
        'InvalidInput',
        'The input you have submitted is not valid. Please check the fields with invalid type [packageDetail.packageReferenceId].',
      );
    }
    if (
      !d.carrierCode ||
      !d.trackingNumber ||
      !d.shipDate ||
      Number.isNaN(Date.parse(d.shipDate)) ||
      !d.orderItems?.length
    ) {
      throw new SimError(400, 'InvalidInput', 'Invalid Input');
    }
    const status = o.fulfillment?.fulfillmentStatus;
    if (
      o.fulfillment?.fulfilledBy === 'AMAZON' ||
      status === 'CANCELLED' ||
      status === 'PENDING' ||
      status === 'PENDING_AVAILABILITY'
    ) {
      throw new SimError(400, 'InvalidInput', `order ${orderId} cannot be confirmed in status ${status}`);
    }
    if ((o.packages ?? []).some((p) => p.packageReferenceId === d.packageReferenceId)) {
      throw new SimError(400, 'InvalidInput', ALREADY_FULFILLED);
    }
    for (const line of d.orderItems) {
      const item = o.orderItems.find((i) => i.orderItemId === line.orderItemId);
      const open = item?.fulfillment?.quantityUnfulfilled ?? 0;
      if (!item || !Number.isInteger(line.quantity) || (line.quantity ?? 0) < 1 || (line.quantity ?? 0) > open) {
        throw new SimError(400, 'InvalidInput', ALREADY_FULFILLED);
      }
    }
    for (const line of d.orderItems) {
      const item = o.orderItems.find((i) => i.orderItemId === line.orderItemId) as SpOrderItem;
      const f = item.fulfillment ?? { quantityFulfilled: 0, quantityUnfulfilled: item.quantityOrdered };
      f.quantityFulfilled = (f.quantityFulfilled ?? 0) + (line.quantity ?? 0);
      f.quantityUnfulfilled = (f.quantityUnfulfilled ?? 0) - (line.quantity ?? 0);
      item.fulfillment = f;
    }
    const pkg: SpPackage = {
      packageReferenceId: d.packageReferenceId,
      createdTime: iso(this.now()),
      carrier: d.carrierCode,
      shipTime: d.shipDate,
      trackingNumber: d.trackingNumber,
      packageItems: d.orderItems.map((l) => ({ orderItemId: l.orderItemId as string, quantity: l.quantity as number })),
    };
    o.packages = [...(o.packages ?? []), pkg];
    const allShipped = o.orderItems.every((i) => (i.fulfillment?.quantityUnfulfilled ?? 0) === 0);
    if (o.fulfillment) o.fulfillment.fulfillmentStatus = allShipped ? 'SHIPPED' : 'PARTIALLY_SHIPPED';
    this.touch(o);
  }

  // ---- listings -------------------------------------------------------------------------

  /** patchListingsItem: validated now, applied after timing.patchMs (ACCEPTED means queued). */
  patchListing(
    sku: string,
    marketplaceIds: string[],
    body: { productType?: string; patches?: { op?: string; path?: string; value?: unknown }[] },
  ): {
    status: 'ACCEPTED' | 'INVALID';
    issues: { code: string; message: string; severity: 'ERROR'; attributeNames?: string[]; categories: string[] }[];
  } {
    const problem = this.checkPatch(sku, marketplaceIds, body.productType, body.patches);
    if (problem) return { status: 'INVALID', issues: [problem] };
    const quantity = availabilityOf(body.patches) as number;
    this.queuedPatches.push({ sku, quantity, at: this.now() + this.timing.patchMs });
    this.settle();
    return { status: 'ACCEPTED', issues: [] };
  }

  private checkPatch(
    sku: string,
    marketplaceIds: string[],
    productType: string | undefined,
    patches: { op?: string; path?: string; value?: unknown }[] | undefined,
  ) {
    const l = this.listings.get(sku);
    if (!l || !marketplaceIds.every((m) => l.marketplaceIds.includes(m))) {
      return {
        code: '4000001',
        message: `The SKU ${sku} does not exist in the requested marketplace.`,
        severity: 'ERROR' as const,
        categories: ['INVALID_ATTRIBUTE'],
      };
    }
    if (productType !== l.productType) {
      return {
        code: '4000003',
        message: `The product type ${productType} does not match ${l.productType}.`,
        severity: 'ERROR' as const,
        attributeNames: ['productType'],
        categories: ['INVALID_ATTRIBUTE'],
      };
    }
    if (l.fba) {
      return {
        code: '90000900',
        message: 'The quantity of an offer fulfilled by Amazon cannot be set.',
        severity: 'ERROR' as const,
        attributeNames: ['fulfillment_availability'],
        categories: ['INVALID_ATTRIBUTE'],
      };
    }
    if (availabilityOf(patches) === null) {
      return {
        code: '90000900',
        message: 'The attributes are invalid.',
        severity: 'ERROR' as const,
        attributeNames: ['fulfillment_availability'],
        categories: ['INVALID_ATTRIBUTE'],
      };
    }
    return null;
  }

  // ---- feeds ----------------------------------------------------------------------------

  createDocument(contentType: string, urlLifetimeMs: number): SimDocument {
    const doc: SimDocument = {
      id: `amzn1.tortuga.4.na.${crypto.randomUUID()}`,
      sellerId: this.sellerId,
      contentType,
      content: null,
      bytes: null,
      urlExpiresAt: this.now() + urlLifetimeMs,
    };
    this.documents.set(doc.id, doc);
    return doc;
  }

  createFeed(
    feedType: string,
    marketplaceIds: string[],
    documentId: string,
    feedOptions: Record<string, string> = {},
  ): SimFeed {
    if (feedType === INVOICE_FEED_TYPE) return this.createInvoiceFeed(marketplaceIds, documentId, feedOptions);
    if (feedType !== 'JSON_LISTINGS_FEED')
      throw new SimError(400, 'InvalidInput', `feedType ${feedType} is not simulated`);
    if (marketplaceIds.length !== 1)
      throw new SimError(400, 'InvalidInput', 'JSON_LISTINGS_FEED takes exactly one marketplace');
    const doc = this.documents.get(documentId);
    if (!doc || doc.content === null)
      throw new SimError(400, 'InvalidInput', `feed document ${documentId} was not uploaded`);
    return this.queueFeed(feedType, marketplaceIds, documentId, this.now());
  }

  /** A feed accepted now: queued, processed a third of the feed time later, done after all of it. */
  private queueFeed(feedType: string, marketplaceIds: string[], documentId: string, now: number): SimFeed {
    const feed: SimFeed = {
      feedId: String(50_000_000_000 + this.feeds.size + 1),
      feedType,
      marketplaceIds,
      createdTime: iso(now),
      processingStatus: 'IN_QUEUE',
      sellerId: this.sellerId,
      inputFeedDocumentId: documentId,
      startsAt: now + Math.floor(this.timing.feedMs / 3),
      endsAt: now + this.timing.feedMs,
    };
    this.feeds.set(feed.feedId, feed);
    return feed;
  }

  private createInvoiceFeed(marketplaceIds: string[], documentId: string, options: Record<string, string>): SimFeed {
    const now = this.now();
    if (this.vatInvoices.throttled(now))
      throw new SimError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
    const doc = this.documents.get(documentId);
    if (!doc || doc.bytes === null)
      throw new SimError(400, 'InvalidInput', `feed document ${documentId} was not uploaded`);
    const feed = this.queueFeed(INVOICE_FEED_TYPE, marketplaceIds, documentId, now);
    this.vatInvoices.receive({
      feedId: feed.feedId,
      marketplaceIds,
      options,
      contentType: doc.contentType,
      bytes: doc.bytes,
      order: (id) => this.orders.get(id),
      now,
    });
    return feed;
  }

  private processFeed(feed: SimFeed): void {
    if (feed.feedType === INVOICE_FEED_TYPE) {
      // Its outcome is per invoice (vatInvoices), as Amazon reports it in the VAT invoice data report.
      feed.processingEndTime = iso(feed.endsAt);
      feed.processingStatus = 'DONE';
      return;
    }
    const doc = this.documents.get(feed.inputFeedDocumentId);
    let parsed: SpListingsFeed | null = null;
    try {
      parsed = JSON.parse(doc?.content ?? '') as SpListingsFeed;
    } catch {
      parsed = null;
    }
    feed.processingEndTime = iso(feed.endsAt);
    if (
      !parsed ||
      !Array.isArray(parsed.messages) ||
      parsed.messages.length > 25_000 ||
      parsed.header?.sellerId !== this.sellerId
    ) {
      feed.processingStatus = 'FATAL';
      return;
    }
    const issues: NonNullable<SpProcessingReport['issues']> = [];
    let accepted = 0;
    for (const m of parsed.messages) {
      const rejections = this.feedRejections.get(m.sku) ?? 0;
      const problem =
        m.operationType !== 'PATCH'
          ? {
              code: '100',
              message: `operationType ${String(m.operationType)} is not simulated`,
              severity: 'ERROR' as const,
            }
          : rejections > 0
            ? {
                code: '90220',
                message: "'[fulfillment_availability]' could not be applied; retry.",
                severity: 'ERROR' as const,
              }
            : this.checkPatch(m.sku, feed.marketplaceIds ?? [], m.productType, m.patches);
      if (rejections > 0) this.feedRejections.set(m.sku, rejections - 1);
      if (problem) {
        issues.push({
          messageId: m.messageId,
          sku: m.sku,
          code: problem.code,
          severity: 'ERROR',
          message: problem.message,
        });
        continue;
      }
      accepted += 1;
      this.setQuantity(m.sku, availabilityOf(m.patches) as number);
    }
    const report: SpProcessingReport = {
      header: { sellerId: this.sellerId, version: '2.0', feedId: feed.feedId },
      issues,
      summary: {
        errors: issues.length,
        warnings: 0,
        messagesProcessed: parsed.messages.length,
        messagesAccepted: accepted,
        messagesInvalid: parsed.messages.length - accepted,
      },
    };
    const out = this.createDocument('application/json', 0);
    out.content = JSON.stringify(report);
    feed.resultFeedDocumentId = out.id;
    feed.processingStatus = 'DONE';
  }
}

/** The DEFAULT quantity of a fulfillment_availability replace/merge patch, or null when malformed. */
function availabilityOf(patches: { op?: string; path?: string; value?: unknown }[] | undefined): number | null {
  const p = patches?.find((x) => x.path === '/attributes/fulfillment_availability');
  if (!p || (p.op !== 'replace' && p.op !== 'merge') || !Array.isArray(p.value)) return null;
  const v = (p.value as { fulfillment_channel_code?: string; quantity?: unknown }[]).find(
    (x) => x.fulfillment_channel_code === 'DEFAULT',
  );
  if (!v || typeof v.quantity !== 'number' || !Number.isInteger(v.quantity) || v.quantity < 0) return null;
  return v.quantity;
}
