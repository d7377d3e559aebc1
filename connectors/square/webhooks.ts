// Square webhook notifications: verification and the inbox events they become. Square signs
// each notification with the subscription's signature key: header `x-square-hmacsha256-signature`
// = base64(HMAC-SHA256(key, notification URL + raw body)) (developer.squareup.com "Validate
// notifications"). There is no timestamp in the signature, so a replay is caught by the inbox's
// dedupe on `event_id` (Square keeps the event id across its retries). The subscriptions are the
// application's (one per app, every merchant's events), so the key is the app's and the merchant
// is read from `merchant_id`. Runs on Workers; the comparison is constant-time (connectors/hmac.ts),
// unlike the `square` package's helper (a string comparison).
import type { AppContext, AppWebhookResult, InboundEvent, WebhookRequest } from '../connector.ts';
import { hmacMatches, signBody } from '../hmac.ts';
import type { SqEvent } from './payloads.ts';

export const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
/** Square's notifications are small; anything this large is not one. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/** Whether `signature` is Square's signature of (url + body) with `key`; constant time (hmac.ts). */
export async function verifySquareSignature(
  key: string,
  notificationUrl: string,
  rawBody: Uint8Array,
  signature: string,
): Promise<boolean> {
  if (!key) return false;
  return hmacMatches(key, signedBytes(notificationUrl, rawBody), signature);
}

/** Square's signature, as the simulator (and a test) computes it. */
export function signSquare(key: string, notificationUrl: string, rawBody: string): Promise<string> {
  return signBody(key, signedBytes(notificationUrl, encoder.encode(rawBody)));
}

/** Square signs the notification URL followed by the raw body. */
function signedBytes(notificationUrl: string, rawBody: Uint8Array): Uint8Array {
  const url = encoder.encode(notificationUrl);
  const signed = new Uint8Array(url.length + rawBody.length);
  signed.set(url, 0);
  signed.set(rawBody, url.length);
  return signed;
}

type Failure = Extract<AppWebhookResult, { ok: false }>;
const fail = (status: Failure['status'], code: string, message: string): Failure => ({
  ok: false,
  status,
  code,
  message,
});

/**
 * Verifies a notification with the keys given (the current one, and the previous one during a
 * rotation) over `url`, then reads it into one inbox event. Nothing is parsed before the signature holds.
 */
export async function verifySquareNotification(
  keys: readonly string[],
  url: string | null,
  req: WebhookRequest,
): Promise<AppWebhookResult> {
  if (req.method !== 'POST') return fail(405, 'method_not_allowed', 'Square notifications are POSTs');
  if (req.rawBody.length > MAX_WEBHOOK_BYTES) return fail(413, 'too_large', 'body larger than a Square notification');
  if (keys.length === 0)
    return fail(401, 'not_configured', 'no Square signature key is set (PUT /api/v1/channel-apps/square)');
  if (!url)
    return fail(401, 'not_configured', 'no notification URL: set OMNIHUB_PUBLIC_URL (Square signs the URL it calls)');
  const signature = req.headers.get(SIGNATURE_HEADER);
  if (!signature) return fail(401, 'missing_signature', `${SIGNATURE_HEADER} header missing`);
  let valid = false;
  for (const key of keys) if (await verifySquareSignature(key, url, req.rawBody, signature)) valid = true;
  if (!valid) return fail(401, 'invalid_signature', `${SIGNATURE_HEADER} does not match the body and notification URL`);
  let body: SqEvent;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody)) as SqEvent;
  } catch {
    return fail(400, 'invalid_json', 'body is not UTF-8 JSON');
  }
  for (const field of ['event_id', 'type', 'merchant_id'] as const) {
    if (typeof body?.[field] !== 'string' || !body[field]) return fail(400, 'invalid_event', `${field} missing`);
  }
  const occurred =
    typeof body.created_at === 'string' && !Number.isNaN(Date.parse(body.created_at)) ? body.created_at : null;
  const event: InboundEvent = { externalEventId: body.event_id, topic: body.type, occurredAt: occurred, payload: body };
  return { ok: true, identity: body.merchant_id, events: [event] };
}

/** The app's signature keys, current first. */
export function appSignatureKeys(app: AppContext): string[] {
  return [app.credentials.signatureKey, app.credentials.previousSignatureKey].filter((k): k is string => !!k);
}
