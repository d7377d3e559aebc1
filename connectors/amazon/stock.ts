// Stock out, merchant-fulfilled offers only: the quantity of fulfillment_availability
// (fulfillment_channel_code DEFAULT). Small pushes patch each SKU (patchListingsItem, 5/s);
// large ones go in one JSON_LISTINGS_FEED per marketplace, answered `pending` and settled by
// checkStockSubmission from the processing report. The crossover (settings.patchMaxSkus, 100)
// is reasoned in README.md ("Stock").
import type { StockPushResult, StockUpdate } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import { type AmazonCtx, spCall } from './client.ts';
import { FEED_MAX_MESSAGES, getFeed, readReport, submitFeed } from './feeds.ts';
import type { SpListingsFeedMessage, SpListingsSubmission } from './payloads.ts';

/** One push may carry everything pending: a feed takes 25,000 messages. */
export const STOCK_BATCH_SIZE = FEED_MAX_MESSAGES;
export const AVAILABILITY_PATH = '/attributes/fulfillment_availability';
/** How long Amazon may take to apply a patch it answered ACCEPTED ("within minutes"). */
export const PATCH_APPLY_SECONDS = 300;

function availability(quantity: number) {
  return [{ fulfillment_channel_code: 'DEFAULT', quantity }];
}

interface Target {
  update: StockUpdate;
  marketplaceId: string;
  productType: string;
}

export async function pushStock(ctx: AmazonCtx, updates: StockUpdate[]): Promise<StockPushResult> {
  const result: StockPushResult = { confirmed: [], failed: [], pending: [] };
  const groups = new Map<string, Target[]>();
  for (const u of updates) {
    const data = u.channelData ?? {};
    const productType = typeof data.productType === 'string' ? data.productType : null;
    const marketplaceId = typeof data.marketplaceId === 'string' ? data.marketplaceId : ctx.cfg.marketplaceIds[0];
    if (data.fulfilledByAmazon === true) {
      result.failed.push({
        listingId: u.listingId,
        code: 'fba_listing',
        message: 'Amazon fulfils this offer from its own stock; the hub does not set its quantity',
        retryable: false,
        refused: true,
      });
      continue;
    }
    if (!productType || !marketplaceId) {
      result.failed.push({
        listingId: u.listingId,
        code: 'missing_channel_data',
        message: 'the listing needs channelData.productType and channelData.marketplaceId (discover listings again)',
        retryable: false,
        refused: true,
      });
      continue;
    }
    const list = groups.get(marketplaceId) ?? [];
    list.push({ update: u, marketplaceId, productType });
    groups.set(marketplaceId, list);
  }
  for (const [marketplaceId, targets] of groups) {
    if (targets.length <= ctx.cfg.patchMaxSkus) await patchAll(ctx, targets, result);
    else {
      for (let i = 0; i < targets.length; i += FEED_MAX_MESSAGES) {
        await feedAll(ctx, marketplaceId, targets.slice(i, i + FEED_MAX_MESSAGES), result);
      }
    }
  }
  return result;
}

async function patchAll(ctx: AmazonCtx, targets: Target[], result: StockPushResult): Promise<void> {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as Target;
    try {
      const res = await spCall<SpListingsSubmission>(ctx, 'patchListingsItem', {
        method: 'PATCH',
        path: `/listings/2021-08-01/items/${encodeURIComponent(ctx.cfg.sellerId)}/${encodeURIComponent(t.update.externalStockId)}`,
        query: { marketplaceIds: [t.marketplaceId], includedData: ['issues'] },
        body: {
          productType: t.productType,
          patches: [{ op: 'replace', path: AVAILABILITY_PATH, value: availability(t.update.quantity) }],
        },
        accept: [400, 404],
      });
      const errors = (res.body?.issues ?? []).filter((x) => x.severity === 'ERROR');
      if (res.status === 200 && res.body.status === 'ACCEPTED' && errors.length === 0) {
        // ACCEPTED: validated and queued; Amazon applies it within minutes (README, "Stock").
        result.confirmed.push({ listingId: t.update.listingId, quantity: t.update.quantity });
      } else {
        const message =
          errors.map((x) => `${x.code}: ${x.message}`).join('; ') ||
          (res.body as unknown as { errors?: { message: string }[] })?.errors?.[0]?.message ||
          `HTTP ${res.status}`;
        result.failed.push({
          listingId: t.update.listingId,
          code: res.status === 404 ? 'unknown_sku' : 'invalid',
          message,
          retryable: false,
          refused: true,
        });
      }
    } catch (error) {
      if (!(error instanceof ConnectorError) || !error.retryable) throw error;
      // Throttled before anything went through: let the queue wait as Amazon said.
      if (result.confirmed.length === 0 && error.code === 'throttled') throw error;
      for (const rest of targets.slice(i)) {
        result.failed.push({
          listingId: rest.update.listingId,
          code: error.code,
          message: error.message,
          retryable: true,
          refused: error.code === 'throttled' ? true : rest !== t,
        });
      }
      return;
    }
  }
}

async function feedAll(ctx: AmazonCtx, marketplaceId: string, targets: Target[], result: StockPushResult) {
  const messages: SpListingsFeedMessage[] = targets.map((t, i) => ({
    messageId: i + 1,
    sku: t.update.externalStockId,
    operationType: 'PATCH',
    productType: t.productType,
    patches: [{ op: 'replace', path: AVAILABILITY_PATH, value: availability(t.update.quantity) }],
  }));
  const feedId = await submitFeed(ctx, marketplaceId, {
    header: { sellerId: ctx.cfg.sellerId, version: '2.0', issueLocale: 'en_US' },
    messages,
  });
  for (const t of targets) {
    result.pending.push({ listingId: t.update.listingId, quantity: t.update.quantity, submissionId: feedId });
  }
}

/** What became of a feed: nothing yet while Amazon processes it, else per SKU from its report. */
export async function checkStockSubmission(
  ctx: AmazonCtx,
  feedId: string,
  submitted: readonly StockUpdate[],
): Promise<StockPushResult> {
  const out: StockPushResult = { confirmed: [], failed: [], pending: [] };
  const feed = await getFeed(ctx, feedId);
  if (feed.processingStatus === 'IN_QUEUE' || feed.processingStatus === 'IN_PROGRESS') return out;
  if (feed.processingStatus !== 'DONE' || !feed.resultFeedDocumentId) {
    // FATAL or CANCELLED: nothing of it was applied; the next push sends the values again.
    for (const s of submitted) {
      out.failed.push({
        listingId: s.listingId,
        code: `feed_${feed.processingStatus.toLowerCase()}`,
        message: `feed ${feedId} ended ${feed.processingStatus}`,
        retryable: true,
        refused: true,
      });
    }
    return out;
  }
  const report = await readReport(ctx, feed.resultFeedDocumentId);
  const rejected = new Map<string, string[]>();
  for (const issue of report.issues ?? []) {
    if (issue.severity !== 'ERROR' || !issue.sku) continue;
    rejected.set(issue.sku, [...(rejected.get(issue.sku) ?? []), `${issue.code}: ${issue.message}`]);
  }
  for (const s of submitted) {
    const why = rejected.get(s.externalStockId);
    if (why) {
      // Retryable: the next push of a few SKUs goes by patch, whose refusal is definitive.
      out.failed.push({
        listingId: s.listingId,
        code: 'feed_rejected',
        message: why.join('; '),
        retryable: true,
        refused: true,
      });
    } else out.confirmed.push({ listingId: s.listingId, quantity: s.quantity });
  }
  return out;
}
