// `omnihub start --role`: real api and worker processes (node + tsx, as `npm run omnihub`) on one
// PostgreSQL database and a Redis of the test's own. A till's signed sale stored by the api
// process becomes an order in the worker process. SIGTERM: the api drains (the request in flight
// is answered, new ones and /health get 503 "draining"); a worker finishes the job in hand, or
// hands it back to the queue when the shutdown time runs out; a second SIGTERM exits at once.
// Nothing is lost and nothing is applied twice. A job is held "in flight" by a table lock the
// test takes on orders: the worker's transaction waits on it until the test lets go.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../api/cli/run.ts';
import { createTillSimulator } from '../../connectors/pos-webhook/simulator/index.ts';
import { SIGNATURE_HEADER, signTillBody, TIMESTAMP_HEADER } from '../../connectors/pos-webhook/webhooks.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { systemClock } from '../../core/clock.ts';
import { formatSecretKey, generateSecretKey } from '../../core/crypto/secrets.ts';
import { openDatabase } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { createPostgresCopy, postgresTemplateUrl } from '../support/databases.ts';
import { freePort } from '../support/free-port.ts';

const TILL = 'till';
const SECRET = 'till-secret-0123456789abcdef0123456789';
const STORE = 'store-1';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One `omnihub start --role <role>` child process. */
class Role {
  readonly proc: ChildProcess;
  log = '';
  readonly url: string;
  readonly exited: Promise<number | null>;
  constructor(role: string, port: number, env: Record<string, string>) {
    this.url = `http://127.0.0.1:${port}`;
    // node with tsx as a loader (not the tsx CLI), so the pid we signal is the hub's own.
    this.proc = spawn(process.execPath, ['--import', 'tsx', join('api', 'cli', 'main.ts'), 'start', '--role', role], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout?.on('data', (d) => (this.log += String(d)));
    this.proc.stderr?.on('data', (d) => (this.log += String(d)));
    this.exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
  }
  get running() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  async health(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  async ready(): Promise<this> {
    await until(
      `${this.url} to answer /health (log: ${this.log})`,
      async () => {
        if (!this.running) throw new Error(`exited: ${this.log}`);
        return (await this.health()).status === 200;
      },
      120_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}\n${this.log}`);
    });
    return this;
  }
  /** Resolves with the exit code, or null when it still ran after `ms`. */
  async exitWithin(ms: number): Promise<number | null | 'running'> {
    return Promise.race([this.exited, sleep(ms).then(() => 'running' as const)]);
  }
}

const template = postgresTemplateUrl();

describe('omnihub start --role refuses what one part cannot run on', () => {
  async function start(role: string, env: Record<string, string>) {
    let err = '';
    const code = await runCli(['start', '--role', role], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (err += t) },
      env: { OMNIHUB_DATA_DIR: 'memory://', ...env },
    });
    return { code, err };
  }

  it('names DATABASE_URL and REDIS_URL for api and worker on the embedded database, REDIS_URL alone beside PostgreSQL', async () => {
    for (const role of ['api', 'worker', 'scheduler']) {
      const r = await start(role, {});
      expect(r.code).toBe(3);
      expect(r.err).toContain(`omnihub start --role ${role}`);
      expect(r.err).toContain('the embedded database cannot be shared');
      expect(r.err).toContain('Set DATABASE_URL=postgres://');
      expect(r.err).toContain('REDIS_URL=redis://');
    }
    const noRedis = await start('worker', { DATABASE_URL: 'postgres://u@127.0.0.1:1/none' });
    expect(noRedis.code).toBe(3);
    expect(noRedis.err).toContain('the in-process job queue cannot be shared');
    expect(noRedis.err).not.toContain('DATABASE_URL=');
    expect(noRedis.err).toContain('Set REDIS_URL=redis://');
    expect((await start('cook', {})).code).toBe(2);
  });
});

describe.skipIf(!template)('api and worker processes on one PostgreSQL and Redis', () => {
  let dbUrl: string;
  let redis: ChildProcess;
  let redisUrl: string;
  let env: Record<string, string>;
  let lock: pg.Client;
  let queue: Queue;
  const procs: Role[] = [];
  let api: Role;
  let worker: Role;

  const role = async (name: string, more: Record<string, string> = {}) => {
    const r = new Role(name, await freePort(), { ...env, ...more });
    procs.push(r);
    return r.ready();
  };
  const sql = async (text: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    try {
      return (await c.query(text, params)).rows;
    } finally {
      await c.end();
    }
  };
  const ordersOf = async (receipt: string) =>
    Number(
      (
        await sql('SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND external_id = $2', [TILL, receipt])
      )[0]?.n,
    );
  // One till for the whole file (its event ids must not repeat), posting to the api of the moment.
  const till = createTillSimulator({
    webhookUrl: `http://hub.invalid/webhooks/${TILL}`,
    secret: SECRET,
    location: STORE,
    clock: systemClock,
    send: async (req) =>
      fetch(`${api.url}/webhooks/${TILL}`, { method: 'POST', headers: req.headers, body: await req.arrayBuffer() }),
  });
  const sale = async (receipt: string) => {
    const [d] = await till.sale([{ sku: 'TEE', quantity: 1 }], { receipt });
    expect(d?.status, JSON.stringify(d?.body)).toBe(200);
    expect(d?.body).toMatchObject({ stored: 1 });
  };
  /** The test holds orders locked: a worker's inbox job that gets there waits (is in flight). */
  const holdOrders = async () => {
    lock = new pg.Client({ connectionString: dbUrl });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
  };
  const releaseOrders = async () => {
    await lock.query('COMMIT');
    await lock.end();
  };
  const jobWaitsOnLock = () =>
    until('a worker job waiting on the orders lock', async () => {
      const rows = await sql(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return rows.length > 0;
    });

  beforeAll(async () => {
    dbUrl = await createPostgresCopy(template as string);
    const secretKey = generateSecretKey();
    const db = await openDatabase({ url: dbUrl, migrate: false });
    try {
      await db.prisma.location.create({ data: { id: 'store', code: 'ST1', name: 'High Street', kind: 'store' } });
      await db.prisma.sku.create({ data: { id: 'tee', code: 'TEE', title: 'Tee' } });
      await adjust(db.prisma, 'tee', 'store', 100, 'receipt');
      await createAccount(db.prisma, secretKey, {
        id: TILL,
        type: 'pos',
        name: 'High Street till',
        credentials: { signingSecret: SECRET },
      });
      await db.prisma.channelLocation.create({
        data: { accountId: TILL, locationId: 'store', priority: 0, externalLocationId: STORE },
      });
    } finally {
      await db.close();
    }
    // A Redis of the test's own: the processes use the default queue prefix.
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    redisUrl = `redis://127.0.0.1:${port}`;
    queue = new Queue('inbox.process', { connection: { url: redisUrl }, prefix: 'omnihub' });
    await until('redis', async () => (await queue.getJobCounts()) !== null, 10_000);
    env = {
      DATABASE_URL: dbUrl,
      REDIS_URL: redisUrl,
      OMNIHUB_SECRET_KEY: formatSecretKey(secretKey),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    };
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) if (p.running) p.proc.kill('SIGKILL');
    await lock?.end().catch(() => undefined);
    await queue?.close();
    redis?.kill('SIGKILL');
  });

  it('an api process stores a signed sale and a worker process turns it into an order; /health names the role', async () => {
    const [a, w] = await Promise.all([role('api'), role('worker')]);
    api = a;
    worker = w;
    expect((await a.health()).body).toMatchObject({ status: 'ok', role: 'api', draining: false });
    expect((await w.health()).body).toMatchObject({ status: 'ok', role: 'worker', draining: false });
    // A worker serves /health only: the API lives in the api processes.
    expect((await fetch(`${w.url}/api/v1/orders`)).status).toBe(404);
    await sale('R-1');
    await until('order R-1', async () => (await ordersOf('R-1')) === 1);
  }, 180_000);

  it('a draining api answers the request in flight, refuses new ones with 503 and says so on /health', async () => {
    const raw = JSON.stringify({
      eventId: 'evt-slow',
      kind: 'sale',
      occurredAt: new Date().toISOString(),
      location: STORE,
      receipt: 'R-2',
      currency: 'EUR',
      lines: [{ sku: 'TEE', quantity: 1, unitPrice: 1000, tax: 0, discount: 0 }],
      total: 1000,
    });
    const bytes = Buffer.from(raw);
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = await signTillBody(SECRET, ts, bytes);
    let finish = () => {};
    const slowRest = new Promise<void>((r) => (finish = r));
    // Headers and a few bytes of the body now; the rest after SIGTERM.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${api.url}/webhooks/${TILL}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(bytes.length),
          [TIMESTAMP_HEADER]: ts,
          [SIGNATURE_HEADER]: signature,
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => (body += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(bytes.subarray(0, 10));
      void slowRest.then(() => req.end(bytes.subarray(10)));
    });
    await sleep(300);
    api.proc.kill('SIGTERM');
    const health = await until('a draining /health', async () => {
      const h = await api.health();
      return h.status === 503 ? h : null;
    });
    expect(health.body).toMatchObject({ status: 'draining', role: 'api', draining: true });
    const refused = await fetch(`${api.url}/api/v1/orders`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('draining');
    expect(api.running).toBe(true);
    finish();
    expect(await answer).toMatchObject({ status: 200 });
    expect(await api.exitWithin(20_000)).toBe(0);
    // The worker (still running) makes the order of the delivery the draining api stored.
    await until('order R-2', async () => (await ordersOf('R-2')) === 1);
    api = await role('api');
  }, 180_000);

  it('a SIGTERMed worker finishes the job in hand before it exits', async () => {
    await holdOrders();
    await sale('R-3');
    await jobWaitsOnLock();
    worker.proc.kill('SIGTERM');
    await sleep(1_000);
    expect(worker.running).toBe(true);
    expect((await worker.health()).body).toMatchObject({ status: 'draining', role: 'worker', draining: true });
    await releaseOrders();
    expect(await worker.exitWithin(20_000)).toBe(0);
    expect(await ordersOf('R-3')).toBe(1);
  }, 180_000);

  it('hands back a job still running at the shutdown limit; a second SIGTERM exits at once; nothing lost or doubled', async () => {
    const quick = await role('worker', { OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS: '3' });
    await holdOrders();
    await sale('R-4');
    await jobWaitsOnLock();
    quick.proc.kill('SIGTERM');
    expect(await quick.exitWithin(10_000)).not.toBe('running');
    // Back in the queue for another worker now, not held until its lock expires.
    const counts = await queue.getJobCounts('active', 'wait', 'prioritized');
    expect(counts.active).toBe(0);
    expect((counts.wait ?? 0) + (counts.prioritized ?? 0)).toBe(1);

    // The next worker takes it at once (and waits on the lock); two signals stop it at once.
    const next = await role('worker');
    await until('the handed-back job running', async () => (await queue.getJobCounts('active')).active === 1);
    next.proc.kill('SIGTERM');
    await sleep(500);
    expect(next.running).toBe(true);
    const t0 = Date.now();
    next.proc.kill('SIGTERM');
    expect(await next.exitWithin(5_000)).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5_000);

    await releaseOrders();
    await role('worker');
    await until('order R-4', async () => (await ordersOf('R-4')) === 1);
    await sleep(1_000);
    expect(await Promise.all(['R-1', 'R-2', 'R-3', 'R-4'].map(ordersOf))).toEqual([1, 1, 1, 1]);
  }, 240_000);
});
