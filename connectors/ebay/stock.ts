// Stock out: absolute quantities, never prices.
// - Inventory API listings: bulkUpdatePriceQuantity, up to 25 SKUs a call; each request sets
//   the inventory item's shipToLocationAvailability.quantity and every offer's
//   availableQuantity. eBay answers 200 (all applied) or 207 with a status per offer / item:
//   a listing is confirmed when every entry of its SKU says 200.
// - Legacy listings: Trading ReviseInventoryStatus, up to 4 a call.
// - The daily revision budget (revisions.ts) decides what may go out first; what may not comes
//   back as a retryable failure saying when the day turns, at no cost on eBay.
import type { Clock } from '../../core/clock.ts';
import type { StockPushResult, StockUpdate } from '../connector.ts';
import { ConnectorError, credentialsRefused } from '../connector.ts';
import type { EbayClient } from './client.ts';
import { type EbayListingData, listingDataOf, revisedListings } from './listing-data.ts';
import { BULK_PRICE_QUANTITY_MAX, OP, REVISE_INVENTORY_STATUS_MAX } from './limits.ts';
import type { BulkPriceQuantityResponse, EbayError } from './payloads.ts';
import type { RevisionBudget } from './revisions.ts';
import { parseReviseInventoryStatus, reviseInventoryStatusXml, SITE_IDS } from './trading.ts';

export const STOCK_BATCH_SIZE = BULK_PRICE_QUANTITY_MAX;

/** eBay's error ids (Inventory API) and codes (Trading) for a listing out of revisions today. */
export const REVISION_LIMIT_ERROR_IDS: ReadonlySet<number> = new Set([25019]);
export const REVISION_LIMIT_TRADING_CODES: ReadonlySet<string> = new Set(['21919189']);

interface Planned {
  update: StockUpdate;
  data: EbayListingData;
}

type Failed = StockPushResult['failed'][number];

export interface StockDeps {
  client: EbayClient;
  budget: RevisionBudget;
  clock: Clock;
}

function isRevisionLimit(errors: EbayError[]): boolean {
  return errors.some(
    (e) => REVISION_LIMIT_ERROR_IDS.has(e.errorId) || /revision/i.test(`${e.message ?? ''} ${e.longMessage ?? ''}`),
  );
}

export async function pushStock(deps: StockDeps, updates: StockUpdate[]): Promise<StockPushResult> {
  const result: StockPushResult = { confirmed: [], failed: [], pending: [] };
  const now = deps.clock.nowMs();
  // The last value per listing wins: one revision carries it.
  const latest = new Map<string, StockUpdate>();
  for (const u of updates) latest.set(u.listingId, u);
  const inventory: Planned[] = [];
  const trading: Planned[] = [];
  for (const update of latest.values()) {
    if (!Number.isInteger(update.quantity) || update.quantity < 0) {
      result.failed.push(
        fail(update, 'invalid_quantity', `quantity must be a whole number ≥ 0, got ${update.quantity}`, false),
      );
      continue;
    }
    const data = listingDataOf(update);
    if (!data) {
      result.failed.push(
        fail(
          update,
          'invalid_channel_data',
          'the listing needs channelData {api, sku, offerIds} or {api: "trading", itemId}',
          false,
        ),
      );
      continue;
    }
    const verdict = deps.budget.check(revisedListings(data), update.quantity, update.previousQuantity, now);
    if (!verdict.ok) {
      result.failed.push(fail(update, verdict.code, verdict.message, true, true));
      continue;
    }
    (data.api === 'inventory' ? inventory : trading).push({ update, data });
  }
  for (let i = 0; i < inventory.length; i += BULK_PRICE_QUANTITY_MAX) {
    await bulkUpdate(deps, inventory.slice(i, i + BULK_PRICE_QUANTITY_MAX), result);
  }
  for (let i = 0; i < trading.length; i += REVISE_INVENTORY_STATUS_MAX) {
    await reviseInventoryStatus(deps, trading.slice(i, i + REVISE_INVENTORY_STATUS_MAX), result);
  }
  return result;
}

function fail(u: StockUpdate, code: string, message: string, retryable: boolean, refused = false): Failed {
  return { listingId: u.listingId, code, message, retryable, ...(refused ? { refused: true } : {}) };
}

