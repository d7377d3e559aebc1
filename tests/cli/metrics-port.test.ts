// OMNIHUB_METRICS_PORT: a `--role worker` process (real, node + tsx) serves GET /metrics on a
// port of its own, without a token: its own registry (the counters its jobs keep) and the
// deployment-wide gauges (orders by channel and status, queue depths read from Redis), here
// after a till order stored by an api process was applied by the worker.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTillSimulator } from '../../connectors/pos-webhook/simulator/index.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { systemClock } from '../../core/clock.ts';
import { formatSecretKey, generateSecretKey } from '../../core/crypto/secrets.ts';
import { openDatabase } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { startOwnRedis, type OwnRedis } from '../drill/own-redis.ts';
import { createPostgresCopy, postgresTemplateUrl } from '../support/databases.ts';
import { freePort } from '../support/free-port.ts';

const TILL = 'till';
const SECRET = 'till-secret-0123456789abcdef0123456789';
const ADMIN = 'admin-token-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const metric = (text: string, line: string) => {
  const m = new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

const template = postgresTemplateUrl();

describe.skipIf(!template)('a worker process serves /metrics on OMNIHUB_METRICS_PORT', () => {
  const procs: ChildProcess[] = [];
  let log = '';
  let redis: OwnRedis;
  let env: Record<string, string>;

  const start = async (role: string, more: Record<string, string>) => {
    const port = await freePort();
    const p = spawn(process.execPath, ['--import', 'tsx', join('api', 'cli', 'main.ts'), 'start', '--role', role], {
      env: { ...process.env, ...env, ...more, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    procs.push(p);
    p.stdout?.on('data', (d) => (log += String(d)));
    p.stderr?.on('data', (d) => (log += String(d)));
    const url = `http://127.0.0.1:${port}`;
    await until(
      `${role} /health`,
      async () => {
        if (p.exitCode !== null) throw new Error(`${role} exited: ${log}`);
        return (await fetch(`${url}/health`)).ok;
      },
      120_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}\n${log}`);
    });
    return url;
  };

  beforeAll(async () => {
    const dbUrl = await createPostgresCopy(template as string);
    const secretKey = generateSecretKey();
    const db = await openDatabase({ url: dbUrl, migrate: false });
    try {
      await db.prisma.location.create({ data: { id: 'store', code: 'ST1', name: 'High Street', kind: 'store' } });
      await db.prisma.sku.create({ data: { id: 'tee', code: 'TEE', title: 'Tee' } });
      await adjust(db.prisma, 'tee', 'store', 1, 'receipt');
      await createAccount(db.prisma, secretKey, {
        id: TILL,
        type: 'pos',
        name: 'High Street till',
        credentials: { signingSecret: SECRET },
      });
      await db.prisma.channelLocation.create({
        data: { accountId: TILL, locationId: 'store', priority: 0, externalLocationId: 'store-1' },
      });
    } finally {
      await db.close();
    }
    redis = await startOwnRedis('/dev/null');
    env = {
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      OMNIHUB_SECRET_KEY: formatSecretKey(secretKey),
      OMNIHUB_ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'warn',
    };
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await redis?.stop();
  });

  it('shows its registry, the orders by channel and status and the job queue depths, without a token', async () => {
    const metricsPort = await freePort();
    const [apiUrl, workerUrl] = await Promise.all([
      start('api', {}),
      start('worker', { OMNIHUB_METRICS_PORT: String(metricsPort) }),
    ]);
    const till = createTillSimulator({
      webhookUrl: `${apiUrl}/webhooks/${TILL}`,
      secret: SECRET,
      location: 'store-1',
      clock: systemClock,
      send: (req) => fetch(req),
    });
    const [d] = await till.deliveryOrder(
      [{ sku: 'TEE', quantity: 2 }],
      { line1: '1 High Street', city: 'London', countryCode: 'GB' },
      { receipt: 'R-1' },
    );
    expect(d?.status, JSON.stringify(d?.body)).toBe(200);

    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    let last = '';
    const text = await until('the worker to show the till order', async () => {
      last = await scrape();
      return metric(last, 'omnihub_orders_total{channel="pos"}') === 1 ? last : null;
    }).catch((e) => {
      throw new Error(`${(e as Error).message}; last scrape:\n${last}\n${log}`);
    });
    expect(metric(text, 'omnihub_orders_by_status{status="on_hold"}')).toBe(1);
    expect(metric(text, 'omnihub_db_metrics_up')).toBe(1);
    // The job queues' depths, read from Redis by the worker itself.
    expect(metric(text, 'omnihub_metrics_probe_up{probe="queues"}')).toBe(1);
    expect(metric(text, 'omnihub_queue_depth{queue="inbox.process"}')).not.toBeNull();
    // The process's own registry is rendered too (the counters its jobs keep).
    expect(text).toContain('# TYPE omnihub_stock_push_duration_seconds histogram');
    // The worker's main port still answers /health only; the metrics port /metrics only.
    expect((await fetch(`${workerUrl}/metrics`)).status).toBe(404);
    const other = await fetch(`http://127.0.0.1:${metricsPort}/api/v1/orders`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: 'not_found' });
  }, 240_000);
});
