// Pure mapping: an Orders API 2026-01-01 order (items inside, as searchOrders and getOrder return
// it with includedData) → the hub's OrderDraft. Tables in README.md ("Mapping"); every amount
// goes through parseMinor in the currency's own exponent (JPY 0, USD 2, KWD 3).
import { parseMinor } from '../../core/money/money.ts';
import type { OrderDraftInput } from '../../core/order/schema.ts';
import { buyerVatId } from '../../core/order/vat-id.ts';
import type { SpMoney, SpOrder, SpOrderItem, SpProceedsBreakdown } from './payloads.ts';

/** Order status (order.fulfillment.fulfillmentStatus) → the facts core derives state from. */
export const STATUS_FACTS: Record<
  string,
  { payment: 'pending' | 'paid' | 'voided'; fulfilment: 'unfulfilled' | 'partial' | 'fulfilled'; cancelled: boolean }
> = {
  // Pre-order placed, payment not authorised, release date in the future.
  PENDING_AVAILABILITY: { payment: 'pending', fulfilment: 'unfulfilled', cancelled: false },
  // Placed, not ready for shipment (payment not yet authorised).
  PENDING: { payment: 'pending', fulfilment: 'unfulfilled', cancelled: false },
  UNSHIPPED: { payment: 'paid', fulfilment: 'unfulfilled', cancelled: false },
  PARTIALLY_SHIPPED: { payment: 'paid', fulfilment: 'partial', cancelled: false },
  SHIPPED: { payment: 'paid', fulfilment: 'fulfilled', cancelled: false },
  CANCELLED: { payment: 'voided', fulfilment: 'unfulfilled', cancelled: true },
  // Multi-Channel Fulfillment only: Amazon cannot fulfil it.
  UNFULFILLABLE: { payment: 'pending', fulfilment: 'unfulfilled', cancelled: false },
};

/** Currency of a marketplace, for orders whose amounts are not stated yet (developer-docs "Marketplace IDs"). */
const MARKETPLACE_CURRENCY: Record<string, string> = {
  ATVPDKIKX0DER: 'USD',
  A2EUQ1WTGCTBG2: 'CAD',
  A1AM78C64UM0Y8: 'MXN',
  A2Q3Y263D00KWC: 'BRL',
  A1F83G8C2ARO7P: 'GBP',
  A1PA6795UKMFR9: 'EUR',
  A13V1IB3VIYZZH: 'EUR',
  APJ6JRA9NG5V4: 'EUR',
  A1RKKUPIHCS9HS: 'EUR',
  A1805IZSGTT6HS: 'EUR',
  AMEN7PMS3EDWL: 'EUR',
  A2NODRKZP88ZB9: 'SEK',
  A1C3SOZRARQ6R3: 'PLN',
  A33AVAJ2PDY3EV: 'TRY',
  A21TJRUUN4KGV: 'INR',
  A1VC38T7YXB528: 'JPY',
  A39IBJ37TRP1C6: 'AUD',
  A19VAU5U5O7RUS: 'SGD',
  A2VIGQ35RCS4UG: 'AED',
  A17E79C6D8DWNP: 'SAR',
  ARBP9OOSHTCHU: 'EGP',
};

function money(m: SpMoney | undefined, currency: string, what: string): number | null {
  if (!m) return null;
  if (m.currencyCode !== currency) throw new Error(`${what}: amount in ${m.currencyCode}, the order in ${currency}`);
  return parseMinor(m.amount, currency);
}

function sumType(list: readonly SpProceedsBreakdown[] | undefined, type: string, currency: string): number | null {
  const found = (list ?? []).filter((b) => b.type === type);
  if (found.length === 0) return null;
  return found.reduce((acc, b) => acc + (money(b.subtotal, currency, `proceeds ${type}`) ?? 0), 0);
}

function orderCurrency(order: SpOrder): string {
  const stated =
    order.proceeds?.grandTotal?.currencyCode ??
    order.orderItems.find((i) => i.product.price?.unitPrice)?.product.price?.unitPrice?.currencyCode ??
    MARKETPLACE_CURRENCY[order.salesChannel.marketplaceId ?? ''];
  if (!stated) throw new Error(`order ${order.orderId}: no amount states a currency and the marketplace is unknown`);
  return stated;
}

