import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSecretKey, SECRET_KEY_FILE, SecretKeyFileError } from '../../core/crypto/secret-key.ts';
import {
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  formatSecretKey,
  fromBase64Url,
  generateSecretKey,
  parseSecretKey,
  SecretError,
  toBase64Url,
} from '../../core/crypto/secrets.ts';

const KEY = parseSecretKey('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const OTHER_KEY = parseSecretKey('ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const ENVELOPE = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/;

async function rejection(p: Promise<unknown>): Promise<SecretError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SecretError);
    return e as SecretError;
  }
  throw new Error('expected a SecretError');
}

function syncError(fn: () => unknown): SecretError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SecretError);
    return e as SecretError;
  }
  throw new Error('expected a SecretError');
}

/** Change one character of an envelope part to another valid base64url character. */
function flipChar(s: string, index: number): string {
  const c = s[index];
  return s.slice(0, index) + (c === 'A' ? 'B' : 'A') + s.slice(index + 1);
}

describe('encryptSecret / decryptSecret', () => {
  it('round-trips and produces a v1 envelope', async () => {
    for (const plain of ['', 'shpat_0123456789abcdef', 'ünïcødé ✓ 🚀', 'x'.repeat(100_000)]) {
      const env = await encryptSecret(plain, KEY);
      expect(env).toMatch(ENVELOPE);
      expect(await decryptSecret(env, KEY)).toBe(plain);
    }
  });

  it('uses a fresh IV every time and never contains the plaintext', async () => {
    const a = await encryptSecret('same secret', KEY);
    const b = await encryptSecret('same secret', KEY);
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(a).not.toContain('same secret');
    expect(a).not.toContain(toBase64Url(new TextEncoder().encode('same secret')));
  });

  it('the ciphertext is the plaintext length plus a 16-byte tag', async () => {
    const env = await encryptSecret('abcdefghij', KEY);
    expect(fromBase64Url(env.split('.')[2] ?? '')?.length).toBe(10 + 16);
    expect(fromBase64Url(env.split('.')[1] ?? '')?.length).toBe(12);
  });

  it('fails with a wrong key, without secret material in the message', async () => {
    const env = await encryptSecret('shpat_TOPSECRET', KEY);
    const e = await rejection(decryptSecret(env, OTHER_KEY));
    expect(e.code).toBe('secret_undecryptable');
    expect(e.message).not.toContain('TOPSECRET');
    expect(e.message).not.toContain(formatSecretKey(KEY));
    expect(e.message).not.toContain(formatSecretKey(OTHER_KEY));
    expect(e.message).not.toContain(env.split('.')[2] ?? '<none>');
  });

  it('detects tampering with the IV, the ciphertext or the tag', async () => {
    const env = await encryptSecret('shpat_TOPSECRET', KEY);
    const [v, iv = '', ct = ''] = env.split('.');
    const tampered = [
      `${v}.${flipChar(iv, 0)}.${ct}`,
      `${v}.${iv}.${flipChar(ct, 0)}`,
      `${v}.${iv}.${flipChar(ct, Math.floor(ct.length / 2))}`,
      `${v}.${iv}.${flipChar(ct, ct.length - 3)}`, // inside the tag
      `${v}.${iv}.${ct.slice(0, -4)}`, // truncated tag
      `${v}.${iv}.${ct}AAAA`, // appended bytes
    ];
    for (const t of tampered) {
      const e = await rejection(decryptSecret(t, KEY));
      expect(e.code).toBe('secret_undecryptable');
      expect(e.message).not.toContain('TOPSECRET');
    }
  });

  it('property: any single-byte change to the sealed bytes is detected', async () => {
    const env = await encryptSecret('token-value', KEY);
    const [, iv = '', ct = ''] = env.split('.');
    const sealed = new Uint8Array([...(fromBase64Url(iv) ?? []), ...(fromBase64Url(ct) ?? [])]);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 }), async (i, x) => {
        const copy = sealed.slice();
        copy[i] = (copy[i] ?? 0) ^ x;
        const t = `v1.${toBase64Url(copy.subarray(0, 12))}.${toBase64Url(copy.subarray(12))}`;
        const e = await rejection(decryptSecret(t, KEY));
        expect(e.code).toBe('secret_undecryptable');
      }),
      { numRuns: 100 },
    );
  });

  it('rejects malformed envelopes with secret_undecryptable', async () => {
    const env = await encryptSecret('x', KEY);
    const [, iv = '', ct = ''] = env.split('.');
    for (const bad of [
      '',
      'garbage',
      `v2.${iv}.${ct}`,
      `${iv}.${ct}`,
      `v1.${iv}.${ct}.extra`,
      `v1.${iv}=.${ct}`,
      `v1.${iv.slice(0, -1)}.${ct}`,
      `v1.${iv}.`,
      `v1.${iv}.${ct.replace(/[A-Za-z]/, '+')}`,
    ]) {
      expect((await rejection(decryptSecret(bad, KEY))).code).toBe('secret_undecryptable');
    }
  });

  it('accepts exactly one spelling of an envelope (non-canonical base64url is rejected)', async () => {
    // 1 + 16 bytes = 136 bits → 23 characters, whose last one carries 2 unused bits.
    const env = await encryptSecret('x', KEY);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = env.at(-1) ?? 'A';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    const respelled = env.slice(0, -1) + sibling;
    expect(respelled).not.toBe(env);
    expect(await decryptSecret(env, KEY)).toBe('x');
    expect((await rejection(decryptSecret(respelled, KEY))).code).toBe('secret_undecryptable');
  });

  it('binds associated data when given', async () => {
    const env = await encryptSecret('credential', KEY, 'account:1');
    expect(await decryptSecret(env, KEY, 'account:1')).toBe('credential');
    expect((await rejection(decryptSecret(env, KEY, 'account:2'))).code).toBe('secret_undecryptable');
    expect((await rejection(decryptSecret(env, KEY))).code).toBe('secret_undecryptable');
  });

  it('refuses keys that are not 32 bytes', async () => {
    expect((await rejection(encryptSecret('x', new Uint8Array(16)))).code).toBe('invalid_secret_key');
    expect((await rejection(decryptSecret('v1.a.b', new Uint8Array(33)))).code).toBe('invalid_secret_key');
  });

  it('refuses strings that would not round-trip (lone surrogates)', async () => {
    expect((await rejection(encryptSecret('a\uD800b', KEY))).code).toBe('invalid_input');
  });

  it('property: round-trips any well-formed string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (s) => {
        expect(await decryptSecret(await encryptSecret(s, KEY), KEY)).toBe(s);
      }),
      { numRuns: 100 },
    );
  });

  it('does not import node modules or use Buffer (must run on Workers)', async () => {
    const src = await readFile(new URL('../../core/crypto/secrets.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/from ['"]node:/);
    expect(src).not.toMatch(/\bBuffer\s*[.(]/);
    expect(src).not.toMatch(/require\(/);
  });
});

describe('encryptJson / decryptJson', () => {
  it('round-trips JSON values', async () => {
    const creds = { shop: 'demo.myshopify.com', accessToken: 'shpat_x', scopes: ['read_orders'], n: 1, ok: true };
    expect(await decryptJson(await encryptJson(creds, KEY), KEY)).toEqual(creds);
    expect(await decryptJson(await encryptJson(null, KEY), KEY)).toBeNull();
    expect(await decryptJson(await encryptJson([1, 'two'], KEY, 'ctx'), KEY, 'ctx')).toEqual([1, 'two']);
  });

  it('rejects values JSON cannot represent', async () => {
    expect((await rejection(encryptJson(undefined, KEY))).code).toBe('invalid_input');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await rejection(encryptJson(cyclic, KEY))).code).toBe('invalid_input');
  });

  it('reports a non-JSON secret as undecryptable', async () => {
    const env = await encryptSecret('not json {', KEY);
    const e = await rejection(decryptJson(env, KEY));
    expect(e.code).toBe('secret_undecryptable');
    expect(e.message).not.toContain('not json');
  });

  it('fails on a wrong key like decryptSecret', async () => {
    const env = await encryptJson({ apiKey: 'k' }, KEY);
    expect((await rejection(decryptJson(env, OTHER_KEY))).code).toBe('secret_undecryptable');
  });
});

