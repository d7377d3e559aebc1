/**
 * Configuration from environment variables, validated with zod.
 *
 * No Node-only imports: on Workers, pass the bindings object as `env`.
 * Empty values (`PORT=` in a .env file) count as unset.
 */
import { z } from 'zod';
import { parseSecretKey } from './crypto/secrets.ts';
import { DEFAULT_PERSONAL_DATA_RETENTION_DAYS } from './privacy/settings.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export interface Config {
  port: number;
  host: string;
  /** OMNIHUB_METRICS_PORT: a second listener serving only GET /metrics, unauthenticated (api/metrics/listener.ts). */
  metricsPort: number | undefined;
  /** `postgres` when DATABASE_URL is set, else the embedded `pglite`. */
  databaseKind: 'pglite' | 'postgres';
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files and where the generated secret.key lives. */
  dataDir: string;
  redisUrl: string | undefined;
  /** Parsed OMNIHUB_SECRET_KEY (32 bytes); undefined → see `resolveSecretKey`. */
  secretKey: Uint8Array | undefined;
  adminToken: string | undefined;
  /** The hub's address as the channels reach it (https://hub.example.com): webhook subscriptions point there. */
  publicUrl: string | undefined;
  /** Days after an order closed before its buyer's personal data is erased (core/privacy/retention.ts). */
  personalDataRetentionDays: number;
  /** How long a process may take to stop on SIGTERM: drain requests, finish or hand back jobs. */
  shutdownTimeoutMs: number;
  /** Where archived documents are kept as files (core/documents/archive); unset: in the database. */
  archiveDir: string | undefined;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
  isProduction: boolean;
}

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((i) => `${i.variable}: ${i.message}`);
    super(
      `invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}); ` +
        `fix these environment variables:\n${lines.join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const VARIABLES = [
  'PORT',
  'OMNIHUB_METRICS_PORT',
  'HOST',
  'DATABASE_URL',
  'OMNIHUB_DATA_DIR',
  'REDIS_URL',
  'OMNIHUB_SECRET_KEY',
  'OMNIHUB_ADMIN_TOKEN',
  'OMNIHUB_PUBLIC_URL',
  'OMNIHUB_PERSONAL_DATA_RETENTION_DAYS',
  'OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS',
  'OMNIHUB_ARCHIVE_DIR',
  'LOG_LEVEL',
  'NODE_ENV',
] as const;
type Variable = (typeof VARIABLES)[number];

/** How the offending value is shown in a message: never echo secrets or URL passwords. */
const DISPLAY: Record<Variable, 'plain' | 'url' | 'hidden'> = {
  PORT: 'plain',
  OMNIHUB_METRICS_PORT: 'plain',
  HOST: 'plain',
  DATABASE_URL: 'url',
  OMNIHUB_DATA_DIR: 'plain',
  REDIS_URL: 'url',
  OMNIHUB_SECRET_KEY: 'hidden',
  OMNIHUB_ADMIN_TOKEN: 'hidden',
  OMNIHUB_PUBLIC_URL: 'url',
  OMNIHUB_PERSONAL_DATA_RETENTION_DAYS: 'plain',
  OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS: 'plain',
  OMNIHUB_ARCHIVE_DIR: 'plain',
  LOG_LEVEL: 'plain',
  NODE_ENV: 'plain',
};

const MIN_ADMIN_TOKEN = 16;

/** The rule each variable breaks (`MSG`) and how to fix it (`HINT`); a line reads `VAR: rule (got "…"); hint`. */
const MSG = {
  PORT: 'must be an integer between 1 and 65535',
  OMNIHUB_METRICS_PORT: 'must be an integer between 1 and 65535, other than PORT',
  HOST: 'must be a host name or IP address without spaces',
  DATABASE_URL: 'must be a postgres:// or postgresql:// URL with a host',
  OMNIHUB_DATA_DIR: 'must be a directory path',
  OMNIHUB_ARCHIVE_DIR: 'must be a directory path',
  REDIS_URL: 'must be a redis:// or rediss:// URL with a host',
  OMNIHUB_SECRET_KEY: 'must be exactly 32 bytes, written as 64 hex characters or as base64 (44 characters)',
  OMNIHUB_ADMIN_TOKEN: `must be at least ${MIN_ADMIN_TOKEN} characters long`,
  OMNIHUB_PUBLIC_URL: 'must be an http:// or https:// URL with a host',
  OMNIHUB_PERSONAL_DATA_RETENTION_DAYS: 'must be a whole number of days between 1 and 3650',
  OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS: 'must be a whole number of seconds between 1 and 600',
  LOG_LEVEL: `must be one of ${LOG_LEVELS.join(', ')}`,
  NODE_ENV: `must be one of ${NODE_ENVS.join(', ')}`,
  SECRET_REQUIRED: 'is required when NODE_ENV=production (it encrypts the stored channel credentials)',
} as const;

const HINT: Record<Variable, string> = {
  PORT: 'e.g. PORT=3000',
  OMNIHUB_METRICS_PORT: 'e.g. OMNIHUB_METRICS_PORT=9464 (GET /metrics without authentication: keep the port private)',
  HOST: 'e.g. HOST=127.0.0.1, or HOST=0.0.0.0 to listen on all interfaces',
  DATABASE_URL:
    'e.g. DATABASE_URL=postgres://user:password@localhost:5432/omnihub, or unset it to use the embedded PGlite database',
  OMNIHUB_DATA_DIR: 'e.g. OMNIHUB_DATA_DIR=./data',
  OMNIHUB_ARCHIVE_DIR: 'e.g. OMNIHUB_ARCHIVE_DIR=/srv/omnihub/archive, or unset it to keep documents in the database',
  REDIS_URL: 'e.g. REDIS_URL=redis://localhost:6379, or unset it to use the in-process job queue',
  OMNIHUB_SECRET_KEY:
    'generate one with: openssl rand -hex 32 (and keep it: credentials encrypted with a lost key cannot be recovered)',
  OMNIHUB_ADMIN_TOKEN: 'generate one with: openssl rand -hex 32',
  OMNIHUB_PUBLIC_URL: 'e.g. OMNIHUB_PUBLIC_URL=https://hub.example.com (Shopify delivers webhooks to https only)',
  OMNIHUB_PERSONAL_DATA_RETENTION_DAYS: 'e.g. OMNIHUB_PERSONAL_DATA_RETENTION_DAYS=30 (the default)',
  OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS:
    "e.g. OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS=25 (the default; keep it below your orchestrator's kill grace)",
  LOG_LEVEL: 'e.g. LOG_LEVEL=info',
  NODE_ENV: 'e.g. NODE_ENV=production',
};

function urlWithScheme(schemes: readonly string[], message: string) {
  return z.string().refine(
    (s) => {
      try {
        const u = new URL(s);
        return schemes.includes(u.protocol) && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { error: message },
  );
}

const EnvSchema = z
  .object({
    PORT: z
      .string({ error: MSG.PORT })
      .regex(/^\d{1,5}$/, { error: MSG.PORT })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 65535, { error: MSG.PORT })
      .optional(),
    OMNIHUB_METRICS_PORT: z
      .string({ error: MSG.OMNIHUB_METRICS_PORT })
      .regex(/^\d{1,5}$/, { error: MSG.OMNIHUB_METRICS_PORT })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 65535, { error: MSG.OMNIHUB_METRICS_PORT })
      .optional(),
    HOST: z
      .string({ error: MSG.HOST })
      .regex(/^[^\s/]+$/, { error: MSG.HOST })
      .optional(),
    DATABASE_URL: urlWithScheme(['postgres:', 'postgresql:'], MSG.DATABASE_URL).optional(),
    OMNIHUB_DATA_DIR: z
      .string({ error: MSG.OMNIHUB_DATA_DIR })
      .regex(/^[^\0]+$/, { error: MSG.OMNIHUB_DATA_DIR })
      .optional(),
    OMNIHUB_ARCHIVE_DIR: z
      .string({ error: MSG.OMNIHUB_ARCHIVE_DIR })
      .regex(/^[^\0]+$/, { error: MSG.OMNIHUB_ARCHIVE_DIR })
      .optional(),
    REDIS_URL: urlWithScheme(['redis:', 'rediss:'], MSG.REDIS_URL).optional(),
    OMNIHUB_SECRET_KEY: z
      .string()
      .transform((s, ctx) => {
        try {
          return parseSecretKey(s);
        } catch {
          // parseSecretKey never echoes the key; neither do we.
          ctx.issues.push({ code: 'custom', input: s, message: MSG.OMNIHUB_SECRET_KEY });
          return z.NEVER;
        }
      })
      .optional(),
    OMNIHUB_ADMIN_TOKEN: z.string().min(MIN_ADMIN_TOKEN, { error: MSG.OMNIHUB_ADMIN_TOKEN }).optional(),
    OMNIHUB_PUBLIC_URL: urlWithScheme(['http:', 'https:'], MSG.OMNIHUB_PUBLIC_URL).optional(),
    OMNIHUB_PERSONAL_DATA_RETENTION_DAYS: z
      .string({ error: MSG.OMNIHUB_PERSONAL_DATA_RETENTION_DAYS })
      .regex(/^\d{1,4}$/, { error: MSG.OMNIHUB_PERSONAL_DATA_RETENTION_DAYS })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 3650, { error: MSG.OMNIHUB_PERSONAL_DATA_RETENTION_DAYS })
      .optional(),
    OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS: z
      .string({ error: MSG.OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS })
      .regex(/^\d{1,3}$/, { error: MSG.OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 600, { error: MSG.OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS })
      .optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: MSG.LOG_LEVEL }).optional(),
    NODE_ENV: z.enum(NODE_ENVS, { error: MSG.NODE_ENV }).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.OMNIHUB_METRICS_PORT !== undefined && env.OMNIHUB_METRICS_PORT === (env.PORT ?? 3000)) {
      ctx.addIssue({ code: 'custom', path: ['OMNIHUB_METRICS_PORT'], message: MSG.OMNIHUB_METRICS_PORT });
    }
    if (env.NODE_ENV === 'production' && env.OMNIHUB_SECRET_KEY === undefined) {
      ctx.addIssue({ code: 'custom', path: ['OMNIHUB_SECRET_KEY'], message: MSG.SECRET_REQUIRED });
    }
  });

type Env = Record<string, string | undefined>;

function defaultEnv(): Env {
  const p = (globalThis as { process?: { env?: Env } }).process;
  return p?.env ?? {};
}

function showValue(variable: Variable, raw: string): string {
  switch (DISPLAY[variable]) {
    case 'hidden':
      return `(got ${raw.length} characters, not shown)`;
    case 'url': {
      try {
        const u = new URL(raw);
        if (u.password) u.password = '***';
        return `(got ${JSON.stringify(u.toString())})`;
      } catch {
        return '(got a value that is not a URL, not shown)';
      }
    }
    default:
      return `(got ${JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw)})`;
  }
}

/**
 * Read and validate the configuration. Throws `ConfigError` listing every bad
 * variable, one per line, e.g.
 * `PORT: must be an integer between 1 and 65535 (got "abc"); e.g. PORT=3000`.
 */
export function loadConfig(env: Env = defaultEnv()): Config {
  const input: Partial<Record<Variable, string>> = {};
  for (const name of VARIABLES) {
    const value = env[name];
    if (typeof value === 'string' && value.trim() !== '') input[name] = value.trim();
  }

  const result = EnvSchema.safeParse(input);
  if (!result.success) {
    const seen = new Set<string>();
    const issues: ConfigIssue[] = [];
    for (const issue of result.error.issues) {
      const variable = String(issue.path[0] ?? 'environment') as Variable;
      if (seen.has(variable)) continue; // one line per variable
      seen.add(variable);
      const raw = input[variable];
      const got = raw === undefined ? '' : ` ${showValue(variable, raw)}`;
      const hint = HINT[variable] ? `; ${HINT[variable]}` : '';
      issues.push({ variable, message: `${issue.message}${got}${hint}` });
    }
    throw new ConfigError(issues);
  }

  const e = result.data;
  const nodeEnv = e.NODE_ENV ?? 'development';
  return {
    port: e.PORT ?? 3000,
    host: e.HOST ?? '127.0.0.1',
    metricsPort: e.OMNIHUB_METRICS_PORT,
    databaseKind: e.DATABASE_URL ? 'postgres' : 'pglite',
    databaseUrl: e.DATABASE_URL,
    dataDir: e.OMNIHUB_DATA_DIR ?? './data',
    redisUrl: e.REDIS_URL,
    secretKey: e.OMNIHUB_SECRET_KEY,
    adminToken: e.OMNIHUB_ADMIN_TOKEN,
    publicUrl: e.OMNIHUB_PUBLIC_URL?.replace(/\/+$/, ''),
    personalDataRetentionDays: e.OMNIHUB_PERSONAL_DATA_RETENTION_DAYS ?? DEFAULT_PERSONAL_DATA_RETENTION_DAYS,
    shutdownTimeoutMs: (e.OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS ?? 25) * 1000,
    archiveDir: e.OMNIHUB_ARCHIVE_DIR,
    logLevel: e.LOG_LEVEL ?? 'info',
    nodeEnv,
    isProduction: nodeEnv === 'production',
  };
}
