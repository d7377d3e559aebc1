// The Cloudflare Workers entry (api/worker.ts, wrangler.toml):
// 1. `wrangler deploy --dry-run` bundles it (exit 0, worker.js written to a temp dir);
// 2. `wrangler dev --local` serves it on workerd: /health probes PostgreSQL through
//    `pg` over cloudflare:sockets, unknown paths get the JSON 404;
// 3. the handler called directly on Node with fake bindings: 503 `not configured`,
//    probe time limit with the connection closed through ctx.waitUntil, no secrets in logs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import worker, { type WorkerContext, type WorkerEnv } from '../../api/worker.ts';
import { databaseUrl, VERSION } from '../../api/worker-app.ts';
import { createWorkerLogger, REDACT_CENSOR } from '../../api/worker-logger.ts';
import pkg from '../../package.json' with { type: 'json' };
import { freePort } from '../support/free-port.ts';
import { ROOT, startWranglerDev, WRANGLER_JS, type WranglerDev, wranglerEnv } from '../support/wrangler-dev.ts';

// biome-ignore lint/suspicious/noExplicitAny: test-only navigation of parsed JSON
type Json = any;

const PG_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/**
 * The database URL the Worker gets, with a password in it, so that a leak can be seen: the test
 * server's own password, or a made-up one for a password-less (trust) URL, which ignores it.
 */
const WORKER_DB_URL = withPassword(PG_URL, 'never-print-me-5f3a9c');
const DB_PASSWORD = decodeURIComponent(new URL(WORKER_DB_URL).password);

function withPassword(url: string, fallback: string): string {
  const u = new URL(url);
  if (!u.password) {
    u.username ||= 'postgres';
    u.password = fallback;
  }
  return u.toString();
}

/** Every file under `dir` whose text contains `needle` (paths relative to `dir`). */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) out.push(relative(dir, path));
  }
  return out;
}

async function pgReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function fakeCtx() {
  const pending: Promise<unknown>[] = [];
  const ctx: WorkerContext & { props: object } = {
    waitUntil: (p) => {
      pending.push(p);
    },
    passThroughOnException: () => {},
    props: {},
  };
  return { ctx, pending };
}

function captureConsole() {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  return { lines, parsed: () => lines.map((l) => JSON.parse(l) as Json), restore: () => spy.mockRestore() };
}

