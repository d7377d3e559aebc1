// eBay notifications to the application's endpoint (/webhooks/channel/ebay), WebCrypto only:
// - GET ?challenge_code=… (marketplace account deletion endpoint check): answered with
//   {"challengeResponse": sha256hex(challengeCode + verificationToken + endpoint)}, the endpoint
//   being the address configured at eBay (the hub's public notification URL, no query).
// - POST: X-EBAY-SIGNATURE checked before anything is parsed: the public key of its kid
//   (public-keys.ts), ECDSA over the bytes received; eBay's own SDK signs-checks
//   JSON.stringify(JSON.parse(body)), so when the bytes fail, their compact re-serialisation is
//   tried too. A bad signature is 412 (what eBay's SDK answers) and nothing is stored, and so is
//   a kid getPublicKey answers 404 for (no such key: forged); the key endpoint failing otherwise
//   (5xx, network) throws, answered 500 so eBay delivers again. Success is 204.
// - Order notifications (ORDER_CONFIRMATION and others carrying data.order.orderId) come once
//   per line item and only point at the order: one inbox event each (id = notificationId), for
//   the seller in data.user.username, which interpret() turns into a read of the order.
// - MARKETPLACE_ACCOUNT_DELETION names an eBay user to forget: the hub erases that buyer's
//   personal data everywhere (core/privacy/erase.ts, through the door) and stores nothing.
import type { AppContext, AppWebhookResult, InboundEvent, WebhookRequest } from '../connector.ts';
import { saneInstant } from '../../core/instant.ts';
import { readAppConfig } from './config.ts';
import type { EbayNotification } from './payloads.ts';
import type { PublicKeys } from './public-keys.ts';
import { parseSignatureHeader, sha256Hex, verifyEcdsa } from './signature.ts';

export const SIGNATURE_HEADER = 'x-ebay-signature';
export const ACCOUNT_DELETION_TOPIC = 'MARKETPLACE_ACCOUNT_DELETION';
/** Inbox topic prefix of a notification that points at an order. */
export const NOTIFICATION_TOPIC_PREFIX = 'notification/';

const NO_CONTENT = { status: 204, contentType: 'text/plain', body: '' } as const;

function fail(status: 400 | 405 | 412, code: string, message: string): AppWebhookResult {
  return { ok: false, status, code, message };
}

/** The endpoint eBay was given: the public notification URL, without the challenge query. */
function endpointOf(app: AppContext, req: WebhookRequest): string {
  const u = new URL(app.notificationUrl ?? req.url);
  u.search = '';
  u.hash = '';
  return u.toString();
}

export async function challengeResponse(challengeCode: string, verificationToken: string, endpoint: string) {
  return sha256Hex(challengeCode + verificationToken + endpoint);
}

async function answerChallenge(app: AppContext, req: WebhookRequest): Promise<AppWebhookResult> {
  const code = new URL(req.url).searchParams.get('challenge_code');
  if (!code) return fail(400, 'missing_challenge_code', 'GET needs ?challenge_code=');
  const { verificationToken } = readAppConfig(app.credentials);
  if (!verificationToken) {
    return fail(400, 'app_not_configured', 'the eBay app has no verificationToken: PUT /api/v1/channel-apps/ebay');
  }
  const hash = await challengeResponse(code, verificationToken, endpointOf(app, req));
  return {
    ok: true,
    identity: null,
    events: [],
    reply: { status: 200, contentType: 'application/json', body: JSON.stringify({ challengeResponse: hash }) },
  };
}

/** Signature over the bytes, else over the compact re-serialisation eBay's SDK verifies. */
async function signatureHolds(
  keys: PublicKeys,
  app: AppContext,
  req: WebhookRequest,
): Promise<boolean | 'bad_header' | 'unknown_key'> {
  const header = parseSignatureHeader(req.headers.get(SIGNATURE_HEADER));
  if (!header) return 'bad_header';
  const key = await keys.get(readAppConfig(app.credentials), header.kid);
  if (!key) return 'unknown_key';
  if (await verifyEcdsa(key, header.signature, req.rawBody)) return true;
  let compact: string;
  try {
    compact = JSON.stringify(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody)));
  } catch {
    return false;
  }
  return verifyEcdsa(key, header.signature, new TextEncoder().encode(compact));
}

function orderIdOf(n: EbayNotification): string | null {
  const order = (n.notification.data as { order?: { orderId?: unknown } }).order;
  return typeof order?.orderId === 'string' && order.orderId !== '' ? order.orderId : null;
}

function sellerOf(n: EbayNotification): string | null {
  const user = (n.notification.data as { user?: { username?: unknown } }).user;
  return typeof user?.username === 'string' && user.username !== '' ? user.username : null;
}

export async function verifyEbayNotification(
  keys: PublicKeys,
  app: AppContext,
  req: WebhookRequest,
): Promise<AppWebhookResult> {
  if (req.method === 'GET') return answerChallenge(app, req);
  if (req.method !== 'POST') return { ok: false, status: 405, code: 'method_not_allowed', message: 'POST or GET' };
  const holds = await signatureHolds(keys, app, req);
  if (holds === 'bad_header') return fail(412, 'invalid_signature', 'X-EBAY-SIGNATURE is missing or not base64 JSON');
  if (holds === 'unknown_key') {
    return fail(412, 'invalid_signature', "X-EBAY-SIGNATURE names a kid eBay's getPublicKey does not know (404)");
  }
  if (!holds) return fail(412, 'invalid_signature', "the signature does not verify with eBay's public key");

  let message: EbayNotification;
  try {
    message = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody)) as EbayNotification;
  } catch {
    return fail(400, 'invalid_json', 'the body is not UTF-8 JSON');
  }
  const topic = message?.metadata?.topic;
  const n = message?.notification;
  if (typeof topic !== 'string' || !n || typeof n.notificationId !== 'string' || typeof n.data !== 'object') {
    return fail(
      400,
      'invalid_notification',
      'metadata.topic, notification.notificationId and notification.data are required',
    );
  }

  if (topic === ACCOUNT_DELETION_TOPIC) {
    const data = n.data as { username?: unknown; userId?: unknown };
    // Orders carry the buyer's username; eBay is moving to immutable user ids: both are erased.
    const ids = [data.username, data.userId].filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (ids.length === 0) return fail(400, 'invalid_notification', 'notification.data.username is required');
    return {
      ok: true,
      identity: null,
      events: [],
      erase: ids.map((externalBuyerId) => ({ externalBuyerId, reason: 'eBay marketplace account deletion' })),
      reply: NO_CONTENT,
    };
  }

  const orderId = orderIdOf(message);
  const seller = sellerOf(message);
  if (!orderId || !seller) {
    // Topics the hub does not act on are acknowledged, so eBay keeps the endpoint healthy.
    return { ok: true, identity: null, events: [], reply: NO_CONTENT };
  }
  const event: InboundEvent = {
    externalEventId: n.notificationId,
    topic: `${NOTIFICATION_TOPIC_PREFIX}${topic}`,
    occurredAt: saneInstant(n.eventDate ?? null),
    payload: message,
  };
  return { ok: true, identity: seller, events: [event], reply: NO_CONTENT };
}
