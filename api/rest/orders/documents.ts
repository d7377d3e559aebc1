// An order's documents: the list, the download (application/pdf, checked against its archived
// SHA-256 before it is served; a Factur-X carries its XML inside), the XML e-invoice beside it
// (XRechnung, for business customers), and issuing the invoice once (POST again → the same invoice).
import { createRoute, z } from '@hono/zod-openapi';
import type { Document } from '../../../core/db/generated/prisma/client.ts';
import { sha256Hex } from '../../../core/documents/archive/chain.ts';
import { archiveStores } from '../../../core/documents/archive/stores.ts';
import { issueInvoice } from '../../../core/documents/issue.ts';
import type { RouteContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { errors, IdParam, json, Timestamp } from '../schemas.ts';

const tags = ['documents'];

const DocumentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['invoice', 'credit_note', 'order_confirmation', 'delivery_note']),
    number: z.string().openapi({ example: 'INV-2026-000123' }),
    refersToId: z.string().nullable().openapi({ description: 'The invoice a credit note corrects' }),
    language: z.string(),
    currency: z.string(),
    total: z.number().int().openapi({ description: 'Integer minor units of currency' }),
    sha256: z.string(),
    size: z.number().int(),
    issuedAt: Timestamp,
    href: z.string().openapi({ description: 'Where to download the PDF' }),
    pdfProfile: z.string().nullable().openapi({
      description: 'factur-x-en16931 when the PDF is also an EN 16931 e-invoice (CII XML embedded, PDF/A-3)',
    }),
    eInvoice: z
      .object({
        format: z.string().openapi({ example: 'xrechnung-cii' }),
        sha256: z.string(),
        size: z.number().int(),
        href: z.string().openapi({ description: 'Where to download the XML' }),
      })
      .nullable()
      .openapi({ description: 'The XML e-invoice archived beside the PDF (XRechnung, for business customers)' }),
    eInvoiceNote: z
      .string()
      .nullable()
      .openapi({ description: 'Why the document has no e-invoice, or no XRechnung, when it lacks one' }),
  })
  .openapi('OrderDocument');

const DocParams = IdParam.extend({
  docId: z.uuid({ error: 'must be a document id (UUID)' }).openapi({ param: { name: 'docId', in: 'path' } }),
});

const list = createRoute({
  method: 'get',
  path: '/orders/{id}/documents',
  tags,
  security: bearer,
  summary: "The order's documents (confirmation, delivery notes, invoices, credit notes), oldest first",
  request: { params: IdParam },
  responses: { 200: json(z.object({ items: z.array(DocumentSchema) }), 'The documents'), ...errors(404) },
});
const download = createRoute({
  method: 'get',
  path: '/orders/{id}/documents/{docId}',
  tags,
  security: bearer,
  summary: 'Download one document (PDF)',
  request: { params: DocParams },
  responses: {
    200: {
      description: 'The PDF as archived',
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...errors(404, 500),
  },
});
const eInvoice = createRoute({
  method: 'get',
  path: '/orders/{id}/documents/{docId}/e-invoice',
  tags,
  security: bearer,
  summary: 'Download the XML e-invoice of a document (XRechnung, CII syntax)',
  request: { params: DocParams },
  responses: {
    200: {
      description: 'The XML as archived',
      content: { 'application/xml': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...errors(404, 500),
  },
});
const invoice = createRoute({
  method: 'post',
  path: '/orders/{id}/invoice',
  tags,
  security: bearer,
  summary: 'Issue the invoice of the order (once: a repeated call returns the same invoice)',
  request: { params: IdParam },
  responses: {
    201: json(DocumentSchema, 'The invoice, issued now'),
    200: json(DocumentSchema, 'The invoice issued before'),
    ...errors(403, 404, 409),
  },
});

function shape(orderId: string, d: Document) {
  return {
    id: d.id,
    kind: d.kind,
    number: d.number,
    refersToId: d.refersToId,
    language: d.language,
    currency: d.currency,
    total: Number(d.total),
    sha256: d.sha256,
    size: d.size,
    issuedAt: d.issuedAt.toISOString(),
    href: `/api/v1/orders/${encodeURIComponent(orderId)}/documents/${d.id}`,
    pdfProfile: d.pdfProfile,
    eInvoice:
      d.xmlFormat && d.xmlSha256 && d.xmlSize !== null
        ? {
            format: d.xmlFormat,
            sha256: d.xmlSha256,
            size: d.xmlSize,
            href: `/api/v1/orders/${encodeURIComponent(orderId)}/documents/${d.id}/e-invoice`,
          }
        : null,
    eInvoiceNote: d.einvoiceNote,
  };
}

const orderNotFound = (id: string) =>
  new ApiError(404, 'not_found', `order ${id} not found`, [{ path: 'id', message: `order ${id} not found` }]);

export function documentRoutes(ctx: RouteContext) {
  const { prisma, clock } = ctx;
  const stores = ctx.documentStores ?? archiveStores(prisma, undefined);
  const app = newRouter();

  app.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    const order = await prisma.order.findUnique({ where: { id }, select: { id: true } });
    if (!order) throw orderNotFound(id);
    const rows = await prisma.document.findMany({
      where: { orderId: id },
      orderBy: [{ issuedAt: 'asc' }, { number: 'asc' }],
    });
    return c.json({ items: rows.map((d) => shape(id, d)) }, 200);
  });

  async function findDocument(id: string, docId: string) {
    const doc = await prisma.document.findFirst({ where: { id: docId, orderId: id } });
    if (!doc) {
      const order = await prisma.order.findUnique({ where: { id }, select: { id: true } });
      if (!order) throw orderNotFound(id);
      const message = `document ${docId} of order ${id} not found`;
      throw new ApiError(404, 'not_found', message, [{ path: 'docId', message }]);
    }
    return doc;
  }

  app.openapi(download, async (c) => {
    const { id, docId } = c.req.valid('param');
    const doc = await findDocument(id, docId);
    const bytes = await stores.byName[doc.store as 'database' | 'directory']?.get(doc.id);
    // Never serve a document the archive cannot vouch for: `omnihub archive verify` says more.
    if (!bytes || sha256Hex(bytes) !== doc.sha256) {
      throw new ApiError(
        500,
        'archive_damaged',
        `document ${doc.number} is missing or altered in the ${doc.store} store`,
      );
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${doc.number}.pdf"`,
      'x-content-sha256': doc.sha256,
    });
  });

  app.openapi(eInvoice, async (c) => {
    const { id, docId } = c.req.valid('param');
    const doc = await findDocument(id, docId);
    if (!doc.xmlSha256) {
      const message = `document ${doc.number} has no XML e-invoice${doc.einvoiceNote ? ` (${doc.einvoiceNote})` : ''}`;
      throw new ApiError(404, 'not_found', message, [{ path: 'docId', message }]);
    }
    const bytes = await stores.byName[doc.store as 'database' | 'directory']?.get(doc.id, 'xml');
    if (!bytes || sha256Hex(bytes) !== doc.xmlSha256) {
      throw new ApiError(
        500,
        'archive_damaged',
        `the e-invoice of ${doc.number} is missing or altered in the ${doc.store} store`,
      );
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/xml',
      'content-disposition': `attachment; filename="${doc.number}.xml"`,
      'x-content-sha256': doc.xmlSha256,
    });
  });

  app.openapi(invoice, async (c) => {
    const { id } = c.req.valid('param');
    const { document, created } = await issueInvoice({ prisma, store: stores.active, clock }, id);
    return c.json(shape(id, document), created ? 201 : 200);
  });

  return app;
}