/** Calls the channel; a call that throws fails its whole group with the error's retryability. */
async function guarded(group: Planned[], result: StockPushResult, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    // Refused credentials and rate limits are the account's, not the listings': the job sees them
    // (a 429 is retried after retryAfterMs without spending an attempt; refused credentials flag the account).
    if (credentialsRefused(error) || (error instanceof ConnectorError && error.code === 'rate_limited')) throw error;
    const e = error instanceof ConnectorError ? error : null;
    for (const p of group) {
      result.failed.push(fail(p.update, e?.code ?? 'unexpected', e?.message ?? String(error), e?.retryable ?? true));
    }
  }
}

async function bulkUpdate(deps: StockDeps, group: Planned[], result: StockPushResult): Promise<void> {
  await guarded(group, result, async () => {
    const requests = group.map(({ update, data }) => {
      const d = data as Extract<EbayListingData, { api: 'inventory' }>;
      return {
        sku: d.sku,
        shipToLocationAvailability: { quantity: update.quantity },
        ...(d.offerIds.length > 0
          ? { offers: d.offerIds.map((offerId) => ({ offerId, availableQuantity: update.quantity })) }
          : {}),
      };
    });
    // Absolute values: sending the same call again sets the same quantities.
    const res = await deps.client.rest<BulkPriceQuantityResponse>(
      OP.bulkUpdatePriceQuantity,
      'inventory',
      '/bulk_update_price_quantity',
      { method: 'POST', body: { requests }, retrySafe: true },
    );
    const answers = res?.body?.responses ?? [];
    const now = deps.clock.nowMs();
    for (const { update, data } of group) {
      const d = data as Extract<EbayListingData, { api: 'inventory' }>;
      const mine = answers.filter((a) => a.sku === d.sku);
      const bad = mine.filter((a) => a.statusCode !== 200);
      if (mine.length > 0 && bad.length === 0) {
        deps.budget.record(revisedListings(d), now);
        result.confirmed.push({ listingId: update.listingId, quantity: update.quantity });
        continue;
      }
      const errors = bad.flatMap((a) => a.errors ?? []);
      if (isRevisionLimit(errors)) {
        deps.budget.exhausted(revisedListings(d), now);
        result.failed.push(fail(update, 'revision_limit', 'eBay: the listing has no revisions left today', true, true));
        continue;
      }
      const first = errors[0];
      const retryable = mine.length === 0 || bad.some((a) => a.statusCode >= 500);
      result.failed.push(
        fail(
          update,
          first ? `ebay_${first.errorId}` : 'no_answer',
          first ? (first.longMessage ?? first.message ?? 'refused') : `eBay gave no status for SKU ${d.sku}`,
          retryable,
          mine.length > 0,
        ),
      );
    }
  });
}

async function reviseInventoryStatus(deps: StockDeps, group: Planned[], result: StockPushResult): Promise<void> {
  await guarded(group, result, async () => {
    const items = group.map(({ update, data }) => {
      const d = data as Extract<EbayListingData, { api: 'trading' }>;
      return { itemId: d.itemId, sku: d.variationSku, quantity: update.quantity };
    });
    const siteId = SITE_IDS[deps.client.config.marketplaceId] ?? '0';
    const xml = await deps.client.trading(
      OP.reviseInventoryStatus,
      'ReviseInventoryStatus',
      reviseInventoryStatusXml(items),
      siteId,
      true,
    );
    const answer = parseReviseInventoryStatus(xml);
    const now = deps.clock.nowMs();
    const revised: string[] = [];
    for (const { update, data } of group) {
      const d = data as Extract<EbayListingData, { api: 'trading' }>;
      const applied = answer.applied.find(
        (a) => a.itemId === d.itemId && (a.sku ?? null) === (d.variationSku ?? null) && a.quantity === update.quantity,
      );
      if (applied) {
        revised.push(...revisedListings(d));
        result.confirmed.push({ listingId: update.listingId, quantity: update.quantity });
        continue;
      }
      const mine = answer.errors.filter(
        (e) => e.severity === 'Error' && (e.parameters.includes(d.itemId) || e.parameters.length === 0),
      );
      if (mine.some((e) => REVISION_LIMIT_TRADING_CODES.has(e.code))) {
        deps.budget.exhausted(revisedListings(d), now);
        result.failed.push(fail(update, 'revision_limit', 'eBay: the listing has no revisions left today', true, true));
        continue;
      }
      const first = mine[0];
      result.failed.push(
        fail(
          update,
          first ? `ebay_${first.code}` : 'not_applied',
          first ? first.longMessage || first.shortMessage : `eBay did not apply item ${d.itemId}`,
          !first || first.classification === 'SystemError',
          Boolean(first),
        ),
      );
    }
    // One call revises each item once, however many of its variations it carried.
    deps.budget.record([...new Set(revised)], now);
  });
}
