// The app-level webhook door /webhooks/channel/:type and the app credentials behind it, with a
// fake Square-like connector (HMAC over notification URL + body, routed by merchant id):
// routed to the account of that merchant; refused with nothing stored for an unknown merchant
// or a bad signature; the signature is over OMNIHUB_PUBLIC_URL, not the address a proxy
// forwards to; the credentials are admin-only, encrypted, and shown only as "set".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import type { ConnectorRegistry } from '../../sync/connectors.ts';
import { createFakeAppConnector, FAKE_SIGNATURE_HEADER, fakeAppSignature } from '../support/fake-app-connector.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness } from './harness.ts';

const PUBLIC = 'https://hub.example.com';
const NOTIFICATION_URL = `${PUBLIC}/webhooks/channel/pos`;
/** Where the request reaches the hub behind the proxy: another scheme, host and port. */
const INTERNAL_URL = 'http://10.0.0.7:8080/webhooks/channel/pos';
const KEY = 'app-signature-key-1';

describe.each(testDatabases())('app-level webhooks on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  const kicks: string[] = [];

  const inbox = (accountId: string) => db.prisma.inboxEvent.findMany({ where: { accountId } });
  const allInbox = () => db.prisma.inboxEvent.count();

  async function deliver(payload: object, opts: { key?: string; signedUrl?: string; url?: string } = {}) {
    const body = JSON.stringify(payload);
    const signature = await fakeAppSignature(opts.key ?? KEY, opts.signedUrl ?? NOTIFICATION_URL, body);
    const res = await h.app.request(opts.url ?? INTERNAL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [FAKE_SIGNATURE_HEADER]: signature },
      body,
    });
    return { status: res.status, body: await res.json() };
  }

  beforeAll(async () => {
    db = await open();
    const connectors: ConnectorRegistry = { pos: createFakeAppConnector() };
    h = await buildHarness(db, {
      connectors,
      config: { adminToken: undefined, publicUrl: PUBLIC },
      onInboxEvents: (id) => {
        kicks.push(id);
      },
    });
    for (const [id, merchantId] of [
      ['store-a', 'MERCHANT-A'],
      ['store-b', 'MERCHANT-B'],
    ] as const) {
      const r = await h.call('POST', '/api/v1/channel-accounts', {
        body: { id, type: 'pos', name: id, credentials: { merchantId, accessToken: `t-${id}` } },
      });
      expect(r.status).toBe(201);
    }
    const put = await h.call('PUT', '/api/v1/channel-apps/pos', { body: { credentials: { signatureKey: KEY } } });
    expect(put.status).toBe(200);
  });
  afterAll(() => db?.close());

  it('routes a verified delivery to the account of the merchant it names, once', async () => {
    const payload = { merchant_id: 'MERCHANT-B', event_id: 'evt-b-1', type: 'order.created', data: { id: 'o1' } };
    const r = await deliver(payload);
    expect(r).toEqual({ status: 200, body: { received: 1, stored: 1 } });
    expect((await inbox('store-b')).map((e) => e.externalEventId)).toEqual(['evt-b-1']);
    expect(await inbox('store-a')).toEqual([]);
    // ...and processed like the account door's: the inbox processor is woken for that account.
    expect(kicks).toEqual(['store-b']);
    // The same inbox semantics as the account door: a redelivery is stored once.
    expect((await deliver(payload)).body).toEqual({ received: 1, stored: 0 });
    expect(await inbox('store-b')).toHaveLength(1);
  });

  it('stores nothing for a merchant no account has, answers 2xx and opens an exception', async () => {
    const before = await allInbox();
    const r = await deliver({ merchant_id: 'MERCHANT-Z', event_id: 'evt-z-1', type: 'order.created' });
    expect(r).toEqual({ status: 200, body: { received: 1, stored: 0, routed: false } });
    expect(await allInbox()).toBe(before);
    const ex = await db.prisma.exceptionItem.findMany({ where: { kind: 'app_webhook_unrouted' } });
    expect(ex).toHaveLength(1);
    expect(ex[0]?.message).toContain('MERCHANT-Z');
    expect(h.registry.render()).toMatch(/omnihub_webhook_requests_total\{channel="pos",outcome="unrouted"\} 1/);
  });

  it('refuses a wrong signature with 401 and stores nothing', async () => {
    const before = await allInbox();
    const r = await deliver(
      { merchant_id: 'MERCHANT-A', event_id: 'evt-a-bad', type: 'order.created' },
      { key: 'other-key' },
    );
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('invalid_signature');
    expect(await allInbox()).toBe(before);
  });

  it('verifies against OMNIHUB_PUBLIC_URL, not the address the request reached', async () => {
    const payload = { merchant_id: 'MERCHANT-A', event_id: 'evt-a-1', type: 'order.created' };
    // Signed over the address the hub sees behind the proxy: not what the channel signs, refused.
    const proxied = await deliver(payload, { signedUrl: INTERNAL_URL });
    expect(proxied.status).toBe(401);
    expect(await inbox('store-a')).toEqual([]);
    // Signed over the public address, arriving on yet another host: accepted.
    const ok = await deliver(payload, { url: 'http://127.0.0.1:3000/webhooks/channel/pos' });
    expect(ok).toEqual({ status: 200, body: { received: 1, stored: 1 } });
    expect((await inbox('store-a')).map((e) => e.externalEventId)).toEqual(['evt-a-1']);
  });

  it('answers a GET challenge as the connector says, storing nothing', async () => {
    const before = await allInbox();
    const res = await h.app.request(`${INTERNAL_URL}?challenge=abc123`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('abc123');
    expect(await allInbox()).toBe(before);
  });

  it('uses new app credentials at once after PUT', async () => {
    const put = await h.call('PUT', '/api/v1/channel-apps/pos', { body: { credentials: { signatureKey: 'rotated' } } });
    expect(put.status).toBe(200);
    const payload = { merchant_id: 'MERCHANT-A', event_id: 'evt-a-2', type: 'order.created' };
    expect((await deliver(payload)).status).toBe(401);
    expect((await deliver(payload, { key: 'rotated' })).status).toBe(200);
    await h.call('PUT', '/api/v1/channel-apps/pos', { body: { credentials: { signatureKey: KEY } } });
  });

  it('answers 404 for a channel type without app credentials or app webhooks', async () => {
    const res = await h.app.request('http://10.0.0.7/webhooks/channel/shopify', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});

describe.each(testDatabases())('app credentials API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, {
      connectors: { pos: createFakeAppConnector() },
      config: { adminToken: undefined, publicUrl: PUBLIC },
    });
  });
  afterAll(() => db?.close());

  it('stores the credentials encrypted and shows them only as "set"', async () => {
    const secret = 'very-secret-signature-key';
    const put = await h.call('PUT', '/api/v1/channel-apps/pos', {
      body: { credentials: { signatureKey: secret, clientId: 'client-1' } },
    });
    expect(put.status).toBe(200);
    expect(put.body.credentials).toEqual({ signatureKey: 'set', clientId: 'set' });
    expect(put.body.webhookUrl).toBe(NOTIFICATION_URL);
    const got = await h.call('GET', '/api/v1/channel-apps/pos');
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain(secret);
    const row = await db.prisma.channelApp.findUniqueOrThrow({ where: { type: 'pos' } });
    expect(row.credentialsEnc).not.toContain(secret);
    expect(row.credentialsEnc).toMatch(/^v1\./);
    expect(h.logs()).not.toContain(secret);
  });

  it('is for admin keys only, reading included', async () => {
    expect((await h.call('GET', '/api/v1/channel-apps/pos', { key: h.readonly })).status).toBe(403);
    const put = await h.call('PUT', '/api/v1/channel-apps/pos', {
      key: h.readonly,
      body: { credentials: { signatureKey: 'x' } },
    });
    expect(put.status).toBe(403);
  });

  it('names the field at fault', async () => {
    const empty = await h.call('PUT', '/api/v1/channel-apps/pos', { body: { credentials: {} } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields.map((f: { path: string }) => f.path)).toContain('credentials');
    const blank = await h.call('PUT', '/api/v1/channel-apps/pos', { body: { credentials: { signatureKey: '' } } });
    expect(blank.status).toBe(400);
    expect(blank.body.error.fields[0].path).toBe('credentials.signatureKey');
    const type = await h.call('PUT', '/api/v1/channel-apps/myspace', { body: { credentials: { a: 'b' } } });
    expect(type.status).toBe(400);
    expect(type.body.error.fields[0].path).toBe('type');
    expect((await h.call('GET', '/api/v1/channel-apps/ebay')).status).toBe(404);
  });
});
