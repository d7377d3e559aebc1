// HMAC-SHA256 signatures in base64, as Shopify (over the raw body) and Square (over the
// notification URL + the raw body) sign their webhooks. Runs on Node and on Workers.
export function base64ToBytes(b64: string): Uint8Array | null {
  try {
    const bin = atob(b64.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto: NodeCrypto | null = await import('node:crypto').catch(() => null);

// Importing a key costs about as much as the HMAC itself; a hub verifies many deliveries
// with few secrets, so imported keys are kept (bounded, oldest dropped first).
const KEY_CACHE_MAX = 256;
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * HMAC-SHA256 of the bytes, compared in constant time. node:crypto's synchronous HMAC
 * (also on Workers with nodejs_compat) costs a fraction of WebCrypto's async round trip
 * on the webhook hot path; WebCrypto remains the fallback.
 */
export async function hmacMatches(secret: string, rawBody: Uint8Array, signatureB64: string): Promise<boolean> {
  const signature = base64ToBytes(signatureB64);
  if (signature?.length !== 32) return false;
  if (nodeCrypto) {
    const mac = nodeCrypto.createHmac('sha256', secret).update(rawBody).digest();
    return nodeCrypto.timingSafeEqual(mac, signature);
  }
  return crypto.subtle.verify('HMAC', await hmacKey(secret), signature as BufferSource, rawBody as BufferSource);
}

/** Base64 HMAC-SHA256 of the bytes (simulators and tests sign with it). */
export async function signBody(secret: string, rawBody: Uint8Array): Promise<string> {
  const key = await hmacKey(secret);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, rawBody as BufferSource));
  let bin = '';
  for (const b of mac) bin += String.fromCharCode(b);
  return btoa(bin);
}
