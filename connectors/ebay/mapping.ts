// Pure mapping of a Sell Fulfillment Order (getOrder / getOrders) to the hub's OrderDraft.
// Field by field against eBay's contract (sell_fulfillment_v1_oas3): see the table in README.md.
// Amounts are eBay's decimal strings in the seller's marketplace currency (convertedFrom* holds
// the buyer's currency when eBay converted), turned into minor units with parseMinor: nothing
// is computed in floating point.
import { parseMinor } from '../../core/money/money.ts';
import { ConnectorError } from '../connector.ts';
import type { Address, Customer, OrderDraft, OrderLineDraft } from '../../core/order/schema.ts';
import { OrderDraftSchema } from '../../core/order/schema.ts';
import { buyerVatId } from '../../core/order/vat-id.ts';
import type { EbayAmount, EbayCancelRequest, EbayContact, EbayLineItem, EbayOrder } from './payloads.ts';

/**
 * A payload that does not fit eBay's documented shape: a content error. Non-retryable, so the
 * inbox turns it into an exception at once (sync/inbox-failures.ts), naming the JSON path.
 */
export class EbayMappingError extends ConnectorError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('invalid_payload', `${path}: ${message}`, { retryable: false });
    this.name = 'EbayMappingError';
  }
}

const PAYMENT: Readonly<Record<string, OrderDraft['state']['payment']>> = {
  PENDING: 'pending',
  PAID: 'paid',
  PARTIALLY_REFUNDED: 'partially_refunded',
  FULLY_REFUNDED: 'refunded',
  // The buyer's payment did not go through: nothing is owed, nothing was taken.
  FAILED: 'voided',
};

const FULFILMENT: Readonly<Record<string, OrderDraft['state']['fulfilment']>> = {
  NOT_STARTED: 'unfulfilled',
  IN_PROGRESS: 'partial',
  FULFILLED: 'fulfilled',
};

function minor(amount: EbayAmount | undefined, currency: string, path: string): number {
  if (!amount) return 0;
  if (amount.currency && amount.currency !== currency) {
    throw new EbayMappingError(`${path}.currency`, `is ${amount.currency}, the order is in ${currency}`);
  }
  try {
    return parseMinor(amount.value, currency);
  } catch (error) {
    throw new EbayMappingError(`${path}.value`, error instanceof Error ? error.message : String(error));
  }
}

/** eBay writes discounts as negative amounts in pricingSummary and positive ones on promotions. */
const magnitude = (n: number) => Math.abs(n);

function blank(v: string | undefined | null): string | null {
  return v && v.trim() !== '' ? v.trim() : null;
}

function address(c: EbayContact | undefined): Address | null {
  if (!c) return null;
  const a = c.contactAddress ?? {};
  return {
    name: blank(c.fullName),
    company: blank(c.companyName),
    line1: blank(a.addressLine1),
    line2: blank(a.addressLine2),
    city: blank(a.city),
    region: blank(a.stateOrProvince),
    postalCode: blank(a.postalCode),
    countryCode: blank(a.countryCode)?.toUpperCase() ?? null,
    phone: blank(c.primaryPhone?.phoneNumber),
  };
}

function customer(order: EbayOrder): Customer | null {
  const b = order.buyer;
  if (!b) return null;
  const reg = b.buyerRegistrationAddress;
  return {
    // The buyer's eBay user id: what a marketplace account deletion notice names (erasure key).
    externalId: blank(b.username),
    name: blank(reg?.fullName),
    email: blank(reg?.email),
    phone: blank(reg?.primaryPhone?.phoneNumber),
  };
}

/** The buyer's VAT id (buyer.taxIdentifier of type VATIN, from getOrder), prefixed with its issuing country. */
export function ebayBuyerVatId(order: EbayOrder): string | null {
  const t = order.buyer?.taxIdentifier;
  return t?.taxIdentifierType === 'VATIN' ? buyerVatId(t.taxpayerId, t.issuingCountry) : null;
}

