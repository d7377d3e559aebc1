// Webhook verification: HMAC over the exact raw bytes before anything is parsed, both header
// styles, dedupe key, occurredAt for ordering. Deliveries come from the simulator's signed
// webhook emitter; bodies are Shopify's published sample payloads (see
// tests/fixtures/shopify/README.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, WebhookResult } from '../../connectors/connector.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { ManualClock } from '../../core/clock.ts';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import {
  MAX_WEBHOOK_BYTES,
  normalizeTopic,
  parseJsonKeepingBigInts,
  signBody,
} from '../../connectors/shopify/webhooks.ts';
import type { Database } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { seedAccount, seedLocation } from '../support/seed.ts';
import { account, fixtureText, SECRET, SHOP, toWebhookRequest } from './helpers.ts';

function setup() {
  const clock = new ManualClock('2026-11-20T10:00:00Z');
  const sim = createShopifySimulator({ shop: SHOP, apiSecret: SECRET, clock });
  const connector = createShopifyConnector({ clock });
  const results: WebhookResult[] = [];
  // What the API's webhook route does: verify, then store by externalEventId (duplicates are no-ops).
  const inbox = new Map<string, InboundEvent>();
  sim.webhooks.target = async (req) => {
    const result = await connector.verifyWebhook(account(), await toWebhookRequest(req));
    results.push(result);
    if (!result.ok) return new Response(result.message, { status: result.status });
    for (const e of result.events) if (!inbox.has(e.externalEventId)) inbox.set(e.externalEventId, e);
    return new Response(null, { status: 200 });
  };
  return { sim, connector, results, inbox, clock };
}

/** Two versions of one order (v1, then v2 five minutes later), delivered newest first. */
async function deliverNewestFirst(w: ReturnType<typeof setup>) {
  const base = JSON.parse(fixtureText('rest-order-450789469.json')) as Record<string, unknown>;
  const v1 = { ...base, updated_at: '2026-11-20T09:00:00-05:00', tags: 'v1' };
  const v2 = { ...base, updated_at: '2026-11-20T09:05:00-05:00', tags: 'v2' };
  // Shopify does not guarantee order: hold both and deliver newest first.
  await w.sim.webhooks.send('orders/updated', v1, { hold: true, webhookId: 'w-v1' });
  await w.sim.webhooks.send('orders/updated', v2, { hold: true, webhookId: 'w-v2' });
  await w.sim.webhooks.flush('reverse');
  return w;
}

// Published fixture: Shopify's orders/cancelled sample payload (webhook-orders-cancelled.json).
const CANCELLED = fixtureText('webhook-orders-cancelled.json');

