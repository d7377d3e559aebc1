// The simulated seller's eBay: orders (Sell Fulfillment shapes), inventory items and offers
// (Sell Inventory), legacy listings (Trading), shipping fulfilments, buyers' cancellation
// requests, OAuth tokens with expiry, per-listing daily revision counts and daily call counts.
// Times come from the injected clock. Merchant and buyer actions change orders and move their
// lastModifiedDate, as eBay does.
import type { Clock } from '../../../core/clock.ts';
import { ebayDay, REVISIONS_PER_LISTING_PER_DAY } from '../limits.ts';
import type { EbayCancelRequest, EbayLineItem, EbayOrder, EbayShippingFulfillment } from '../payloads.ts';

export interface OfferState {
  offerId: string;
  sku: string;
  availableQuantity: number;
  listingId: string;
  status: 'PUBLISHED' | 'UNPUBLISHED';
  merchantLocationKey: string;
}

export interface InventoryItemState {
  sku: string;
  title: string;
  quantity: number;
}

/** A listing made outside the Inventory API: one quantity, or one per variation SKU. */
export interface LegacyItemState {
  itemId: string;
  title: string;
  quantity: number;
  variations: Map<string, number> | null;
}

export interface LineSpec {
  sku?: string;
  legacyItemId?: string;
  legacyVariationId?: string;
  title?: string;
  quantity: number;
  /** Unit price, decimal text. */
  price: string;
  tax?: string;
  discount?: string;
  /** The line's maxEstimatedDeliveryDate (ISO); default five days after the order. */
  deliverBy?: string;
}

export interface OrderSpec {
  orderId?: string;
  buyer?: string;
  currency?: string;
  lines: LineSpec[];
  shipping?: string;
  /** Awaiting payment: eBay's getOrders does not return it. */
  unpaid?: boolean;
}

export interface TokenState {
  kind: 'user' | 'app';
  expiresAtMs: number;
}

/** Daily call limits per API (defaults: the documented ones; tests lower them). */
export interface CallLimits {
  fulfillment: number;
  inventory: number;
  trading: number;
  postorder: number;
  notification: number;
}

export const DEFAULT_CALL_LIMITS: CallLimits = {
  fulfillment: 100_000,
  inventory: 2_000_000,
  trading: 5_000,
  postorder: 100_000,
  notification: 10_000,
};

const money = (value: number, currency: string) => ({ value: (value / 100).toFixed(2), currency });
const cents = (text: string) => Math.round(Number(text) * 100);

export class EbayState {
  readonly orders = new Map<string, EbayOrder>();
  readonly fulfilments = new Map<string, EbayShippingFulfillment[]>();
  readonly items = new Map<string, InventoryItemState>();
  readonly offers = new Map<string, OfferState>();
  readonly legacy = new Map<string, LegacyItemState>();
  readonly tokens = new Map<string, TokenState>();
  /** `${day}|${listing}` → revisions. */
  readonly revisions = new Map<string, number>();
  /** `${day}|${api}` → calls. */
  readonly calls = new Map<string, number>();
  private seq = 1000;

  constructor(
    readonly clock: Clock,
    readonly sellerUsername: string,
    readonly limits: CallLimits,
  ) {}

  nextId(prefix = ''): string {
    this.seq += 1;
    return `${prefix}${this.seq}`;
  }

  private stamp(): string {
    return this.clock.now().toISOString();
  }

  /** `days` after now, as eBay writes its timestamps. */
  private after(days: number): string {
    return new Date(this.clock.nowMs() + days * 86_400_000).toISOString();
  }

  // ---- catalogue ---------------------------------------------------------------------------

  addInventoryItem(sku: string, quantity: number, opts: { title?: string; offers?: number } = {}): OfferState[] {
    this.items.set(sku, { sku, title: opts.title ?? `Item ${sku}`, quantity });
    const offers: OfferState[] = [];
    for (let i = 0; i < (opts.offers ?? 1); i++) {
      const offer: OfferState = {
        offerId: this.nextId('5'),
        sku,
        availableQuantity: quantity,
        listingId: this.nextId('11000000'),
        status: 'PUBLISHED',
        merchantLocationKey: 'default',
      };
      this.offers.set(offer.offerId, offer);
      offers.push(offer);
    }
    return offers;
  }

  addLegacyItem(itemId: string, quantity: number, variations?: Record<string, number>): LegacyItemState {
    const item: LegacyItemState = {
      itemId,
      title: `Legacy ${itemId}`,
      quantity,
      variations: variations ? new Map(Object.entries(variations)) : null,
    };
    this.legacy.set(itemId, item);
    return item;
  }

  offersOf(sku: string): OfferState[] {
    return [...this.offers.values()].filter((o) => o.sku === sku);
  }

  // ---- revisions and call counts -----------------------------------------------------------

