// Notification signatures and the account-deletion challenge, at the connector:
// - eBay's own published vectors (eBay/event-notification-nodejs-sdk, test/test.json at
//   feaf3378ca263a81432cf5b8c8a6fd8cb3d3e2f3, copied to tests/fixtures/ebay/sdk-test-vectors.json):
//   VALID verifies, SIGNATURE_MISMATCH and INVALID do not (412);
// - the simulator's own key pair: a signed ORDER_CONFIRMATION is accepted (204) and points at
//   the order, a tampered body or a forged signature is refused (412) with no events;
// - the challenge answer is sha256hex(challengeCode + verificationToken + endpoint), checked
//   against the SDK's published challenge test values.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppContext, ConnectorError, type WebhookRequest } from '../../connectors/connector.ts';
import { createEbayConnector } from '../../connectors/ebay/connector.ts';
import { createEbaySimulator } from '../../connectors/ebay/simulator/index.ts';
import { challengeResponse } from '../../connectors/ebay/webhooks.ts';
import { ManualClock } from '../../core/clock.ts';
import { type Harness, harness } from './helpers.ts';

interface Vector {
  signature: string;
  message: unknown;
  response: { key: string; algorithm: string; digest: string } | null;
  public_key: string;
}
const VECTORS = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/ebay/sdk-test-vectors.json', import.meta.url)), 'utf8'),
) as Record<'VALID' | 'INVALID' | 'SIGNATURE_MISMATCH', Vector>;

const URL_ = 'https://hub.example.com/webhooks/channel/ebay';

function request(body: string, signature: string | null, method = 'POST', url = URL_): WebhookRequest {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (signature) headers.set('x-ebay-signature', signature);
  return { method, url, headers, rawBody: new TextEncoder().encode(body) };
}

describe("eBay's published notification vectors (event-notification-nodejs-sdk test/test.json)", () => {
  // The SDK's tests serve the vector's key for any kid and mock the token call; so does this transport.
  const lookups: string[] = [];
  const connector = createEbayConnector({
    clock: new ManualClock('2026-11-30T18:00:00Z'),
    transport: async (req) => {
      const u = new URL(req.url);
      if (u.pathname === '/identity/v1/oauth2/token')
        return Response.json({ access_token: 'app-token', expires_in: 7200 });
      lookups.push(u.pathname);
      return Response.json(VECTORS.VALID.response);
    },
  });
  const app: AppContext = {
    type: 'ebay',
    credentials: {
      clientId: 'clientId',
      clientSecret: 'clientSecret',
      verificationToken: '71745723-d031-455c-bfa5-f90d11b4f20a',
    },
    notificationUrl: URL_,
  };

  it('accepts VALID with 204: the compact JSON the SDK verifies, and the same message pretty-printed', async () => {
    const v = VECTORS.VALID;
    const compact = await connector.verifyAppWebhook?.(app, request(JSON.stringify(v.message), v.signature));
    expect(compact).toMatchObject({ ok: true, reply: { status: 204 } });
    // Bytes that differ from the signed form only in layout verify through the re-serialisation.
    const pretty = await connector.verifyAppWebhook?.(app, request(JSON.stringify(v.message, null, 2), v.signature));
    expect(pretty).toMatchObject({ ok: true });
    // The key of the header's kid was fetched once and cached.
    expect(lookups).toEqual(['/commerce/notification/v1/public_key/9936261a-7d7b-4621-a0f1-96ccb428af49']);
  });

  it('refuses SIGNATURE_MISMATCH and INVALID with 412', async () => {
    for (const v of [VECTORS.SIGNATURE_MISMATCH, VECTORS.INVALID]) {
      const r = await connector.verifyAppWebhook?.(app, request(JSON.stringify(v.message), v.signature));
      expect(r).toMatchObject({ ok: false, status: 412, code: 'invalid_signature' });
    }
  });

  it('answers the challenge as the SDK computes it (its published challenge code, token and endpoint)', async () => {
    // Values from the SDK's "should return the correct challenge response" test.
    const expected = await challengeResponse(
      '71745723-d031-455c-bfa5-f90d11b4f20a',
      '71745723-d031-455c-bfa5-f90d11b4f20a',
      'http://www.testendpoint.com/webhook',
    );
    const r = await connector.verifyAppWebhook?.(
      { ...app, notificationUrl: 'http://www.testendpoint.com/webhook' },
      request(
        '',
        null,
        'GET',
        'http://www.testendpoint.com/webhook?challenge_code=71745723-d031-455c-bfa5-f90d11b4f20a',
      ),
    );
    expect(r).toMatchObject({ ok: true, identity: null, events: [] });
    expect(JSON.parse((r as { reply: { body: string } }).reply.body)).toEqual({ challengeResponse: expected });
    // sha256("71745723-…" + "71745723-…" + "http://www.testendpoint.com/webhook"), computed independently.
    const { createHash } = await import('node:crypto');
    expect(expected).toBe(
      createHash('sha256')
        .update(
          '71745723-d031-455c-bfa5-f90d11b4f20a71745723-d031-455c-bfa5-f90d11b4f20ahttp://www.testendpoint.com/webhook',
        )
        .digest('hex'),
    );
    // The SDK's code and token are the same string; the order matters once they differ.
    expect(await challengeResponse('code-1', 'token-2', 'https://hub.example.com/webhooks/channel/ebay')).toBe(
      createHash('sha256').update('code-1token-2https://hub.example.com/webhooks/channel/ebay').digest('hex'),
    );
  });
});