describe('parseSecretKey', () => {
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const b64 = btoa(String.fromCharCode(...bytes));

  it('reads hex (any case), base64 and base64url, with or without padding and whitespace', () => {
    for (const text of [hex, hex.toUpperCase(), b64, b64.replace(/=+$/, ''), toBase64Url(bytes), `  ${hex}\n`]) {
      expect(Array.from(parseSecretKey(text))).toEqual(Array.from(bytes));
    }
  });

  it('formatSecretKey writes what parseSecretKey reads', () => {
    const k = generateSecretKey();
    expect(formatSecretKey(k)).toMatch(/^[0-9a-f]{64}$/);
    expect(Array.from(parseSecretKey(formatSecretKey(k)))).toEqual(Array.from(k));
    expect(formatSecretKey(generateSecretKey())).not.toBe(formatSecretKey(k));
  });

  it.each([
    ['empty', ''],
    ['63 hex chars', hex.slice(1)],
    ['66 hex chars', `${hex}ab`],
    ['31 bytes base64', btoa('x'.repeat(31))],
    ['33 bytes base64', btoa('x'.repeat(33))],
    ['not hex nor base64', 'this is not a key!'],
    ['bad base64 length', 'abcde'],
  ])('rejects %s with a clear message that hides the input', (_name, text) => {
    const e = syncError(() => parseSecretKey(text));
    expect(e.code).toBe('invalid_secret_key');
    expect(e.message).toContain('32 bytes');
    expect(e.message).toContain('openssl rand -hex 32');
    if (text.length > 4) expect(e.message).not.toContain(text);
  });
});

