// The simulator's own contract, seen over HTTP (plain Requests, no library): access token,
// cost-based throttling with extensions.cost, single-query limit, faults, latency,
// cursor pagination, webhooks on state changes.
import { describe, expect, it } from 'vitest';
import {
  ORDERS_UPDATED_SINCE_QUERY,
  PRODUCT_VARIANTS_PAGE_QUERY,
  SHOP_QUERY,
} from '../../connectors/shopify/queries.ts';
import { ManualClock } from '../../core/clock.ts';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { hmacMatches } from '../../connectors/shopify/webhooks.ts';

const SHOP = 'sim-test.myshopify.com';
const URL_ = `https://${SHOP}/admin/api/2026-10/graphql.json`;

function post(
  sim: ReturnType<typeof createShopifySimulator>,
  query: string,
  variables: Record<string, unknown> = {},
  token = sim.accessToken,
) {
  return sim.fetch(
    new Request(URL_, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
      body: JSON.stringify({ query, variables }),
    }),
  );
}

describe('simulator endpoint', () => {
  it('requires X-Shopify-Access-Token', async () => {
    const sim = createShopifySimulator({ shop: SHOP, clock: new ManualClock() });
    const res = await post(sim, SHOP_QUERY, {}, 'nope');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    });
  });

  it('answers with extensions.cost and throttles with THROTTLED when the bucket is short', async () => {
    const clock = new ManualClock();
    const sim = createShopifySimulator({ shop: SHOP, clock, bucket: { maximumAvailable: 300, restoreRate: 50 } });
    const ok = (await (await post(sim, ORDERS_UPDATED_SINCE_QUERY, { first: 250, query: '' })).json()) as {
      extensions: { cost: Record<string, unknown> };
    };
    expect(ok.extensions.cost).toEqual({
      requestedQueryCost: 252,
      actualQueryCost: 2,
      throttleStatus: { maximumAvailable: 300, currentlyAvailable: 298, restoreRate: 50 },
    });
    sim.bucket.configure({ currentlyAvailable: 100 });
    const res = await post(sim, ORDERS_UPDATED_SINCE_QUERY, { first: 250, query: '' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data?: unknown;
      errors: { extensions: { code: string } }[];
      extensions: { cost: { actualQueryCost: unknown; throttleStatus: { currentlyAvailable: number } } };
    };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]?.extensions.code).toBe('THROTTLED');
    expect(body.extensions.cost.actualQueryCost).toBeNull();
    clock.advance(4000); // +200 points, capped at 300
    expect(
      ((await (await post(sim, ORDERS_UPDATED_SINCE_QUERY, { first: 250, query: '' })).json()) as { data: unknown })
        .data,
    ).toBeDefined();
  });

  it('refuses a query above the 1,000-point single-query limit', async () => {
    const sim = createShopifySimulator({ shop: SHOP, clock: new ManualClock() });
    // 250 variants with their product and 10 inventory levels each: far above 1,000 by Shopify's rules.
    const body = (await (await post(sim, PRODUCT_VARIANTS_PAGE_QUERY, { first: 250 })).json()) as {
      errors: { extensions: { code: string } }[];
    };
    expect(body.errors[0]?.extensions.code).toBe('MAX_COST_EXCEEDED');
  });

  it('injects 429 with Retry-After, 5xx, latency; unknown operations are named', async () => {
    const clock = new ManualClock();
    const sim = createShopifySimulator({ shop: SHOP, clock });
    sim.faults.failNext(1, 429, 3);
    sim.faults.failNext(1, 500);
    const r429 = await post(sim, SHOP_QUERY);
    expect(r429.status).toBe(429);
    expect(r429.headers.get('Retry-After')).toBe('3');
    expect((await post(sim, SHOP_QUERY)).status).toBe(500);
    expect((await post(sim, SHOP_QUERY)).status).toBe(200);
    sim.faults.latency(250);
    const t = clock.nowMs();
    await post(sim, SHOP_QUERY);
    expect(clock.nowMs() - t).toBe(250);
    const unknown = (await (await post(sim, 'query SomethingElse { shop { id } }')).json()) as {
      errors: { message: string }[];
    };
    expect(unknown.errors[0]?.message).toContain('SomethingElse');
  });

  it('orders cursor pages by UPDATED_AT; an order updated mid-paging moves behind the cursor', async () => {
    const clock = new ManualClock();
    const sim = createShopifySimulator({ shop: SHOP, clock });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      ids.push((await sim.placeOrder({ lines: [{ title: 'x', quantity: 1, price: 100 }] })).id);
    }
    type Page = {
      data: { orders: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    };
    const p1 = (await (
      await post(sim, ORDERS_UPDATED_SINCE_QUERY, { first: 2, query: "updated_at:>'2020-01-01T00:00:00Z'" })
    ).json()) as Page;
    expect(p1.data.orders.nodes.map((n) => n.id)).toEqual(ids.slice(0, 2));
    clock.advance(1000);
    await sim.updateOrder(ids[0] ?? '', { tags: ['late'] });
    const p2 = (await (
      await post(sim, ORDERS_UPDATED_SINCE_QUERY, {
        first: 2,
        after: p1.data.orders.pageInfo.endCursor,
        query: "updated_at:>'2020-01-01T00:00:00Z'",
      })
    ).json()) as Page;
    expect(p2.data.orders.nodes.map((n) => n.id)).toEqual(ids.slice(2, 4));
    expect(p2.data.orders.pageInfo.hasNextPage).toBe(true);
    const p3 = (await (
      await post(sim, ORDERS_UPDATED_SINCE_QUERY, {
        first: 2,
        after: p2.data.orders.pageInfo.endCursor,
        query: "updated_at:>'2020-01-01T00:00:00Z'",
      })
    ).json()) as Page;
    expect(p3.data.orders.nodes.map((n) => n.id)).toEqual([ids[0]]);
  });

  it('sends signed webhooks on state changes when autoWebhooks is on', async () => {
    const clock = new ManualClock();
    const sim = createShopifySimulator({ shop: SHOP, clock, apiSecret: 's3cret', autoWebhooks: true });
    const got: { topic: string | null; valid: boolean; body: Record<string, unknown> }[] = [];
    sim.webhooks.target = async (req) => {
      const raw = new Uint8Array(await req.arrayBuffer());
      got.push({
        topic: req.headers.get('X-Shopify-Topic'),
        valid: await hmacMatches('s3cret', raw, req.headers.get('X-Shopify-Hmac-Sha256') ?? ''),
        body: JSON.parse(new TextDecoder().decode(raw)) as Record<string, unknown>,
      });
      return new Response(null, { status: 200 });
    };
    const order = await sim.placeOrder({ lines: [{ title: 'x', quantity: 2, price: 100 }], financialStatus: 'PAID' });
    await sim.refund(order.id, [{ lineItemId: order.lines[0]?.id ?? '', quantity: 1, restockType: 'RETURN' }]);
    await sim.cancelOrder(order.id, 'CUSTOMER');
    expect(got.map((g) => g.topic)).toEqual([
      'orders/create',
      'refunds/create',
      'orders/updated',
      'refunds/create',
      'orders/cancelled',
      'orders/updated',
    ]);
    expect(got.every((g) => g.valid)).toBe(true);
    expect(got[0]?.body).toMatchObject({
      admin_graphql_api_id: order.id,
      financial_status: 'paid',
      line_items: [{ current_quantity: 2 }],
    });
    expect(got.at(-1)?.body).toMatchObject({ cancel_reason: 'customer', line_items: [{ current_quantity: 0 }] });
  });
});
