// The merchant's logo on documents: set once (PNG or JPEG, checked by its bytes), printed on
// every document issued afterwards — read back with poppler's pdfimages — and removable.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { type DocumentDeps, issueInvoice, issueOrderConfirmation } from '../../core/documents/issue.ts';
import { readMerchantSettings, setMerchantSettings } from '../../core/documents/merchant.ts';
import { seedDocumentAccount, seedMerchant, seedOrder } from './helpers.ts';

/** A 3 × 2 pixel PNG (RGB), made for this test. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGM4IScHQQxwFgBBAAYZPEVBlgAAAABJRU5ErkJggg==',
  'base64',
);

/** The images of a PDF as poppler lists them: [width, height] of each. */
async function images(pdf: Uint8Array): Promise<[number, number][]> {
  const dir = await mkdtemp(join(tmpdir(), 'omnihub-logo-'));
  try {
    const file = join(dir, 'doc.pdf');
    await writeFile(file, pdf);
    const { stdout } = await promisify(execFile)('pdfimages', ['-list', file]);
    // Two header lines, then: page num type width height …
    return stdout
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(/\s+/))
      .map((c) => [Number(c[3]), Number(c[4])] as [number, number]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the merchant's logo on documents", () => {
  let db: Database;
  let deps: DocumentDeps;
  let account: string;
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    deps = { prisma: db.prisma, store: databaseStore(db.prisma), clock };
    await seedMerchant(db.prisma);
    account = await seedDocumentAccount(db.prisma);
  }, 60_000);
  afterAll(() => db?.close());

  const order = () =>
    seedOrder(db.prisma, account, {
      currency: 'EUR',
      lines: [{ title: 'Mug', quantity: 1, unitPrice: 1190, taxLines: [{ title: 'VAT', rate: '0.19', amount: 190 }] }],
    });
  const pdfOf = async (id: string) => (await deps.store.get(id)) ?? new Uint8Array();

  it('is printed on every document issued once it is set, and on none after it is removed', async () => {
    const before = await issueInvoice(deps, (await order()).id);
    expect(await images(await pdfOf(before.document.id))).toEqual([]);

    await setMerchantSettings(db.prisma, { name: 'Müller & Söhne GmbH', logo: PNG });
    const o = await order();
    const invoice = await issueInvoice(deps, o.id);
    const confirmation = await issueOrderConfirmation(deps, o.id);
    expect(await images(await pdfOf(invoice.document.id))).toEqual([[3, 2]]);
    expect(await images(await pdfOf(confirmation.document.id))).toEqual([[3, 2]]);

    await setMerchantSettings(db.prisma, { name: 'Müller & Söhne GmbH', logo: null });
    const after = await issueInvoice(deps, (await order()).id);
    expect(await images(await pdfOf(after.document.id))).toEqual([]);
  });

  it('refuses what is not a PNG or JPEG, and keeps the logo it had', async () => {
    await setMerchantSettings(db.prisma, { name: 'Müller & Söhne GmbH', logo: PNG });
    await expect(
      setMerchantSettings(db.prisma, { name: 'Müller & Söhne GmbH', logo: new TextEncoder().encode('<svg/>') }),
    ).rejects.toThrow(/PNG or JPEG/);
    const kept = await readMerchantSettings(db.prisma);
    expect([kept?.logoType, Buffer.from(kept?.logo ?? []).equals(PNG)]).toEqual(['image/png', true]);
  });
});
