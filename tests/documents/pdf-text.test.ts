// Invoices and credit notes read back with pdftotext: the numbers, lines, taxes per rate and
// totals a customer and an auditor read, in EUR (2 decimals), JPY (0) and KWD (3), in German
// and English, with the merchant's name, address and VAT id.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { type DocumentDeps, issueCreditNote, issueInvoice } from '../../core/documents/issue.ts';
import { pdfText, rows, seedDocumentAccount, seedMerchant, seedOrder } from './helpers.ts';

describe('document PDFs as text', () => {
  let db: Database;
  let deps: DocumentDeps;
  let account: string;
  const clock = new ManualClock();
  const year = () => clock.now().getUTCFullYear();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    deps = { prisma: db.prisma, store: databaseStore(db.prisma), clock };
    await seedMerchant(db.prisma);
    account = await seedDocumentAccount(db.prisma);
  }, 60_000);
  afterAll(() => db?.close());

  async function textOf(documentId: string) {
    const bytes = await deps.store.get(documentId);
    if (!bytes) throw new Error('not archived');
    return pdfText(bytes);
  }

  it('EUR invoice in German: lines, tax per rate, shipping tax, totals with comma decimals', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      language: 'de-AT',
      lines: [
        {
          title: 'Kaffeebecher',
          quantity: 2,
          unitPrice: 123456,
          taxLines: [{ title: 'MwSt', rate: '0.19', amount: 46913 }],
        },
        { title: 'Buch', quantity: 1, unitPrice: 1999, taxLines: [{ title: 'MwSt', rate: '0.07', amount: 140 }] },
      ],
      shipping: { price: 499, taxTotal: 95 },
    });
    const { document } = await issueInvoice(deps, order.id);
    expect(document.number).toBe(`INV-${year()}-000001`);
    const text = rows(await textOf(document.id));
    const iso = clock.now().toISOString().slice(0, 10).split('-');
    expect(text).toEqual(
      expect.arrayContaining([
        'Müller & Söhne GmbH',
        'Hauptstraße 1',
        '10115 Berlin',
        'USt-IdNr.: DE123456789',
        `Rechnung INV-${year()}-000001`,
        `Datum: ${iso[2]}.${iso[1]}.${iso[0]}`,
        `Bestellung: ${order.displayNumber}`,
        'Kaffeebecher 2 1.234,56 EUR 2.469,12 EUR',
        'Buch 1 19,99 EUR 19,99 EUR',
        'Zwischensumme 2.489,11 EUR',
        'Versand 4,99 EUR',
        'MwSt 19 % 469,13 EUR',
        'MwSt 7 % 1,40 EUR',
        'USt. auf Versand 0,95 EUR',
        'Gesamtbetrag 2.965,58 EUR',
      ]),
    );
    expect(document.total).toBe(296558n);
  });

  it('JPY invoice in English: no decimals at all', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'JPY',
      language: 'en',
      lines: [
        {
          title: 'Matcha tin',
          quantity: 3,
          unitPrice: 1500,
          taxLines: [{ title: 'Consumption tax', rate: '0.1', amount: 450 }],
        },
      ],
    });
    const { document } = await issueInvoice(deps, order.id);
    const text = rows(await textOf(document.id));
    expect(text).toEqual(
      expect.arrayContaining([
        `Invoice ${document.number}`,
        'VAT ID: DE123456789',
        'Matcha tin 3 1,500 JPY 4,500 JPY',
        'Subtotal 4,500 JPY',
        'Consumption tax 10 % 450 JPY',
        'Total 4,950 JPY',
      ]),
    );
  });

  it('KWD invoice with tax-inclusive prices: three decimals, tax shown and not added; unknown language → English', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'KWD',
      language: 'fr',
      lines: [
        { title: 'Dates box', quantity: 2, unitPrice: 1250, taxLines: [{ title: 'VAT', rate: '0.05', amount: 119 }] },
      ],
      shipping: { price: 750, taxTotal: 0 },
      taxIncluded: true,
    });
    const { document } = await issueInvoice(deps, order.id);
    const text = rows(await textOf(document.id));
    expect(text).toEqual(
      expect.arrayContaining([
        `Invoice ${document.number}`,
        'Dates box 2 1.250 KWD 2.500 KWD',
        'Subtotal 2.500 KWD',
        'Shipping 0.750 KWD',
        'VAT 5 % 0.119 KWD',
        'Total 3.250 KWD',
        'Prices include tax',
      ]),
    );
  });

  it('a credit note for a refund names its invoice, has its own series and credits the returned share', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      language: 'de',
      lines: [
        {
          title: 'Kaffeebecher',
          quantity: 2,
          unitPrice: 123456,
          taxLines: [{ title: 'MwSt', rate: '0.19', amount: 46913 }],
        },
      ],
    });
    const invoice = (await issueInvoice(deps, order.id)).document;
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    await db.prisma.return.create({
      data: { id: 'ret-1', orderId: order.id, lines: [{ orderLineId: line.id, quantity: 1, restock: true }] },
    });
    const { document } = await issueCreditNote(deps, order.id, 'ret-1');
    expect(document.number).toBe(`CN-${year()}-000001`);
    expect(document.refersToId).toBe(invoice.id);
    const text = rows(await textOf(document.id));
    expect(text).toEqual(
      expect.arrayContaining([
        `Gutschrift CN-${year()}-000001`,
        `Korrigiert Rechnung: ${invoice.number}`,
        'Kaffeebecher 1 1.234,56 EUR 1.234,56 EUR',
        // 46913 shared over 2 units: 23457 + 23456, the odd cent to the first share.
        'MwSt 19 % 234,57 EUR',
        'Gesamtbetrag 1.469,13 EUR',
      ]),
    );
    // The same refund again: the same credit note, no second number.
    const again = await issueCreditNote(deps, order.id, 'ret-1');
    expect(again).toMatchObject({ created: false, document: { id: document.id } });
  });

  it('the text is real, embedded text: the fonts are embedded with a Unicode map', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      lines: [{ title: 'Größe ß €', quantity: 1, unitPrice: 100 }],
    });
    const { document } = await issueInvoice(deps, order.id);
    expect(rows(await textOf(document.id))).toContain('Größe ß € 1 1.00 EUR 1.00 EUR');
    // poppler's pdffonts: every font is embedded (emb) and has a Unicode map (uni).
    const dir = await mkdtemp(join(tmpdir(), 'omnihub-fonts-'));
    try {
      await writeFile(join(dir, 'doc.pdf'), (await deps.store.get(document.id)) as Uint8Array);
      const { stdout } = await promisify(execFile)('pdffonts', [join(dir, 'doc.pdf')]);
      const fonts = stdout.split('\n').slice(2).filter(Boolean);
      expect(fonts.length).toBeGreaterThan(0);
      for (const f of fonts) expect(f).toMatch(/DejaVuSans\S* +CID TrueType +Identity-H +yes +(yes|no) +yes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
