// The README's setup order on the embedded database: the hub runs (`npm start`, a real child
// process holding the data directory's lock), then `omnihub channels add`. The CLI must not
// open the database a second time: it goes through the hub's API, so the hub knows the new
// account at once and the shop's first signed webhook is accepted, not a 404. Commands that
// need the database to themselves are refused with what to do.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../api/cli/run.ts';
import { HUB_FILE, readHubFile } from '../../api/hub-file.ts';
import { serveSimulator } from '../../connectors/shopify/simulator/serve.ts';
import { formatSecretKey, generateSecretKey } from '../../core/crypto/secrets.ts';
import { openDatabase } from '../../core/db/database.ts';
import { freePort } from '../support/free-port.ts';

const SHOP = 'cli-hub.myshopify.com';

describe('omnihub CLI while a hub runs on the same embedded database', () => {
  let dir: string;
  let dataDir: string;
  let env: Record<string, string>;
  let hub: ChildProcess;
  let hubUrl: string;
  let served: Awaited<ReturnType<typeof serveSimulator>>;
  let hubLog = '';

  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t), isTTY: false },
      env,
    });
    return { code, out, err };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omnihub-cli-hub-'));
    dataDir = join(dir, 'data');
    env = {
      OMNIHUB_DATA_DIR: dataDir,
      OMNIHUB_SECRET_KEY: formatSecretKey(generateSecretKey()),
      LOG_LEVEL: 'warn',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      // Where the shop reaches the hub: a successful connection test subscribes the webhooks there.
      OMNIHUB_PUBLIC_URL: 'https://hub.example.test',
    };
    served = await serveSimulator({ shop: SHOP, accessToken: 'shpat_hub', apiSecret: 'whsec_hub', port: 0 });
    // The `omnihub` executable (it registers tsx in process, so the pid we hold is the hub's
    // own), started outside the project directory as a service manager would: no tsconfig.json
    // to find there, so the pages' JSX must say its runtime itself (the pragma in each .tsx).
    hub = spawn(process.execPath, [join(process.cwd(), 'api', 'cli', 'bin.mjs'), 'start'], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    hub.stdout?.on('data', (d) => (hubLog += String(d)));
    hub.stderr?.on('data', (d) => (hubLog += String(d)));
    const until = Date.now() + 120_000;
    for (;;) {
      if (hub.exitCode !== null) throw new Error(`the hub exited: ${hubLog}`);
      const file = readHubFile(dataDir, hub.pid);
      if (file) {
        hubUrl = file.url;
        break;
      }
      if (Date.now() > until) throw new Error(`the hub did not start: ${hubLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 130_000);

  afterAll(async () => {
    if (hub && hub.exitCode === null) hub.kill('SIGKILL');
    await served?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves its pages when started outside the project directory', async () => {
    const front = await fetch(`${hubUrl}/`);
    expect(front.status).toBe(200);
    expect(await front.text()).toContain('<html');
    expect((await fetch(`${hubUrl}/staff/login`)).status).toBe(200);
  });

  it('adds a channel through the running hub, which takes its signed webhooks at once', async () => {
    const add = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'Hub shop',
      '--id',
      'hub-shop',
      '--credential',
      'shop=https://CLI-Hub.myshopify.com/',
      '--credential',
      'accessToken=shpat_hub',
      '--credential',
      'apiSecretKey=whsec_hub',
      '--endpoint',
      served.url,
      '--test',
    );
    expect(add.code, add.err).toBe(0);
    expect(add.out.trim()).toBe('hub-shop');
    expect(add.err).toContain(`ok: Simulated shop (${SHOP}`);
    expect(add.err).not.toContain('shpat_hub');
    expect(add.err).toMatch(
      /webhooks at https:\/\/hub\.example\.test\/webhooks\/hub-shop: subscribed (orders|refunds)\/\w+(, (orders|refunds)\/\w+){3}; already there none/,
    );

    served.sim.webhooks.target = `${hubUrl}/webhooks/hub-shop`;
    await served.sim.webhooks.send('orders/create', { id: 9001, updated_at: '2026-11-20T10:00:00Z' });
    expect(served.sim.webhooks.log.map((l) => l.status)).toEqual([200]);

    const list = await cli('channels', 'list');
    expect(list.out).toMatch(/hub-shop\s+shopify\s+active\s+\/webhooks\/hub-shop\s+Hub shop/);
    const test = await cli('channels', 'test', 'hub-shop');
    expect(test).toMatchObject({ code: 0, out: expect.stringContaining(`ok: Simulated shop (${SHOP}`) });
    expect(test.err).toContain(
      'webhooks at https://hub.example.test/webhooks/hub-shop: subscribed none; already there',
    );
    expect((await cli('channels', 'test', 'nope')).err).toContain('unknown account nope');
  });

  it('through the hub too: a second account on the shop is a warning, bad input names the option', async () => {
    const twin = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'Twin',
      '--credential',
      `shop=${SHOP}`,
      '--credential',
      'accessToken=shpat_hub',
      '--credential',
      'apiSecretKey=whsec_hub',
    );
    expect(twin.code, twin.err).toBe(0);
    expect(twin.err).toContain(`warning: account "Hub shop" (hub-shop) already points at ${SHOP}`);
    const noSecret = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'No secret',
      '--credential',
      `shop=${SHOP}`,
      '--credential',
      'accessToken=shpat_hub',
    );
    expect(noSecret.code).toBe(2);
    expect(noSecret.err).toContain('--credential apiSecretKey=…: required');
    const refused = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'Refused',
      '--credential',
      `shop=${SHOP}`,
      '--credential',
      'accessToken=shpat_wrong',
      '--credential',
      'apiSecretKey=whsec_hub',
      '--endpoint',
      served.url,
      '--test',
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('nothing was stored');
    expect((await cli('channels', 'list')).out).not.toContain('Refused');
  });

  it('imports stock through the hub: all rows or none, each a ledger movement', async () => {
    // A newcomer creates the location and the SKU through the API (README), with the hub running.
    const api = async (path: string, body: unknown) => {
      const token = readHubFile(dataDir)?.token as string;
      const res = await fetch(`${hubUrl}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    };
    await api('/locations', { id: 'wh', code: 'WH', name: 'Warehouse', kind: 'warehouse' });
    await api('/skus', { code: 'TEE', title: 'Tee' });
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'sku,location,on_hand\nTEE,WH,12\nMUG,WH,1\n');
    const refused = await cli('inventory', 'import', bad);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('1 bad row(s); nothing was applied');
    expect(refused.err).toContain('line 3: unknown SKU "MUG"');
    const good = join(dir, 'stock.csv');
    await writeFile(good, 'sku,location,on_hand,safety_stock\nTEE,WH,12,2\n');
    const done = await cli('inventory', 'import', good);
    expect(done, done.err).toMatchObject({
      code: 0,
      out: expect.stringContaining('applied 1 row(s), 1 level(s) changed'),
    });
    const again = await cli('inventory', 'import', good);
    expect(again.out).toContain('applied 1 row(s), 0 level(s) changed');
  });

  it('refuses a command that needs the database to itself, naming the hub and the fix', async () => {
    const keys = await cli('keys', 'list');
    expect(keys.code).toBe(5);
    expect(keys.err).toContain(
      `omnihub keys list: a hub is running on this data directory (pid ${hub.pid}, ${hubUrl})`,
    );
    expect(keys.err).toContain('Stop the hub');
    expect(keys.err).toContain(`${hubUrl}/docs`);
  });

  it('leaves nothing behind when the hub stops: the CLI then opens the database itself', async () => {
    const exited = new Promise((r) => hub.once('exit', r));
    hub.kill('SIGTERM');
    await exited;
    expect(existsSync(join(dataDir, HUB_FILE))).toBe(false);
    const list = await cli('channels', 'list');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain('hub-shop');
    // What the hub applied is in the database it left behind.
    const db = await openDatabase({ dataDir });
    try {
      const level = await db.prisma.inventoryLevel.findFirstOrThrow({ where: { locationId: 'wh' } });
      expect([level.onHand, level.safetyStock]).toEqual([12, 2]);
      const moves = await db.prisma.inventoryMovement.findMany({ where: { locationId: 'wh' } });
      expect(moves.map((m) => [m.onHandDelta, m.actor, m.reference])).toEqual([
        [12, 'cli:local', 'import:stock.csv:2'],
      ]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