  revisionsUsed(listing: string): number {
    return this.revisions.get(`${ebayDay(this.clock.nowMs())}|${listing}`) ?? 0;
  }

  /** Counts one revision; false (nothing counted) when the listing has none left today. */
  revise(listing: string): boolean {
    const key = `${ebayDay(this.clock.nowMs())}|${listing}`;
    const used = this.revisions.get(key) ?? 0;
    if (used >= REVISIONS_PER_LISTING_PER_DAY) return false;
    this.revisions.set(key, used + 1);
    return true;
  }

  /** Counts one call; false when the API's daily limit is spent. */
  countCall(api: keyof CallLimits): boolean {
    const key = `${ebayDay(this.clock.nowMs())}|${api}`;
    const used = this.calls.get(key) ?? 0;
    if (used >= this.limits[api]) return false;
    this.calls.set(key, used + 1);
    return true;
  }

  // ---- orders ------------------------------------------------------------------------------

  placeOrder(spec: OrderSpec): EbayOrder {
    const currency = spec.currency ?? 'USD';
    const orderId = spec.orderId ?? `${this.nextId('1')}-${this.nextId('')}-${this.nextId('')}`;
    const now = this.stamp();
    let subtotal = 0;
    let tax = 0;
    let discount = 0;
    const lineItems: EbayLineItem[] = spec.lines.map((l) => {
      const cost = cents(l.price) * l.quantity;
      const lineTax = l.tax ? cents(l.tax) : 0;
      const lineDiscount = l.discount ? cents(l.discount) : 0;
      subtotal += cost;
      tax += lineTax;
      discount += lineDiscount;
      return {
        lineItemId: this.nextId('100'),
        legacyItemId: l.legacyItemId ?? this.offersOf(l.sku ?? '')[0]?.listingId,
        legacyVariationId: l.legacyVariationId,
        sku: l.sku,
        title: l.title ?? `Item ${l.sku ?? l.legacyItemId}`,
        quantity: l.quantity,
        lineItemCost: money(cost, currency),
        total: money(cost + lineTax - lineDiscount, currency),
        taxes: lineTax ? [{ amount: money(lineTax, currency), taxType: 'STATE_SALES_TAX' }] : [],
        appliedPromotions: lineDiscount
          ? [{ promotionId: 'PROMO1', description: 'Spend more, save', discountAmount: money(lineDiscount, currency) }]
          : [],
        deliveryCost: { shippingCost: money(0, currency) },
        lineItemFulfillmentStatus: 'NOT_STARTED',
        // Handling and delivery window eBay states per line (LineItemFulfillmentInstructions).
        lineItemFulfillmentInstructions: {
          guaranteedDelivery: false,
          shipByDate: this.after(2),
          minEstimatedDeliveryDate: this.after(3),
          maxEstimatedDeliveryDate: l.deliverBy ?? this.after(5),
        },
        listingMarketplaceId: 'EBAY_US',
        purchaseMarketplaceId: 'EBAY_US',
        refunds: [],
      };
    });
    const shipping = spec.shipping ? cents(spec.shipping) : 0;
    const buyer = spec.buyer ?? 'buyer_one';
    // A phone of the buyer's own (erasure tests tell buyers apart by their identifiers).
    const phone = `555${String([...buyer].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 10_000_000, 7)).padStart(7, '0')}`;
    const order: EbayOrder = {
      orderId,
      legacyOrderId: orderId,
      creationDate: now,
      lastModifiedDate: now,
      orderFulfillmentStatus: 'NOT_STARTED',
      orderPaymentStatus: spec.unpaid ? 'PENDING' : 'PAID',
      sellerId: this.sellerUsername,
      salesRecordReference: this.nextId(''),
      buyer: {
        username: buyer,
        buyerRegistrationAddress: {
          fullName: `Buyer ${buyer}`,
          email: `${buyer}@members.ebay.com`,
          primaryPhone: { phoneNumber: phone },
          contactAddress: {
            addressLine1: '1 Main St',
            city: 'San Jose',
            stateOrProvince: 'CA',
            postalCode: '95125',
            countryCode: 'US',
          },
        },
      },
      cancelStatus: { cancelState: 'NONE_REQUESTED', cancelRequests: [] },
      pricingSummary: {
        priceSubtotal: money(subtotal, currency),
        ...(discount ? { priceDiscount: money(-discount, currency) } : {}),
        deliveryCost: money(shipping, currency),
        tax: money(tax, currency),
        total: money(subtotal - discount + shipping + tax, currency),
      },
      paymentSummary: {
        totalDueSeller: money(subtotal - discount + shipping, currency),
        payments: spec.unpaid
          ? []
          : [
              {
                paymentMethod: 'EBAY',
                paymentStatus: 'PAID',
                paymentDate: now,
                amount: money(subtotal - discount + shipping + tax, currency),
              },
            ],
        refunds: [],
      },
      fulfillmentStartInstructions: [
        {
          fulfillmentInstructionsType: 'SHIP_TO',
          shippingStep: {
            shipTo: {
              fullName: `Buyer ${buyer}`,
              primaryPhone: { phoneNumber: phone },
              email: `${buyer}@members.ebay.com`,
              contactAddress: {
                addressLine1: '1 Main St',
                city: 'San Jose',
                stateOrProvince: 'CA',
                postalCode: '95125',
                countryCode: 'US',
              },
            },
            shippingCarrierCode: 'USPS',
            shippingServiceCode: 'USPSPriority',
          },
        },
      ],
      fulfillmentHrefs: [],
      lineItems,
    };
    this.orders.set(orderId, order);
    this.fulfilments.set(orderId, []);
    return order;
  }

