// The simulator's HTTP face: eBay's paths, auth and answers, as a plain Request → Response.
// Order of checks per call: injected faults, the token (expired user token: 401 errorId 1001,
// 403 on the Inventory API, Trading error 21917053), the API's daily call limit (429, Trading
// error 518), then the operation.
import type { Clock } from '../../../core/clock.ts';
import { ebayDay, GET_ORDERS_IDS_MAX, GET_ORDERS_LIMIT_MAX, msUntilNextDay } from '../limits.ts';
import type { EbayOrder } from '../payloads.ts';
import { blocks, parseInventoryStatus, xmlEscape } from '../trading.ts';
import type { NotificationSender } from './notifications.ts';
import type { CallLimits, EbayState } from './state.ts';

export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface Faults {
  /** Answer the next n calls with `status` (429 with Retry-After, 5xx). */
  failNext(n: number, status: number, retryAfterSeconds?: number): void;
  /** Make one SKU's next n bulkUpdatePriceQuantity items fail with a system error (500 in the item). */
  failItems(sku: string, n: number): void;
  /** Every user and app token expires now. */
  expireTokens(): void;
}

export interface SimStats {
  calls: Record<string, number>;
  /** Items carried by bulkUpdatePriceQuantity calls, and InventoryStatus by ReviseInventoryStatus. */
  bulkItems: number;
  tradingItems: number;
  publicKeyLookups: number;
  tokensIssued: number;
  /** Revisions refused because the listing had used its 250 for the day. */
  revisionRefusals: number;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: body === null ? headers : { 'Content-Type': 'application/json', ...headers },
  });

const ebayError = (status: number, errorId: number, message: string, extra: Record<string, string> = {}) =>
  json(status, { errors: [{ errorId, domain: 'API_FULFILLMENT', category: 'REQUEST', message }] }, extra);

