// The webhook door with the Shopify simulator's signed deliveries: valid → 200 and stored
// once, duplicate → 200 still stored once, forged → 401 and nothing stored, unknown account
// → 404, oversized → 413 (declared or streamed), challenges answered as the connector says.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelConnector, WebhookRequest, WebhookResult } from '../../connectors/connector.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { createShopifySimulator, type ShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness } from './harness.ts';

const SHOP = 'door-test.myshopify.com';
const SECRET = 'door-webhook-secret';
const MAX = 64 * 1024;

/** A connector for a channel with challenges and multi-event deliveries (eBay-like), for the door's contract. */
function fakeConnector(): ChannelConnector {
  const verify = async (_a: unknown, req: WebhookRequest): Promise<WebhookResult> => {
    if (req.method === 'GET') {
      const code = new URL(req.url).searchParams.get('challenge_code');
      if (!code) return { ok: false, status: 400, code: 'missing_challenge', message: 'no challenge_code' };
      return {
        ok: true,
        events: [],
        reply: {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ challengeResponse: `h(${code})` }),
        },
      };
    }
    if (req.headers.get('x-signature') === 'boom') throw new Error('connector exploded');
    if (req.headers.get('x-signature') !== 'good')
      return { ok: false, status: 412, code: 'bad_signature', message: 'signature does not verify' };
    const body = JSON.parse(new TextDecoder().decode(req.rawBody)) as { ids: string[] };
    return {
      ok: true,
      events: body.ids.map((id) => ({ externalEventId: id, topic: 'order', occurredAt: null, payload: { id } })),
    };
  };
  return { type: 'ebay', verifyWebhook: verify } as unknown as ChannelConnector;
}

