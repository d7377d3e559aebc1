// Builds the hub's HTTP app the way api/main.ts does (createApp + createApiRoutes mounted
// at "/"), on a test database, with keys for each role and a request helper.
import { Writable } from 'node:stream';
import type { ChannelConnector, ChannelType } from '../../connectors/connector.ts';
import { createApp } from '../../api/app.ts';
import { makeHealthCheck } from '../../api/health.ts';
import { MetricsRegistry } from '../../core/metrics/registry.ts';
import { type ApiDeps, createApiRoutes } from '../../api/rest/index.ts';
import { createApiKey } from '../../core/auth/api-keys.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { createLogger } from '../../core/log.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies are navigated freely in tests
export type Json = any;

export interface Harness {
  db: Database;
  app: ReturnType<typeof createApp>;
  api: ReturnType<typeof createApiRoutes>;
  secretKey: Uint8Array;
  registry: MetricsRegistry;
  logs: () => string;
  admin: string;
  readonly: string;
  /** Staff key for the given stores (created on demand). */
  staffKey(locationIds: string[]): Promise<string>;
  call(
    method: string,
    path: string,
    opts?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    body: Json;
    headers: Headers;
  }>;
}

export async function buildHarness(
  db: Database,
  over: Partial<ApiDeps> & { connectors?: Partial<Record<ChannelType, ChannelConnector>> } = {},
): Promise<Harness> {
  const chunks: string[] = [];
  const logger = createLogger(
    { logLevel: 'warn' },
    new Writable({
      write(chunk, _e, cb) {
        chunks.push(String(chunk));
        cb();
      },
    }),
  );
  const secretKey = generateSecretKey();
  const registry = new MetricsRegistry();
  const app = createApp({
    health: makeHealthCheck({ kind: db.kind, ping: () => db.ping() }),
    version: 'test',
    logger,
  });
  const api = createApiRoutes({
    prisma: db.prisma,
    secretKey,
    connectors: {},
    logger,
    config: { adminToken: undefined },
    metrics: registry,
    docsScript: async () => null,
    ...over,
  });
  app.route('/', api);
  const admin = (await createApiKey(db.prisma, { name: 'test admin', role: 'admin' })).key;
  const readonly = (await createApiKey(db.prisma, { name: 'test readonly', role: 'readonly' })).key;
  const staff = new Map<string, string>();
  const h: Harness = {
    db,
    app,
    api,
    secretKey,
    registry,
    logs: () => chunks.join(''),
    admin,
    readonly,
    async staffKey(locationIds) {
      const k = locationIds.join(',');
      if (!staff.has(k))
        staff.set(k, (await createApiKey(db.prisma, { name: `staff ${k}`, role: 'staff', locationIds })).key);
      return staff.get(k) as string;
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const key = opts.key === undefined ? admin : opts.key;
      if (key) headers.authorization = `Bearer ${key}`;
      let payload: string | undefined;
      if (opts.body !== undefined) {
        payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await app.request(path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      let body: Json = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body, headers: res.headers };
    },
  };
  return h;
}