function line(item: EbayLineItem, i: number, currency: string): OrderLineDraft {
  const path = `lineItems[${i}]`;
  if (!Number.isInteger(item.quantity) || item.quantity < 0) {
    throw new EbayMappingError(`${path}.quantity`, `must be a whole number, got ${String(item.quantity)}`);
  }
  // lineItemCost is the unit price times the quantity, before discounts.
  const cost = minor(item.lineItemCost, currency, `${path}.lineItemCost`);
  const quantity = item.quantity;
  if (quantity > 0 && cost % quantity !== 0) {
    throw new EbayMappingError(
      `${path}.lineItemCost`,
      `${item.lineItemCost.value} is not ${quantity} equal unit prices`,
    );
  }
  const discounts = (item.appliedPromotions ?? [])
    .map((p, j) => ({
      code: blank(p.promotionId),
      title: blank(p.description),
      amount: magnitude(minor(p.discountAmount, currency, `${path}.appliedPromotions[${j}].discountAmount`)),
    }))
    .filter((d) => d.amount > 0);
  const taxLines = (item.taxes ?? [])
    .map((t, j) => ({
      title: blank(t.taxType) ?? 'tax',
      rate: null,
      amount: minor(t.amount, currency, `${path}.taxes[${j}].amount`),
    }))
    .filter((t) => t.amount !== 0);
  const aspects = (item.variationAspects ?? []).map((a) => `${a.name}: ${a.value}`).join(', ');
  return {
    channelLineId: item.lineItemId,
    sku: blank(item.sku),
    title: item.title,
    variantTitle: aspects || null,
    quantity,
    // Line status is all or nothing; a partly shipped line counts as not yet fulfilled.
    fulfilledQuantity: item.lineItemFulfillmentStatus === 'FULFILLED' ? quantity : 0,
    unitPrice: quantity > 0 ? cost / quantity : 0,
    discountTotal: discounts.reduce((s, d) => s + d.amount, 0),
    discounts,
    taxLines,
    externalProductId: blank(item.legacyItemId),
    externalVariantId: blank(item.legacyVariationId),
    requiresShipping: true,
  };
}

/** The buyer's cancellation request still waiting for the seller, if any (getOrder only). */
export function openCancelRequest(order: EbayOrder): EbayCancelRequest | null {
  const requests = order.cancelStatus?.cancelRequests ?? [];
  return requests.find((r) => r.cancelRequestState === 'REQUESTED') ?? null;
}

/**
 * getOrders returns cancelRequests empty whatever the state; an order whose cancelState says a
 * request is in progress must be read with getOrder to see it.
 */
export function needsCancelDetail(order: EbayOrder): boolean {
  return order.cancelStatus?.cancelState === 'IN_PROGRESS' && (order.cancelStatus.cancelRequests ?? []).length === 0;
}

/**
 * What eBay told the buyer: the latest `maxEstimatedDeliveryDate` over the lines (the date past
 * which eBay counts a late-delivery defect), so the order is late only once its last line is.
 */
export function promisedAt(order: EbayOrder): string | null {
  let latest: string | null = null;
  for (const [i, l] of order.lineItems.entries()) {
    const text = l.lineItemFulfillmentInstructions?.maxEstimatedDeliveryDate;
    if (text === undefined || text === null) continue;
    if (Number.isNaN(Date.parse(text))) {
      throw new EbayMappingError(
        `lineItems[${i}].lineItemFulfillmentInstructions.maxEstimatedDeliveryDate`,
        'is not a date',
      );
    }
    if (latest === null || Date.parse(text) > Date.parse(latest)) latest = text;
  }
  return latest;
}