function tradingAnswer(call: string, ack: string, inner: string, clock: Clock): Response {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><${call}Response xmlns="urn:ebay:apis:eBLBaseComponents"><Timestamp>${clock
    .now()
    .toISOString()}</Timestamp><Ack>${ack}</Ack>${inner}<Version>1355</Version><Build>E1355_CORE_API_SIM</Build></${call}Response>`;
  return new Response(xml, { status: 200, headers: { 'Content-Type': 'text/xml' } });
}

function tradingError(code: string, message: string, classification = 'RequestError', param?: string): string {
  return `<Errors><ShortMessage>${xmlEscape(message)}</ShortMessage><LongMessage>${xmlEscape(message)}</LongMessage><ErrorCode>${code}</ErrorCode><SeverityCode>Error</SeverityCode>${
    param ? `<ErrorParameters ParamID="0"><Value>${xmlEscape(param)}</Value></ErrorParameters>` : ''
  }<ErrorClassification>${classification}</ErrorClassification></Errors>`;
}

/** getOrders hides buyers' cancel requests (eBay: "returned but is always empty"). */
function listed(o: EbayOrder): EbayOrder {
  const copy = structuredClone(o);
  copy.cancelStatus.cancelRequests = [];
  return copy;
}

/** `lastmodifieddate:[a..b]` / `creationdate:[a..]` → bounds (ms). */
function parseFilter(
  filter: string | null,
): { field: 'lastModifiedDate' | 'creationDate'; from: number; to: number } | null {
  if (!filter) return null;
  const m = /(lastmodifieddate|creationdate):\[([^\]]*?)\.\.([^\]]*)\]/.exec(filter);
  if (!m) return null;
  const from = Date.parse(m[2] ?? '');
  const to = m[3] ? Date.parse(m[3]) : Number.POSITIVE_INFINITY;
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return { field: m[1] === 'creationdate' ? 'creationDate' : 'lastModifiedDate', from, to };
}

export function createHandler(
  state: EbayState,
  notifications: NotificationSender,
  creds: SimulatorCredentials,
  clock: Clock,
  options: { analytics: boolean } = { analytics: true },
): {
  fetch: (req: Request) => Promise<Response>;
  faults: Faults;
  stats: SimStats;
  hooks: { afterGetOrders: ((offset: number) => void) | null };
} {
  const stats: SimStats = {
    calls: {},
    bulkItems: 0,
    tradingItems: 0,
    publicKeyLookups: 0,
    tokensIssued: 0,
    revisionRefusals: 0,
  };
  let failing: { n: number; status: number; retryAfter?: number } = { n: 0, status: 500 };
  const itemFaults = new Map<string, number>();
  const hooks: { afterGetOrders: ((offset: number) => void) | null } = { afterGetOrders: null };

  const faults: Faults = {
    failNext(n, status, retryAfterSeconds) {
      failing = { n, status, retryAfter: retryAfterSeconds };
    },
    failItems(sku, n) {
      itemFaults.set(sku, n);
    },
    expireTokens() {
      for (const t of state.tokens.values()) t.expiresAtMs = clock.nowMs() - 1;
    },
  };

  function count(op: string) {
    stats.calls[op] = (stats.calls[op] ?? 0) + 1;
  }

  function issue(kind: 'user' | 'app'): { access_token: string; expires_in: number; token_type: string } {
    const token = `v^1.1#i^1#${kind}#${crypto.randomUUID()}`;
    state.tokens.set(token, { kind, expiresAtMs: clock.nowMs() + 7_200_000 });
    stats.tokensIssued += 1;
    return {
      access_token: token,
      expires_in: 7200,
      token_type: kind === 'user' ? 'User Access Token' : 'Application Access Token',
    };
  }

  async function oauth(req: Request): Promise<Response> {
    const auth = req.headers.get('Authorization') ?? '';
    if (auth !== `Basic ${btoa(`${creds.clientId}:${creds.clientSecret}`)}`) {
      return json(401, { error: 'invalid_client', error_description: 'client authentication failed' });
    }
    const form = new URLSearchParams(await req.text());
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') return json(200, issue('app'));
    if (grant === 'refresh_token') {
      if (form.get('refresh_token') !== creds.refreshToken) {
        return json(400, {
          error: 'invalid_grant',
          error_description: 'the provided authorization refresh token is invalid or was issued to another client',
        });
      }
      return json(200, { ...issue('user') });
    }
    return json(400, { error: 'unsupported_grant_type' });
  }

  /** null when the bearer token is good for `kind`, else the refusal eBay gives on that API. */
  function authorise(
    req: Request,
    kind: 'user' | 'app',
    api: 'fulfillment' | 'inventory' | 'postorder' | 'notification',
  ): Response | null {
    const header = req.headers.get('Authorization') ?? '';
    const token = header.replace(/^(Bearer|IAF)\s+/i, '');
    const t = state.tokens.get(token);
    const ok = t && t.expiresAtMs > clock.nowMs() && (t.kind === kind || kind === 'app');
    if (ok) return null;
    // The Inventory API answers an expired token with 403 (eBay's documented quirk).
    return ebayError(api === 'inventory' ? 403 : 401, 1001, 'Invalid access token');
  }

  function limited(api: keyof CallLimits): Response | null {
    if (state.countCall(api)) return null;
    return ebayError(429, 2001, 'The request limit has been reached for the resource', { 'Retry-After': '3600' });
  }

  async function getOrders(url: URL): Promise<Response> {
    count('getOrders');
    const ids = url.searchParams.get('orderIds');
    if (ids) {
      const list = ids.split(',').filter(Boolean);
      if (list.length > GET_ORDERS_IDS_MAX)
        return ebayError(400, 30700, `orderIds takes up to ${GET_ORDERS_IDS_MAX} ids`);
      const orders = list
        .map((id) => state.orders.get(id))
        .filter((o): o is EbayOrder => Boolean(o))
        .map(listed);
      return json(200, { href: url.toString(), total: orders.length, limit: orders.length, offset: 0, orders });
    }
    const limit = Number(url.searchParams.get('limit') ?? '50');
    const offset = Number(url.searchParams.get('offset') ?? '0');
    if (!Number.isInteger(limit) || limit < 1 || limit > GET_ORDERS_LIMIT_MAX) {
      return ebayError(400, 30830, `The limit must be between 1 and ${GET_ORDERS_LIMIT_MAX}`);
    }
    const raw = url.searchParams.get('filter');
    const filter = parseFilter(raw);
    if (raw && !filter) return ebayError(400, 30800, 'Invalid filter');
    const all = [...state.orders.values()]
      .filter((o) => o.orderPaymentStatus !== 'PENDING')
      .filter((o) => {
        if (!filter) return true;
        const t = Date.parse(o[filter.field]);
        return t >= filter.from && t <= filter.to;
      })
      .sort((a, b) => a.creationDate.localeCompare(b.creationDate) || a.orderId.localeCompare(b.orderId));
    const page = all.slice(offset, offset + limit).map(listed);
    const answer = json(200, {
      href: url.toString(),
      total: all.length,
      limit,
      offset,
      orders: page,
      ...(offset + limit < all.length
        ? { next: `${url.origin}${url.pathname}?limit=${limit}&offset=${offset + limit}` }
        : {}),
    });
    hooks.afterGetOrders?.(offset);
    return answer;
  }

  async function fulfillment(req: Request, url: URL, rest: string): Promise<Response> {
    if (rest === '/order' && req.method === 'GET') return getOrders(url);
    const m = /^\/order\/([^/]+)(\/shipping_fulfillment)?$/.exec(rest);
    if (!m) return ebayError(404, 2002, 'Resource not found');
    const orderId = decodeURIComponent(m[1] ?? '');
    const order = state.orders.get(orderId);
    if (!m[2]) {
      count('getOrder');
      if (!order) return ebayError(404, 32100, 'Invalid order ID');
      return json(200, order);
    }
    if (!order) return ebayError(404, 32100, 'Invalid order ID');
    if (req.method === 'GET') {
      count('getShippingFulfillments');
      const list = state.fulfilments.get(orderId) ?? [];
      return json(200, { fulfillments: list, total: list.length });
    }
    count('createShippingFulfillment');
    const body = (await req.json().catch(() => null)) as {
      lineItems?: { lineItemId: string; quantity: number }[];
      shippedDate?: string;
      shippingCarrierCode?: string;
      trackingNumber?: string;
    } | null;
    if (!body?.lineItems?.length) return ebayError(400, 32200, 'lineItems is required');
    for (const l of body.lineItems) {
      const open = state.openQuantity(orderId, l.lineItemId);
      if (open < 0) return ebayError(400, 32210, `Invalid lineItemId ${l.lineItemId}`);
      if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > open) {
        return ebayError(400, 32220, `Invalid quantity for line item ${l.lineItemId}`);
      }
    }
    const created = state.ship(orderId, {
      lineItems: body.lineItems.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity })),
      shippedDate: body.shippedDate ?? clock.now().toISOString(),
      ...(body.trackingNumber
        ? { shipmentTrackingNumber: body.trackingNumber, shippingCarrierCode: body.shippingCarrierCode }
        : {}),
    });
    return json(201, null, {
      Location: `https://api.ebay.com/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${created.fulfillmentId}`,
    });
  }

  async function inventory(req: Request, url: URL, rest: string): Promise<Response> {
    if (rest === '/bulk_update_price_quantity' && req.method === 'POST') {
      count('bulkUpdatePriceQuantity');
      const body = (await req.json().catch(() => null)) as {
        requests?: {
          sku?: string;
          shipToLocationAvailability?: { quantity?: number };
          offers?: { offerId: string; availableQuantity?: number; price?: unknown }[];
        }[];
      } | null;
      const requests = body?.requests ?? [];
      if (requests.length === 0 || requests.length > 25) return ebayError(400, 25709, 'Up to 25 requests per call');
      stats.bulkItems += requests.length;
      const responses: { statusCode: number; sku?: string; offerId?: string; errors?: unknown[] }[] = [];
      for (const r of requests) {
        const sku = r.sku ?? '';
        const item = state.items.get(sku);
        const fault = itemFaults.get(sku) ?? 0;
        const offers = r.offers ?? [];
        const entry = (statusCode: number, offerId?: string, errors?: unknown[]) =>
          responses.push({ statusCode, sku, ...(offerId ? { offerId } : {}), ...(errors ? { errors } : {}) });
        if (!item) {
          entry(404, undefined, [{ errorId: 25702, message: `SKU ${sku} is not available in the system` }]);
          continue;
        }
        if (fault > 0) {
          itemFaults.set(sku, fault - 1);
          entry(500, offers[0]?.offerId, [
            { errorId: 25001, category: 'APPLICATION', message: 'A system error has occurred' },
          ]);
          continue;
        }
        // Each published offer is one eBay listing: one revision each, 250 a day.
        const exhausted = offers.find((o) => state.revisionsUsed(`offer:${o.offerId}`) >= 250);
        if (exhausted) {
          stats.revisionRefusals += 1;
          entry(400, exhausted.offerId, [
            { errorId: 25019, message: 'This listing has reached its limit of 250 revisions for the day' },
          ]);
          continue;
        }
        if (r.shipToLocationAvailability?.quantity !== undefined) item.quantity = r.shipToLocationAvailability.quantity;
        if (offers.length === 0) entry(200);
        for (const o of offers) {
          const offer = state.offers.get(o.offerId);
          if (!offer || offer.sku !== sku) {
            entry(404, o.offerId, [{ errorId: 25713, message: `Offer ${o.offerId} is not available` }]);
            continue;
          }
          if (o.availableQuantity !== undefined) offer.availableQuantity = o.availableQuantity;
          state.revise(`offer:${o.offerId}`);
          entry(200, o.offerId);
        }
      }
      return json(responses.every((r) => r.statusCode === 200) ? 200 : 207, { responses });
    }
    if (rest === '/inventory_item' && req.method === 'GET') {
      count('getInventoryItems');
      const limit = Number(url.searchParams.get('limit') ?? '25');
      const offset = Number(url.searchParams.get('offset') ?? '0');
      const all = [...state.items.values()];
      return json(200, {
        total: all.length,
        limit,
        inventoryItems: all.slice(offset, offset + limit).map((i) => ({
          sku: i.sku,
          product: { title: i.title },
          availability: { shipToLocationAvailability: { quantity: i.quantity } },
        })),
      });
    }
    if (rest === '/offer' && req.method === 'GET') {
      count('getOffers');
      const sku = url.searchParams.get('sku') ?? '';
      const offers = state.offersOf(sku);
      if (offers.length === 0) return ebayError(404, 25713, 'No offers for this SKU');
      return json(200, {
        total: offers.length,
        offers: offers.map((o) => ({
          offerId: o.offerId,
          sku: o.sku,
          status: o.status,
          availableQuantity: o.availableQuantity,
          merchantLocationKey: o.merchantLocationKey,
          listing: { listingId: o.listingId, listingStatus: 'ACTIVE' },
        })),
      });
    }
    return ebayError(404, 2002, 'Resource not found');
  }

  async function trading(req: Request): Promise<Response> {
    const call = req.headers.get('X-EBAY-API-CALL-NAME') ?? '';
    count(call);
    const token = state.tokens.get(req.headers.get('X-EBAY-API-IAF-TOKEN') ?? '');
    if (token?.kind !== 'user' || token.expiresAtMs <= clock.nowMs()) {
      return tradingAnswer(
        call,
        'Failure',
        tradingError('21917053', 'Invalid access token. The token has expired.'),
        clock,
      );
    }
    if (!state.countCall('trading')) {
      return tradingAnswer(
        call,
        'Failure',
        tradingError('518', 'Your application has exceeded usage limit on this call'),
        clock,
      );
    }
    if (call !== 'ReviseInventoryStatus') {
      return tradingAnswer(call, 'Failure', tradingError('2', `Unsupported API call ${call} (simulator)`), clock);
    }
    const xml = await req.text();
    const items = blocks(xml, 'InventoryStatus').map(parseInventoryStatus);
    if (items.length === 0 || items.length > 4) {
      return tradingAnswer(
        call,
        'Failure',
        tradingError('21919151', 'Between 1 and 4 InventoryStatus containers are allowed'),
        clock,
      );
    }
    stats.tradingItems += items.length;
    let applied = '';
    let errors = '';
    const revisedNow = new Set<string>();
    for (const i of items) {
      const item = state.legacy.get(i.itemId);
      if (!item) {
        errors += tradingError('17', `Item ${i.itemId} cannot be accessed`, 'RequestError', i.itemId);
        continue;
      }
      if (item.variations && (!i.sku || !item.variations.has(i.sku))) {
        errors += tradingError(
          '21916585',
          `Variation ${i.sku ?? '(none)'} not found in item ${i.itemId}`,
          'RequestError',
          i.itemId,
        );
        continue;
      }
      const listing = `item:${i.itemId}`;
      if (!revisedNow.has(listing)) {
        if (!state.revise(listing)) {
          stats.revisionRefusals += 1;
          errors += tradingError(
            '21919189',
            'You have reached the maximum number of revisions for this listing today',
            'RequestError',
            i.itemId,
          );
          continue;
        }
        revisedNow.add(listing);
      }
      if (item.variations && i.sku) item.variations.set(i.sku, i.quantity);
      else item.quantity = i.quantity;
      applied += `<InventoryStatus><ItemID>${xmlEscape(i.itemId)}</ItemID>${i.sku ? `<SKU>${xmlEscape(i.sku)}</SKU>` : ''}<StartPrice currencyID="USD">9.99</StartPrice><Quantity>${i.quantity}</Quantity></InventoryStatus>`;
    }
    const ack = errors === '' ? 'Success' : applied === '' ? 'Failure' : 'PartialFailure';
    return tradingAnswer(call, ack, errors + applied, clock);
  }

  async function postOrder(req: Request, rest: string): Promise<Response> {
    const m = /^\/cancellation\/([^/]+)\/(approve|reject)$/.exec(rest);
    if (!m || req.method !== 'POST') return ebayError(404, 2002, 'Resource not found');
    count(`cancellation.${m[2]}`);
    const order = state.answerCancel(decodeURIComponent(m[1] ?? ''), m[2] === 'approve');
    if (!order) return ebayError(400, 1301, 'The cancellation request is not open');
    return json(200, {});
  }

  /** getUserRateLimits' answer: the simulator's daily limits and what is left of them today. */
  function rateLimits() {
    const day = ebayDay(clock.nowMs());
    const reset = new Date(clock.nowMs() + msUntilNextDay(clock.nowMs())).toISOString();
    const rate = (api: keyof CallLimits) => ({
      limit: state.limits[api],
      remaining: state.limits[api] - (state.calls.get(`${day}|${api}`) ?? 0),
      reset,
      timeWindow: 86_400,
    });
    return [
      {
        apiContext: 'sell',
        apiName: 'sell.fulfillment',
        apiVersion: 'v1',
        resources: [{ name: 'sell.fulfillment', rates: [rate('fulfillment')] }],
      },
      {
        apiContext: 'sell',
        apiName: 'sell.inventory',
        apiVersion: 'v1',
        resources: [{ name: 'sell.inventory', rates: [rate('inventory')] }],
      },
      {
        apiContext: 'TradingAPI',
        apiName: 'TradingAPI',
        apiVersion: '',
        resources: [{ name: 'ReviseInventoryStatus', rates: [rate('trading')] }],
      },
    ];
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    if (failing.n > 0) {
      failing.n -= 1;
      const headers: Record<string, string> = failing.retryAfter ? { 'Retry-After': String(failing.retryAfter) } : {};
      return ebayError(failing.status, failing.status === 429 ? 2001 : 10001, 'injected fault', headers);
    }
    if (path === '/identity/v1/oauth2/token' && req.method === 'POST') return oauth(req);
    if (path.startsWith('/commerce/notification/v1/public_key/')) {
      const refused = authorise(req, 'app', 'notification') ?? limited('notification');
      if (refused) return refused;
      stats.publicKeyLookups += 1;
      const kid = decodeURIComponent(path.slice('/commerce/notification/v1/public_key/'.length));
      if (kid !== notifications.kid) return ebayError(404, 195000, 'Public key not found');
      return json(200, await notifications.publicKey());
    }
    if (path === '/ws/api.dll' && req.method === 'POST') return trading(req);
    if (path === '/developer/analytics/v1_beta/user_rate_limit/' && req.method === 'GET') {
      const refused = authorise(req, 'user', 'fulfillment');
      if (refused) return refused;
      count('getUserRateLimits');
      if (!options.analytics)
        return ebayError(403, 1100, 'Access denied: insufficient permissions to fulfill the request');
      return json(200, { rateLimits: rateLimits() });
    }
    for (const [prefix, api] of [
      ['/sell/fulfillment/v1', 'fulfillment'],
      ['/sell/inventory/v1', 'inventory'],
      ['/post-order/v2', 'postorder'],
    ] as const) {
      if (!path.startsWith(prefix)) continue;
      const refused = authorise(req, 'user', api) ?? limited(api);
      if (refused) return refused;
      const rest = path.slice(prefix.length);
      if (api === 'fulfillment') return fulfillment(req, url, rest);
      if (api === 'inventory') return inventory(req, url, rest);
      return postOrder(req, rest);
    }
    return ebayError(404, 2002, `No such resource ${path} (simulator)`);
  }

  return { fetch: handle, faults, stats, hooks };
}
