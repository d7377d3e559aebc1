// omnihub keys rotate: every account's and channel app's credentials re-encrypted with the new
// key (bound to the same row), in one transaction; a key in use that does not open them all
// refuses and changes nothing; on the embedded database and on PostgreSQL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../api/cli/run.ts';
import { createAccount, loadAccountContext } from '../../core/accounts/accounts.ts';
import { loadAppCredentials, setAppCredentials } from '../../core/accounts/channel-apps.ts';
import { formatSecretKey, generateSecretKey } from '../../core/crypto/secrets.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { loadSmtpSettings, saveSmtpSettings } from '../../core/notifications/settings.ts';
import { ensureStatusToken } from '../../core/status/token.ts';
import { seedOrder } from '../documents/helpers.ts';
import { testDatabases } from '../support/databases.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const SHOP = { shop: 'rotate.myshopify.com', accessToken: 'shpat_rotate', apiSecretKey: 'whsec_rotate' };
const TILL = { signingSecret: 'till-secret-0123456789abcdef0123456789' };
const EBAY_APP = { clientId: 'app-id', clientSecret: 'app-secret', verificationToken: 'v'.repeat(40) };

describe.each(testDatabases())('omnihub keys rotate ($kind)', ({ kind, open }) => {
  /** Where the CLI finds the database: PostgreSQL's URL, or a data directory of its own. */
  async function database(): Promise<{ env: Record<string, string>; db: () => Promise<Database> }> {
    if (kind === 'postgres') {
      const first = await open();
      const url = (first as Database & { url: string }).url;
      await first.close();
      return { env: { DATABASE_URL: url }, db: () => openDatabase({ url, migrate: false }) };
    }
    const dir = await mkdtemp(join(tmpdir(), 'omnihub-rotate-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    return { env: { OMNIHUB_DATA_DIR: dataDir }, db: () => openDatabase({ dataDir }) };
  }

  async function cli(env: Record<string, string>, ...argv: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: { LOG_LEVEL: 'silent', ...env },
    });
    return { code, out, err };
  }

  const hex = formatSecretKey;

  it('re-encrypts every credential with the new key, each bound to its row; the old key opens none', async () => {
    const where = await database();
    const oldKey = generateSecretKey();
    const newKey = generateSecretKey();
    let order = '';
    let link: string | null = null;
    let db = await where.db();
    try {
      await createAccount(db.prisma, oldKey, { id: 'shop', type: 'shopify', name: 'Shop', credentials: SHOP });
      await createAccount(db.prisma, oldKey, { id: 'till', type: 'pos', name: 'Till', credentials: TILL });
      await setAppCredentials(db.prisma, oldKey, 'ebay', EBAY_APP, 'test');
      await saveSmtpSettings(db.prisma, oldKey, {
        host: 'smtp.shop.example',
        port: 587,
        secure: false,
        user: 'orders',
        password: 'smtp-secret',
        from: 'Shop <orders@shop.example>',
        enabled: true,
      });
      order = (
        await seedOrder(db.prisma, 'shop', { currency: 'EUR', lines: [{ title: 'Mug', quantity: 1, unitPrice: 900 }] })
      ).id;
      link = await ensureStatusToken(db.prisma, oldKey, order);
    } finally {
      await db.close();
    }
    const run = await cli(
      { ...where.env, OMNIHUB_SECRET_KEY: hex(oldKey), NEW_KEY: hex(newKey) },
      'keys',
      'rotate',
      '--new-key',
      'env:NEW_KEY',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      're-encrypted the credentials of 2 account(s) and 1 channel app(s), 1 SMTP password(s) and 1 status link(s) with the new key',
    );
    expect(run.out).toContain('Next: set OMNIHUB_SECRET_KEY to the new key (from env:NEW_KEY)');
    expect(run.out).not.toContain(hex(newKey));

    db = await where.db();
    try {
      expect((await loadAccountContext(db.prisma, newKey, 'shop')).credentials).toEqual(SHOP);
      expect((await loadAccountContext(db.prisma, newKey, 'till')).credentials).toEqual(TILL);
      expect(await loadAppCredentials(db.prisma, newKey, 'ebay')).toEqual(EBAY_APP);
      // The SMTP password still works, and the customer's link is the same one, under the new key.
      expect((await loadSmtpSettings(db.prisma, newKey))?.password).toBe('smtp-secret');
      expect(await ensureStatusToken(db.prisma, newKey, order)).toBe(link);
      await expect(loadAccountContext(db.prisma, oldKey, 'shop')).rejects.toThrow(/cannot be decrypted/);
      await expect(loadAppCredentials(db.prisma, oldKey, 'ebay')).rejects.toThrow(/cannot be decrypted/);
    } finally {
      await db.close();
    }

    // Run again with the old key still set: refused, and told the rotation is done.
    const again = await cli(
      { ...where.env, OMNIHUB_SECRET_KEY: hex(oldKey), NEW_KEY: hex(newKey) },
      'keys',
      'rotate',
      '--new-key',
      'env:NEW_KEY',
    );
    expect(again.code).toBe(3);
    expect(again.err).toContain('the rotation was done already. Set OMNIHUB_SECRET_KEY to the new key');

    // From a file, onwards to a third key; the key in use again refused as the "new" one.
    const file = join(await mkdtemp(join(tmpdir(), 'omnihub-newkey-')), 'new.key');
    dirs.push(join(file, '..'));
    const third = generateSecretKey();
    await writeFile(file, `${hex(third)}\n`);
    const same = await cli({ ...where.env, OMNIHUB_SECRET_KEY: hex(third) }, 'keys', 'rotate', '--new-key', file);
    expect(same.code).toBe(2);
    expect(same.err).toContain('that is the key in use');
    const onwards = await cli({ ...where.env, OMNIHUB_SECRET_KEY: hex(newKey) }, 'keys', 'rotate', '--new-key', file);
    expect(onwards.code, onwards.err).toBe(0);
    db = await where.db();
    try {
      expect((await loadAccountContext(db.prisma, third, 'till')).credentials).toEqual(TILL);
    } finally {
      await db.close();
    }
  }, 240_000);

  it('a key in use that does not open every credential refuses, naming them, and changes nothing', async () => {
    const where = await database();
    const oldKey = generateSecretKey();
    let db = await where.db();
    let before: string[];
    try {
      await createAccount(db.prisma, oldKey, { id: 'shop', type: 'shopify', name: 'Shop', credentials: SHOP });
      await createAccount(db.prisma, oldKey, { id: 'till', type: 'pos', name: 'Till', credentials: TILL });
      await setAppCredentials(db.prisma, oldKey, 'ebay', EBAY_APP, 'test');
      // The shop's envelope copied onto the till: bound to another row, it opens with no key.
      const shop = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'shop' } });
      await db.prisma.channelAccount.update({ where: { id: 'till' }, data: { credentialsEnc: shop.credentialsEnc } });
      before = await envelopes(db);
    } finally {
      await db.close();
    }
    const newKey = hex(generateSecretKey());
    const bad = await cli(
      { ...where.env, OMNIHUB_SECRET_KEY: hex(oldKey), NEW_KEY: newKey },
      'keys',
      'rotate',
      '--new-key',
      'env:NEW_KEY',
    );
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('the key in use (OMNIHUB_SECRET_KEY) does not decrypt account till; nothing was changed');
    expect(bad.err).toContain('Set OMNIHUB_SECRET_KEY to the key the hub runs with now (the old key)');
    const wrong = await cli(
      { ...where.env, OMNIHUB_SECRET_KEY: hex(generateSecretKey()), NEW_KEY: newKey },
      'keys',
      'rotate',
      '--new-key',
      'env:NEW_KEY',
    );
    expect(wrong.code).toBe(3);
    expect(wrong.err).toContain('does not decrypt account shop, account till, channel app ebay; nothing was changed');
    db = await where.db();
    try {
      expect(await envelopes(db)).toEqual(before);
      expect((await loadAccountContext(db.prisma, oldKey, 'shop')).credentials).toEqual(SHOP);
    } finally {
      await db.close();
    }
    const missing = await cli(
      { ...where.env, OMNIHUB_SECRET_KEY: hex(oldKey) },
      'keys',
      'rotate',
      '--new-key',
      'env:NOPE',
    );
    expect(missing).toMatchObject({
      code: 2,
      err: expect.stringContaining('the environment variable NOPE is not set'),
    });
  }, 240_000);
});

async function envelopes(db: Database): Promise<string[]> {
  const accounts = await db.prisma.channelAccount.findMany({ orderBy: { id: 'asc' } });
  const apps = await db.prisma.channelApp.findMany({ orderBy: { type: 'asc' } });
  return [
    ...accounts.map((a) => `${a.id}:${a.credentialsVersion}:${a.credentialsEnc}`),
    ...apps.map((a) => a.credentialsEnc),
  ];
}
