// An order's documents through the API: POST /invoice issues the invoice once (201, then 200
// with the same document), the list shows it, the download is the archived PDF; unknown ids
// are 404 naming the field, a malformed document id 400, a read-only key may not issue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { BUSINESS_BUYER, pdfText, rows, seedDocumentAccount, seedMerchant, seedOrder } from '../documents/helpers.ts';
import { buildHarness, type Harness } from './harness.ts';

describe('order documents API on pglite', () => {
  let db: Database;
  let h: Harness;
  let orderId: string;

  beforeAll(async () => {
    db = await (testDatabases()[0] as ReturnType<typeof testDatabases>[number]).open();
    h = await buildHarness(db);
    await seedMerchant(db.prisma);
    const account = await seedDocumentAccount(db.prisma);
    orderId = (
      await seedOrder(db.prisma, account, {
        currency: 'KWD',
        lines: [{ title: 'Dates box', quantity: 2, unitPrice: 1250 }],
      })
    ).id;
  }, 60_000);
  afterAll(() => db?.close());

  it('issues the invoice once: a second call returns the same document', async () => {
    const first = await h.call('POST', `/api/v1/orders/${orderId}/invoice`);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      kind: 'invoice',
      currency: 'KWD',
      total: 2500,
      number: expect.stringMatching(/^INV-\d{4}-000001$/),
    });
    const second = await h.call('POST', `/api/v1/orders/${orderId}/invoice`);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);

    const list = await h.call('GET', `/api/v1/orders/${orderId}/documents`, { key: h.readonly });
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([first.body.id]);
  });

  it('downloads the archived PDF', async () => {
    const [doc] = (await h.call('GET', `/api/v1/orders/${orderId}/documents`)).body.items;
    const res = await h.app.request(doc.href, { headers: { authorization: `Bearer ${h.readonly}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(rows(await pdfText(bytes))).toEqual(expect.arrayContaining([`Invoice ${doc.number}`, 'Total 2.500 KWD']));
  });

  it('lists and serves the XRechnung of a business customer; a consumer’s invoice has none (404 naming docId)', async () => {
    const account = await seedDocumentAccount(db.prisma);
    const business = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      billingAddress: BUSINESS_BUYER,
      email: 'einkauf@compiler-werke.example',
      lines: [
        { title: 'Becher', quantity: 2, unitPrice: 1000, taxLines: [{ title: 'MwSt', rate: '0.19', amount: 380 }] },
      ],
    });
    const issued = await h.call('POST', `/api/v1/orders/${business.id}/invoice`);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toMatchObject({
      pdfProfile: 'factur-x-en16931',
      eInvoice: { format: 'xrechnung-cii', href: expect.stringMatching(/\/e-invoice$/) },
      eInvoiceNote: null,
    });
    const res = await h.app.request(issued.body.eInvoice.href, { headers: { authorization: `Bearer ${h.readonly}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml');
    const xml = await res.text();
    expect(xml).toContain(`<ram:ID>${issued.body.number}</ram:ID>`);
    expect(xml).toContain('<ram:GrandTotalAmount>23.8</ram:GrandTotalAmount>');

    const [consumerDoc] = (await h.call('GET', `/api/v1/orders/${orderId}/documents`)).body.items;
    expect(consumerDoc.eInvoice).toBeNull();
    const none = await h.call('GET', `/api/v1/orders/${orderId}/documents/${consumerDoc.id}/e-invoice`);
    expect(none.status).toBe(404);
    expect(none.body.error.fields).toEqual([expect.objectContaining({ path: 'docId' })]);
  });

  it('answers 404 naming the field for an unknown order or document, 400 for a malformed document id', async () => {
    const noOrder = await h.call('GET', '/api/v1/orders/nope/documents');
    expect(noOrder.status).toBe(404);
    expect(noOrder.body.error.fields).toEqual([expect.objectContaining({ path: 'id' })]);
    const noInvoiceOrder = await h.call('POST', '/api/v1/orders/nope/invoice');
    expect(noInvoiceOrder.status).toBe(404);
    expect(noInvoiceOrder.body.error.fields).toEqual([expect.objectContaining({ path: 'id' })]);
    const noDoc = await h.call('GET', `/api/v1/orders/${orderId}/documents/00000000-0000-4000-8000-000000000000`);
    expect(noDoc.status).toBe(404);
    expect(noDoc.body.error.fields).toEqual([expect.objectContaining({ path: 'docId' })]);
    const bad = await h.call('GET', `/api/v1/orders/${orderId}/documents/not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([expect.objectContaining({ path: 'docId' })]);
  });

  it('refuses a read-only key and a cancelled order, numbering nothing', async () => {
    const before = await db.prisma.documentSeries.findMany();
    const account = await seedDocumentAccount(db.prisma);
    const cancelled = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      status: 'cancelled',
      lines: [{ title: 'X', quantity: 1, unitPrice: 1 }],
    });
    expect((await h.call('POST', `/api/v1/orders/${orderId}/invoice`, { key: h.readonly })).status).toBe(403);
    const refused = await h.call('POST', `/api/v1/orders/${cancelled.id}/invoice`);
    expect(refused.status).toBe(409);
    expect(await db.prisma.documentSeries.findMany()).toEqual(before);
  });
});
