// The simulated SP-API as a hono app: the LWA token endpoint, the Orders API 2026-01-01
// (searchOrders, getOrder) and v0 confirmShipment, Listings Items 2021-08-01 (patch, search),
// Feeds 2021-06-30, and the pre-signed document URLs of its own "S3" host. Order of checks as
// Amazon answers them: latency, access token (403 Unauthorized), injected faults, usage plan
// (429 QuotaExceeded; nothing runs), then the operation. Every answer carries x-amzn-RequestId,
// and x-amzn-RateLimit-Limit where the model documents it.
import { type Context, Hono } from 'hono';
import type { Clock } from '../../../core/clock.ts';
import { SimError, type SimSeller } from './state.ts';
import type { UsagePlans } from './rate.ts';

export const DOCUMENT_HOST = 'tortuga-sim.s3.amazonaws.com';
const DOCUMENT_URL_LIFETIME_MS = 5 * 60_000;
const TOKEN_LIFETIME_S = 3600;

export interface Fault {
  status: 429 | 500 | 503 | 403;
  /** For 429: whether Amazon sends x-amzn-RateLimit-Limit with it (it may not). */
  rateHeader?: boolean;
}

export interface SimStats {
  requests: number;
  byOperation: Record<string, number>;
  throttled: number;
  unauthorized: number;
  tokensIssued: number;
  lostResponses: number;
  faults: number;
}

export interface AppDeps {
  clock: Clock;
  sellers: Map<string, SimSeller>;
  /** refresh token → seller id */
  refreshTokens: Map<string, string>;
  app: { clientId: string; clientSecret: string };
  plans: UsagePlans;
  /** access token → {seller, expiry ms} */
  accessTokens: Map<string, { sellerId: string; expiresAt: number }>;
  /** Applied one per SP-API call, in order; null lets that call through (a fault further on). */
  faults: (Fault | null)[];
  /** Answers to lose after the operation ran; `operation` limits it to one operation. */
  lostResponses: { count: number; operation?: string | null };
  latency: { ms: number };
  /** Whether 429s carry x-amzn-RateLimit-Limit (Amazon sends it "when available"). */
  rateHeaderOn429: { on: boolean };
  /** searchOrders pagination tokens: the listing they continue and when they expire. */
  pageTokens: Map<string, { sellerId: string; ids: string[]; offset: number; expiresAt: number }>;
  stats: SimStats;
}

type Handler = (c: Context, seller: SimSeller) => Promise<Response> | Response;

