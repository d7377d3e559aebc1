// omnihub merchant set: the merchant's details, e-invoice address and logo from the command
// line; a logo file that is not a PNG or JPEG, or cannot be read, is refused with a message
// naming the fix and changes nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../api/cli/run.ts';
import { openDatabase } from '../../core/db/database.ts';
import { readMerchantSettings } from '../../core/documents/merchant.ts';

/** A 3 × 2 pixel PNG (RGB), made for these tests. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGM4IScHQQxwFgBBAAYZPEVBlgAAAABJRU5ErkJggg==',
  'base64',
);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('omnihub merchant set', () => {
  it('stores the details and the logo; refuses an SVG and an unreadable file, keeping what was set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omnihub-merchant-'));
    dirs.push(dir);
    const env = { OMNIHUB_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' };
    const cli = async (...argv: string[]) => {
      let out = '';
      let err = '';
      const code = await runCli(argv, {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (err += t) },
        env,
      });
      return { code, out, err };
    };
    await writeFile(join(dir, 'logo.png'), PNG);
    await writeFile(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

    const set = await cli(
      'merchant',
      'set',
      '--name',
      'Shop GmbH',
      '--vat-id',
      'DE123456789',
      '--city',
      'Berlin',
      '--postal-code',
      '10115',
      '--logo',
      join(dir, 'logo.png'),
    );
    expect(set).toMatchObject({ code: 0 });
    expect(set.out).toContain('logo image/png');

    const svg = await cli('merchant', 'set', '--name', 'Shop GmbH', '--logo', join(dir, 'logo.svg'));
    expect(svg.code).not.toBe(0);
    expect(svg.err).toMatch(/PNG or JPEG/);
    const missing = await cli('merchant', 'set', '--name', 'Shop GmbH', '--logo', join(dir, 'nope.png'));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/cannot read the logo/);

    const db = await openDatabase({ dataDir: env.OMNIHUB_DATA_DIR });
    try {
      const m = await readMerchantSettings(db.prisma);
      expect([m?.name, m?.vatId, m?.city, m?.postalCode, m?.logoType]).toEqual([
        'Shop GmbH',
        'DE123456789',
        'Berlin',
        '10115',
        'image/png',
      ]);
      expect(Buffer.from(m?.logo ?? []).equals(PNG)).toBe(true);
    } finally {
      await db.close();
    }
  }, 120_000);
});
