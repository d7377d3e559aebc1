// The staff session cookie: signed, and naming a server-side session row
// (core/pickups/staff-sessions.ts) that sign-out and PIN changes end, so a copied cookie
// stops working with its session. WebCrypto only (Node and Workers alike).
//
//   value  = base64url(JSON payload) "." base64url(HMAC-SHA256(key, "staff-session.v1." + payload))
//   key    = HKDF-SHA256(hub secret key, info "omnihub staff session v1"): never the
//            encryption key itself, so a session signature can never help attack credentials.
//   payload = { s: session row id, l: location id, n: staff name, c: CSRF token, e: expiry (unix s), k: PIN tag }
//
// The PIN tag is a hash of the store's stored PIN hash: setting a new PIN ends every
// session of that store. The CSRF token is the synchronizer token of this session: every
// form carries it and every POST must return it.
import { fromBase64Url, toBase64Url } from '../../core/crypto/secrets.ts';

export interface StaffSession {
  /** The server-side session row: the cookie works only while that row is open. */
  id: string;
  locationId: string;
  /** Who signed in, as typed (optional): recorded as the actor of each action. */
  staffName: string;
  csrf: string;
  expiresAt: number;
  pinTag: string;
}

export const SESSION_COOKIE = 'omnihub_staff';
/** A counter shift: the session ends after 12 hours whatever happens. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

const enc = new TextEncoder();

export async function deriveSessionKey(secretKey: Uint8Array): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', new Uint8Array(secretKey), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('omnihub'), info: enc.encode('omnihub staff session v1') },
    ikm,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

export function randomToken(bytes = 24): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A short, non-secret tag of the stored PIN hash (it changes when the PIN does). */
export async function pinTag(staffPinHash: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(staffPinHash)));
  return toBase64Url(digest.subarray(0, 12));
}

function signedBytes(payload: string): Uint8Array<ArrayBuffer> {
  return enc.encode(`staff-session.v1.${payload}`);
}

export async function sealSession(key: CryptoKey, s: StaffSession): Promise<string> {
  const payload = toBase64Url(
    enc.encode(JSON.stringify({ s: s.id, l: s.locationId, n: s.staffName, c: s.csrf, e: s.expiresAt, k: s.pinTag })),
  );
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, signedBytes(payload)));
  return `${payload}.${toBase64Url(sig)}`;
}

/** The session in a cookie value, or null when it is malformed, forged or expired. */
export async function openSession(
  key: CryptoKey,
  value: string | undefined,
  nowMs: number,
): Promise<StaffSession | null> {
  if (!value || value.length > 2048) return null;
  const [payload, sig, extra] = value.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const sigBytes = fromBase64Url(sig);
  if (sigBytes?.length !== 32) return null;
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify('HMAC', key, sigBytes, signedBytes(payload)))) return null;
  const json = fromBase64Url(payload);
  if (!json) return null;
  let p: unknown;
  try {
    p = JSON.parse(new TextDecoder().decode(json));
  } catch {
    return null;
  }
  const o = p as { s?: unknown; l?: unknown; n?: unknown; c?: unknown; e?: unknown; k?: unknown };
  if (
    typeof o.s !== 'string' ||
    typeof o.l !== 'string' ||
    typeof o.n !== 'string' ||
    typeof o.c !== 'string' ||
    typeof o.e !== 'number' ||
    typeof o.k !== 'string'
  ) {
    return null;
  }
  if (o.e * 1000 <= nowMs) return null;
  return { id: o.s, locationId: o.l, staffName: o.n, csrf: o.c, expiresAt: o.e, pinTag: o.k };
}

/** Constant-time string comparison (for the CSRF token). */
export function sameToken(a: string, b: string): boolean {
  const x = enc.encode(a);
  const y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