describe('wrangler deploy --dry-run', () => {
  let outdir: string;
  let build: { code: number | null; output: string };
  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'omnihub-worker-build-'));
    build = await new Promise<{ code: number | null; output: string }>((res, rej) => {
      const args = [WRANGLER_JS, 'deploy', '--dry-run', '--outdir', outdir, '--metafile', join(outdir, 'meta.json')];
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        // A DATABASE_URL in the build environment must not be baked into the bundle.
        env: { ...wranglerEnv(outdir), DATABASE_URL: WORKER_DB_URL },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.once('error', rej);
      child.once('close', (code) => res({ code, output }));
    });
  }, 60_000);
  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('bundles api/worker.ts (exit 0, worker.js in --outdir), with no database URL in it', async () => {
    const { code, output } = build;
    expect(code, output).toBe(0);
    expect(output).toContain('--dry-run: exiting now');
    const bundle = join(outdir, 'worker.js');
    expect(existsSync(bundle)).toBe(true);
    const js = await readFile(bundle, 'utf8');
    expect(js).toContain('cloudflare:sockets'); // pg's Workers socket (pg-cloudflare) was picked
    expect(js).toContain(JSON.stringify(pkg.version)); // version inlined from package.json
    expect(js).not.toContain('"devDependencies"'); // only `version` was taken from package.json
    expect(js).not.toMatch(/from ["']pino["']|require\(["']pino["']\)/);
    // zod (the till's event schema, account inputs) is ~0.8 MB of it: far below Workers' limits.
    const { size } = await stat(bundle);
    expect(size).toBeLessThan(1_500_000);
    expect(output).not.toContain(DB_PASSWORD);
    expect(await filesContaining(outdir, DB_PASSWORD)).toEqual([]);
  });

  // The boundary of the edge door, read from esbuild's metafile: which files the bundle holds
  // and what it leaves to the runtime to import.
  it('the bundle holds nothing Node-only: its packages, its own files and its runtime imports', async () => {
    expect(build.code, build.output).toBe(0);
    const meta = JSON.parse(await readFile(join(outdir, 'meta.json'), 'utf8')) as BundleMeta;
    const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
    expect(output?.entryPoint).toBe('api/worker.ts');
    const inputs = Object.keys(output?.inputs ?? {});
    const packages = [...new Set(inputs.map(packageOf).filter((p) => p !== null))].sort();
    for (const p of packages) expect(EDGE_PACKAGES, `package ${p} in the Worker bundle`).toContain(p);
    for (const p of NODE_ONLY_PACKAGES) expect(packages).not.toContain(p);
    // Our files: the doors and the domain they need, not the Node runtime's parts.
    const own = inputs.filter((i) => packageOf(i) === null);
    expect(own.filter((f) => NODE_ONLY_FILES.some((re) => re.test(f)))).toEqual([]);
    expect(own).toEqual(expect.arrayContaining(EDGE_DOOR_FILES));
    expect(own).toEqual(expect.arrayContaining(EDGE_API_FILES));
    // Of the REST API, only the read routes, their shaping and their SQL reads: the rest reads or
    // writes through Prisma (a new file here must be checked, then listed).
    expect(own.filter((f) => f.startsWith('api/rest/') && !EDGE_REST_FILES.includes(f))).toEqual([]);
    // What workerd must provide at run time: its nodejs_compat modules and the socket API only.
    const external = [...new Set((output?.imports ?? []).filter((i) => i.external).map((i) => i.path))].sort();
    for (const m of external) expect(RUNTIME_MODULES, `runtime import ${m}`).toContain(m.replace(/^node:/, ''));
  });
});

