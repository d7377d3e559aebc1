// eBay's documented call limits (developer.ebay.com, "API call limits", default for an
// application that has passed the Application Growth Check is higher) turned into the shared
// per-(account, operation) token buckets of `limits.operations` (sync/rate/). eBay counts per
// day; a bucket restores daily/86,400 calls a second and holds 1 % of the day at once, so a
// burst (a poll sweep, a stock storm) goes out at once and a whole day cannot exceed the limit
// by more than that 1 %.
import type { OperationLimit } from '../connector.ts';

/** Operation names used with account.acquire(); each maps to one eBay resource limit. */
export const OP = {
  getOrders: 'getOrders',
  getOrder: 'getOrder',
  getShippingFulfillments: 'getShippingFulfillments',
  createShippingFulfillment: 'createShippingFulfillment',
  bulkUpdatePriceQuantity: 'bulkUpdatePriceQuantity',
  reviseInventoryStatus: 'ReviseInventoryStatus',
  getInventoryItems: 'getInventoryItems',
  getOffers: 'getOffers',
  cancellation: 'cancellation',
  getRateLimits: 'getRateLimits',
} as const;
export type OperationName = (typeof OP)[keyof typeof OP];

/** Documented default daily limits per API (calls per day). */
export const DAILY_LIMITS: Readonly<Record<OperationName, number>> = {
  // Sell Fulfillment API: 100,000 calls a day.
  getOrders: 100_000,
  getOrder: 100_000,
  getShippingFulfillments: 100_000,
  createShippingFulfillment: 100_000,
  // Sell Inventory API: 2,000,000 calls a day.
  bulkUpdatePriceQuantity: 2_000_000,
  getInventoryItems: 2_000_000,
  getOffers: 2_000_000,
  // Trading API: 5,000 calls a day before the Application Growth Check.
  ReviseInventoryStatus: 5_000,
  // Post-Order API (cancellation answers).
  cancellation: 100_000,
  // Developer Analytics API.
  getRateLimits: 5_000,
};

export function dailyToBucket(perDay: number): OperationLimit {
  return { ratePerSecond: perDay / 86_400, burst: Math.max(1, Math.floor(perDay / 100)) };
}

export function operationLimits(
  daily: Readonly<Record<string, number>> = DAILY_LIMITS,
): Record<string, OperationLimit> {
  return Object.fromEntries(Object.entries(daily).map(([op, perDay]) => [op, dailyToBucket(perDay)]));
}

/** eBay allows 250 revisions of one listing per calendar day (bulkUpdatePriceQuantity contract). */
export const REVISIONS_PER_LISTING_PER_DAY = 250;

/** Most requests (SKUs) in one bulkUpdatePriceQuantity call. */
export const BULK_PRICE_QUANTITY_MAX = 25;

/** Most InventoryStatus containers in one ReviseInventoryStatus call. */
export const REVISE_INVENTORY_STATUS_MAX = 4;

/** getOrders `orderIds` takes up to 50 ids. */
export const GET_ORDERS_IDS_MAX = 50;

/** getOrders `limit` maximum. */
export const GET_ORDERS_LIMIT_MAX = 200;

/**
 * eBay's "calendar day" for listing revisions, as a date key. eBay runs on Pacific time
 * (its official time is shown as PT in the seller hub), so the day turns at midnight there.
 */
const PACIFIC_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function ebayDay(ms: number): string {
  return PACIFIC_DATE.format(new Date(ms));
}

/** Milliseconds from `ms` to the next eBay day (searching by the minute; DST-proof). */
export function msUntilNextDay(ms: number): number {
  const today = ebayDay(ms);
  // Jump close, then step: at most 25 h ahead.
  let t = ms;
  for (let step = 3_600_000; step >= 60_000; step /= 60) {
    while (ebayDay(t + step) === today) t += step;
  }
  return t + 60_000 - ms;
}
