// Automatic documents: an order change writes a documents.due outbox row in its own
// transaction, the dispatcher turns it into a documents.issue job, and the job issues what the
// order is due. Run twice, or crashed half-way and retried, it never takes a second number nor
// archives a document twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import type { DocumentStore } from '../../core/documents/archive/store.ts';
import { setMerchantSettings } from '../../core/documents/merchant.ts';
import { returnOrder, shipOrder } from '../../core/orders/actions.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { runDocumentsJob } from '../../sync/documents-job.ts';
import { type DispatchIntents, dispatchOnce } from '../../sync/outbox/dispatcher.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';
import { quietLogger } from '../sync/helpers.ts';
import { pdfText, rows, seedMerchant } from './helpers.ts';

describe('documents issued by jobs', () => {
  let db: Database;
  const clock = new ManualClock();
  const logger = quietLogger();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await seedMerchant(db.prisma);
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh' }]);
    for (const sku of ['MUG', 'TEA']) {
      await seedSku(db.prisma, sku);
      await stock(db.prisma, `sku-${sku}`, 'wh', 50);
    }
  }, 120_000);
  afterAll(() => db?.close());

  /** Dispatches the outbox as the runtime does; returns the orders the documents jobs are for. */
  async function dispatch(): Promise<string[]> {
    const intents: DispatchIntents[] = [];
    await dispatchOnce({
      prisma: db.prisma,
      logger,
      clock,
      unitsPerChannel: 5,
      batchSize: 500,
      enqueue: async (i) => {
        intents.push(i);
      },
    });
    return intents.flatMap((i) => [...i.documentsDue.keys()]);
  }

  const docs = (orderId: string) =>
    db.prisma.document.findMany({ where: { orderId }, orderBy: [{ issuedAt: 'asc' }, { number: 'asc' }] });
  const counter = async (series: string) =>
    (await db.prisma.documentSeries.findUnique({ where: { key: series } }))?.lastNumber ?? 0;
  const job = (orderId: string, store: DocumentStore = databaseStore(db.prisma)) =>
    runDocumentsJob({ prisma: db.prisma, store, clock, logger }, orderId);

  it('an accepted order gets its confirmation once, however often the job runs', async () => {
    const r = await ingestOrder(db.prisma, 'shop', draft('J-1', [{ sku: 'MUG', quantity: 2, title: 'Coffee mug' }]));
    expect(await dispatch()).toEqual([r.orderId]);
    await job(r.orderId);
    await job(r.orderId); // a retried / duplicated job
    const year = clock.now().getUTCFullYear();
    const made = await docs(r.orderId);
    expect(made.map((d) => [d.kind, d.number])).toEqual([['order_confirmation', `OC-${year}-000001`]]);
    expect(await counter(`OC-${year}`)).toBe(1);
    const text = rows(await pdfText((await databaseStore(db.prisma).get(made[0]?.id ?? '')) as Uint8Array));
    expect(text).toContain('Coffee mug 2 10.00 EUR 20.00 EUR');
  });

  it('a crash between numbering and archiving takes the number back; the retry issues it without a gap', async () => {
    const r = await ingestOrder(db.prisma, 'shop', draft('J-2', [{ sku: 'MUG', quantity: 1 }]));
    await dispatch();
    const year = clock.now().getUTCFullYear();
    const before = await counter(`OC-${year}`);
    const real = databaseStore(db.prisma);
    const crashing: DocumentStore = {
      name: real.name,
      get: (id) => real.get(id),
      put: async () => {
        throw new Error('process died while writing the archive');
      },
    };
    await expect(job(r.orderId, crashing)).rejects.toThrow('process died');
    expect(await docs(r.orderId)).toEqual([]);
    expect(await counter(`OC-${year}`)).toBe(before);
    await job(r.orderId);
    await job(r.orderId);
    expect((await docs(r.orderId)).map((d) => d.number)).toEqual([`OC-${year}-${String(before + 1).padStart(6, '0')}`]);
  });

  it('each shipped parcel gets its delivery note and, invoiced per shipment, its invoice — even if the setting changes in between', async () => {
    const year = clock.now().getUTCFullYear();
    await setMerchantSettings(db.prisma, { name: 'Müller & Söhne GmbH', invoicePer: 'shipment' });
    const r = await ingestOrder(
      db.prisma,
      'shop',
      draft('J-3', [
        { sku: 'MUG', quantity: 2, title: 'Coffee mug' },
        { sku: 'TEA', quantity: 1, title: 'Tea tin' },
      ]),
    );
    await dispatch(); // the acceptance's row
    const lines = await db.prisma.orderLine.findMany({ where: { orderId: r.orderId }, orderBy: { position: 'asc' } });
    const [mug, tea] = lines;
    if (!mug || !tea) throw new Error('lines');
    await shipOrder(db.prisma, r.orderId, { lines: [{ orderLineId: mug.id, quantity: 1 }] }, 'test', clock);
    expect(await dispatch()).toEqual([r.orderId]);
    await job(r.orderId);
    await job(r.orderId);
    let made = await docs(r.orderId);
    expect(made.map((d) => d.kind).sort()).toEqual(['delivery_note', 'invoice', 'order_confirmation']);
    const note = made.find((d) => d.kind === 'delivery_note');
    const noteText = rows(await pdfText((await databaseStore(db.prisma).get(note?.id ?? '')) as Uint8Array));
    expect(noteText).toContain('Coffee mug 1');
    expect(noteText.join('\n')).not.toContain('Tea tin');

    // The rest ships after the setting changed to per order: one more delivery note and the
    // second parcel's invoice — never an invoice of the whole order beside the first parcel's.
    await setMerchantSettings(db.prisma, { name: 'Müller & Söhne GmbH', invoicePer: 'order' });
    await shipOrder(db.prisma, r.orderId, {}, 'test', clock);
    await dispatch();
    await job(r.orderId);
    await job(r.orderId);
    made = await docs(r.orderId);
    expect(made.filter((d) => d.kind === 'delivery_note')).toHaveLength(2);
    expect(made.filter((d) => d.kind === 'invoice').map((d) => d.idempotencyKey.split(':')[1])).toEqual([
      'fulfilment',
      'fulfilment',
    ]);
    const invoices = await db.prisma.document.count({ where: { series: `INV-${year}` } });
    expect(await counter(`INV-${year}`)).toBe(invoices);
  });

  it('invoiced per order: no invoice while parts are still to ship, one when everything has', async () => {
    const r = await ingestOrder(db.prisma, 'shop', draft('J-5', [{ sku: 'TEA', quantity: 2, title: 'Tea tin' }]));
    const [tea] = await db.prisma.orderLine.findMany({ where: { orderId: r.orderId } });
    if (!tea) throw new Error('line');
    expect(await dispatch()).toEqual([r.orderId]); // accepted
    await shipOrder(db.prisma, r.orderId, { lines: [{ orderLineId: tea.id, quantity: 1 }] }, 'test', clock);
    expect(await dispatch()).toEqual([r.orderId]); // the first parcel
    await job(r.orderId);
    expect((await docs(r.orderId)).map((d) => d.kind).sort()).toEqual(['delivery_note', 'order_confirmation']);
    await shipOrder(db.prisma, r.orderId, {}, 'test', clock);
    expect(await dispatch()).toEqual([r.orderId]); // the rest
    await job(r.orderId);
    await job(r.orderId);
    const invoices = (await docs(r.orderId)).filter((d) => d.kind === 'invoice');
    expect(invoices.map((d) => d.idempotencyKey)).toEqual([`invoice:order:${r.orderId}`]);
    expect(invoices[0]?.total).toBe(2000n);

    // A refund: its credit note, once, naming the invoice.
    await returnOrder(
      db.prisma,
      r.orderId,
      { lines: [{ orderLineId: tea.id, quantity: 1, restock: true }], refund: { amount: 1000, currency: 'EUR' } },
      'test',
      clock,
    );
    expect(await dispatch()).toEqual([r.orderId]);
    await job(r.orderId);
    await job(r.orderId);
    const notes = (await docs(r.orderId)).filter((d) => d.kind === 'credit_note');
    expect(notes.map((d) => [d.refersToId, d.total])).toEqual([[invoices[0]?.id, 1000n]]);
  });

  it('without merchant settings nothing is issued and nothing numbered', async () => {
    const fresh = await openDatabase({ dataDir: 'memory://' });
    try {
      await seedLocation(fresh.prisma, 'wh');
      await seedAccount(fresh.prisma, 'shop', [{ locationId: 'wh' }]);
      await seedSku(fresh.prisma, 'MUG');
      await stock(fresh.prisma, 'sku-MUG', 'wh', 5);
      const r = await ingestOrder(fresh.prisma, 'shop', draft('J-4', [{ sku: 'MUG', quantity: 1 }]));
      await runDocumentsJob({ prisma: fresh.prisma, store: databaseStore(fresh.prisma), clock, logger }, r.orderId);
      expect(await fresh.prisma.document.count()).toBe(0);
      expect(await fresh.prisma.documentSeries.count()).toBe(0);
    } finally {
      await fresh.close();
    }
  }, 120_000);
});