interface BundleMeta {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      inputs: Record<string, { bytesInOutput: number }>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

/** `pg` for node_modules/pg/lib/client.js, `@scope/x` for scoped packages; null for our own files. */
function packageOf(input: string): string | null {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  return m ? (m[1] as string) : null;
}

/** The packages the edge may bundle: hono (and the OpenAPI routes' zod layer), pg and its parts, zod. */
const EDGE_PACKAGES = [
  'hono',
  '@hono/zod-openapi', // the read-only API's routes are the Node API's own createRoute definitions
  '@hono/zod-validator',
  '@asteasolutions/zod-to-openapi',
  'pg',
  'pg-cloudflare',
  'pg-connection-string',
  'pg-int8',
  'pg-pool',
  'pg-protocol',
  'pg-types',
  'pgpass',
  'postgres-array',
  'postgres-bytea',
  'postgres-date',
  'postgres-interval',
  'split2',
  'xtend',
  'zod',
];

/** Named so that a failure says which: each needs Node (files, processes, Redis, WebAssembly compiled at run time). */
const NODE_ONLY_PACKAGES = [
  '@electric-sql/pglite',
  'pglite-prisma-adapter',
  '@prisma/client',
  '@prisma/adapter-pg',
  'bullmq',
  'ioredis',
  'pino',
  'pino-pretty',
  'node-cron',
  '@hono/node-server',
  'ebay-api',
  'amazon-sp-api',
  'square',
  '@shopify/shopify-api',
];

const NODE_ONLY_FILES = [
  /^core\/db\/generated\//, // the Prisma client
  /^core\/db\/database\.ts$/, // PGlite or Prisma
  /^sync\//, // queues, schedules, jobs: the Node workers' part
  /^api\/(hub|server|main)\.ts$/,
  /^connectors\/[^/]+\/connector\.ts$/, // whole connectors (API clients); the edge takes door.ts
  /^connectors\/registry\.ts$/,
];

/** Files that must be there: the edge serves the Node door's own routes and every channel's door. */
const EDGE_DOOR_FILES = [
  'api/webhooks/routes.ts',
  'core/inbox/inbox.ts',
  'core/accounts/sql-account-rows.ts',
  'connectors/shopify/door.ts',
  'connectors/ebay/door.ts',
  'connectors/amazon/door.ts',
  'connectors/square/door.ts',
  'connectors/pos-webhook/door.ts',
];

/** The read-only API: the Node API's own read routes and shaping, over SQL reads (api/worker-api.ts). */
const EDGE_API_FILES = [
  'api/worker-api.ts',
  'core/auth/api-key-lookup.ts',
  'api/auth/authenticate.ts',
  'api/auth/policy.ts',
  'api/rest/orders/read-routes.ts',
  'api/rest/orders/shape.ts',
  'api/rest/orders/sql-reads.ts',
  'api/rest/inventory/level-routes.ts',
  'api/rest/inventory/sql-levels.ts',
  'api/rest/exception-list.ts',
  'api/rest/sql-exceptions.ts',
];

/** Every api/rest file the edge may bundle. */
const EDGE_REST_FILES = [
  'api/rest/api-error.ts',
  'api/rest/router.ts',
  'api/rest/schemas.ts',
  'api/rest/serialize.ts',
  'api/rest/exception-list.ts',
  'api/rest/sql-exceptions.ts',
  'api/rest/orders/read-routes.ts',
  'api/rest/orders/sql-reads.ts',
  'api/rest/orders/query.ts', // the search (raw SQL) and the Prisma where builder (types only on the edge)
  'api/rest/orders/schemas.ts',
  'api/rest/orders/shape.ts',
  'api/rest/inventory/level-routes.ts',
  'api/rest/inventory/sql-levels.ts',
  'api/rest/inventory/levels.ts',
  'api/rest/inventory/schemas.ts',
];

/** Modules workerd provides under nodejs_compat that the bundle may import, and Cloudflare's sockets. */
const RUNTIME_MODULES = [
  'async_hooks',
  'buffer',
  'crypto',
  'dns',
  'events',
  'fs', // pgpass reads ~/.pgpass only when no password is given; workerd's fs is a virtual one
  'net',
  'path',
  'stream',
  'string_decoder',
  'tls',
  'util',
  'util/types',
  'cloudflare:sockets',
  'pg-native', // required by pg only when `native` is asked for, inside a try: never on the edge
];

describe('wrangler dev --local (workerd)', () => {
  let dev: WranglerDev | undefined;
  let logDir: string;
  let baseUrl = '';
  let postgresUp = false;
  const output = () => dev?.output() ?? '';

  beforeAll(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'omnihub-worker-dev-'));
    postgresUp = await pgReachable(PG_URL);
    if (!postgresUp && process.env.OMNIHUB_TEST_REQUIRE_POSTGRES === '1') {
      throw new Error('PostgreSQL is required (OMNIHUB_TEST_REQUIRE_POSTGRES=1) but did not answer');
    }
    dev = await startWranglerDev({ DATABASE_URL: WORKER_DB_URL }, logDir);
    baseUrl = dev.baseUrl;
  }, 45_000);

  afterAll(async () => {
    await dev?.stop();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  }, 15_000);

  it('GET /health: 200, PostgreSQL up through pg on workerd (twice: a new Client per probe)', async (ctx) => {
    if (!postgresUp) ctx.skip(`PostgreSQL at ${PG_URL.replace(/:[^:@/]+@/, ':***@')} is not reachable`);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${baseUrl}/health`);
      const body: Json = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({
        status: 'ok',
        version: pkg.version,
        database: { status: 'up', kind: 'postgres' },
      });
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
    // One app per isolate; access log as JSON lines through console.log.
    expect(output().match(/"msg":"worker app ready"/g)?.length).toBe(1);
    expect(output()).toMatch(/\{"level":30,[^\n]*"path":"\/health","status":200[^\n]*"msg":"request"\}/);
  });

  it('unknown path: the JSON 404 of the app', async () => {
    const res = await fetch(`${baseUrl}/no/such/route`, { headers: { 'x-request-id': 'worker-test-404' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /no/such/route', requestId: 'worker-test-404' },
    });
    expect(res.headers.get('x-request-id')).toBe('worker-test-404');
  });

  it('never prints or writes the database password (output, logs, local state)', async () => {
    expect(DB_PASSWORD.length).toBeGreaterThan(0);
    // /health ran against the database with it above; its logs are in `output`.
    expect(output()).toMatch(/"path":"\/health"/);
    expect(output()).not.toContain(DB_PASSWORD);
    expect(await filesContaining(logDir, DB_PASSWORD)).toEqual([]);
  });
});

describe('worker fetch handler (direct call, fake bindings)', () => {
  let console_: ReturnType<typeof captureConsole>;
  let silent: Server | undefined;
  const sockets = new Set<Socket>();
  beforeAll(() => {
    console_ = captureConsole();
  });
  afterEach(() => {
    console_.lines.length = 0;
  });
  afterAll(async () => {
    console_.restore();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (silent ? silent.close(() => r()) : r()));
  });

  it('without DATABASE_URL or HYPERDRIVE: /health answers 503, database down, "not configured"', async () => {
    const env: WorkerEnv = {};
    const { ctx } = fakeCtx();
    const res = await worker.fetch(new Request('http://omnihub.test/health'), env, ctx);
    expect(res.status).toBe(503);
    const body: Json = await res.json();
    expect(body).toEqual({
      status: 'degraded',
      version: VERSION,
      uptimeSeconds: expect.any(Number),
      database: { status: 'down', kind: 'postgres', latencyMs: 0, reason: 'not configured' },
    });
    expect(VERSION).toBe(pkg.version);
    // The app is built once for these bindings: a second request reuses it.
    const again = await worker.fetch(new Request('http://omnihub.test/health'), env, ctx);
    expect(again.status).toBe(503);
    const logs = console_.parsed();
    expect(logs.filter((l) => l.msg?.startsWith('no HYPERDRIVE binding or DATABASE_URL'))).toHaveLength(1);
    expect(logs.filter((l) => l.msg === 'request' && l.status === 503)).toHaveLength(2);
    expect(logs[0]).toMatchObject({ level: 40, service: 'omnihub', runtime: 'workers' });
  });

  it('without OMNIHUB_SECRET_KEY the webhook doors answer 503 not_configured (the channel delivers again)', async () => {
    const env: WorkerEnv = { DATABASE_URL: 'postgresql://omni:hunter2@127.0.0.1:1/omnihub' };
    const res = await worker.fetch(
      new Request('http://omnihub.test/webhooks/shop-1', { method: 'POST', body: '{}' }),
      env,
      fakeCtx().ctx,
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).error).toMatchObject({
      code: 'not_configured',
      message: 'the edge door needs OMNIHUB_SECRET_KEY',
    });
    expect(console_.parsed().some((l) => l.msg?.startsWith('webhook doors closed'))).toBe(true);
  });

  it('without a database the read-only API answers 503 not_configured; a write is 501 use_origin all the same', async () => {
    const read = await worker.fetch(new Request('http://omnihub.test/api/v1/orders'), {}, fakeCtx().ctx);
    expect(read.status).toBe(503);
    expect(((await read.json()) as Json).error).toMatchObject({
      code: 'not_configured',
      message: 'the edge API needs HYPERDRIVE or DATABASE_URL',
    });
    const write = await worker.fetch(
      new Request('http://omnihub.test/api/v1/inventory/adjustments', { method: 'POST', body: '{}' }),
      {},
      fakeCtx().ctx,
    );
    expect(write.status).toBe(501);
    expect(((await write.json()) as Json).error).toMatchObject({
      code: 'use_origin',
      message:
        'the edge serves the read-only API (GET only): send POST /api/v1/inventory/adjustments to the origin hub (not this edge address)',
    });
  });

  it('unknown path: JSON 404', async () => {
    const res = await worker.fetch(new Request('http://omnihub.test/nope'), {}, fakeCtx().ctx);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Json).error.code).toBe('not_found');
  });

  it('prefers the Hyperdrive binding over DATABASE_URL; blank values count as unset', () => {
    expect(
      databaseUrl({ HYPERDRIVE: { connectionString: 'postgres://hd@h/db' }, DATABASE_URL: 'postgres://u@x/db' }),
    ).toBe('postgres://hd@h/db');
    expect(databaseUrl({ DATABASE_URL: ' postgres://u@x/db ' })).toBe('postgres://u@x/db');
    expect(databaseUrl({ DATABASE_URL: '  ' })).toBeUndefined();
    expect(databaseUrl({ HYPERDRIVE: { connectionString: '' } })).toBeUndefined();
  });

  it('a silent server: 503 timeout, the connection is torn down via ctx.waitUntil, no password logged', async () => {
    const events: string[] = [];
    const t0 = performance.now();
    const at = () => Math.round(performance.now() - t0);
    silent = createServer((s) => {
      sockets.add(s); // accept, never answer the startup message
      events.push(`accepted @${at()}ms`);
      s.resume(); // read (and drop) the startup message, so that the client's FIN is seen
      s.on('error', (e) => events.push(`error ${e.message} @${at()}ms`));
      s.on('close', () => {
        events.push(`closed @${at()}ms`);
        sockets.delete(s);
      });
    });
    await new Promise<void>((r) => silent?.listen(0, '127.0.0.1', () => r()));
    const { port } = silent.address() as { port: number };
    const env: WorkerEnv = {
      DATABASE_URL: `postgresql://omni:hunter2@127.0.0.1:${port}/omnihub`,
      HEALTH_TIMEOUT_MS: '300',
    };
    const { ctx, pending } = fakeCtx();
    const res = await worker.fetch(new Request('http://omnihub.test/health'), env, ctx);
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).database).toMatchObject({
      status: 'down',
      kind: 'postgres',
      reason: 'timeout after 300 ms',
    });
    // The probe's connection outlives the response; waitUntil got its tear-down.
    expect(pending.length).toBe(1);
    await Promise.all(pending);
    events.push(`waitUntil settled @${at()}ms`);
    await vi.waitFor(() => expect(sockets.size, events.join(', ')).toBe(0), { timeout: 3000 });
    expect(events.filter((e) => e.startsWith('accepted'))).toHaveLength(1);
    const text = console_.lines.join('\n');
    expect(text).toContain('health probe failed');
    expect(text).not.toContain('hunter2');
  });

  it('a refused connection: 503 unreachable', async () => {
    const port = await freePort(); // nothing listens there any more
    const { ctx, pending } = fakeCtx();
    const res = await worker.fetch(
      new Request('http://omnihub.test/health'),
      { DATABASE_URL: `postgresql://omni:hunter2@127.0.0.1:${port}/omnihub` },
      ctx,
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).database).toMatchObject({ status: 'down', reason: 'unreachable' });
    await Promise.all(pending);
    expect(console_.lines.join('\n')).not.toContain('hunter2');
  });

  it('the logger writes pino-shaped JSON lines and censors credentials', () => {
    const lines: string[] = [];
    const logger = createWorkerLogger({ write: (l) => lines.push(l) });
    const err = new Error('connect failed for postgres://omni:hunter2@db:5432/omnihub');
    logger.error(
      { err, databaseUrl: 'postgres://omni:hunter2@db/x', headers: { authorization: 'Bearer abc' } },
      'boom',
    );
    expect(lines).toHaveLength(1);
    const line: Json = JSON.parse(lines[0] as string);
    expect(line).toMatchObject({
      level: 50,
      service: 'omnihub',
      runtime: 'workers',
      msg: 'boom',
      databaseUrl: REDACT_CENSOR,
      headers: { authorization: REDACT_CENSOR },
      err: { type: 'Error', message: `connect failed for postgres://omni:${REDACT_CENSOR}@db:5432/omnihub` },
    });
    expect(Date.parse(line.time)).not.toBeNaN();
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('Bearer abc');
  });
});