function whole(n: unknown, what: string): number {
  // Quantities are integers; a fractional one (an item sold by weight) is refused, never rounded.
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number`);
  return n;
}

/**
 * The buyer's VAT registration (includedData TAX: tax.taxRegistrations, entityType BUYER and
 * taxRegistrationType VAT), prefixed with the country of its registration address when the number
 * has none; null when there is none or its country is not stated.
 */
export function amazonBuyerVatId(order: SpOrder): string | null {
  const reg = order.tax?.taxRegistrations?.find((r) => r.entityType === 'BUYER' && r.taxRegistrationType === 'VAT');
  return reg ? buyerVatId(reg.taxRegistrationNumber, reg.taxRegistrationAddress?.countryCode) : null;
}

/** The buyer's cancellation request still waiting for the seller (README, "Cancellation requests"). */
export function openCancelRequest(order: SpOrder): { reason: string | null } | null {
  if (order.fulfillment?.fulfillmentStatus === 'CANCELLED') return null;
  const item = order.orderItems.find(
    (i) => i.cancellation?.cancellationRequest?.requester === 'BUYER' && !i.cancellation.cancellationExecution,
  );
  return item ? { reason: item.cancellation?.cancellationRequest?.cancelReason ?? null } : null;
}

function mapLine(item: SpOrderItem, currency: string, fulfilledByChannel: boolean) {
  const quantity = whole(item.quantityOrdered, `orderItems[${item.orderItemId}].quantityOrdered`);
  const shipped = whole(item.fulfillment?.quantityFulfilled ?? 0, `orderItems[${item.orderItemId}].quantityFulfilled`);
  const breakdowns = item.proceeds?.breakdowns;
  const tax = sumType(breakdowns, 'TAX', currency);
  const discount = sumType(breakdowns, 'DISCOUNT', currency);
  return {
    channelLineId: item.orderItemId,
    sku: item.product.sellerSku?.trim() || null,
    title: item.product.title ?? item.product.sellerSku ?? item.product.asin ?? item.orderItemId,
    quantity,
    fulfilledQuantity: Math.min(shipped, quantity),
    unitPrice: money(item.product.price?.unitPrice, currency, `orderItems[${item.orderItemId}].unitPrice`) ?? 0,
    discountTotal: Math.abs(discount ?? 0),
    taxLines: tax ? [{ title: 'Tax', amount: tax }] : [],
    discounts: (item.promotion?.breakdowns ?? [])
      .filter((p) => p.promotionId)
      .map((p, i, all) => ({ code: p.promotionId, amount: i === all.length - 1 ? Math.abs(discount ?? 0) : 0 })),
    externalProductId: item.product.asin ?? null,
    externalVariantId: null,
    requiresShipping: !fulfilledByChannel,
  };
}

/** The party Amazon names when it collects the tax as marketplace facilitator on any item; null when it does not. */
function marketplaceFacilitator(order: SpOrder): string | null {
  for (const item of order.orderItems) {
    const c = item.tax?.taxCollections?.find((t) => t.model === 'MARKETPLACE_FACILITATOR');
    if (c) return c.responsibleParty?.trim() || 'Amazon';
  }
  return null;
}

/**
 * What Amazon promised the buyer: the end of the delivery window; without one (the model's own
 * examples have orders with only a ship-by window), the end of the ship-by window — an order not
 * handed over by then cannot meet any delivery date Amazon showed, and the delayed check only
 * asks about orders still unshipped, so it never tells a buyer "delayed" too early for a parcel
 * already on its way.
 */
export function promisedAt(order: SpOrder): string | null {
  const f = order.fulfillment;
  return f?.deliverByWindow?.latestDateTime ?? f?.shipByWindow?.latestDateTime ?? null;
}

export function mapOrder(order: SpOrder): OrderDraftInput {
  const status = order.fulfillment?.fulfillmentStatus ?? 'PENDING';
  const facts = STATUS_FACTS[status];
  if (!facts) throw new Error(`order ${order.orderId}: unknown fulfillmentStatus ${status}`);
  const currency = orderCurrency(order);
  const fulfilledByChannel = order.fulfillment?.fulfilledBy === 'AMAZON';
  const lines = order.orderItems.map((i) => mapLine(i, currency, fulfilledByChannel));
  const subtotal = lines.reduce((acc, l) => acc + l.unitPrice * l.quantity, 0);

  // Order-level proceeds when stated, else the items' own breakdowns added up.
  const orderBreakdowns = order.proceeds?.breakdowns;
  const itemBreakdowns = order.orderItems.flatMap((i) => i.proceeds?.breakdowns ?? []);
  const pick = (type: string) => sumType(orderBreakdowns, type, currency) ?? sumType(itemBreakdowns, type, currency);
  const shipping = pick('SHIPPING') ?? 0;
  const tax = pick('TAX') ?? 0;
  const discount = Math.abs(pick('DISCOUNT') ?? 0);
  const tip = sumType(orderBreakdowns, 'DELIVERY_TIP', currency) ?? 0;
  const extras = (pick('GIFT_WRAP') ?? 0) + (pick('COD_FEE') ?? 0) + (pick('OTHER') ?? 0);
  const total =
    money(order.proceeds?.grandTotal, currency, 'proceeds.grandTotal') ??
    subtotal - discount + shipping + tax + tip + extras;

  const cancelledItem = order.orderItems.find((i) => i.cancellation?.cancellationExecution);
  const request = openCancelRequest(order);
  const address = order.recipient?.deliveryAddress;
  const sellerOrderId = order.orderAliases?.find((a) => a.aliasType === 'SELLER_ORDER_ID')?.aliasId ?? null;

  return {
    externalId: order.orderId,
    displayNumber: order.orderId,
    currency,
    state: {
      cancelled: facts.cancelled,
      cancelReason: facts.cancelled ? (cancelledItem?.cancellation?.cancellationExecution?.cancelReason ?? null) : null,
      payment: facts.payment,
      fulfilment: facts.fulfilment,
      restock: true,
    },
    customer:
      order.buyer || address?.phone
        ? {
            name: order.buyer?.buyerName ?? null,
            email: order.buyer?.buyerEmail ?? null,
            phone: address?.phone ?? null,
          }
        : null,
    buyerVatId: amazonBuyerVatId(order),
    shippingAddress: address
      ? {
          name: address.name ?? null,
          company: address.companyName ?? null,
          line1: address.addressLine1 ?? null,
          line2: [address.addressLine2, address.addressLine3].filter((x) => x).join(', ') || null,
          city: address.city ?? null,
          region: address.stateOrRegion || null,
          postalCode: address.postalCode ?? null,
          countryCode: address.countryCode ?? null,
          phone: address.phone ?? null,
        }
      : null,
    lines,
    shippingLines: shipping ? [{ title: 'Shipping', price: shipping }] : [],
    totals: { subtotal, discountTotal: discount, shippingTotal: shipping, taxTotal: tax, tipTotal: tip, total },
    fulfilmentMethod: 'ship',
    sourceName: order.salesChannel.marketplaceName ?? order.salesChannel.channelName,
    tags: order.programs ?? [],
    cancelRequest: request ? { requestedAt: order.lastUpdatedTime, reason: request.reason } : null,
    fulfilledByChannel,
    channelFulfilments: order.packages?.map((p) => ({
      externalId: p.packageReferenceId,
      status: null,
      tracking: [{ company: p.carrier ?? null, number: p.trackingNumber ?? null, url: null }],
      lines: (p.packageItems ?? []).map((pi) => ({ channelLineId: pi.orderItemId, quantity: pi.quantity })),
      createdAt: p.shipTime ?? p.createdTime ?? null,
    })),
    channelRef: {
      marketplaceId: order.salesChannel.marketplaceId ?? null,
      fulfilledBy: order.fulfillment?.fulfilledBy ?? null,
      fulfillmentStatus: status,
      sellerOrderId,
      // Amazon collects and remits the tax as marketplace facilitator: invoices say so.
      taxCollectedBy: marketplaceFacilitator(order),
    },
    promisedAt: promisedAt(order),
    channelCreatedAt: order.createdTime,
    channelUpdatedAt: order.lastUpdatedTime,
  };
}