describe('resolveSecretKey', () => {
  const dirs: string[] = [];
  async function tempDir(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'omnihub-key-'));
    dirs.push(d);
    return d;
  }
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  function captureWarnings() {
    const lines: { obj: object; msg?: string }[] = [];
    return { lines, logger: { warn: (obj: object, msg?: string) => lines.push({ obj, msg }) } };
  }

  it('returns the configured key and touches no file', async () => {
    const dir = await tempDir();
    const { lines, logger } = captureWarnings();
    const key = await resolveSecretKey({ secretKey: KEY, dataDir: join(dir, 'sub') }, logger);
    expect(key).toBe(KEY);
    await expect(stat(join(dir, 'sub'))).rejects.toThrow();
    expect(lines).toHaveLength(0);
  });

  it('generates a key on first start in <dataDir>/secret.key with mode 0600, then reuses it', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const first = captureWarnings();
    const key = await resolveSecretKey({ secretKey: undefined, dataDir: dir }, first.logger);
    expect(key.length).toBe(32);
    const path = join(dir, SECRET_KEY_FILE);
    const text = await readFile(path, 'utf8');
    expect(text.trim()).toBe(formatSecretKey(key));
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]?.msg).toContain('Production should set OMNIHUB_SECRET_KEY');
    expect(JSON.stringify(first.lines)).not.toContain(formatSecretKey(key));

    const second = captureWarnings();
    const again = await resolveSecretKey({ secretKey: undefined, dataDir: dir }, second.logger);
    expect(Array.from(again)).toEqual(Array.from(key));
    expect(second.lines[0]?.msg).toContain('Production should set OMNIHUB_SECRET_KEY');
  });

  it('concurrent first starts agree on one key', async () => {
    const dir = await tempDir();
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => resolveSecretKey({ secretKey: undefined, dataDir: dir })),
    );
    const hexes = new Set(keys.map((k) => formatSecretKey(k)));
    expect(hexes.size).toBe(1);
  });

  it.skipIf(process.platform === 'win32')('tightens a key file readable by others to 0600', async () => {
    const dir = await tempDir();
    const path = join(dir, SECRET_KEY_FILE);
    await writeFile(path, `${formatSecretKey(KEY)}\n`);
    await chmod(path, 0o644);
    const { lines, logger } = captureWarnings();
    const key = await resolveSecretKey({ secretKey: undefined, dataDir: dir }, logger);
    expect(Array.from(key)).toEqual(Array.from(KEY));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(lines.some((l) => l.msg?.includes('0600'))).toBe(true);
  });

  it('refuses a corrupt key file without printing its content or replacing it', async () => {
    const dir = await tempDir();
    const path = join(dir, SECRET_KEY_FILE);
    await writeFile(path, 'corrupted-key-material-xyz', { mode: 0o600 });
    const err = await resolveSecretKey({ secretKey: undefined, dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretKeyFileError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain('OMNIHUB_SECRET_KEY');
    expect((err as Error).message).not.toContain('corrupted-key-material');
    expect(await readFile(path, 'utf8')).toBe('corrupted-key-material-xyz');
  });

  it('keys from the file decrypt what they encrypted across restarts', async () => {
    const dir = await tempDir();
    const k1 = await resolveSecretKey({ secretKey: undefined, dataDir: dir });
    const env = await encryptSecret('persisted', k1);
    const k2 = await resolveSecretKey({ secretKey: undefined, dataDir: dir });
    expect(await decryptSecret(env, k2)).toBe('persisted');
  });
});
