import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { createApp, REQUEST_ID_HEADER } from '../../api/app.ts';
import { type DatabaseProbe, makeHealthCheck } from '../../api/health.ts';
import { onShutdown, startServer } from '../../api/server.ts';
import { ManualClock } from '../../core/clock.ts';
import { createLogger } from '../../core/log.ts';

/** Parsed JSON (log lines, response bodies), navigated freely in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test-only navigation of parsed JSON
type Json = any;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function capturedLogger() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ logLevel: 'info' }, stream);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Json);
  return { logger, lines, text: () => chunks.join('') };
}

const upProbe: DatabaseProbe = { kind: 'pglite', ping: async () => {} };
const downProbe: DatabaseProbe = {
  kind: 'postgres',
  ping: async () => {
    throw new Error('connect ECONNREFUSED postgres://omni:hunter2@db:5432');
  },
};

function appWith(probe: DatabaseProbe, extra?: Parameters<typeof makeHealthCheck>[1]) {
  const log = capturedLogger();
  const app = createApp({ health: makeHealthCheck(probe, extra), version: '1.2.3', logger: log.logger });
  return { app, ...log };
}

describe('GET /health', () => {
  it('answers 200 with status, version and database latency when the probe succeeds', async () => {
    const { app } = appWith(upProbe);
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as Json;
    expect(body.status).toBe('ok');
    expect(body.version).toBe('1.2.3');
    expect(body.database).toEqual({ status: 'up', kind: 'pglite', latencyMs: expect.any(Number) });
    expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(typeof body.uptimeSeconds).toBe('number');
  });

  it('answers 503 degraded when the database probe throws, without leaking the error', async () => {
    const seen: string[] = [];
    const { app } = appWith(downProbe, { onProbeError: (c, e) => seen.push(`${c}:${(e as Error).message}`) });
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ECONNREFUSED');
    const body = JSON.parse(text) as Json;
    expect(body.status).toBe('degraded');
    expect(body.version).toBe('1.2.3');
    expect(body.database).toMatchObject({ status: 'down', kind: 'postgres', reason: 'unreachable' });
    expect(seen).toEqual(['database:connect ECONNREFUSED postgres://omni:hunter2@db:5432']);
  });

  it('answers 503 when the probe hangs past the timeout', async () => {
    const hanging: DatabaseProbe = { kind: 'postgres', ping: () => new Promise(() => {}) };
    const { app } = appWith(hanging, { timeoutMs: 30 });
    // The probe never settles: only the time limit can answer (without it, this request never ends).
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    const body = (await res.json()) as Json;
    expect(body.database.reason).toBe('timeout after 30 ms');
  });

  it('reports extra components and degrades when one is down', async () => {
    const { app } = appWith(upProbe, {
      probes: {
        redis: {
          ping: async () => {
            throw new Error('down');
          },
        },
        queue: { ping: async () => {} },
      },
    });
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    const body = (await res.json()) as Json;
    expect(body.database.status).toBe('up');
    expect(body.components.redis.status).toBe('down');
    expect(body.components.queue.status).toBe('up');
  });

  it('answers 503 if the health function itself throws', async () => {
    const { logger } = capturedLogger();
    const app = createApp({
      health: async () => {
        throw new Error('bug');
      },
      version: '9',
      logger,
    });
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded', version: '9' });
  });
});

describe('request id and access log', () => {
  it('echoes a sane incoming x-request-id', async () => {
    const { app, lines } = appWith(upProbe);
    const res = await app.request('/health', { headers: { 'x-request-id': 'req-abc.123_X:9' } });
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('req-abc.123_X:9');
    expect(lines().find((l) => l.msg === 'request')?.requestId).toBe('req-abc.123_X:9');
  });

  it.each(['has spaces', 'a'.repeat(200), '<script>', 'semi;colon', '-leading-dash'])(
    'replaces an unsafe incoming id (%s) with a UUID',
    async (bad) => {
      const { app } = appWith(upProbe);
      const res = await app.request('/health', { headers: { 'x-request-id': bad } });
      expect(res.headers.get(REQUEST_ID_HEADER)).toMatch(UUID);
    },
  );

  it('generates a distinct UUID when none is sent', async () => {
    const { app } = appWith(upProbe);
    const a = (await app.request('/health')).headers.get(REQUEST_ID_HEADER);
    const b = (await app.request('/health')).headers.get(REQUEST_ID_HEADER);
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('logs one line per request with method, path, status, ms and requestId — never headers, query or body', async () => {
    const { app, lines, text } = appWith(upProbe);
    await app.request('/health?token=QUERYSECRET', {
      headers: { authorization: 'Bearer HEADERSECRET', cookie: 'sid=COOKIESECRET', 'x-request-id': 'r1' },
    });
    await app.request('/nope', { method: 'POST', body: 'BODYSECRET' });
    const access = lines().filter((l) => l.msg === 'request');
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({ method: 'GET', path: '/health', status: 200, requestId: 'r1' });
    expect(typeof access[0]?.ms).toBe('number');
    expect(access[1]).toMatchObject({ method: 'POST', path: '/nope', status: 404 });
    expect(Object.keys(access[0] ?? {}).sort()).toEqual(
      ['level', 'time', 'service', 'method', 'path', 'status', 'ms', 'requestId', 'msg'].sort(),
    );
    for (const s of ['QUERYSECRET', 'HEADERSECRET', 'COOKIESECRET', 'BODYSECRET']) expect(text()).not.toContain(s);
  });
});

describe('errors', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const { app } = appWith(upProbe);
    const res = await app.request('/no/such/route', { headers: { 'x-request-id': 'rid-404' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('rid-404');
    const body = (await res.json()) as Json;
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('/no/such/route');
  });

  it('turns a thrown error into a JSON 500 with the request id, and logs the stack', async () => {
    const { app, lines, text } = appWith(upProbe);
    app.get('/boom', () => {
      throw new Error('kaboom INTERNALDETAIL');
    });
    const res = await app.request('/boom', { headers: { 'x-request-id': 'rid-500' } });
    expect(res.status).toBe(500);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('rid-500');
    const bodyText = await res.text();
    expect(bodyText).not.toContain('INTERNALDETAIL');
    expect(JSON.parse(bodyText)).toEqual({
      error: { code: 'internal', message: 'internal error', requestId: 'rid-500' },
    });
    const errLine = lines().find((l) => l.msg === 'unhandled error');
    expect(errLine?.level).toBe(50);
    expect(errLine?.requestId).toBe('rid-500');
    expect(errLine?.err.stack).toContain('kaboom');
    expect(lines().find((l) => l.msg === 'request')?.status).toBe(500);
    expect(text()).toContain('app-health.test.ts'); // the stack points at the throw site
  });

  it('keeps the status of an HTTPException below 500', async () => {
    const { app, lines } = appWith(upProbe);
    app.get('/secret', () => {
      throw new HTTPException(401, { message: 'missing token' });
    });
    const res = await app.request('/secret');
    expect(res.status).toBe(401);
    const body = (await res.json()) as Json;
    expect(body.error).toMatchObject({ code: 'unauthorized', message: 'missing token' });
    expect(body.error.requestId).toMatch(UUID);
    expect(lines().some((l) => l.msg === 'unhandled error')).toBe(false);
  });

  it('adds the request id even to immutable responses', async () => {
    const { app } = appWith(upProbe);
    app.get('/redirect', () => Response.redirect('https://example.com/', 302));
    const res = await app.request('/redirect', { headers: { 'x-request-id': 'rid-302' } });
    expect(res.status).toBe(302);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('rid-302');
  });

  it('api/app.ts and api/health.ts import nothing Node-only (they must run on Workers)', async () => {
    for (const f of ['../../api/app.ts', '../../api/health.ts']) {
      const src = await readFile(new URL(f, import.meta.url), 'utf8');
      expect(src).not.toMatch(/from ['"](node:|fs|path|os|http|net|crypto)['"/]/);
      expect(src).not.toMatch(/@hono\/node-server|\bprocess\./);
    }
  });
});

describe('startServer', () => {
  it('serves the app on a real port and closes', async () => {
    const { app, lines } = appWith(upProbe);
    const server = await startServer(app, { port: 0, host: '127.0.0.1' }, capturedLogger().logger);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      const res = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'over-tcp' } });
      expect(res.status).toBe(200);
      expect(res.headers.get(REQUEST_ID_HEADER)).toBe('over-tcp');
      expect(((await res.json()) as Record<string, unknown>).status).toBe('ok');
      expect(lines().some((l) => l.requestId === 'over-tcp')).toBe(true);
    } finally {
      await server.close(1000);
    }
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    await server.close(); // idempotent
  });

  it('rejects when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { app } = appWith(upProbe);
      await expect(startServer(app, { port, host: '127.0.0.1' }, capturedLogger().logger)).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});

describe('onShutdown', () => {
  it('takes the same signal relayed within 100 ms (npm, tsx, the process group) as the first one', async () => {
    const before = new Set(process.listeners('SIGINT'));
    const exits: number[] = [];
    const clock = new ManualClock();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const off = onShutdown(() => gate, { exit: (code) => void exits.push(code), timeoutMs: 5000, clock });
    const handler = process.listeners('SIGINT').find((l) => !before.has(l)) as (signal: string) => void;
    try {
      handler('SIGINT');
      clock.advance(1);
      handler('SIGINT'); // the same Ctrl-C, relayed
      expect(exits).toEqual([]);
      clock.advance(2000);
      handler('SIGINT'); // a person pressing it again: out at once
      expect(exits).toEqual([1]);
      release();
      await new Promise((r) => setTimeout(r, 20));
      expect(exits).toEqual([1, 0]);
    } finally {
      off();
    }
  });

  it('runs handlers once, last registered first, then exits; a second signal forces exit 1', async () => {
    const before = new Set(process.listeners('SIGTERM'));
    const calls: string[] = [];
    const exits: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const options = { exit: (code: number) => void exits.push(code), timeoutMs: 5000 };
    const offA = onShutdown(async (signal) => {
      calls.push(`db:${signal}`);
    }, options);
    const offB = onShutdown(async (signal) => {
      calls.push(`http:${signal}`);
      await gate;
    }, options);
    const ours = process.listeners('SIGTERM').filter((l) => !before.has(l));
    expect(ours).toHaveLength(1);
    expect(process.listeners('SIGINT').filter((l) => l === ours[0])).toHaveLength(1);
    const handler = ours[0] as (signal: string) => void;
    try {
      handler('SIGTERM');
      handler('SIGINT'); // arrives while the first shutdown is still running
      expect(exits).toEqual([1]);
      release();
      await new Promise((r) => setTimeout(r, 20));
      expect(calls).toEqual(['http:SIGTERM', 'db:SIGTERM']);
      expect(exits).toEqual([1, 0]);
    } finally {
      offA();
      offB();
    }
  });
});
