// Credential redaction for logs, shared by the Node logger (core/log.ts, pino) and
// the Worker logger (api/worker-logger.ts): no dependency, runs on both runtimes.
// It walks a logged object (any depth, arrays, errors and their causes) and censors
// the value of every key that names a credential, and the password inside
// `scheme://user:password@host` strings. The message string is never inspected.

export type ErrorSerializer = (err: Error) => unknown;

/** Type, message, stack, code, cause and the error's own enumerable fields. */
export function plainError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...(err as unknown as Record<string, unknown>),
    type: err.name,
    message: err.message,
  };
  if (err.stack) out.stack = err.stack;
  const extra = err as Error & { code?: unknown; cause?: unknown };
  if (extra.code !== undefined) out.code = extra.code;
  if (extra.cause !== undefined) out.cause = extra.cause;
  return out;
}

export const REDACT_CENSOR = '[redacted]';

/** Normalized (lower-case, letters and digits only) key names that are secret. */
const SECRET_EXACT = new Set([
  'pass',
  'pwd',
  'secrets',
  'credentials',
  'credential',
  'encryptedcredentials',
  'auth',
  'databaseurl',
  'redisurl',
  'connectionstring',
  'dsn',
]);

/** A normalized key ending in one of these is secret (`accessToken`, `x-shopify-access-token`, `client_secret`, …). */
const SECRET_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secretkey',
  'secretaccesskey',
  'privatekey',
  'token',
  'tokens',
  'apikey',
  'authorization',
  'cookie',
  'credentials',
];

/** Pagination cursors and other "token"-named values that are not credentials. */
const NOT_SECRET = new Set([
  'nexttoken',
  'nextpagetoken',
  'pagetoken',
  'continuationtoken',
  'paginationtoken',
  'synctoken',
]);

const keyCache = new Map<string, boolean>();

/** Whether a property name names a credential. */
export function isSecretKey(key: string): boolean {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  const n = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const secret = !NOT_SECRET.has(n) && (SECRET_EXACT.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(s)));
  if (keyCache.size > 5000) keyCache.clear();
  keyCache.set(key, secret);
  return secret;
}

// Anywhere in the string: an error message often embeds the URL it failed on.
const URL_WITH_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)([^/\s@]+)(@)/gi;

function scrubString(s: string): string {
  return s.includes('://') && s.includes('@') ? s.replace(URL_WITH_PASSWORD, `$1${REDACT_CENSOR}$3`) : s;
}

const MAX_DEPTH = 10;

function walk(value: unknown, depth: number, seen: WeakSet<object>, serializeError: ErrorSerializer): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[Circular]';
  if (value instanceof Error) {
    // Serialize first (message, stack, cause, and enumerable extras such as
    // an HTTP client's `config.headers`), then redact the result.
    return walk(serializeError(value), depth, seen, serializeError);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    let json: unknown;
    try {
      json = toJSON.call(value);
    } catch {
      return '[unserializable]';
    }
    return json === value ? value : walk(json, depth + 1, seen, serializeError);
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        const r = walk(v, depth + 1, seen, serializeError);
        if (r !== v) {
          out ??= value.slice();
          out[i] = r;
        }
      }
      return out ?? value;
    }
    let out: Record<string, unknown> | undefined;
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      const r =
        v !== undefined && v !== null && isSecretKey(key) ? REDACT_CENSOR : walk(v, depth + 1, seen, serializeError);
      if (r !== v) {
        out ??= { ...obj };
        out[key] = r;
      }
    }
    return out ?? value;
  } finally {
    seen.delete(value);
  }
}

/**
 * Return `obj` with every credential censored (copy-on-write: the input is
 * never modified, and returned unchanged when there is nothing to redact).
 */
export function redactSecrets<T extends object>(obj: T, serializeError: ErrorSerializer = plainError): T {
  return walk(obj, 0, new WeakSet(), serializeError) as T;
}
