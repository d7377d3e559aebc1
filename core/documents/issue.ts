// Issues an order's documents: in one transaction, lock the order, return the document
// already made for the same purpose (idempotency key) or number, render and archive a new one.
// A retried job or a repeated request therefore never allocates a second number.
// issue-parcel.ts adds the documents of one parcel (delivery note, per-shipment invoice).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { withTxRetry } from '../db/retry.ts';
import { appendToArchive } from './archive/append.ts';
import type { DocumentStore } from './archive/store.ts';
import type { ContentKind, DocumentContent, Merchant } from './content.ts';
import { creditNoteContent, type ReturnedLine } from './credit-note-content.ts';
import { withEInvoices } from './einvoice/choose.ts';
import { DocumentError } from './errors.ts';
import { confirmationContent, invoiceContent } from './invoice-content.ts';
import { documentLanguage } from './language.ts';
import { storedParts } from './line-shares.ts';
import { logoOf, readMerchantSettings } from './merchant.ts';
import { allocateNumber, seriesKey } from './numbering.ts';
import { type DocumentOrder, loadOrderForDocument, type Tx } from './order-state.ts';
import { type DocumentFonts, loadDocumentFonts } from './pdf/fonts.ts';
import { renderPdf } from './pdf/render.ts';

export interface DocumentDeps {
  prisma: PrismaClient;
  store: DocumentStore;
  clock: Clock;
}

export const invoiceKey = (orderId: string) => `invoice:order:${orderId}`;
const CREDIT_NOTE_KEY = 'credit_note:return:';
export const creditNoteKey = (returnId: string) => `${CREDIT_NOTE_KEY}${returnId}`;
/** The return a credit note was issued for, from its idempotency key (null for other documents). */
export const returnOfCreditNoteKey = (key: string) =>
  key.startsWith(CREDIT_NOTE_KEY) ? key.slice(CREDIT_NOTE_KEY.length) : null;
export const confirmationKey = (orderId: string) => `order_confirmation:order:${orderId}`;

/** Series of the documents whose prefix is not a merchant setting. */
export const CONFIRMATION_PREFIX = 'OC';
export const DELIVERY_NOTE_PREFIX = 'DN';

/** Orders that were never sold, or sold nothing yet, get no invoice. */
export const NOT_INVOICEABLE = new Set(['captured', 'cancelled']);

type Made = Awaited<ReturnType<typeof appendToArchive>>;

export interface Plan {
  kind: ContentKind;
  prefix: (m: { invoicePrefix: string; creditNotePrefix: string }) => string;
  refersTo: { id: string; number: string } | null;
  content: (
    order: DocumentOrder,
    merchant: Merchant,
    head: { number: string; issuedAt: Date; language: 'en' | 'de' },
  ) => DocumentContent;
}