describe.each(testDatabases())('webhook door on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  let sim: ShopifySimulator;
  const kicks: string[] = [];

  const inbox = () => db.prisma.inboxEvent.count({ where: { accountId: 'shop' } });
  const url = (account = 'shop') => `http://hub.test/webhooks/${account}`;

  beforeAll(async () => {
    db = await open();
    sim = createShopifySimulator({ shop: SHOP, apiSecret: SECRET });
    h = await buildHarness(db, {
      connectors: { shopify: createShopifyConnector(), ebay: fakeConnector() },
      webhookMaxBytes: MAX,
      onInboxEvents: (id) => {
        kicks.push(id);
      },
    });
    for (const [id, type, credentials] of [
      ['shop', 'shopify', { shop: SHOP, accessToken: 'shpat_x', apiSecretKey: SECRET }],
      ['bay', 'ebay', { token: 't' }],
    ] as const) {
      const r = await h.call('POST', '/api/v1/channel-accounts', { body: { id, type, name: id, credentials } });
      expect(r.status).toBe(201);
    }
    sim.webhooks.target = async (req) => h.app.request(new Request(url(), req));
  });
  afterAll(() => db?.close());
  beforeEach(() => {
    sim.webhooks.log.length = 0;
  });

  it('stores a valid delivery once, answers 200 and kicks the processor', async () => {
    const before = await inbox();
    const d = await sim.webhooks.send('orders/create', { id: 1001, updated_at: '2026-11-20T10:00:00Z' });
    expect(sim.webhooks.log.map((l) => l.status)).toEqual([200]);
    expect(await inbox()).toBe(before + 1);
    const row = await db.prisma.inboxEvent.findFirstOrThrow({ where: { externalEventId: d.webhookId } });
    expect(row).toMatchObject({ topic: 'orders/create', payload: { id: 1001 } });
    expect(row.occurredAt?.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(await db.prisma.outboxEvent.count({ where: { kind: 'inbox.received' } })).toBeGreaterThan(0);
    await expect.poll(() => kicks.includes('shop')).toBe(true);
  });

  it('answers 200 to a duplicate delivery and still stores it once', async () => {
    const before = await inbox();
    const kicksBefore = kicks.length;
    await sim.webhooks.send('orders/updated', { id: 1002, updated_at: '2026-11-20T11:00:00Z' }, { times: 3 });
    expect(sim.webhooks.log.map((l) => l.status)).toEqual([200, 200, 200]);
    expect(await inbox()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(kicks.length).toBe(kicksBefore + 1);
  });

  it('stores concurrent deliveries (and concurrent duplicates) exactly once each', async () => {
    const before = await inbox();
    const requests = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sim.webhooks.request({
          webhookId: `burst-${i % 20}`,
          topic: 'orders/create',
          body: JSON.stringify({ id: i % 20 }),
          triggeredAt: '2026-11-20T12:00:00Z',
        }),
      ),
    );
    const responses = await Promise.all(requests.map((r) => h.app.request(new Request(url(), r))));
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ stored: number }>));
    expect(bodies.reduce((a, b) => a + b.stored, 0)).toBe(20);
    expect(await inbox()).toBe(before + 20);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const before = await inbox();
    await sim.webhooks.send('orders/create', { id: 1003 }, { secret: 'not-the-secret' });
    expect(sim.webhooks.log.map((l) => l.status)).toEqual([401]);
    expect(await inbox()).toBe(before);
    const metrics = (await h.call('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/omnihub_webhook_verify_failures_total\{channel="shopify",code="invalid_hmac"\} [1-9]/);
  });

  it('refuses a tampered body with 401', async () => {
    const before = await inbox();
    const req = await sim.webhooks.request({
      webhookId: 'tampered',
      topic: 'orders/create',
      body: '{"id":1}',
      triggeredAt: '2026-11-20T12:00:00Z',
    });
    const res = await h.app.request(new Request(url(), { method: 'POST', headers: req.headers, body: '{"id":2}' }));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_hmac');
    expect(await inbox()).toBe(before);
  });

  it('answers 404 for an unknown or inactive account, and stores nothing', async () => {
    const total = await db.prisma.inboxEvent.count();
    const req = await sim.webhooks.request({
      webhookId: 'lost',
      topic: 'orders/create',
      body: '{}',
      triggeredAt: '2026-11-20T12:00:00Z',
    });
    const res = await h.app.request(new Request(url('no-such-account'), req));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await h.call('PATCH', '/api/v1/channel-accounts/bay', { body: { active: false } })).status).toBe(200);
    const off = await h.app.request(url('bay'), {
      method: 'POST',
      headers: { 'x-signature': 'good' },
      body: '{"ids":["z"]}',
    });
    expect(off.status).toBe(404);
    expect((await h.call('PATCH', '/api/v1/channel-accounts/bay', { body: { active: true } })).status).toBe(200);
    expect(await db.prisma.inboxEvent.count()).toBe(total);
  });

  it('refuses an oversized body with 413, by Content-Length and while streaming, and stores nothing', async () => {
    const before = await inbox();
    const big = JSON.stringify({ id: 1, note: 'x'.repeat(MAX) });
    const signed = await sim.webhooks.request({
      webhookId: 'big',
      topic: 'orders/create',
      body: big,
      triggeredAt: '2026-11-20T12:00:00Z',
    });
    const declared = new Headers(signed.headers);
    declared.set('content-length', String(new TextEncoder().encode(big).byteLength));
    const byLength = await h.app.request(new Request(url(), { method: 'POST', headers: declared, body: big }));
    expect(byLength.status).toBe(413);
    expect(((await byLength.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

    // No Content-Length (chunked): cut off while reading.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const chunked = new Headers(signed.headers);
    chunked.delete('content-length');
    const streamed = await h.app.request(
      new Request(url(), { method: 'POST', headers: chunked, body: stream, duplex: 'half' } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(await inbox()).toBe(before);
  });

  it("passes a challenge's reply through, and a channel's own refusal status (412)", async () => {
    const challenge = await h.app.request(`${url('bay')}?challenge_code=abc`);
    expect(challenge.status).toBe(200);
    expect(await challenge.json()).toEqual({ challengeResponse: 'h(abc)' });
    const refused = await h.app.request(url('bay'), {
      method: 'POST',
      headers: { 'x-signature': 'bad' },
      body: '{"ids":["a"]}',
    });
    expect(refused.status).toBe(412);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'bay' } })).toBe(0);
  });

  it('answers 500 (the channel retries) and stores nothing when the connector fails', async () => {
    const before = await db.prisma.inboxEvent.count({ where: { accountId: 'bay' } });
    const res = await h.app.request(url('bay'), {
      method: 'POST',
      headers: { 'x-signature': 'boom' },
      body: '{"ids":["x"]}',
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal');
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'bay' } })).toBe(before);
    expect(h.logs()).toContain('connector exploded');
    expect((await h.call('GET', '/metrics')).body).toContain(
      'omnihub_webhook_requests_total{channel="ebay",outcome="error"} 1',
    );
  });

  it('stores every event of a multi-event delivery together', async () => {
    const res = await h.app.request(url('bay'), {
      method: 'POST',
      headers: { 'x-signature': 'good' },
      body: '{"ids":["e1","e2","e1"]}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 3, stored: 2 });
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'bay' } })).toBe(2);
  });

  it('uses new credentials at once after an account update (the cached account is dropped)', async () => {
    const rotated = 'rotated-secret';
    const r = await h.call('PATCH', '/api/v1/channel-accounts/shop', {
      body: { credentials: { shop: SHOP, accessToken: 'shpat_x', apiSecretKey: rotated } },
    });
    expect(r.status).toBe(200);
    await sim.webhooks.send('orders/create', { id: 2001 });
    await sim.webhooks.send('orders/create', { id: 2002 }, { secret: rotated });
    expect(sim.webhooks.log.map((l) => l.status)).toEqual([401, 200]);
  });
});
