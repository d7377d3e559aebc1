// E-invoices judged by the official EN 16931 rules, not by the library that wrote them: every
// invoice and credit note in EUR (2 decimals), JPY (0) and KWD (3) is issued through the hub,
// its Factur-X XML is taken out of the archived PDF and its XRechnung from beside it, and each
// passes the CII schema, CEN/TC 434's schematron and (XRechnung) KoSIT's with no fatal assertion.
// A copy whose totals do not add up is refused by the same rules, so the check can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { directoryStore } from '../../core/documents/archive/directory-store.ts';
import { verifyArchive } from '../../core/documents/archive/verify.ts';
import { type DocumentDeps, issueCreditNote, issueInvoice } from '../../core/documents/issue.ts';
import { CEN_CII, embeddedFacturX, validateCii, XRECHNUNG_CII } from './en16931.ts';
import {
  BUSINESS_BUYER,
  type OrderSpec,
  pdfText,
  rows,
  seedDocumentAccount,
  seedMerchant,
  seedOrder,
} from './helpers.ts';

const company = BUSINESS_BUYER;

const ORDERS: Record<string, OrderSpec> = {
  // Net prices, two rates, taxed shipping.
  EUR: {
    currency: 'EUR',
    language: 'de',
    billingAddress: company,
    email: 'einkauf@compiler-werke.example',
    buyerVatId: 'DE987654321',
    lines: [
      { title: 'Kaffeebecher', quantity: 3, unitPrice: 1299, taxLines: [{ title: 'MwSt', rate: '0.19', amount: 740 }] },
      { title: 'Buch', quantity: 1, unitPrice: 1999, taxLines: [{ title: 'MwSt', rate: '0.07', amount: 140 }] },
    ],
    shipping: { price: 490, taxTotal: 93 },
  },
  // Gross prices (the tax is inside them), no decimals.
  JPY: {
    currency: 'JPY',
    language: 'en',
    billingAddress: { ...company, company: 'Kaisha KK', city: 'Tokyo', postalCode: '100-0001', countryCode: 'JP' },
    email: 'buyer@kaisha.example',
    taxIncluded: true,
    lines: [
      { title: 'Teapot', quantity: 2, unitPrice: 5500, taxLines: [{ title: 'VAT', rate: '0.1', amount: 1000 }] },
      { title: 'Tea', quantity: 3, unitPrice: 1080, taxLines: [{ title: 'VAT', rate: '0.08', amount: 240 }] },
    ],
  },
  // Three decimals in the currency; amounts in whole 10 fils, as EN 16931 allows 2 decimals.
  KWD: {
    currency: 'KWD',
    language: 'en',
    billingAddress: {
      ...company,
      company: 'Souq Trading WLL',
      city: 'Kuwait City',
      postalCode: '13001',
      countryCode: 'KW',
    },
    email: 'accounts@souq.example',
    lines: [
      { title: 'Lamp', quantity: 2, unitPrice: 12_350, taxLines: [{ title: 'VAT', rate: '0.05', amount: 1240 }] },
    ],
    shipping: { price: 2_500, taxTotal: 0 },
  },
};