  /** Any change to an order moves its lastModifiedDate to now (at least one millisecond on). */
  touch(order: EbayOrder): void {
    const now = this.clock.nowMs();
    const before = Date.parse(order.lastModifiedDate);
    order.lastModifiedDate = new Date(Math.max(now, before + 1)).toISOString();
  }

  modifyOrder(orderId: string, change: (o: EbayOrder) => void): EbayOrder {
    const o = this.mustOrder(orderId);
    change(o);
    this.touch(o);
    return o;
  }

  markPaid(orderId: string): EbayOrder {
    return this.modifyOrder(orderId, (o) => {
      o.orderPaymentStatus = 'PAID';
    });
  }

  /** The buyer asks to cancel; the seller answers through the Post-Order API. */
  requestCancel(orderId: string, reason = 'BUYER_ASKED_CANCEL'): EbayCancelRequest {
    const request: EbayCancelRequest = {
      cancelRequestId: this.nextId('52'),
      cancelInitiator: 'BUYER',
      cancelReason: reason,
      cancelRequestedDate: this.stamp(),
      cancelRequestState: 'REQUESTED',
    };
    this.modifyOrder(orderId, (o) => {
      o.cancelStatus = {
        cancelState: 'IN_PROGRESS',
        cancelRequests: [...(o.cancelStatus.cancelRequests ?? []), request],
      };
    });
    return request;
  }

  answerCancel(cancelId: string, approve: boolean): EbayOrder | null {
    for (const o of this.orders.values()) {
      const r = (o.cancelStatus.cancelRequests ?? []).find((x) => x.cancelRequestId === cancelId);
      if (r?.cancelRequestState !== 'REQUESTED') continue;
      r.cancelRequestState = approve ? 'COMPLETED' : 'REJECTED';
      if (approve) {
        r.cancelCompletedDate = this.stamp();
        o.cancelStatus.cancelState = 'CANCELED';
        o.cancelStatus.cancelledDate = this.stamp();
      } else {
        o.cancelStatus.cancelState = 'NONE_REQUESTED';
      }
      this.touch(o);
      return o;
    }
    return null;
  }

  mustOrder(orderId: string): EbayOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`simulator: no order ${orderId}`);
    return o;
  }

  /** Records a shipping fulfilment; the order's and lines' statuses follow what is left open. */
  ship(orderId: string, f: Omit<EbayShippingFulfillment, 'fulfillmentId'>): EbayShippingFulfillment {
    const o = this.mustOrder(orderId);
    const list = this.fulfilments.get(orderId) ?? [];
    const created: EbayShippingFulfillment = { fulfillmentId: this.nextId('94055'), ...f };
    list.push(created);
    this.fulfilments.set(orderId, list);
    const shipped = new Map<string, number>();
    for (const x of list)
      for (const l of x.lineItems) shipped.set(l.lineItemId, (shipped.get(l.lineItemId) ?? 0) + l.quantity);
    for (const l of o.lineItems) {
      const s = shipped.get(l.lineItemId) ?? 0;
      l.lineItemFulfillmentStatus = s >= l.quantity ? 'FULFILLED' : s > 0 ? 'IN_PROGRESS' : 'NOT_STARTED';
    }
    const all = o.lineItems.every((l) => l.lineItemFulfillmentStatus === 'FULFILLED');
    o.orderFulfillmentStatus = all ? 'FULFILLED' : 'IN_PROGRESS';
    o.fulfillmentHrefs = list.map(
      (x) => `https://api.ebay.com/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${x.fulfillmentId}`,
    );
    this.touch(o);
    return created;
  }

  /** Units of a line not yet in a fulfilment. */
  openQuantity(orderId: string, lineItemId: string): number {
    const o = this.mustOrder(orderId);
    const line = o.lineItems.find((l) => l.lineItemId === lineItemId);
    if (!line) return -1;
    const shipped = (this.fulfilments.get(orderId) ?? [])
      .flatMap((f) => f.lineItems)
      .filter((l) => l.lineItemId === lineItemId)
      .reduce((s, l) => s + l.quantity, 0);
    return line.quantity - shipped;
  }
}