describe('notifications signed by the simulator', () => {
  let h: Harness;
  const app = (h: Harness): AppContext => ({
    type: 'ebay',
    credentials: {
      clientId: h.sim.credentials.clientId,
      clientSecret: h.sim.credentials.clientSecret,
      verificationToken: 'vt-1',
    },
    notificationUrl: URL_,
  });
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  async function toWebhook(req: Request): Promise<WebhookRequest> {
    return { method: req.method, url: req.url, headers: req.headers, rawBody: new Uint8Array(await req.arrayBuffer()) };
  }

  it('accepts a signed ORDER_CONFIRMATION for the seller it names, as a pointer to the order', async () => {
    const order = h.sim.state.placeOrder({ lines: [{ sku: 'A', quantity: 1, price: '1.00' }] });
    const message = h.sim.notifications.message('ORDER_CONFIRMATION', {
      user: { userId: 'u1', username: h.sim.sellerUsername },
      order: {
        orderId: order.orderId,
        orderLineItems: [{ orderLineItemId: order.lineItems[0]?.lineItemId, quantity: 1 }],
      },
    });
    const r = await h.connector.verifyAppWebhook?.(app(h), await toWebhook(await h.sim.notifications.request(message)));
    expect(r).toMatchObject({ ok: true, identity: h.sim.sellerUsername, reply: { status: 204 } });
    const events = (r as unknown as { events: never[] }).events;
    expect(events).toHaveLength(1);
    expect(h.connector.interpret(h.account, events[0] as never)).toEqual({
      kind: 'fetch',
      externalOrderId: order.orderId,
      reason: expect.any(String),
    });
  });

  it('refuses a tampered body and a signature from another key with 412 and no events', async () => {
    const message = h.sim.notifications.message('ORDER_CONFIRMATION', {
      user: { username: h.sim.sellerUsername },
      order: { orderId: '11-11111-11111' },
    });
    const signed = await h.sim.notifications.request(message);
    const signature = signed.headers.get('x-ebay-signature');
    const tampered = JSON.stringify(message).replace('11-11111-11111', '22-22222-22222');
    const r = await h.connector.verifyAppWebhook?.(app(h), request(tampered, signature));
    expect(r).toMatchObject({ ok: false, status: 412 });
    // Same kid as ours, but another simulator's private key.
    const forged = await createEbaySimulator().notifications.request(message);
    const header = JSON.parse(atob(forged.headers.get('x-ebay-signature') as string));
    header.kid = h.sim.notifications.kid;
    const r2 = await h.connector.verifyAppWebhook?.(
      app(h),
      request(JSON.stringify(message), btoa(JSON.stringify(header))),
    );
    expect(r2).toMatchObject({ ok: false, status: 412 });
    // No signature at all.
    expect(await h.connector.verifyAppWebhook?.(app(h), request('{}', null))).toMatchObject({ ok: false, status: 412 });
  });
});

describe('the public key of a kid eBay does not know, or cannot give', () => {
  const app: AppContext = {
    type: 'ebay',
    credentials: { clientId: 'clientId', clientSecret: 'clientSecret', verificationToken: 'vt-1' },
    notificationUrl: URL_,
  };
  const v = VECTORS.VALID;
  function connectorAnswering(key: () => Response | Promise<Response>) {
    return createEbayConnector({
      clock: new ManualClock('2026-11-30T18:00:00Z'),
      transport: async (req) =>
        new URL(req.url).pathname === '/identity/v1/oauth2/token'
          ? Response.json({ access_token: 'app-token', expires_in: 7200 })
          : key(),
    });
  }

  it('refuses with 412 when getPublicKey answers 404, and asks again next time (nothing cached)', async () => {
    let calls = 0;
    const connector = connectorAnswering(() => {
      calls += 1;
      return Response.json({ errors: [{ errorId: 195000, message: 'Public key not found' }] }, { status: 404 });
    });
    for (let i = 0; i < 2; i++) {
      const r = await connector.verifyAppWebhook?.(app, request(JSON.stringify(v.message), v.signature));
      expect(r).toMatchObject({ ok: false, status: 412, code: 'invalid_signature' });
    }
    expect(calls).toBe(2);
  });

  it('throws a retryable error (the door answers 500) on a 5xx or a network failure', async () => {
    for (const key of [
      () => Response.json({ errors: [] }, { status: 503 }),
      () => Promise.reject(new TypeError('fetch failed')),
    ]) {
      const connector = connectorAnswering(key);
      const r = connector.verifyAppWebhook?.(app, request(JSON.stringify(v.message), v.signature));
      await expect(r).rejects.toSatisfy((e: unknown) => !(e instanceof ConnectorError) || e.retryable);
    }
  });
});

describe("the simulator's getPublicKey", () => {
  it('answers 404 for a kid it never issued, as eBay does, and the key for its own', async () => {
    const sim = createEbaySimulator();
    const token = await sim.fetch(
      new Request('https://api.ebay.com/identity/v1/oauth2/token', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${btoa(`${sim.credentials.clientId}:${sim.credentials.clientSecret}`)}`,
        },
        body: 'grant_type=client_credentials&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope',
      }),
    );
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const get = (kid: string) =>
      sim.fetch(
        new Request(`https://api.ebay.com/commerce/notification/v1/public_key/${kid}`, {
          headers: { authorization: `Bearer ${access_token}` },
        }),
      );
    expect((await get(crypto.randomUUID())).status).toBe(404);
    const own = await get(sim.notifications.kid);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ algorithm: 'ECDSA', digest: 'SHA1' });
  });
});