function errors(c: Context, status: number, code: string, message: string, details = ''): Response {
  return c.json({ errors: [{ code, message, details }] }, status as 400);
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function createSimulatorApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { stats } = deps;

  /** Wraps an SP-API operation with auth, faults, the usage plan and lost answers. */
  const op =
    (operation: string, handler: Handler) =>
    async (c: Context): Promise<Response> => {
      stats.requests += 1;
      stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
      if (deps.latency.ms > 0) await deps.clock.sleep(deps.latency.ms);
      c.header('x-amzn-RequestId', crypto.randomUUID());
      const token = c.req.header('x-amz-access-token');
      const held = token ? deps.accessTokens.get(token) : undefined;
      if (!held) {
        stats.unauthorized += 1;
        return errors(
          c,
          403,
          'Unauthorized',
          'Access to requested resource is denied.',
          'The access token you provided is revoked, malformed or invalid.',
        );
      }
      if (held.expiresAt <= deps.clock.nowMs()) {
        stats.unauthorized += 1;
        return errors(
          c,
          403,
          'Unauthorized',
          'Access to requested resource is denied.',
          'The access token you provided has expired.',
        );
      }
      const seller = deps.sellers.get(held.sellerId) as SimSeller;
      const plan = deps.plans.plan(operation);
      const fault = deps.faults.shift() ?? null;
      if (fault) {
        stats.faults += 1;
        if (fault.status === 429) {
          stats.throttled += 1;
          if ((fault.rateHeader ?? deps.rateHeaderOn429.on) && plan)
            c.header('x-amzn-RateLimit-Limit', String(plan.ratePerSecond));
          return errors(c, 429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
        }
        if (fault.status === 403) return errors(c, 403, 'Unauthorized', 'Access to requested resource is denied.');
        return errors(c, fault.status, 'InternalFailure', 'We encountered an internal error. Please try again.');
      }
      if (!deps.plans.take(seller.sellerId, operation)) {
        stats.throttled += 1;
        if (deps.rateHeaderOn429.on && plan) c.header('x-amzn-RateLimit-Limit', String(plan.ratePerSecond));
        return errors(c, 429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
      }
      seller.settle();
      let res: Response;
      try {
        if (plan) c.header('x-amzn-RateLimit-Limit', String(plan.ratePerSecond));
        res = await handler(c, seller);
      } catch (error) {
        if (error instanceof SimError) return errors(c, error.status, error.code, error.message);
        throw error;
      }
      const lose = deps.lostResponses;
      if (lose.count > 0 && (!lose.operation || lose.operation === operation) && res.status < 300) {
        // The operation ran; its answer never reaches the caller.
        deps.lostResponses.count -= 1;
        stats.lostResponses += 1;
        return c.text('Bad Gateway', 502);
      }
      return res;
    };

  // ---- LWA ------------------------------------------------------------------------------
  app.post('/auth/o2/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    if (form.get('client_id') !== deps.app.clientId || form.get('client_secret') !== deps.app.clientSecret) {
      return c.json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 401);
    }
    if (form.get('grant_type') !== 'refresh_token') {
      return c.json({ error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' }, 400);
    }
    const sellerId = deps.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!sellerId) return c.json({ error: 'invalid_grant', error_description: 'The refresh token is invalid' }, 400);
    const token = `Atza|sim-${crypto.randomUUID()}`;
    deps.accessTokens.set(token, { sellerId, expiresAt: deps.clock.nowMs() + TOKEN_LIFETIME_S * 1000 });
    stats.tokensIssued += 1;
    return c.json({
      access_token: token,
      token_type: 'bearer',
      expires_in: TOKEN_LIFETIME_S,
      refresh_token: form.get('refresh_token'),
    });
  });

  // ---- Orders API 2026-01-01 -------------------------------------------------------------
  app.get(
    '/orders/2026-01-01/orders',
    op('searchOrders', (c, seller) => {
      const q = c.req.query();
      const now = deps.clock.nowMs();
      let ids: string[];
      let offset = 0;
      const size = q.maxResultsPerPage === undefined ? 100 : Number(q.maxResultsPerPage);
      if (!Number.isInteger(size) || size < 1 || size > 100)
        return errors(c, 400, 'InvalidInput', 'maxResultsPerPage must be between 1 and 100');
      if (q.paginationToken) {
        const t = deps.pageTokens.get(q.paginationToken);
        if (!t || t.sellerId !== seller.sellerId || t.expiresAt <= now) {
          return errors(c, 400, 'InvalidInput', 'Invalid or expired paginationToken');
        }
        // Not single-use: Amazon documents only the token's 24-hour expiry (Orders API migration
        // guide), so a poller that lost the answer may ask for the same page again.
        ids = t.ids;
        offset = t.offset;
      } else {
        const after = q.lastUpdatedAfter ?? q.createdAfter;
        if (!after || (q.lastUpdatedAfter && q.createdAfter) || Number.isNaN(Date.parse(after))) {
          return errors(c, 400, 'InvalidInput', 'Exactly one of createdAfter and lastUpdatedAfter is required');
        }
        const beforeText = q.lastUpdatedBefore ?? q.createdBefore;
        const before = beforeText ? Date.parse(beforeText) : now - 120_000;
        if (Number.isNaN(before) || before > now - 120_000 || before < Date.parse(after)) {
          return errors(
            c,
            400,
            'InvalidInput',
            'lastUpdatedBefore must be after lastUpdatedAfter and at least two minutes before the time of the request',
          );
        }
        const byCreated = Boolean(q.createdAfter);
        const markets = list(q.marketplaceIds);
        const by = list(q.fulfilledBy);
        const statuses = list(q.fulfillmentStatuses);
        ids = [...seller.orders.values()]
          .filter((o) => {
            const t = Date.parse(byCreated ? o.createdTime : o.lastUpdatedTime);
            return t >= Date.parse(after) && t <= before;
          })
          .filter((o) => markets.length === 0 || markets.includes(o.salesChannel.marketplaceId ?? ''))
          .filter((o) => by.length === 0 || by.includes(o.fulfillment?.fulfilledBy ?? ''))
          .filter((o) => statuses.length === 0 || statuses.includes(o.fulfillment?.fulfillmentStatus ?? ''))
          .sort(
            (a, b) =>
              Date.parse(a.lastUpdatedTime) - Date.parse(b.lastUpdatedTime) || a.orderId.localeCompare(b.orderId),
          )
          .map((o) => o.orderId);
      }
      const page = ids.slice(offset, offset + size);
      const body: Record<string, unknown> = {
        orders: page.map((id) => view(seller.order(id), list(c.req.query('includedData')))),
      };
      if (offset + size < ids.length) {
        const token = crypto.randomUUID().replace(/-/g, '');
        deps.pageTokens.set(token, {
          sellerId: seller.sellerId,
          ids,
          offset: offset + size,
          expiresAt: now + 24 * 3_600_000,
        });
        body.pagination = { nextToken: token };
      }
      return c.json(body);
    }),
  );

  app.get(
    '/orders/2026-01-01/orders/:orderId',
    op('getOrder', (c, seller) =>
      c.json({ order: view(seller.order(c.req.param('orderId') ?? ''), list(c.req.query('includedData'))) }),
    ),
  );

  app.post(
    '/orders/v0/orders/:orderId/shipmentConfirmation',
    op('confirmShipment', async (c, seller) => {
      seller.confirmShipment(c.req.param('orderId') ?? '', await c.req.json());
      return c.body(null, 204);
    }),
  );

  // ---- Listings Items 2021-08-01 ---------------------------------------------------------
  app.patch(
    '/listings/2021-08-01/items/:sellerId/:sku',
    op('patchListingsItem', async (c, seller) => {
      if (c.req.param('sellerId') !== seller.sellerId)
        return errors(c, 403, 'Unauthorized', 'Access to requested resource is denied.');
      const markets = list(c.req.query('marketplaceIds'));
      if (markets.length === 0) return errors(c, 400, 'InvalidInput', 'marketplaceIds is required');
      const sku = c.req.param('sku') ?? '';
      const answer = seller.patchListing(sku, markets, await c.req.json());
      return c.json({ sku, status: answer.status, submissionId: crypto.randomUUID(), issues: answer.issues });
    }),
  );

  app.get(
    '/listings/2021-08-01/items/:sellerId',
    op('searchListingsItems', (c, seller) => {
      if (c.req.param('sellerId') !== seller.sellerId)
        return errors(c, 403, 'Unauthorized', 'Access to requested resource is denied.');
      const market = list(c.req.query('marketplaceIds'))[0];
      if (!market) return errors(c, 400, 'InvalidInput', 'marketplaceIds is required');
      const size = Number(c.req.query('pageSize') ?? 10);
      if (!Number.isInteger(size) || size < 1 || size > 20)
        return errors(c, 400, 'InvalidInput', 'pageSize must be between 1 and 20');
      const all = [...seller.listings.values()]
        .filter((l) => l.marketplaceIds.includes(market))
        .sort((a, b) => a.sku.localeCompare(b.sku));
      const offset = Number(
        c.req.query('pageToken') ? Buffer.from(c.req.query('pageToken') as string, 'base64url').toString() : 0,
      );
      const page = all.slice(offset, offset + size);
      const include = list(c.req.query('includedData') ?? 'summaries');
      return c.json({
        numberOfResults: all.length,
        ...(offset + size < all.length
          ? { pagination: { nextToken: Buffer.from(String(offset + size)).toString('base64url') } }
          : {}),
        items: page.map((l) => ({
          sku: l.sku,
          ...(include.includes('summaries')
            ? {
                summaries: [
                  {
                    marketplaceId: market,
                    asin: l.asin,
                    productType: l.productType,
                    status: ['BUYABLE', 'DISCOVERABLE'],
                    itemName: l.title,
                    createdDate: l.createdDate,
                    lastUpdatedDate: l.lastUpdatedDate,
                  },
                ],
              }
            : {}),
          ...(include.includes('fulfillmentAvailability')
            ? {
                fulfillmentAvailability: l.fba
                  ? [{ fulfillmentChannelCode: 'AMAZON_NA' }]
                  : [{ fulfillmentChannelCode: 'DEFAULT', quantity: l.quantity ?? 0 }],
              }
            : {}),
        })),
      });
    }),
  );

  // ---- Feeds 2021-06-30 ------------------------------------------------------------------
  const documentUrl = (id: string, expiresAt: number) =>
    `https://${DOCUMENT_HOST}/documents/${encodeURIComponent(id)}?X-Amz-Expires=300&X-Amz-Date=${expiresAt}&X-Amz-Signature=${signature(id, expiresAt)}`;

  app.post(
    '/feeds/2021-06-30/documents',
    op('createFeedDocument', async (c, seller) => {
      const body = (await c.req.json()) as { contentType?: string };
      if (!body.contentType) return errors(c, 400, 'InvalidInput', 'contentType is required');
      const doc = seller.createDocument(body.contentType, DOCUMENT_URL_LIFETIME_MS);
      return c.json({ feedDocumentId: doc.id, url: documentUrl(doc.id, doc.urlExpiresAt) }, 201);
    }),
  );

  app.post(
    '/feeds/2021-06-30/feeds',
    op('createFeed', async (c, seller) => {
      const body = (await c.req.json()) as {
        feedType?: string;
        marketplaceIds?: string[];
        inputFeedDocumentId?: string;
        feedOptions?: Record<string, string>;
      };
      const feed = seller.createFeed(
        body.feedType ?? '',
        body.marketplaceIds ?? [],
        body.inputFeedDocumentId ?? '',
        body.feedOptions ?? {},
      );
      return c.json({ feedId: feed.feedId }, 202);
    }),
  );

  app.get(
    '/feeds/2021-06-30/feeds/:feedId',
    op('getFeed', (c, seller) => {
      const feed = seller.feeds.get(c.req.param('feedId') ?? '');
      if (!feed) return errors(c, 404, 'NotFound', 'The requested feed was not found');
      const { sellerId: _s, inputFeedDocumentId: _d, startsAt: _a, endsAt: _b, ...shown } = feed;
      return c.json(shown);
    }),
  );

  app.get(
    '/feeds/2021-06-30/documents/:id',
    op('getFeedDocument', (c, seller) => {
      const doc = seller.documents.get(c.req.param('id') ?? '');
      if (!doc || doc.content === null) return errors(c, 404, 'NotFound', 'The requested document was not found');
      doc.urlExpiresAt = deps.clock.nowMs() + DOCUMENT_URL_LIFETIME_MS;
      return c.json({ feedDocumentId: doc.id, url: documentUrl(doc.id, doc.urlExpiresAt) });
    }),
  );

  // ---- the documents' own host (pre-signed: no SP-API token, no usage plan) --------------
  const document = (c: Context) => {
    const id = c.req.param('id') ?? '';
    const expiresAt = Number(c.req.query('X-Amz-Date'));
    const doc = [...deps.sellers.values()].map((s) => s.documents.get(id)).find((d) => d);
    if (!doc || c.req.query('X-Amz-Signature') !== signature(id, expiresAt)) {
      return c.text('<Error><Code>SignatureDoesNotMatch</Code></Error>', 403);
    }
    if (expiresAt < deps.clock.nowMs())
      return c.text('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', 403);
    return doc;
  };
  app.put('/documents/:id', async (c) => {
    const doc = document(c);
    if (doc instanceof Response) return doc;
    doc.bytes = new Uint8Array(await c.req.arrayBuffer());
    doc.content = new TextDecoder().decode(doc.bytes);
    return c.body(null, 200);
  });
  app.get('/documents/:id', (c) => {
    const doc = document(c);
    if (doc instanceof Response) return doc;
    return c.body(doc.content ?? '', 200, { 'content-type': doc.contentType });
  });

  return app;
}

/** Not a real signature: a stand-in that makes a URL unusable once edited. */
function signature(id: string, expiresAt: number): string {
  let h = 0x811c9dc5;
  for (const ch of `${id}|${expiresAt}|sim`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16);
}

/** An order as the API shows it: datasets not asked for in includedData are left out. */
function view(order: import('../payloads.ts').SpOrder, included: string[]) {
  const has = (d: string) => included.includes(d);
  const copy = structuredClone(order) as import('../payloads.ts').SpOrder & Record<string, unknown>;
  if (!has('BUYER')) delete copy.buyer;
  if (!has('RECIPIENT')) delete copy.recipient;
  if (!has('PROCEEDS')) {
    delete copy.proceeds;
    for (const i of copy.orderItems) delete i.proceeds;
  }
  if (!has('CANCELLATION')) for (const i of copy.orderItems) delete i.cancellation;
  if (!has('PACKAGES')) delete copy.packages;
  if (!has('FULFILLMENT')) for (const i of copy.orderItems) delete i.fulfillment;
  if (!has('TAX')) for (const i of copy.orderItems) delete i.tax;
  return copy;
}
