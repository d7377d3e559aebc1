// The omnihub command line, run in-process against a temporary embedded database (and once
// as a child process): keys, channels (against the Shopify simulator on a local port), sync
// with paging, and the inventory import that applies everything or nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../api/cli/commands/server.ts';
import { cliContext } from '../../api/cli/io.ts';
import { runCli } from '../../api/cli/run.ts';
import { serveSimulator } from '../../connectors/shopify/simulator/serve.ts';
import { hashApiKey } from '../../core/auth/api-keys.ts';
import { formatSecretKey, generateSecretKey } from '../../core/crypto/secrets.ts';
import { openDatabase } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { draft } from '../support/drafts.ts';

const SHOP = 'cli-test.myshopify.com';

interface Run {
  code: number | 'running';
  out: string;
  err: string;
}

describe('omnihub CLI on an embedded database', () => {
  let dir: string;
  let env: Record<string, string>;
  let served: Awaited<ReturnType<typeof serveSimulator>>;

  async function cli(...argv: string[]): Promise<Run> {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t), isTTY: false },
      env,
    });
    return { code, out, err };
  }

  async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
    const db = await openDatabase({ dataDir: join(dir, 'data') });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omnihub-cli-'));
    env = {
      OMNIHUB_DATA_DIR: join(dir, 'data'),
      OMNIHUB_SECRET_KEY: formatSecretKey(generateSecretKey()),
      LOG_LEVEL: 'silent',
    };
    served = await serveSimulator({ shop: SHOP, accessToken: 'shpat_cli', apiSecret: 'whsec', port: 0 });
    for (let i = 0; i < 5; i++) {
      await served.sim.placeOrder({ lines: [{ sku: 'TEE', quantity: 1, price: 1000 }], email: `c${i}@example.com` });
    }
  });
  afterAll(async () => {
    await served?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates a new data directory, then finds it up to date', async () => {
    const first = await cli('migrate');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/applied \d+ migration\(s\) to the embedded database/);
    expect((await cli('migrate')).out).toMatch(/is up to date/);
  });

  it('sets the channel app credentials encrypted and shows only their names', async () => {
    expect(await cli('channels', 'app-show', '--type', 'pos')).toMatchObject({
      code: 1,
      err: expect.stringContaining('omnihub channels app-set --type pos'),
    });
    const set = await cli('channels', 'app-set', '--type', 'pos', '--credential', 'signatureKey=sq-app-secret-1');
    expect(set.code, set.err).toBe(0);
    expect(set.err).toContain('/webhooks/channel/pos');
    const shown = await cli('channels', 'app-show', '--type', 'pos');
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^pos {2}signatureKey {2}set/);
    expect(shown.out + shown.err).not.toContain('sq-app-secret-1');
    const row = await withDb((db) => db.prisma.channelApp.findUniqueOrThrow({ where: { type: 'pos' } }));
    expect(row.credentialsEnc).not.toContain('sq-app-secret-1');
    const blank = await cli('channels', 'app-set', '--type', 'pos', '--credential', 'signatureKey=');
    expect(blank).toMatchObject({ code: 2, err: expect.stringContaining('--credential signatureKey=…') });
  });

  it('prints help for every command and names the fix for mistakes', async () => {
    for (const cmd of [
      ['start'],
      ['migrate'],

      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
      ['channels', 'add'],
      ['channels', 'list'],
      ['channels', 'test'],
      ['channels', 'app-set'],
      ['channels', 'app-show'],
      ['sync'],
      ['inventory', 'import'],
      ['bins', 'import'],
    ]) {
      const r = await cli(...cmd, '--help');
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.out).toContain(`Usage: omnihub ${cmd.join(' ')}`);
    }
    expect((await cli('--help')).out).toContain('inventory import');
    expect((await cli('--help')).out).toContain('bins import');
    const unknown = await cli('frobnicate');
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining('omnihub --help') });
    const missing = await cli('keys', 'create', '--role', 'admin');
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('missing --name') });
    const badConfig = await runCli(['migrate'], {
      stdout: { write: () => 0 },
      stderr: { write: (t: string) => (unknown.err = t) },
      env: { ...env, PORT: 'abc' },
    });
    expect(badConfig).toBe(3);
    expect(unknown.err).toContain('PORT: must be an integer');
  });

  it('says when the demo is not available', async () => {
    let err = '';
    const ctx = cliContext({ stdout: { write: () => 0 }, stderr: { write: (t: string) => (err += t) }, env });
    expect(await runDemo(ctx, [], join(dir, 'no-demo.ts'))).toBe(4);
    expect(err).toContain('not available');
    let out = '';
    const help = cliContext({ stdout: { write: (t: string) => (out += t) }, stderr: { write: () => 0 }, env });
    expect(await runDemo(help, ['--help'], join(dir, 'no-demo.ts'))).toBe(0);
    expect(out).toContain('Usage: omnihub demo');
  });

  it('creates keys: printed once on stdout, stored as a hash; staff keys need a store', async () => {
    const r = await cli('keys', 'create', '--role', 'admin', '--name', 'ops');
    expect(r.code).toBe(0);
    const key = r.out.trim();
    expect(key).toMatch(/^ohk_[a-z2-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(r.err).toContain('shown this once');
    await withDb(async (db) => {
      const row = await db.prisma.apiKey.findFirstOrThrow({ where: { name: 'ops' } });
      expect(row.keyHash).toBe(await hashApiKey(key));
      await db.prisma.location.create({
        data: { id: 'store-1', code: 'S1', name: 'Store', kind: 'store', pickupEnabled: true },
      });
      await db.prisma.location.create({ data: { id: 'wh', code: 'WH', name: 'Warehouse', kind: 'warehouse' } });
      await db.prisma.sku.create({ data: { id: 'sku-tee', code: 'TEE', title: 'Tee' } });
      await db.prisma.sku.create({ data: { id: 'sku-cap', code: 'CAP', title: 'Cap' } });
    });
    expect((await cli('keys', 'create', '--role', 'staff', '--name', 'x')).err).toContain(
      'needs at least one --location',
    );
    const wh = await cli('keys', 'create', '--role', 'staff', '--name', 'x', '--location', 'wh');
    expect(wh).toMatchObject({ code: 2, err: expect.stringContaining('staff keys are for stores') });
    const staff = await cli('keys', 'create', '--role', 'staff', '--name', 'counter', '--location', 'store-1');
    expect(staff.code).toBe(0);
    const list = await cli('keys', 'list');
    expect(list.out).toContain('counter');
    expect(list.out).not.toContain(key);
    const id = list.out
      .split('\n')
      .find((l) => l.includes('counter'))
      ?.split('  ')[0] as string;
    expect((await cli('keys', 'revoke', id)).code).toBe(0);
    expect((await cli('keys', 'list')).out).toMatch(/revoked.*counter/);
    expect((await cli('keys', 'revoke', 'nope')).code).toBe(2);
  });

  it('adds a channel account, lists it and tests its credentials', async () => {
    const add = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'CLI shop',
      '--id',
      'cli-shop',
      '--credential',
      `shop=${SHOP}`,
      '--credential',
      'accessToken=shpat_cli',
      '--credential',
      'apiSecretKey=whsec',
      '--setting',
      'pollPageSize=2',
      '--endpoint',
      served.url,
      '--location',
      'wh=gid://shopify/Location/1',
    );
    expect(add.code, add.err).toBe(0);
    expect(add.out.trim()).toBe('cli-shop');
    const list = await cli('channels', 'list');
    expect(list.out).toMatch(/cli-shop\s+shopify\s+active\s+\/webhooks\/cli-shop\s+CLI shop/);
    expect(list.out).not.toContain('shpat_cli');
    const test = await cli('channels', 'test', 'cli-shop');
    expect(test).toMatchObject({ code: 0, out: expect.stringContaining(`ok: Simulated shop (${SHOP}`) });

    const wrong = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'Wrong',
      '--id',
      'wrong',
      '--credential',
      `shop=https://${SHOP.toUpperCase()}/admin`,
      '--credential',
      'accessToken=nope',
      '--credential',
      'apiSecretKey=whsec',
      '--endpoint',
      served.url,
    );
    // Stored as the shop's domain, so the test reaches the simulator (and fails on the token alone).
    expect(wrong.code, wrong.err).toBe(0);
    expect(wrong.err).toContain(`warning: account "CLI shop" (cli-shop) already points at ${SHOP}`);
    expect((await cli('channels', 'test', 'wrong')).err).toMatch(/^failed: unauthorized/);
    expect((await cli('channels', 'test', 'nope')).err).toContain('unknown account nope; see omnihub channels list');
    // An eBay seller: its notifications are the application's, at one address for the type.
    const ebay = await cli(
      'channels',
      'add',
      '--type',
      'ebay',
      '--name',
      'CLI seller',
      '--id',
      'cli-ebay',
      '--credential',
      'refreshToken=v^1.1#r',
      '--credential',
      'clientId=app-id',
      '--credential',
      'clientSecret=app-secret',
      '--credential',
      'sellerUsername=cli_seller',
    );
    expect(ebay.code, ebay.err).toBe(0);
    expect(ebay.err).toContain('/webhooks/channel/ebay');
    expect((await cli('channels', 'list')).out).toMatch(
      /cli-ebay\s+ebay\s+active\s+\/webhooks\/channel\/ebay\s+CLI seller/,
    );
    const creds = ['--credential', `shop=${SHOP}`, '--credential', 'accessToken=t', '--credential', 'apiSecretKey=s'];
    expect((await cli('channels', 'add', '--type', 'shopify', '--name', 'CLI shop', ...creds)).err).toContain(
      'already exists',
    );
    const endpoint = await cli('channels', 'add', '--type', 'shopify', '--name', 'z', ...creds, '--endpoint', 'nope');
    expect(endpoint.err).toMatch(/--endpoint: /);
    const custom = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'z',
      ...creds.slice(2),
      '--credential',
      'shop=shop.example.com',
    );
    expect(custom).toMatchObject({
      code: 2,
      err: expect.stringContaining("--credential shop=…: must be the shop's myshopify.com domain"),
    });
    const noToken = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'z',
      ...creds.slice(0, 2),
      ...creds.slice(4),
    );
    expect(noToken.err).toContain('--credential accessToken=…: required');
    const tested = await cli(
      'channels',
      'add',
      '--type',
      'shopify',
      '--name',
      'z',
      '--id',
      'tested',
      ...creds,
      '--endpoint',
      served.url,
      '--test',
    );
    expect(tested).toMatchObject({ code: 1, err: expect.stringContaining('nothing was stored') });
    expect((await cli('channels', 'list')).out).not.toContain('tested');
    expect((await cli('channels', 'add', '--type', 'shopify', '--name', 'z', '--credential', 'oops')).err).toContain(
      'key=value',
    );
  });

  it('syncs orders page by page into the inbox, once', async () => {
    const r = await cli('sync', 'cli-shop');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^5 new event\(s\) stored in the inbox/);
    // Not a TTY: one plain line per page, then a summary.
    const pageLines = r.err.split('\n').filter((l) => /^sync cli-shop: \d+ page/.test(l));
    expect(pageLines.length).toBeGreaterThanOrEqual(3);
    expect(r.err).toMatch(/sync cli-shop: done/);
    await withDb(async (db) => {
      expect(await db.prisma.inboxEvent.count({ where: { accountId: 'cli-shop', topic: 'orders/snapshot' } })).toBe(5);
      expect((await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'cli-shop' } })).cursor).not.toBeNull();
    });
    const again = await cli('sync', 'cli-shop');
    expect(again.out).toMatch(/^0 new event/);
    expect((await cli('sync', 'nope')).code).toBe(2);
  });

  it('imports a good stock file in one go, every change a ledger movement', async () => {
    const file = join(dir, 'good.csv');
    await writeFile(file, 'sku,location,on_hand,safety_stock\nTEE,wh,12,2\nTEE,S1,3,\nCAP,wh,0,\n');
    const r = await cli('inventory', 'import', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('applied 3 row(s)');
    expect(r.err).toMatch(/import good\.csv: done/);
    await withDb(async (db) => {
      const levels = await db.prisma.inventoryLevel.findMany({ orderBy: [{ skuId: 'asc' }, { locationId: 'asc' }] });
      expect(levels.map((l) => [l.skuId, l.locationId, l.onHand, l.safetyStock])).toEqual([
        ['sku-cap', 'wh', 0, 0],
        ['sku-tee', 'store-1', 3, 0],
        ['sku-tee', 'wh', 12, 2],
      ]);
      const moves = await db.prisma.inventoryMovement.findMany({ orderBy: { id: 'asc' } });
      expect(moves.map((m) => [m.skuId, m.locationId, m.onHandDelta, m.actor])).toEqual([
        ['sku-tee', 'wh', 12, 'cli:inventory-import'],
        ['sku-tee', 'store-1', 3, 'cli:inventory-import'],
      ]);
      expect(moves[0]?.reference).toBe('import:good.csv:2');
    });
  });

  it('applies nothing when one row is bad, and names the row', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'sku,location,on_hand\nTEE,wh,20\nCAP,wh,many\nMUG,wh,1\nTEE,S1,5\nTEE,WH,4\n');
    const r = await cli('inventory', 'import', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('3 bad row(s); nothing was applied');
    expect(r.err).toContain('line 3: on_hand must be a whole number ≥ 0 (got "many")');
    expect(r.err).toContain('line 4: unknown SKU "MUG"');
    expect(r.err).toContain('line 6: same SKU and location as line 2');
    await withDb(async (db) => {
      const tee = await db.prisma.inventoryLevel.findUniqueOrThrow({
        where: { skuId_locationId: { skuId: 'sku-tee', locationId: 'wh' } },
      });
      expect(tee.onHand).toBe(12);
      const s1 = await db.prisma.inventoryLevel.findUniqueOrThrow({
        where: { skuId_locationId: { skuId: 'sku-tee', locationId: 'store-1' } },
      });
      expect(s1.onHand).toBe(3);
    });
    expect(r.err.split('\n').filter((l) => l.startsWith('  line '))).toHaveLength(3);
  });

  it('refuses a count below what orders hold, and a file without the header', async () => {
    await withDb(async (db) => {
      await db.prisma.channelLocation.deleteMany({ where: { accountId: 'cli-shop' } });
      await db.prisma.channelLocation.create({ data: { accountId: 'cli-shop', locationId: 'wh', priority: 0 } });
      await ingestOrder(db.prisma, 'cli-shop', draft('R-1', [{ sku: 'TEE', quantity: 5 }]));
    });
    const file = join(dir, 'low.csv');
    await writeFile(file, 'sku,location,on_hand\nTEE,S1,9\nTEE,wh,4\n');
    const low = await cli('inventory', 'import', file);
    expect(low.code).toBe(2);
    expect(low.err).toContain('line 3: on_hand 4 is below the 5 unit(s) reserved for orders there');
    await withDb(async (db) => {
      const s1 = await db.prisma.inventoryLevel.findUniqueOrThrow({
        where: { skuId_locationId: { skuId: 'sku-tee', locationId: 'store-1' } },
      });
      expect(s1.onHand).toBe(3);
    });
    const noHeader = join(dir, 'noheader.csv');
    await writeFile(noHeader, 'TEE,wh,3\n');
    expect((await cli('inventory', 'import', noHeader)).err).toContain(
      'the first line must be the header "sku,location,on_hand"',
    );
    expect((await cli('inventory', 'import', join(dir, 'missing.csv'))).err).toContain('cannot read');
    const dry = await cli('inventory', 'import', '--dry-run', join(dir, 'good.csv'));
    expect(dry).toMatchObject({ code: 0, out: expect.stringContaining('3 row(s) are valid; nothing was applied') });
  });

  it('imports bins: sets, clears, and gives a SKU with no stock record there one with nothing on hand', async () => {
    const bin = (db: Awaited<ReturnType<typeof openDatabase>>, skuId: string, locationId: string) =>
      db.prisma.inventoryLevel.findUnique({ where: { skuId_locationId: { skuId, locationId } } });
    const file = join(dir, 'bins.csv');
    await writeFile(file, 'sku,location,bin\nTEE,WH,A-03-2\n"CAP",wh," B-01 "\nTEE,S1,\nCAP,S1,C-1\n');
    const r = await cli('bins', 'import', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('bins.csv: 4 row(s), 3 bin(s) changed');
    await withDb(async (db) => {
      expect(await bin(db, 'sku-tee', 'wh')).toMatchObject({ bin: 'A-03-2', onHand: 12 });
      expect(await bin(db, 'sku-cap', 'wh')).toMatchObject({ bin: 'B-01' });
      expect(await bin(db, 'sku-tee', 'store-1')).toMatchObject({ bin: null, onHand: 3 });
      expect(await bin(db, 'sku-cap', 'store-1')).toMatchObject({ bin: 'C-1', onHand: 0, reserved: 0 });
      const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'inventory.bins_imported' } });
      expect(audit).toMatchObject({ actor: 'cli:bins-import', entityId: 'import:bins.csv' });
    });
    const clear = join(dir, 'clear-bins.csv');
    await writeFile(clear, 'sku,location,bin\nCAP,wh,\n');
    expect((await cli('bins', 'import', clear)).out).toContain('1 row(s), 1 bin(s) changed');
    await withDb(async (db) => expect((await bin(db, 'sku-cap', 'wh'))?.bin).toBeNull());
  });

  it('changes no bin when one row is bad, naming each line and field', async () => {
    const file = join(dir, 'bad-bins.csv');
    const long = 'X'.repeat(33);
    await writeFile(
      file,
      `sku,location,bin\nTEE,wh,C-9\nMUG,wh,X\nCAP,nowhere,Y\nCAP,wh,${long}\nTEE,WH,Z\n,wh,Q\nCAP,S1\n`,
    );
    const r = await cli('bins', 'import', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad-bins.csv: 6 bad row(s); nothing was changed');
    for (const line of [
      'line 3: sku: unknown SKU "MUG"',
      'line 4: location: unknown location "nowhere"',
      'line 5: bin: at most 32 characters (got 33)',
      'line 6: sku, location: same SKU and location as line 2',
      'line 7: sku: empty',
      'line 8: expected 3 columns, found 2',
    ]) {
      expect(r.err).toContain(line);
    }
    await withDb(async (db) => {
      const tee = await db.prisma.inventoryLevel.findUniqueOrThrow({
        where: { skuId_locationId: { skuId: 'sku-tee', locationId: 'wh' } },
      });
      expect(tee.bin).toBe('A-03-2');
      expect(await db.prisma.auditLog.count({ where: { action: 'inventory.bins_imported' } })).toBe(2);
    });
    const noHeader = join(dir, 'bins-noheader.csv');
    await writeFile(noHeader, 'sku,location,on_hand\nTEE,wh,3\n');
    expect(await cli('bins', 'import', noHeader)).toMatchObject({
      code: 2,
      err: expect.stringContaining('the first line must be the header "sku,location,bin"'),
    });
    const dry = await cli('bins', 'import', '--dry-run', join(dir, 'bins.csv'));
    expect(dry).toMatchObject({ code: 0, out: expect.stringContaining('4 row(s) are valid; nothing was changed') });
  });

  it('runs as a child process with exit codes', async () => {
    const run = promisify(execFile);
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const ok = await run(tsx, ['api/cli/main.ts', 'keys', 'list'], { env: { ...process.env, ...env } });
    expect(ok.stdout).toContain('ops');
    const bad = await run(tsx, ['api/cli/main.ts', 'keys', 'create', '--role', 'x'], {
      env: { ...process.env, ...env },
    }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role must be one of admin, staff, readonly');
  });
});
