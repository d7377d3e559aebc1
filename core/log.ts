/**
 * The process logger: pino, JSON lines, ISO timestamps, base `{ service: 'omnihub' }`,
 * and redaction of credentials wherever they appear in logged objects.
 *
 * Redaction has two layers:
 * 1. `redactSecrets` runs as pino's `formatters.log` / `formatters.bindings`:
 *    it walks the logged object (any depth, arrays, Error objects and their
 *    causes, child-logger bindings) and censors the value of every key that
 *    names a credential (`password`, `accessToken`, `client_secret`,
 *    `authorization`, `cookie`, `x-shopify-access-token`, `webhookSecret`, …;
 *    matched case- and separator-insensitively, see `isSecretKey`), and the
 *    password inside `scheme://user:password@host` strings.
 * 2. pino's own `redact` with exact (non-wildcard) header paths, as a backstop.
 *
 * Why not pino wildcard paths (`*.accessToken`, `*.*.accessToken`, …)? They
 * only reach the depths that are listed, are case-sensitive, and cost about
 * 0.4 µs per wildcard path per log line: the ~340 paths needed for the same
 * coverage made every log line ~150× slower (≈295 µs instead of ≈2 µs,
 * measured here with pino 10).
 *
 * The message string is never inspected: do not interpolate secrets into
 * log messages or error messages.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';
import { REDACT_CENSOR, redactSecrets as redactWith } from './redact.ts';

export type { Logger } from 'pino';

export { isSecretKey, REDACT_CENSOR } from './redact.ts';

/** Header names that carry credentials. */
export const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-shopify-access-token',
  'x-amz-access-token',
  'x-api-key',
  'x-omnihub-admin-token',
] as const;

function prop(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Exact pino `redact` paths (the backstop layer): credential headers in the usual places. */
export const REDACT_PATHS: readonly string[] = [
  'headers',
  'req.headers',
  'res.headers',
  'request.headers',
  'response.headers',
].flatMap((container) => SECRET_HEADERS.map((h) => `${container}${prop(h)}`));

export type LoggerConfig = Pick<Config, 'logLevel'> & Partial<Pick<Config, 'nodeEnv'>>;

const pinoError = (e: Error) => pino.stdSerializers.err(e);

/** Redacts with pino's own error serializer (keeps an HTTP client's `config.headers` visible to redaction). */
export function redactSecrets<T extends object>(obj: T): T {
  return redactWith(obj, pinoError);
}

/** pino's `err` serializer runs after `formatters.log`: leave already-serialized errors alone. */
function errSerializer(value: unknown): unknown {
  return value instanceof Error ? redactSecrets(value) : value;
}

/**
 * Create the root logger. `destination` defaults to stdout; pass a stream to
 * capture the output (tests). Child-logger bindings are redacted too.
 */
export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'omnihub', ...(config.nodeEnv ? { env: config.nodeEnv } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACT_CENSOR },
    serializers: { err: errSerializer },
    formatters: {
      log: (obj) => redactSecrets(obj),
      bindings: (bindings) => redactSecrets(bindings),
    },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  // pino applies `formatters.bindings` to the root only; children inherit this
  // method through their prototype chain, so every descendant is covered.
  const child = logger.child;
  logger.child = function redactingChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactSecrets(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
