// Verification of the generic till webhook. Nothing is parsed before the signature checks out:
//   x-omnihub-timestamp: Unix time in seconds when the till signed
//   x-omnihub-signature: lower-case hex HMAC-SHA256(secret, timestamp + "." + raw body)
// The timestamp is inside the signed bytes, so a captured delivery cannot be re-dated; it must
// be within ±5 minutes of the hub's clock, and within that window a replay carries the same
// eventId, which the inbox stores once. WebCrypto only (runs on Workers); crypto.subtle.verify
// compares in constant time.
import type { InboundEvent, WebhookRequest, WebhookResult } from '../connector.ts';
import { TillEventSchema, topicOf } from './schema.ts';

export const TIMESTAMP_HEADER = 'x-omnihub-timestamp';
export const SIGNATURE_HEADER = 'x-omnihub-signature';
/** How far the till's signing time may be from the hub's clock, either way. */
export const TOLERANCE_SECONDS = 300;
export const MAX_TILL_WEBHOOK_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

function fail(status: 400 | 401 | 405 | 413, code: string, message: string): Extract<WebhookResult, { ok: false }> {
  return { ok: false, status, code, message };
}

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function signedBytes(timestamp: string, rawBody: Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${timestamp}.`);
  const out = new Uint8Array(prefix.byteLength + rawBody.byteLength);
  out.set(prefix, 0);
  out.set(rawBody, prefix.byteLength);
  return out;
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** The signature header's value for a body signed at `timestamp` (the simulator and tests sign with it). */
export async function signTillBody(secret: string, timestamp: string, rawBody: Uint8Array): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await hmacKey(secret, 'sign'),
    signedBytes(timestamp, rawBody) as BufferSource,
  );
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function signatureMatches(secret: string, timestamp: string, rawBody: Uint8Array, sig: Uint8Array) {
  const key = await hmacKey(secret, 'verify');
  return crypto.subtle.verify('HMAC', key, sig as BufferSource, signedBytes(timestamp, rawBody) as BufferSource);
}

/** "lines.0.quantity: Too small ..." for the first problem zod found. */
function describeIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return 'body does not match the till event schema';
  const path = first.path.map(String).join('.');
  return `${path || '(body)'}: ${first.message}`;
}

export interface TillVerifyConfig {
  /** Current secret first, then the previous one while rotating. */
  secrets: readonly string[];
  nowMs: number;
}

/**
 * The signature and freshness checks alone (the hub's notifications to a till are signed the same
 * way): null when both pass, else the refusal.
 */
export async function checkTillSignature(
  cfg: TillVerifyConfig,
  headers: Headers,
  rawBody: Uint8Array,
): Promise<Extract<WebhookResult, { ok: false }> | null> {
  const timestamp = headers.get(TIMESTAMP_HEADER)?.trim() ?? '';
  const signatureHex = headers.get(SIGNATURE_HEADER)?.trim().toLowerCase() ?? '';
  if (!signatureHex) return fail(401, 'missing_signature', `missing ${SIGNATURE_HEADER}`);
  if (!/^\d{1,12}$/.test(timestamp)) {
    return fail(401, 'invalid_timestamp', `${TIMESTAMP_HEADER} must be Unix time in seconds`);
  }
  if (cfg.secrets.length === 0) return fail(401, 'no_secret', 'no signing secret configured for this account');
  const signature = hexToBytes(signatureHex);
  let valid = false;
  if (signature) {
    for (const secret of cfg.secrets) {
      if (await signatureMatches(secret, timestamp, rawBody, signature)) {
        valid = true;
        break;
      }
    }
  }
  if (!valid) return fail(401, 'invalid_signature', `${SIGNATURE_HEADER} does not match timestamp + "." + body`);
  const skew = Math.floor(cfg.nowMs / 1000) - Number(timestamp);
  if (Math.abs(skew) > TOLERANCE_SECONDS) {
    return fail(
      401,
      'timestamp_out_of_range',
      `${TIMESTAMP_HEADER} is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; at most ${TOLERANCE_SECONDS} s either way`,
    );
  }
  return null;
}

export async function verifyTillWebhook(cfg: TillVerifyConfig, req: WebhookRequest): Promise<WebhookResult> {
  if (req.method.toUpperCase() !== 'POST') return fail(405, 'method_not_allowed', 'till webhooks are POST requests');
  if (req.rawBody.byteLength > MAX_TILL_WEBHOOK_BYTES) {
    return fail(413, 'too_large', `body over ${MAX_TILL_WEBHOOK_BYTES} bytes`);
  }
  const refused = await checkTillSignature(cfg, req.headers, req.rawBody);
  if (refused) return refused;

  // Authentic and fresh; the body must be a till event before anything is stored.
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody));
  } catch {
    return fail(400, 'invalid_json', 'body is not UTF-8 JSON');
  }
  const parsed = TillEventSchema.safeParse(json);
  if (!parsed.success) return fail(400, 'invalid_body', describeIssue(parsed.error.issues));
  const event: InboundEvent = {
    externalEventId: parsed.data.eventId,
    topic: topicOf(parsed.data.kind),
    occurredAt: parsed.data.occurredAt,
    payload: json,
  };
  return { ok: true, events: [event] };
}
