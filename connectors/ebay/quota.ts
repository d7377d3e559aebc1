// The seller's real daily call limits, read with Developer Analytics getUserRateLimits where
// the account allows it, over eBay's documented defaults (limits.ts DAILY_LIMITS). An account
// whose token may not call the Analytics API, or an answer without the APIs the hub uses,
// keeps the defaults. What eBay says is reported (testConnection); the shared buckets of
// limits.operations stay the documented ones (they are declared per connector, not per account).
import type { EbayClient } from './client.ts';
import { DAILY_LIMITS, OP, type OperationName } from './limits.ts';
import type { RateLimitsResponse } from './payloads.ts';

export interface CallLimit {
  limit: number;
  remaining: number | null;
  source: 'ebay' | 'documented';
}

const FULFILLMENT_OPS: OperationName[] = [
  OP.getOrders,
  OP.getOrder,
  OP.getShippingFulfillments,
  OP.createShippingFulfillment,
];
const INVENTORY_OPS: OperationName[] = [OP.bulkUpdatePriceQuantity, OP.getInventoryItems, OP.getOffers];

/** The operations an Analytics (apiName, resource) pair limits. */
function operationsOf(apiName: string, resource: string): OperationName[] {
  const api = apiName.toLowerCase();
  if (api.includes('fulfillment')) return FULFILLMENT_OPS;
  if (api.includes('inventory')) return INVENTORY_OPS;
  if (api.includes('trading') && resource === 'ReviseInventoryStatus') return [OP.reviseInventoryStatus];
  return [];
}

export async function readCallLimits(client: EbayClient): Promise<Record<OperationName, CallLimit>> {
  const out = Object.fromEntries(
    Object.entries(DAILY_LIMITS).map(([op, limit]) => [op, { limit, remaining: null, source: 'documented' }]),
  ) as Record<OperationName, CallLimit>;
  let body: RateLimitsResponse | null = null;
  try {
    body =
      (await client.rest<RateLimitsResponse>(OP.getRateLimits, 'analytics', '/user_rate_limit/', { retrySafe: true }))
        ?.body ?? null;
  } catch {
    return out; // not allowed for this account, or unavailable: the documented defaults stand
  }
  for (const api of body?.rateLimits ?? []) {
    for (const resource of api.resources ?? []) {
      const daily = (resource.rates ?? []).find((r) => r.timeWindow === 86_400 && typeof r.limit === 'number');
      if (!daily?.limit) continue;
      for (const op of operationsOf(api.apiName ?? '', resource.name ?? '')) {
        out[op] = { limit: daily.limit, remaining: daily.remaining ?? null, source: 'ebay' };
      }
    }
  }
  return out;
}