describe('e-invoices against the official EN 16931 rules', () => {
  let db: Database;
  let deps: DocumentDeps;
  let account: string;
  const clock = new ManualClock();
  const xml: Record<string, string> = {};
  const pdfs: Record<string, Uint8Array> = {};

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    deps = { prisma: db.prisma, store: databaseStore(db.prisma), clock };
    await seedMerchant(db.prisma);
    account = await seedDocumentAccount(db.prisma);
    for (const [currency, spec] of Object.entries(ORDERS)) {
      const order = await seedOrder(db.prisma, account, spec);
      const { document: invoice } = await issueInvoice(deps, order.id);
      const line = order.lines[0];
      if (!line) throw new Error('no line');
      await db.prisma.return.create({
        data: { id: `ret-${currency}`, orderId: order.id, lines: [{ orderLineId: line.id, quantity: 1 }] },
      });
      const { document: credit } = await issueCreditNote(deps, order.id, `ret-${currency}`);
      for (const [kind, doc] of [
        ['invoice', invoice],
        ['credit', credit],
      ] as const) {
        expect(doc.pdfProfile, `${currency} ${kind}`).toBe('factur-x-en16931');
        expect(doc.xmlFormat, `${currency} ${kind}`).toBe('xrechnung-cii');
        const pdf = await deps.store.get(doc.id);
        const xr = await deps.store.get(doc.id, 'xml');
        if (!pdf || !xr) throw new Error(`${doc.number} not archived`);
        pdfs[`${currency}-${kind}`] = pdf;
        xml[`facturx-${currency}-${kind}`] = await embeddedFacturX(pdf);
        xml[`xrechnung-${currency}-${kind}`] = new TextDecoder().decode(xr);
      }
    }
    // The EUR invoice with its grand total changed: the lines and taxes no longer add up to it.
    xml['broken-total'] = String(xml['facturx-EUR-invoice']).replace(
      /<ram:GrandTotalAmount>[^<]*</,
      '<ram:GrandTotalAmount>1.00<',
    );
  }, 120_000);
  afterAll(() => db?.close());

  it('every Factur-X and XRechnung, invoice and credit note, EUR, JPY and KWD, passes schema and schematron', async () => {
    const names = Object.keys(xml).filter((n) => n !== 'broken-total');
    expect(names).toHaveLength(12);
    const verdicts = await validateCii(Object.fromEntries(names.map((n) => [n, xml[n] as string])), (n) =>
      n.startsWith('xrechnung') ? [CEN_CII, XRECHNUNG_CII] : [CEN_CII],
    );
    for (const n of names) {
      expect({ n, schema: verdicts[n]?.schemaErrors, fatal: verdicts[n]?.fatal }).toEqual({ n, schema: [], fatal: [] });
    }
  }, 180_000);

  it('amounts are written with the currency’s decimals: 12.99 EUR, 10000 JPY, 12.35 KWD', () => {
    expect(String(xml['facturx-EUR-invoice'])).toContain('<ram:ChargeAmount>12.99</ram:ChargeAmount>');
    expect(String(xml['facturx-EUR-invoice'])).toContain('<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>');
    // Gross 5500 per teapot with 10 % inside: 2 × 5500 − 1000 = 10000 net.
    expect(String(xml['facturx-JPY-invoice'])).toContain('<ram:LineTotalAmount>10000</ram:LineTotalAmount>');
    expect(String(xml['facturx-KWD-invoice'])).toContain('<ram:ChargeAmount>12.35</ram:ChargeAmount>');
    expect(String(xml['xrechnung-KWD-invoice'])).toContain('<ram:GrandTotalAmount>28.44</ram:GrandTotalAmount>');
  });

  it("the buyer's VAT id (BT-48) is in the buyer's party of every EUR e-invoice and printed under the address", async () => {
    // CII: BuyerTradeParty/SpecifiedTaxRegistration/ID with scheme VA; the seller's stays its own.
    const buyerVat =
      /<ram:BuyerTradeParty>(?:(?!<\/ram:BuyerTradeParty>)[\s\S])*<ram:SpecifiedTaxRegistration>\s*<ram:ID schemeID="VA">DE987654321<\/ram:ID>/;
    for (const name of ['facturx-EUR-invoice', 'facturx-EUR-credit', 'xrechnung-EUR-invoice', 'xrechnung-EUR-credit']) {
      expect(String(xml[name]), name).toMatch(buyerVat);
    }
    expect(String(xml['facturx-JPY-invoice'])).not.toContain('DE987654321');
    for (const doc of ['EUR-invoice', 'EUR-credit']) {
      expect(rows(await pdfText(pdfs[doc] as Uint8Array))).toEqual(expect.arrayContaining(['USt-IdNr.: DE987654321']));
    }
  });

  it('a buyer with a VAT id but no company in the address is a business customer: XRechnung too', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      billingAddress: { ...company, company: '' },
      email: 'grace@compiler-werke.example',
      buyerVatId: 'DE987654321',
      lines: [{ title: 'Mug', quantity: 1, unitPrice: 1000, taxLines: [{ title: 'VAT', rate: '0.19', amount: 190 }] }],
    });
    const { document } = await issueInvoice(deps, order.id);
    expect(document).toMatchObject({ pdfProfile: 'factur-x-en16931', xmlFormat: 'xrechnung-cii' });
    expect(new TextDecoder().decode((await deps.store.get(document.id, 'xml')) as Uint8Array)).toContain(
      '<ram:ID schemeID="VA">DE987654321</ram:ID>',
    );
  });

  it('the Factur-X is still the hub’s invoice as text', async () => {
    const text = rows(await pdfText(pdfs['EUR-invoice'] as Uint8Array));
    expect(text).toEqual(expect.arrayContaining(['Müller & Söhne GmbH', 'Kaffeebecher 3 12,99 EUR 38,97 EUR']));
  });

  it('a copy whose totals do not add up is refused by the official rules', async () => {
    const verdicts = await validateCii({ broken: xml['broken-total'] as string }, () => [CEN_CII]);
    expect(verdicts.broken?.fatal.map((a) => a.id)).toEqual(expect.arrayContaining(['BR-CO-15']));
  }, 120_000);

  it('a consumer (no company in the address) gets a Factur-X and no XRechnung', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      lines: [{ title: 'Mug', quantity: 1, unitPrice: 1000, taxLines: [{ title: 'VAT', rate: '0.19', amount: 190 }] }],
    });
    const { document } = await issueInvoice(deps, order.id);
    expect(document).toMatchObject({ pdfProfile: 'factur-x-en16931', xmlFormat: null, einvoiceNote: null });
    expect(await deps.store.get(document.id, 'xml')).toBeNull();
    expect(await embeddedFacturX((await deps.store.get(document.id)) as Uint8Array)).toContain(
      '<ram:Name>Ada Lovelace</ram:Name>',
    );
  });

  it('KWD amounts in single fils: a plain PDF that says why, as the official rules refuse 3 decimals', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'KWD',
      billingAddress: ORDERS.KWD?.billingAddress as Record<string, string>,
      email: 'accounts@souq.example',
      lines: [
        { title: 'Lamp', quantity: 1, unitPrice: 12_345, taxLines: [{ title: 'VAT', rate: '0.05', amount: 617 }] },
      ],
    });
    const { document } = await issueInvoice(deps, order.id);
    expect(document).toMatchObject({ pdfProfile: null, xmlFormat: null });
    expect(document.einvoiceNote).toMatch(/^no Factur-X-EN16931: [0-9.]+ KWD has 3 decimals; EN 16931 allows 2/);
    expect(rows(await pdfText((await deps.store.get(document.id)) as Uint8Array))).toEqual(
      expect.arrayContaining([`Invoice ${document.number}`]),
    );
    const threeDecimals = String(xml['facturx-KWD-invoice']).replace(
      '<ram:LineTotalAmount>24.7</ram:LineTotalAmount>',
      '<ram:LineTotalAmount>24.705</ram:LineTotalAmount>',
    );
    const verdicts = await validateCii({ fils: threeDecimals }, () => [CEN_CII]);
    expect(verdicts.fils?.fatal.map((a) => a.id)).toEqual(expect.arrayContaining(['BR-DEC-23']));
  }, 120_000);

  it('archive verify names an XRechnung altered or deleted beside its PDF', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omnihub-einvoice-archive-'));
    try {
      const directory = directoryStore(dir);
      const stores = { database: deps.store, directory };
      const issueTo = async () => {
        const order = await seedOrder(db.prisma, account, { ...(ORDERS.EUR as OrderSpec) });
        return (await issueInvoice({ ...deps, store: directory }, order.id)).document;
      };
      const altered = await issueTo();
      const deleted = await issueTo();
      expect((await verifyArchive(db.prisma, stores)).problems).toEqual([]);
      const file = join(dir, `${altered.id}.xml`);
      await chmod(file, 0o644);
      await writeFile(file, (await readFile(file, 'utf8')).replace('<ram:TypeCode>380<', '<ram:TypeCode>381<'));
      await rm(join(dir, `${deleted.id}.xml`), { force: true });
      const problems = (await verifyArchive(db.prisma, stores)).problems.map((p) => [p.kind, p.number]);
      expect(problems).toEqual([
        ['document_altered', altered.number],
        ['document_missing', deleted.number],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