describe('verifyWebhook', () => {
  it('accepts a correctly signed delivery and exposes webhook id, topic and updated_at', async () => {
    const { sim, results, inbox } = setup();
    const d = await sim.webhooks.send('orders/cancelled', CANCELLED, {
      webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      triggeredAt: '2026-11-20T10:00:01Z',
    });
    expect(results).toHaveLength(1);
    const r = results[0];
    if (!r?.ok) throw new Error(`rejected: ${JSON.stringify(r)}`);
    expect(r.events).toHaveLength(1);
    const e = r.events[0] as InboundEvent;
    expect(e.externalEventId).toBe(d.webhookId);
    expect(e.topic).toBe('orders/cancelled');
    // Orders: the body's updated_at (the state's version), not the delivery time.
    expect(e.occurredAt).toBe('2021-12-31T19:00:00-05:00');
    // 64-bit ids survive parsing exactly.
    expect((e.payload as { id: unknown }).id).toBe('820982911946154508');
    expect(inbox.size).toBe(1);
  });

  it('accepts the events header style (shopify-*) the library also accepts', async () => {
    const { sim, results } = setup();
    sim.webhooks.headerStyle = 'events';
    await sim.webhooks.send('orders/cancelled', CANCELLED);
    expect(results[0]?.ok).toBe(true);
  });

  it('rejects a forged signature with 401 and stores nothing', async () => {
    const { sim, results, inbox } = setup();
    await sim.webhooks.send('orders/cancelled', CANCELLED, { secret: 'not-the-app-secret' });
    expect(results[0]).toMatchObject({ ok: false, status: 401, code: 'invalid_hmac' });
    expect(inbox.size).toBe(0);
  });

  it('verifies the exact bytes: a re-serialized body with the original signature is rejected', async () => {
    const { sim, connector } = setup();
    const req = await sim.webhooks.request({
      webhookId: 'w-1',
      topic: 'orders/cancelled',
      body: CANCELLED,
      triggeredAt: '2026-11-20T10:00:00Z',
    });
    const same = await toWebhookRequest(req.clone());
    expect((await connector.verifyWebhook(account(), same)).ok).toBe(true);
    const reformatted = new TextEncoder().encode(JSON.stringify(JSON.parse(CANCELLED)));
    const tampered = { ...same, rawBody: reformatted };
    expect(await connector.verifyWebhook(account(), tampered)).toMatchObject({
      ok: false,
      status: 401,
      code: 'invalid_hmac',
    });
  });

  it('rejects an unsigned request (no HMAC header) with 401', async () => {
    const { connector } = setup();
    const body = new TextEncoder().encode(CANCELLED);
    const headers = new Headers({
      'X-Shopify-Topic': 'orders/cancelled',
      'X-Shopify-Webhook-Id': 'x',
      'X-Shopify-Shop-Domain': SHOP,
    });
    const r = await connector.verifyWebhook(account(), {
      method: 'POST',
      url: 'https://hub/webhooks',
      headers,
      rawBody: body,
    });
    expect(r).toMatchObject({ ok: false, status: 401, code: 'missing_hmac' });
  });

  it('rejects a signed request without topic or webhook id with 400 (missing headers)', async () => {
    const { connector } = setup();
    const body = new TextEncoder().encode(CANCELLED);
    const headers = new Headers({
      'X-Shopify-Hmac-Sha256': await signBody(SECRET, body),
      'X-Shopify-Shop-Domain': SHOP,
    });
    const r = await connector.verifyWebhook(account(), {
      method: 'POST',
      url: 'https://hub/webhooks',
      headers,
      rawBody: body,
    });
    expect(r).toMatchObject({ ok: false, status: 400, code: 'missing_headers' });
    if (!r.ok) expect(r.message).toContain('X-Shopify-Webhook-Id');
  });

  it('rejects a webhook for another shop, a GET, and an oversized body', async () => {
    const { connector } = setup();
    const body = new TextEncoder().encode(CANCELLED);
    const signed = new Headers({
      'X-Shopify-Hmac-Sha256': await signBody(SECRET, body),
      'X-Shopify-Topic': 'orders/cancelled',
      'X-Shopify-Webhook-Id': 'w',
      'X-Shopify-Shop-Domain': 'someone-else.myshopify.com',
    });
    expect(
      await connector.verifyWebhook(account(), { method: 'POST', url: 'u', headers: signed, rawBody: body }),
    ).toMatchObject({ ok: false, status: 400, code: 'shop_mismatch' });
    expect(
      await connector.verifyWebhook(account(), { method: 'GET', url: 'u', headers: signed, rawBody: body }),
    ).toMatchObject({ ok: false, status: 405 });
    const big = new Uint8Array(MAX_WEBHOOK_BYTES + 1);
    expect(
      await connector.verifyWebhook(account(), { method: 'POST', url: 'u', headers: signed, rawBody: big }),
    ).toMatchObject({ ok: false, status: 413 });
  });

  it('accepts the previous secret during a rotation', async () => {
    const { sim, results } = setup();
    const rotated = createShopifyConnector();
    sim.webhooks.target = async (req) => {
      const r = await rotated.verifyWebhook(
        account({}, { apiSecretKey: 'new-secret', previousApiSecretKey: SECRET }),
        await toWebhookRequest(req),
      );
      results.push(r);
      return new Response(null, { status: r.ok ? 200 : r.status });
    };
    await sim.webhooks.send('orders/cancelled', CANCELLED);
    expect(results[0]?.ok).toBe(true);
  });

  it('a replayed duplicate keeps the same event id, so the inbox stores it once', async () => {
    const { sim, results, inbox } = setup();
    const d = await sim.webhooks.send('orders/cancelled', CANCELLED, { times: 3 });
    expect(results).toHaveLength(3);
    const ids = results.map((r) => (r.ok ? r.events[0]?.externalEventId : null));
    expect(new Set(ids)).toEqual(new Set([d.webhookId]));
    expect(inbox.size).toBe(1);
  });

  it('a stale payload delivered late exposes its older occurredAt', async () => {
    const { inbox } = await deliverNewestFirst(setup());
    const [newer, older] = [...inbox.values()] as [InboundEvent, InboundEvent];
    expect([newer.externalEventId, older.externalEventId]).toEqual(['w-v2', 'w-v1']);
    expect(Date.parse(older.occurredAt ?? '')).toBeLessThan(Date.parse(newer.occurredAt ?? ''));
  });

  it('uses X-Shopify-Triggered-At for refunds (no updated_at in a refund body)', async () => {
    const { sim, inbox } = setup();
    await sim.webhooks.send('refunds/create', fixtureText('rest-refund-509562969.json'), {
      triggeredAt: '2026-11-20T10:00:05Z',
    });
    expect([...inbox.values()][0]?.occurredAt).toBe('2026-11-20T10:00:05Z');
  });
});

describe.each(testDatabases())('late delivery into core on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh' }]);
  });
  afterAll(() => db?.close());

  it('core keeps the newer state when the older payload arrives last', async () => {
    const { connector, inbox } = await deliverNewestFirst(setup());
    const applied = [];
    for (const e of inbox.values()) {
      const meaning = connector.interpret(account(), e);
      if (meaning.kind !== 'order') throw new Error(`expected an order, got ${meaning.kind}`);
      applied.push(await ingestOrder(db.prisma, 'shop', meaning.draft));
    }
    expect(applied.map((r) => r.stale)).toEqual([false, true]);
    const order = await db.prisma.order.findUniqueOrThrow({ where: { id: applied[0]?.orderId } });
    expect(order.tags).toEqual(['v2']);
    expect(order.channelUpdatedAt.toISOString()).toBe('2026-11-20T14:05:00.000Z');
  });
});

describe('helpers', () => {
  it('normalizes the topic spellings Shopify uses', () => {
    expect(normalizeTopic('orders/create')).toBe('orders/create');
    expect(normalizeTopic('ORDERS_CREATE')).toBe('orders/create');
    expect(normalizeTopic('INVENTORY_LEVELS_UPDATE')).toBe('inventory_levels/update');
    expect(normalizeTopic('orders.updated')).toBe('orders/updated');
  });

  it('keeps unsafe integers exact and leaves the rest alone', () => {
    expect(parseJsonKeepingBigInts('{"a":820982911946154508,"b":1.5,"c":[450789469],"d":-9007199254740993}')).toEqual({
      a: '820982911946154508',
      b: 1.5,
      c: [450789469],
      d: '-9007199254740993',
    });
  });
});
