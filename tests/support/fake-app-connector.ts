// A small channel whose webhooks go to the application rather than to an account (Square-like):
// the app's signatureKey signs HMAC-SHA256 over the notification URL followed by the raw body
// (base64 in X-Fake-Signature), and the payload names the merchant (merchant_id) the hub routes
// by; accountIdentity() is the account's merchantId credential. A GET with ?challenge= is
// answered by echoing it. WebCrypto only, as the contract requires of verification.
import type { AppContext, AppWebhookResult, ChannelConnector, WebhookRequest } from '../../connectors/connector.ts';

export const FAKE_SIGNATURE_HEADER = 'x-fake-signature';

export async function fakeAppSignature(key: string, url: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(url + body)));
  return btoa(String.fromCharCode(...mac));
}

async function verifyAppWebhook(app: AppContext, req: WebhookRequest): Promise<AppWebhookResult> {
  if (req.method === 'GET') {
    const challenge = new URL(req.url).searchParams.get('challenge');
    if (!challenge) return { ok: false, status: 400, code: 'missing_challenge', message: 'no challenge' };
    return { ok: true, identity: null, events: [], reply: { status: 200, contentType: 'text/plain', body: challenge } };
  }
  const key = app.credentials.signatureKey;
  const given = req.headers.get(FAKE_SIGNATURE_HEADER);
  const body = new TextDecoder().decode(req.rawBody);
  if (!key || !given) return { ok: false, status: 401, code: 'missing_signature', message: 'no signature' };
  const k = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  let mac: Uint8Array<ArrayBuffer>;
  try {
    mac = Uint8Array.from(atob(given), (ch) => ch.charCodeAt(0));
  } catch {
    return { ok: false, status: 401, code: 'invalid_signature', message: 'signature is not base64' };
  }
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify('HMAC', k, mac, new TextEncoder().encode(req.url + body)))) {
    return { ok: false, status: 401, code: 'invalid_signature', message: 'signature does not verify' };
  }
  const p = JSON.parse(body) as { merchant_id: string; event_id: string; type: string };
  return {
    ok: true,
    identity: p.merchant_id,
    events: [{ externalEventId: p.event_id, topic: p.type, occurredAt: null, payload: p }],
  };
}

export function createFakeAppConnector(): ChannelConnector {
  return {
    type: 'pos',
    limits: {
      stockBatchSize: 100,
      rateLimitModel: 'requests',
      ordersNeedPolling: false,
      supportsPickup: false,
    },
    verifyWebhook: async () => ({ ok: false, status: 405, code: 'app_only', message: 'use /webhooks/channel/pos' }),
    verifyAppWebhook,
    accountIdentity: (account) => account.credentials.merchantId ?? null,
    pollOrders: async () => ({ events: [], cursor: null, hasMore: false }),
    fetchOrder: async () => null,
    interpret: () => ({ kind: 'ignored', reason: 'fake' }),
    pushStock: async () => ({ confirmed: [], failed: [], pending: [] }),
    pushFulfilment: async () => ({ externalFulfilmentId: null, alreadyApplied: false }),
    discoverListings: async function* () {},
    testConnection: async () => ({ ok: true, detail: 'fake' }),
  };
}
