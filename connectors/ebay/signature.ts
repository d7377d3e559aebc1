// eBay notification signatures with WebCrypto only (runs on Node and on Workers):
// X-EBAY-SIGNATURE is base64 of a JSON object {alg, kid, signature, digest}; `signature` is a
// base64 DER ECDSA signature (SHA-1 digest, per eBay's SDK and the key's "digest" field) over the
// message; the key comes from getPublicKey(kid) as a PEM on one line. WebCrypto wants the
// signature as raw r‖s and the key as SPKI bytes, so both are converted here.

export interface SignatureHeader {
  alg: string;
  kid: string;
  signature: string;
  digest: string;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Decodes the header; null when it is not base64 JSON with a kid and a signature. */
export function parseSignatureHeader(value: string | null): SignatureHeader | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(fromBase64(value))) as Partial<SignatureHeader>;
    if (typeof parsed.kid !== 'string' || typeof parsed.signature !== 'string') return null;
    return {
      alg: String(parsed.alg ?? 'ecdsa'),
      kid: parsed.kid,
      signature: parsed.signature,
      digest: String(parsed.digest ?? 'SHA1'),
    };
  } catch {
    return null;
  }
}

/** The SPKI bytes of a PEM public key, with or without line breaks (eBay sends none). */
export function pemToSpki(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem
    .replace(/-----BEGIN PUBLIC KEY-----/, '')
    .replace(/-----END PUBLIC KEY-----/, '')
    .replace(/\s+/g, '');
  return fromBase64(body);
}

// Named-curve OIDs as they appear in an SPKI (DER-encoded OBJECT IDENTIFIER with its tag).
const P256_OID = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_OID = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

function contains(haystack: Uint8Array, needle: number[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export function curveOf(spki: Uint8Array): 'P-256' | 'P-384' | null {
  if (contains(spki, P256_OID)) return 'P-256';
  if (contains(spki, P384_OID)) return 'P-384';
  return null;
}

/** WebCrypto hash name for eBay's digest field ("SHA1", "SHA256", ...). */
export function hashOf(digest: string): string {
  const d = digest.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (d === 'SHA256') return 'SHA-256';
  if (d === 'SHA384') return 'SHA-384';
  if (d === 'SHA512') return 'SHA-512';
  return 'SHA-1';
}

export interface VerifyKey {
  key: CryptoKey;
  curve: 'P-256' | 'P-384';
  hash: string;
}

export async function importVerifyKey(pem: string, digest: string): Promise<VerifyKey> {
  const spki = pemToSpki(pem);
  const curve = curveOf(spki);
  if (!curve) throw new Error('public key is not an ECDSA P-256 or P-384 key');
  const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
  return { key, curve, hash: hashOf(digest) };
}

/**
 * DER `SEQUENCE { INTEGER r, INTEGER s }` → r‖s, each left-padded to the curve's size (32 bytes
 * for P-256): what WebCrypto's ECDSA verify takes. Null when the bytes are not such a sequence.
 */
export function derToRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> | null {
  let i = 0;
  if (der[i++] !== 0x30) return null;
  let len = der[i++] ?? 0;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = (len << 8) | (der[i++] ?? 0);
  }
  if (i + len !== der.length) return null;
  const out = new Uint8Array(new ArrayBuffer(size * 2));
  for (let part = 0; part < 2; part++) {
    if (der[i++] !== 0x02) return null;
    let n = der[i++] ?? 0;
    let start = i;
    i += n;
    if (i > der.length) return null;
    // Drop the sign byte(s) DER adds before a high bit.
    while (n > size && der[start] === 0) {
      start++;
      n--;
    }
    if (n > size) return null;
    out.set(der.subarray(start, start + n), part * size + (size - n));
  }
  return i === der.length ? out : null;
}

/** r‖s → DER, for the simulator's signer (WebCrypto signs r‖s; eBay sends DER). */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const size = raw.length / 2;
  const int = (bytes: Uint8Array) => {
    let b = bytes;
    while (b.length > 1 && b[0] === 0 && (b[1] ?? 0) < 0x80) b = b.subarray(1);
    if ((b[0] ?? 0) >= 0x80) b = Uint8Array.of(0, ...b);
    return Uint8Array.of(0x02, b.length, ...b);
  };
  const r = int(raw.subarray(0, size));
  const s = int(raw.subarray(size));
  return Uint8Array.of(0x30, r.length + s.length, ...r, ...s);
}

/** True when `signatureB64` (DER, base64) is a valid signature of `message` under `key`. */
export async function verifyEcdsa(key: VerifyKey, signatureB64: string, message: Uint8Array): Promise<boolean> {
  let der: Uint8Array;
  try {
    der = fromBase64(signatureB64);
  } catch {
    return false;
  }
  const raw = derToRaw(der, key.curve === 'P-256' ? 32 : 48);
  if (!raw) return false;
  const data = new Uint8Array(new ArrayBuffer(message.length));
  data.set(message);
  return crypto.subtle.verify({ name: 'ECDSA', hash: key.hash }, key.key, raw, data);
}

/** sha256 hex of text: the account-deletion challenge answer. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
