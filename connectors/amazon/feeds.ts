// The JSON_LISTINGS_FEED lifecycle (feeds 2021-06-30): createFeedDocument → upload the feed to
// the pre-signed URL → createFeed; later getFeed until DONE / FATAL / CANCELLED →
// getFeedDocument → download the processing report (issues per message and SKU).
// The pre-signed URLs are S3's, not the SP-API's: no access token, no usage plan.
import { ConnectorError } from '../connector.ts';
import { type AmazonCtx, spCall } from './client.ts';
import type { SpFeed, SpFeedDocument, SpListingsFeed, SpProcessingReport } from './payloads.ts';

export const FEED_TYPE = 'JSON_LISTINGS_FEED';
/** listings-feed-schema-v2.json: "messages" maxItems 25000. */
export const FEED_MAX_MESSAGES = 25_000;
const CONTENT_TYPE = 'application/json; charset=UTF-8';

/** Uploads the feed and creates it; answers Amazon's feed id. */
export function submitFeed(ctx: AmazonCtx, marketplaceId: string, feed: SpListingsFeed): Promise<string> {
  return createFeedWithDocument(ctx, {
    feedType: FEED_TYPE,
    marketplaceIds: [marketplaceId],
    contentType: CONTENT_TYPE,
    body: JSON.stringify(feed),
  });
}

/** Any feed: createFeedDocument, the upload to its pre-signed URL, createFeed (with feedOptions when given). */
export async function createFeedWithDocument(
  ctx: AmazonCtx,
  input: {
    feedType: string;
    marketplaceIds: string[];
    contentType: string;
    body: string | Uint8Array;
    feedOptions?: Record<string, string>;
  },
): Promise<string> {
  const doc = await spCall<SpFeedDocument>(ctx, 'createFeedDocument', {
    method: 'POST',
    path: '/feeds/2021-06-30/documents',
    body: { contentType: input.contentType },
  });
  let put: Response;
  try {
    put = await ctx.transport(
      new Request(doc.body.url, {
        method: 'PUT',
        headers: { 'content-type': input.contentType },
        // A copy on its own ArrayBuffer: what fetch's BodyInit accepts for bytes.
        body: typeof input.body === 'string' ? input.body : new Uint8Array(input.body),
      }),
    );
  } catch (error) {
    throw new ConnectorError('network', `feed upload failed: ${(error as Error).message}`, { retryable: true });
  }
  if (!put.ok) {
    throw new ConnectorError('upload_failed', `feed upload answered HTTP ${put.status}`, { retryable: true });
  }
  const created = await spCall<{ feedId: string }>(ctx, 'createFeed', {
    method: 'POST',
    path: '/feeds/2021-06-30/feeds',
    body: {
      feedType: input.feedType,
      marketplaceIds: input.marketplaceIds,
      inputFeedDocumentId: doc.body.feedDocumentId,
      ...(input.feedOptions ? { feedOptions: input.feedOptions } : {}),
    },
  });
  return created.body.feedId;
}

export async function getFeed(ctx: AmazonCtx, feedId: string): Promise<SpFeed> {
  const res = await spCall<SpFeed>(ctx, 'getFeed', {
    method: 'GET',
    path: `/feeds/2021-06-30/feeds/${encodeURIComponent(feedId)}`,
  });
  return res.body;
}

/** The processing report of a finished feed. */
export async function readReport(ctx: AmazonCtx, documentId: string): Promise<SpProcessingReport> {
  const doc = await spCall<SpFeedDocument>(ctx, 'getFeedDocument', {
    method: 'GET',
    path: `/feeds/2021-06-30/documents/${encodeURIComponent(documentId)}`,
  });
  const res = await ctx.transport(new Request(doc.body.url, { method: 'GET' }));
  if (!res.ok)
    throw new ConnectorError('download_failed', `report download answered HTTP ${res.status}`, { retryable: true });
  let body: ReadableStream<Uint8Array> | null = res.body;
  if (doc.body.compressionAlgorithm === 'GZIP' && body) {
    body = body.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  }
  const text = await new Response(body).text();
  return JSON.parse(text) as SpProcessingReport;
}