export async function issue(
  deps: DocumentDeps,
  orderId: string,
  key: string,
  plan: (tx: Tx, order: DocumentOrder) => Promise<Plan>,
): Promise<{ document: Made; created: boolean }> {
  const fonts: DocumentFonts = await loadDocumentFonts();
  return withTxRetry(() =>
    deps.prisma.$transaction(
      async (tx) => {
        // One issuer per order at a time: the second finds the first one's document.
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM orders WHERE id = ${orderId} FOR UPDATE`;
        if (locked.length === 0) throw new DocumentError('not_found', 'id', `order ${orderId} not found`);
        const existing = await tx.document.findUnique({ where: { idempotencyKey: key } });
        if (existing) return { document: existing, created: false };

        const order = await loadOrderForDocument(tx, orderId);
        if (!order) throw new DocumentError('not_found', 'id', `order ${orderId} not found`);
        const settings = await readMerchantSettings(tx);
        if (!settings) {
          throw new DocumentError(
            'merchant_settings_missing',
            null,
            'set the merchant first: omnihub merchant set --name …',
          );
        }
        const p = await plan(tx, order);
        const issuedAt = deps.clock.now();
        const language = documentLanguage(order.language);
        const allocated = await allocateNumber(tx, seriesKey(p.prefix(settings), issuedAt));
        const merchant: Merchant = {
          name: settings.name,
          addressLines: settings.addressLines,
          vatId: settings.vatId,
          street: settings.street,
          postalCode: settings.postalCode,
          city: settings.city,
          countryCode: settings.countryCode,
          email: settings.email,
          phone: settings.phone,
          logo: logoOf(settings),
        };
        const content = p.content(order, merchant, { number: allocated.number, issuedAt, language });
        const rendered = await renderPdf(content, fonts);
        // Only invoices and credit notes are e-invoices; a confirmation or delivery note stays a PDF.
        const billing = content.kind === 'invoice' || content.kind === 'credit_note';
        const made = billing
          ? await withEInvoices(content, rendered)
          : { pdf: rendered, pdfProfile: null, xml: null, note: null };
        const document = await appendToArchive(
          tx,
          deps.store,
          {
            id: randomUUID(),
            orderId,
            kind: p.kind,
            ...allocated,
            idempotencyKey: key,
            refersToId: p.refersTo?.id ?? null,
            language,
            currency: order.currency,
            total: content.total,
            issuedAt,
            pdfProfile: made.pdfProfile,
            xmlFormat: made.xml?.format ?? null,
            einvoiceNote: made.note,
          },
          made.pdf,
          made.xml?.bytes ?? null,
        );
        // Channels that keep the seller's invoices (Amazon's invoice upload) get them from sync.
        if (billing)
          await tx.outboxEvent.create({
            data: {
              createdAt: issuedAt,
              kind: 'document.issued',
              payload: {
                documentId: document.id,
                orderId,
                accountId: order.accountId,
                taxTotal: content.taxes.reduce((n, t) => n + t.amount, 0) + content.shippingTax,
              },
            },
          });
        return { document, created: true };
      },
      { timeout: 60_000, maxWait: 60_000 },
    ),
  );
}

/** The invoice of the whole order; issued once, the same document on every later call. */
export function issueInvoice(deps: DocumentDeps, orderId: string) {
  return issue(deps, orderId, invoiceKey(orderId), async (_tx, order) => {
    if (NOT_INVOICEABLE.has(order.status)) {
      throw new DocumentError('not_invoiceable', 'id', `order ${orderId} is ${order.status}: nothing to invoice`);
    }
    return { kind: 'invoice', prefix: (m) => m.invoicePrefix, refersTo: null, content: invoiceContent };
  });
}

/** The order confirmation, once the order is accepted; the same document on every later call. */
export function issueOrderConfirmation(deps: DocumentDeps, orderId: string) {
  return issue(deps, orderId, confirmationKey(orderId), async (_tx, order) => {
    if (NOT_INVOICEABLE.has(order.status)) {
      throw new DocumentError('not_invoiceable', 'id', `order ${orderId} is ${order.status}: nothing to confirm`);
    }
    return {
      kind: 'order_confirmation',
      prefix: () => CONFIRMATION_PREFIX,
      refersTo: null,
      content: confirmationContent,
    };
  });
}

/** The credit note of one refund (a Return of the order), referring to the order's invoice. */
export async function issueCreditNote(deps: DocumentDeps, orderId: string, returnId: string) {
  return issue(deps, orderId, creditNoteKey(returnId), async (tx, _order) => {
    const ret = await tx.return.findFirst({ where: { id: returnId, orderId } });
    if (!ret) throw new DocumentError('not_found', 'returnId', `return ${returnId} of order ${orderId} not found`);
    // The order's invoice; invoiced per shipment, its first one.
    const invoice =
      (await tx.document.findUnique({ where: { idempotencyKey: invoiceKey(orderId) } })) ??
      (await tx.document.findFirst({ where: { orderId, kind: 'invoice' }, orderBy: { issuedAt: 'asc' } }));
    if (!invoice) throw new DocumentError('no_invoice', 'id', `order ${orderId} has no invoice to correct`);
    const returned: ReturnedLine[] = storedParts(ret.lines);
    return {
      kind: 'credit_note',
      prefix: (m) => m.creditNotePrefix,
      refersTo: { id: invoice.id, number: invoice.number },
      content: (o, m, head) => creditNoteContent(o, returned, m, { ...head, refersToNumber: invoice.number }),
    };
  });
}
