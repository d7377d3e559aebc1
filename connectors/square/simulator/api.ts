// The Square HTTP API the connector calls, over the simulated seller (state.ts): paths, bodies
// and errors as in Square's OpenAPI document (connect-api-specification 2025-08-20). Bearer
// tokens are checked (401 UNAUTHORIZED; expired: ACCESS_TOKEN_EXPIRED), batch limits enforced
// (BatchRetrieveOrders 100 ids, SearchOrders 10 locations, BatchChangeInventory 100 changes),
// idempotency keys replay the first answer, UpdateOrder refuses a stale version
// (VERSION_MISMATCH). Refresh tokens rotate: each works once.
import type { Clock } from '../../../core/clock.ts';
import type { SqCatalogObject, SqFulfillmentState, SqInventoryChange, SqInventoryCount, SqOrder } from '../payloads.ts';
import { newId, type SimState } from './state.ts';

export interface ApiHooks {
  /** Called after inventory changed through the API (the simulator sends inventory.count.updated). */
  inventoryChanged(pairs: { variationId: string; locationId: string }[]): Promise<void>;
  orderUpdated(order: SqOrder, fulfillmentChanged: boolean): Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
export const sqError = (status: number, category: string, code: string, detail: string, field?: string) =>
  json(status, { errors: [{ category, code, detail, ...(field ? { field } : {}) }] });

const TOKEN_LIFETIME_MS = 30 * 86_400_000;

export function issueTokens(state: SimState, clock: Clock) {
  const access = `EAAA${newId('T')}`;
  const refresh = `EQAA${newId('R')}`;
  const expiresAt = clock.nowMs() + TOKEN_LIFETIME_MS;
  state.accessTokens.set(access, expiresAt);
  state.refreshTokens.add(refresh);
  return { access, refresh, expiresAt: new Date(expiresAt).toISOString() };
}

export function createApi(state: SimState, clock: Clock, app: { applicationId: string }, hooks: ApiHooks) {
  const counts = (
    items: string[] | undefined,
    locations: string[] | undefined,
    states: string[] | undefined,
  ): SqInventoryCount[] => {
    const out: SqInventoryCount[] = [];
    for (const [k, n] of state.counts) {
      const [v = '', l = '', s = ''] = k.split('|');
      if (items?.length && !items.includes(v)) continue;
      if (locations?.length && !locations.includes(l)) continue;
      if (states?.length ? !states.includes(s) : s !== 'IN_STOCK') continue;
      out.push({
        catalog_object_id: v,
        catalog_object_type: 'ITEM_VARIATION',
        state: s,
        location_id: l,
        quantity: String(n),
        calculated_at: state.calculatedAt.get(k) ?? null,
      });
    }
    return out;
  };

  const catalogObject = (id: string): SqCatalogObject | null => {
    const item = state.items.get(id);
    if (!item) return null;
    return {
      type: 'ITEM',
      id: item.id,
      present_at_all_locations: true,
      item_data: {
        name: item.name,
        variations: item.variations.map((v) => ({
          type: 'ITEM_VARIATION',
          id: v.id,
          present_at_all_locations: true,
          item_variation_data: {
            item_id: item.id,
            name: v.name,
            sku: v.sku,
            track_inventory: true,
            price_money: { amount: v.price, currency: state.currency },
          },
        })),
      },
    };
  };

  async function token(body: Record<string, unknown>): Promise<Response> {
    if (body.client_id !== app.applicationId)
      return sqError(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'unknown client_id', 'client_id');
    if (body.grant_type !== 'refresh_token')
      return sqError(
        400,
        'INVALID_REQUEST_ERROR',
        'BAD_REQUEST',
        'simulator supports grant_type refresh_token',
        'grant_type',
      );
    const rt = String(body.refresh_token ?? '');
    if (!state.refreshTokens.delete(rt))
      return sqError(
        401,
        'AUTHENTICATION_ERROR',
        'UNAUTHORIZED',
        'refresh token invalid or already used',
        'refresh_token',
      );
    const t = issueTokens(state, clock);
    return json(200, {
      access_token: t.access,
      token_type: 'bearer',
      expires_at: t.expiresAt,
      merchant_id: state.merchantId,
      refresh_token: t.refresh,
      short_lived: false,
    });
  }

  async function batchChange(body: Record<string, unknown>): Promise<Response> {
    const key = String(body.idempotency_key ?? '');
    if (!key)
      return sqError(
        400,
        'INVALID_REQUEST_ERROR',
        'MISSING_REQUIRED_PARAMETER',
        'idempotency_key is required',
        'idempotency_key',
      );
    const seen = state.idempotency.get(`inv:${key}`);
    if (seen) return json(200, JSON.parse(seen));
    const changes = (body.changes ?? []) as SqInventoryChange[];
    if (changes.length > 100)
      return sqError(400, 'INVALID_REQUEST_ERROR', 'INVALID_ARRAY_LENGTH', 'at most 100 changes', 'changes');
    // Square applies the batch in occurred_at order.
    const sorted = [...changes].sort(
      (a, b) =>
        Date.parse((a.adjustment ?? a.physical_count)?.occurred_at ?? '') -
        Date.parse((b.adjustment ?? b.physical_count)?.occurred_at ?? ''),
    );
    const made: SqInventoryChange[] = [];
    const touched: { variationId: string; locationId: string }[] = [];
    for (const [i, c] of sorted.entries()) {
      const a = c.adjustment;
      const p = c.physical_count;
      const q = Number((a ?? p)?.quantity);
      if (!Number.isFinite(q) || q < 0)
        return sqError(
          400,
          'INVALID_REQUEST_ERROR',
          'INVALID_VALUE',
          'quantity must be a decimal ≥ 0',
          `changes[${i}].quantity`,
        );
      const v = (a ?? p)?.catalog_object_id ?? '';
      if (!state.variations.has(v))
        return sqError(
          400,
          'INVALID_REQUEST_ERROR',
          'NOT_FOUND',
          `catalog object ${v} not found`,
          `changes[${i}].catalog_object_id`,
        );
      if (c.type === 'ADJUSTMENT' && a) {
        made.push(
          state.adjust({
            variationId: v,
            locationId: a.location_id,
            from: a.from_state,
            to: a.to_state,
            quantity: q,
            referenceId: a.reference_id,
            occurredAt: a.occurred_at,
            source: 'api',
          }),
        );
        touched.push({ variationId: v, locationId: a.location_id });
      } else if (c.type === 'PHYSICAL_COUNT' && p) {
        made.push(
          state.physicalCount({
            variationId: v,
            locationId: p.location_id,
            quantity: q,
            referenceId: p.reference_id,
            occurredAt: p.occurred_at,
            source: 'api',
          }),
        );
        touched.push({ variationId: v, locationId: p.location_id });
      }
    }
    const answer = {
      changes: made,
      counts: counts(
        [...new Set(touched.map((t) => t.variationId))],
        [...new Set(touched.map((t) => t.locationId))],
        ['IN_STOCK', 'RESERVED_FOR_SALE'],
      ),
    };
    state.idempotency.set(`inv:${key}`, JSON.stringify(answer));
    await hooks.inventoryChanged(touched);
    return json(200, answer);
  }

  async function updateOrder(id: string, body: Record<string, unknown>): Promise<Response> {
    const key = typeof body.idempotency_key === 'string' ? body.idempotency_key : null;
    if (key) {
      const seen = state.idempotency.get(`order:${key}`);
      if (seen) return json(200, JSON.parse(seen));
    }
    const order = state.orders.get(id);
    if (!order) return sqError(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', `order ${id} not found`);
    const sparse = (body.order ?? {}) as Partial<SqOrder>;
    if (sparse.version !== order.version) {
      return sqError(
        400,
        'INVALID_REQUEST_ERROR',
        'VERSION_MISMATCH',
        `order is at version ${order.version}`,
        'order.version',
      );
    }
    let fulfillmentChanged = false;
    for (const f of sparse.fulfillments ?? []) {
      const mine = order.fulfillments?.find((x) => x.uid === f.uid);
      if (!mine)
        return sqError(
          400,
          'INVALID_REQUEST_ERROR',
          'NOT_FOUND',
          `fulfillment ${f.uid} not found`,
          'order.fulfillments.uid',
        );
      if (f.state && f.state !== mine.state) {
        state.setFulfillmentState(order, f.state as SqFulfillmentState);
        fulfillmentChanged = true;
      }
    }
    state.touch(order);
    const answer = { order };
    if (key) state.idempotency.set(`order:${key}`, JSON.stringify(answer));
    await hooks.orderUpdated(order, fulfillmentChanged);
    return json(200, answer);
  }

  return async function route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    const body = req.method === 'GET' ? {} : ((await req.json().catch(() => null)) as Record<string, unknown> | null);
    if (body === null) return sqError(400, 'INVALID_REQUEST_ERROR', 'INVALID_CONTENT_TYPE', 'body must be JSON');
    if (req.method === 'POST' && path === '/oauth2/token') return token(body);
    const auth = req.headers.get('authorization') ?? '';
    const expires = state.accessTokens.get(auth.replace(/^Bearer /, ''));
    if (expires === undefined)
      return sqError(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'the access token is not valid');
    if (expires <= clock.nowMs())
      return sqError(401, 'AUTHENTICATION_ERROR', 'ACCESS_TOKEN_EXPIRED', 'the access token has expired');

    if (req.method === 'GET' && path === '/v2/locations') {
      return json(200, {
        locations: [...state.locations.values()].map((l) => ({
          ...l,
          merchant_id: state.merchantId,
          currency: state.currency,
        })),
      });
    }
    if (req.method === 'GET' && path === '/v2/catalog/list') {
      const all = [...state.items.keys()];
      const start = Number(url.searchParams.get('cursor') ?? '0');
      const page = all.slice(start, start + 100);
      return json(200, {
        objects: page.map(catalogObject),
        ...(start + 100 < all.length ? { cursor: String(start + 100) } : {}),
      });
    }
    if (req.method === 'POST' && path === '/v2/orders/batch-retrieve') {
      const ids = (body.order_ids ?? []) as string[];
      if (ids.length === 0 || ids.length > 100)
        return sqError(400, 'INVALID_REQUEST_ERROR', 'INVALID_ARRAY_LENGTH', '1 to 100 order ids', 'order_ids');
      return json(200, { orders: ids.flatMap((id) => (state.orders.has(id) ? [state.orders.get(id)] : [])) });
    }
    if (req.method === 'POST' && path === '/v2/orders/search') {
      const locs = (body.location_ids ?? []) as string[];
      if (locs.length === 0 || locs.length > 10)
        return sqError(400, 'INVALID_REQUEST_ERROR', 'INVALID_ARRAY_LENGTH', '1 to 10 location ids', 'location_ids');
      const q = body.query as { filter?: { date_time_filter?: { updated_at?: { start_at?: string } } } } | undefined;
      const start = q?.filter?.date_time_filter?.updated_at?.start_at;
      const limit = Math.min(Number(body.limit ?? 500), 1000);
      const all = [...state.orders.values()]
        .filter((o) => locs.includes(o.location_id) && (!start || o.updated_at >= start))
        .sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : 0));
      const from = Number(body.cursor ?? '0');
      const page = all.slice(from, from + limit);
      return json(200, { orders: page, ...(from + limit < all.length ? { cursor: String(from + limit) } : {}) });
    }
    const orderPath = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (req.method === 'PUT' && orderPath) return updateOrder(decodeURIComponent(orderPath[1] ?? ''), body);
    if (req.method === 'POST' && path === '/v2/inventory/counts/batch-retrieve') {
      return json(200, {
        counts: counts(body.catalog_object_ids as string[], body.location_ids as string[], body.states as string[]),
      });
    }
    if (req.method === 'POST' && path === '/v2/inventory/changes/batch-retrieve') {
      const items = body.catalog_object_ids as string[] | undefined;
      const locs = body.location_ids as string[] | undefined;
      const types = (body.types as string[] | undefined) ?? ['PHYSICAL_COUNT', 'ADJUSTMENT'];
      const after = body.updated_after as string | undefined;
      const found = state.changes.filter((c) => {
        const x = c.adjustment ?? c.physical_count;
        if (!x || !types.includes(c.type)) return false;
        if (items?.length && !items.includes(x.catalog_object_id)) return false;
        if (locs?.length && !locs.includes(x.location_id)) return false;
        return !after || (x.created_at ?? '') > after;
      });
      return json(200, { changes: found });
    }
    if (req.method === 'POST' && path === '/v2/inventory/changes/batch-create') return batchChange(body);
    return sqError(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', `${req.method} ${path} is not simulated`);
  };
}