export function mapOrder(order: EbayOrder): OrderDraft {
  const ps = order.pricingSummary;
  if (!ps?.total?.currency) throw new EbayMappingError('pricingSummary.total', 'is missing');
  if (!Array.isArray(order.lineItems)) throw new EbayMappingError('lineItems', 'is missing');
  const currency = ps.total.currency;
  const lines = order.lineItems.map((l, i) => line(l, i, currency));
  const subtotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const priceDiscount = magnitude(minor(ps.priceDiscount, currency, 'pricingSummary.priceDiscount'));
  const deliveryDiscount = magnitude(minor(ps.deliveryDiscount, currency, 'pricingSummary.deliveryDiscount'));
  const deliveryCost = minor(ps.deliveryCost, currency, 'pricingSummary.deliveryCost');
  const shipping = order.fulfillmentStartInstructions?.[0]?.shippingStep;
  const cancelled = order.cancelStatus?.cancelState === 'CANCELED';
  const completed = (order.cancelStatus?.cancelRequests ?? []).find((r) => r.cancelRequestState === 'COMPLETED');
  const request = openCancelRequest(order);
  const presentment =
    ps.total.convertedFromCurrency && ps.total.convertedFromValue && ps.total.convertedFromCurrency !== currency
      ? {
          currency: ps.total.convertedFromCurrency,
          total: parseMinor(ps.total.convertedFromValue, ps.total.convertedFromCurrency),
        }
      : null;
  const draft = {
    externalId: order.orderId,
    displayNumber: blank(order.salesRecordReference) ?? order.orderId,
    currency,
    presentment,
    state: {
      cancelled,
      cancelReason: cancelled ? (blank(completed?.cancelReason) ?? 'cancelled on eBay') : null,
      payment: PAYMENT[order.orderPaymentStatus] ?? 'pending',
      fulfilment: FULFILMENT[order.orderFulfillmentStatus] ?? 'unfulfilled',
      restock: true,
    },
    customer: customer(order),
    buyerVatId: ebayBuyerVatId(order),
    billingAddress: null,
    shippingAddress: address(shipping?.shipTo),
    lines,
    shippingLines:
      deliveryCost > 0 || shipping?.shippingServiceCode
        ? [
            {
              title: blank(shipping?.shippingServiceCode) ?? 'Shipping',
              code: blank(shipping?.shippingServiceCode),
              price: deliveryCost,
              taxTotal: 0,
              discountTotal: deliveryDiscount,
            },
          ]
        : [],
    totals: {
      subtotal,
      discountTotal: priceDiscount + deliveryDiscount,
      shippingTotal: deliveryCost,
      taxTotal: minor(ps.tax, currency, 'pricingSummary.tax'),
      tipTotal: 0,
      total: minor(ps.total, currency, 'pricingSummary.total'),
    },
    fulfilmentMethod: 'ship' as const,
    sourceName: 'ebay',
    tags: [],
    test: false,
    cancelRequest:
      request && !cancelled
        ? {
            requestedAt: request.cancelRequestedDate ?? order.lastModifiedDate,
            reason: blank(request.cancelReason),
          }
        : null,
    fulfilledByChannel: false,
    discountCodes: [],
    channelRef: {
      orderId: order.orderId,
      legacyOrderId: order.legacyOrderId ?? null,
      salesRecordReference: order.salesRecordReference ?? null,
      cancelRequestId: request?.cancelRequestId ?? null,
      marketplaceId: order.lineItems[0]?.purchaseMarketplaceId ?? null,
      // eBay collects and remits the tax on a line (ebayCollectAndRemitTaxes): invoices say so.
      taxCollectedBy: order.lineItems.some((l) => l.ebayCollectAndRemitTaxes?.length) ? 'eBay' : null,
    },
    promisedAt: promisedAt(order),
    channelCreatedAt: order.creationDate,
    channelUpdatedAt: order.lastModifiedDate,
  };
  const parsed = OrderDraftSchema.safeParse(draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EbayMappingError(issue?.path.join('.') || 'order', issue?.message ?? 'does not fit the order model');
  }
  return parsed.data;
}
