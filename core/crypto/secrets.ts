/**
 * Authenticated encryption of channel credentials at rest (AES-256-GCM).
 *
 * WebCrypto only (`globalThis.crypto`), so the same code runs on Node and on
 * Cloudflare Workers. Envelope: `v1.<base64url iv>.<base64url ciphertext+tag>`
 * with a random 12-byte IV per encryption.
 *
 * Error messages never contain plaintext, key bytes or envelope contents.
 */

export type SecretErrorCode = 'secret_undecryptable' | 'invalid_secret_key' | 'invalid_input';

export class SecretError extends Error {
  readonly code: SecretErrorCode;
  constructor(code: SecretErrorCode, message: string) {
    super(message);
    this.name = 'SecretError';
    this.code = code;
  }
}

export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

const KEY_HELP =
  'a secret key must be exactly 32 bytes, written as 64 hex characters or as base64 (44 characters); ' +
  'generate one with: openssl rand -hex 32';

// ---------------------------------------------------------------------------
// base64url / hex with btoa/atob only (must run on Workers)

function bytesToBinary(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return s;
}

function binaryToBytes(bin: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  return btoa(bytesToBinary(bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict base64url decoding (no padding, canonical): returns undefined on any deviation. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = binaryToBytes(atob(text.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return undefined;
  }
  // Reject non-canonical encodings (stray low bits in the last character), so
  // that one envelope has exactly one spelling.
  return toBase64Url(bytes) === text ? bytes : undefined;
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

// ---------------------------------------------------------------------------
// keys

/**
 * Parse a 32-byte key written as 64 hex characters or as base64 / base64url
 * (padding optional). Surrounding whitespace is ignored. Throws
 * `SecretError('invalid_secret_key')` with a message that never echoes the input.
 */
export function parseSecretKey(text: string): Uint8Array {
  const t = text.trim();
  if (t === '') throw new SecretError('invalid_secret_key', `secret key is empty; ${KEY_HELP}`);
  if (/^[0-9a-fA-F]{64}$/.test(t)) return hexToBytes(t);
  if (/^[0-9a-fA-F]+$/.test(t) && t.length !== 44 && t.length !== 43) {
    throw new SecretError('invalid_secret_key', `secret key has ${t.length} hex characters, expected 64; ${KEY_HELP}`);
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    throw new SecretError('invalid_secret_key', `secret key is neither hex nor base64; ${KEY_HELP}`);
  }
  const unpadded = t.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) {
    throw new SecretError('invalid_secret_key', `secret key is not valid base64; ${KEY_HELP}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = binaryToBytes(atob(unpadded.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw new SecretError('invalid_secret_key', `secret key is not valid base64; ${KEY_HELP}`);
  }
  if (bytes.length !== SECRET_KEY_BYTES) {
    throw new SecretError(
      'invalid_secret_key',
      `secret key decodes to ${bytes.length} bytes, expected 32; ${KEY_HELP}`,
    );
  }
  return bytes;
}

/** A fresh random 32-byte key. */
export function generateSecretKey(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(SECRET_KEY_BYTES));
}

/** The key as 64 lower-case hex characters (the format `parseSecretKey` reads first). */
export function formatSecretKey(key: Uint8Array): string {
  assertKey(key);
  return bytesToHex(key);
}

function assertKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== SECRET_KEY_BYTES) {
    throw new SecretError(
      'invalid_secret_key',
      `encryption key must be a Uint8Array of 32 bytes (got ${key instanceof Uint8Array ? `${key.length} bytes` : typeof key})`,
    );
  }
}

async function importKey(key: Uint8Array): Promise<CryptoKey> {
  assertKey(key);
  // Copy into a fresh ArrayBuffer-backed array (WebCrypto rejects shared buffers).
  return globalThis.crypto.subtle.importKey('raw', new Uint8Array(key), { name: 'AES-GCM' }, false, [
    'encrypt',
    'decrypt',
  ]);
}

function gcmParams(iv: Uint8Array<ArrayBuffer>, associatedData: string | undefined): AesGcmParams {
  const params: AesGcmParams = { name: 'AES-GCM', iv, tagLength: TAG_BYTES * 8 };
  if (associatedData !== undefined) params.additionalData = new TextEncoder().encode(associatedData);
  return params;
}

// ---------------------------------------------------------------------------
// encrypt / decrypt

/**
 * Encrypt `plain` with AES-256-GCM. `associatedData` (optional) is
 * authenticated but not stored: pass the same value to decrypt, e.g. the
 * channel account id, so that an envelope copied onto another row fails.
 */
export async function encryptSecret(plain: string, key: Uint8Array, associatedData?: string): Promise<string> {
  if (typeof plain !== 'string') throw new SecretError('invalid_input', 'encryptSecret expects a string');
  // A lone UTF-16 surrogate would be silently replaced by U+FFFD: refuse rather than corrupt a credential.
  if (/\p{Cs}/u.test(plain))
    throw new SecretError('invalid_input', 'secret is not well-formed Unicode (lone surrogate)');
  const cryptoKey = await importKey(key);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await globalThis.crypto.subtle.encrypt(
    gcmParams(iv, associatedData),
    cryptoKey,
    new TextEncoder().encode(plain),
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

/**
 * Decrypt an envelope produced by `encryptSecret`. A malformed envelope, a
 * wrong key, tampering or a different `associatedData` all throw
 * `SecretError('secret_undecryptable')`.
 */
export async function decryptSecret(envelope: string, key: Uint8Array, associatedData?: string): Promise<string> {
  const cryptoKey = await importKey(key);
  if (typeof envelope !== 'string') {
    throw new SecretError('secret_undecryptable', 'secret envelope is malformed (not a string)');
  }
  const parts = envelope.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) {
    throw new SecretError(
      'secret_undecryptable',
      `secret envelope is malformed (expected "${VERSION}.<iv>.<ciphertext>")`,
    );
  }
  const iv = fromBase64Url(parts[1] ?? '');
  const ct = fromBase64Url(parts[2] ?? '');
  if (!iv || iv.length !== IV_BYTES || !ct || ct.length < TAG_BYTES) {
    throw new SecretError('secret_undecryptable', 'secret envelope is malformed (bad iv or ciphertext)');
  }
  let plain: ArrayBuffer;
  try {
    plain = await globalThis.crypto.subtle.decrypt(gcmParams(iv, associatedData), cryptoKey, ct);
  } catch {
    throw new SecretError(
      'secret_undecryptable',
      'secret cannot be decrypted: wrong OMNIHUB_SECRET_KEY, or the stored value was altered',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new SecretError('secret_undecryptable', 'decrypted secret is not valid UTF-8');
  }
}

/** `encryptSecret(JSON.stringify(value))`. */
export async function encryptJson(value: unknown, key: Uint8Array, associatedData?: string): Promise<string> {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    throw new SecretError('invalid_input', 'value cannot be serialized to JSON');
  }
  if (json === undefined) throw new SecretError('invalid_input', 'value cannot be serialized to JSON');
  return encryptSecret(json, key, associatedData);
}

/** Decrypt and `JSON.parse`; validate the result yourself (e.g. with a zod schema). */
export async function decryptJson<T = unknown>(envelope: string, key: Uint8Array, associatedData?: string): Promise<T> {
  const text = await decryptSecret(envelope, key, associatedData);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SecretError('secret_undecryptable', 'decrypted secret is not valid JSON');
  }
}
