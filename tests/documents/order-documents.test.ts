// The new documents read back with pdftotext: the order confirmation, the delivery note of
// each parcel of a partial shipment (only its own lines), invoices per shipment (each parcel's
// share, shipping on the first) and the marketplace-facilitator note — in EUR, JPY and KWD.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { type DocumentDeps, issueInvoice, issueOrderConfirmation } from '../../core/documents/issue.ts';
import { issueDeliveryNote, issueShipmentInvoice } from '../../core/documents/issue-parcel.ts';
import { pdfText, rows, seedDocumentAccount, seedMerchant, seedOrder } from './helpers.ts';

describe('order confirmations, delivery notes, per-shipment invoices as text', () => {
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
  }, 120_000);
  afterAll(() => db?.close());

  const textOf = async (documentId: string) => rows(await pdfText((await deps.store.get(documentId)) as Uint8Array));

  async function parcel(orderId: string, lines: { orderLineId: string; quantity: number }[], tracking: string) {
    const id = randomUUID();
    clock.advance(1000);
    await db.prisma.fulfilment.create({
      data: {
        id,
        orderId,
        method: 'ship',
        status: 'shipped',
        trackingCompany: 'DHL',
        trackingNumber: tracking,
        lines,
        createdAt: clock.now(),
      },
    });
    return id;
  }

  it('EUR order confirmation in German: its own series, the lines and totals of the order', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      language: 'de',
      status: 'confirmed',
      lines: [
        {
          title: 'Kaffeebecher',
          quantity: 2,
          unitPrice: 1250,
          taxLines: [{ title: 'MwSt', rate: '0.19', amount: 475 }],
        },
      ],
      shipping: { price: 499, taxTotal: 95 },
    });
    const { document, created } = await issueOrderConfirmation(deps, order.id);
    expect(created).toBe(true);
    expect(document).toMatchObject({ kind: 'order_confirmation', number: `OC-${year()}-000001`, total: 3569n });
    expect(await textOf(document.id)).toEqual(
      expect.arrayContaining([
        `Auftragsbestätigung OC-${year()}-000001`,
        `Bestellung: ${order.displayNumber}`,
        'Kaffeebecher 2 12,50 EUR 25,00 EUR',
        'Versand 4,99 EUR',
        'MwSt 19 % 4,75 EUR',
        'Gesamtbetrag 35,69 EUR',
      ]),
    );
    // Again: the same confirmation, no second number.
    expect(await issueOrderConfirmation(deps, order.id)).toMatchObject({
      created: false,
      document: { id: document.id },
    });
  });

  it("a partial shipment's delivery note lists only that parcel's lines; the next parcel gets its own", async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      language: 'en',
      lines: [
        { title: 'Coffee mug', quantity: 2, unitPrice: 1250 },
        { title: 'Tea book', quantity: 1, unitPrice: 1999 },
      ],
    });
    const [mug, book] = order.lines;
    if (!mug || !book) throw new Error('lines');
    const first = await parcel(order.id, [{ orderLineId: mug.id, quantity: 1 }], '0034-1');
    const second = await parcel(
      order.id,
      [
        { orderLineId: mug.id, quantity: 1 },
        { orderLineId: book.id, quantity: 1 },
      ],
      '0034-2',
    );
    const one = (await issueDeliveryNote(deps, order.id, first)).document;
    const two = (await issueDeliveryNote(deps, order.id, second)).document;
    expect([one.number, two.number]).toEqual([`DN-${year()}-000001`, `DN-${year()}-000002`]);
    const t1 = await textOf(one.id);
    expect(t1).toEqual(
      expect.arrayContaining([`Delivery note ${one.number}`, 'Tracking: DHL 0034-1', 'Ship to', 'Coffee mug 1']),
    );
    expect(t1.join('\n')).not.toContain('Tea book');
    expect(t1.join('\n')).not.toMatch(/EUR/); // no prices on a delivery note
    // Neither is an e-invoice, nor handed to the channel as one.
    expect([one.pdfProfile, one.xmlFormat, two.pdfProfile]).toEqual([null, null, null]);
    expect(await deps.prisma.outboxEvent.count({ where: { kind: 'document.issued' } })).toBe(0);
    expect(await textOf(two.id)).toEqual(
      expect.arrayContaining(['Tracking: DHL 0034-2', 'Coffee mug 1', 'Tea book 1']),
    );
  });

  it('JPY invoices per shipment: each parcel its share of the lines and tax, the shipping on the first', async () => {
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
      shipping: { price: 800, taxTotal: 80 },
    });
    const [tin] = order.lines;
    if (!tin) throw new Error('line');
    const first = await parcel(order.id, [{ orderLineId: tin.id, quantity: 2 }], 'JP-1');
    const second = await parcel(order.id, [{ orderLineId: tin.id, quantity: 1 }], 'JP-2');
    const a = (await issueShipmentInvoice(deps, order.id, first)).document;
    const b = (await issueShipmentInvoice(deps, order.id, second)).document;
    expect(await textOf(a.id)).toEqual(
      expect.arrayContaining([
        `Invoice ${a.number}`,
        'Matcha tin 2 1,500 JPY 3,000 JPY',
        'Shipping 800 JPY',
        'Consumption tax 10 % 300 JPY',
        'Tax on shipping 80 JPY',
        'Total 4,180 JPY',
      ]),
    );
    const tb = await textOf(b.id);
    expect(tb).toEqual(
      expect.arrayContaining(['Matcha tin 1 1,500 JPY 1,500 JPY', 'Consumption tax 10 % 150 JPY', 'Total 1,650 JPY']),
    );
    expect(tb.join('\n')).not.toContain('Shipping');
    // The parcels' invoices add up to the order's total.
    expect(a.total + b.total).toBe(order.total);
    // Retried: the same invoice, no new number.
    expect(await issueShipmentInvoice(deps, order.id, first)).toMatchObject({ created: false, document: { id: a.id } });
  });

  it('KWD invoice of an order whose marketplace collects the tax says so; another does not', async () => {
    const spec = {
      currency: 'KWD',
      language: 'en',
      lines: [
        { title: 'Dates box', quantity: 2, unitPrice: 1250, taxLines: [{ title: 'VAT', rate: '0.05', amount: 125 }] },
      ],
    };
    const collected = await seedOrder(db.prisma, account, spec);
    await db.prisma.order.update({
      where: { id: collected.id },
      data: { channelRef: { taxCollectedBy: 'Amazon Services Europe S.à r.l.' } },
    });
    const plain = await seedOrder(db.prisma, account, spec);
    const withNote = await textOf((await issueInvoice(deps, collected.id)).document.id);
    expect(withNote).toEqual(expect.arrayContaining(['Dates box 2 1.250 KWD 2.500 KWD', 'Total 2.625 KWD']));
    expect(withNote.join(' ')).toContain(
      'The tax on this sale is collected and remitted by Amazon Services Europe S.à r.l. as marketplace facilitator.',
    );
    const without = await textOf((await issueInvoice(deps, plain.id)).document.id);
    expect(without.join(' ')).not.toContain('marketplace facilitator');
  });
});
