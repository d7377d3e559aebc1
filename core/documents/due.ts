// Which documents an order is due, from its state now, and issuing the missing ones: the job
// behind automatic documents (sync: documents.issue). Every document has its idempotency key
// (issue.ts), so running this again — a retried job, a crash half-way, a second event for the
// same order — issues only what is still missing: never a second number, never a second copy.
//   confirmation   once the order is accepted (confirmed or any later step short of cancelled)
//   delivery note  per shipped parcel (Fulfilment, method ship)
//   invoice        per order once everything shipped or was collected; or per parcel, as the
//                  merchant setting invoicePer says (an order keeps the way it was first invoiced)
//   credit note    per refund (a Return with money given back), once there is an invoice
import type { Prisma } from '../db/generated/prisma/client.ts';
import { DocumentError } from './errors.ts';
import {
  type DocumentDeps,
  invoiceKey,
  issueCreditNote,
  issueInvoice,
  issueOrderConfirmation,
  NOT_INVOICEABLE,
} from './issue.ts';
import { issueDeliveryNote, issueShipmentInvoice } from './issue-parcel.ts';
import { readMerchantSettings } from './merchant.ts';

/** The outbox row an order change writes in its own transaction; the dispatcher turns it into a job. */
export const DOCUMENTS_DUE = 'documents.due';

export async function announceDocumentsDue(tx: Prisma.TransactionClient, orderId: string, at?: Date): Promise<void> {
  await tx.outboxEvent.create({
    data: { kind: DOCUMENTS_DUE, payload: { orderId }, ...(at ? { createdAt: at } : {}) },
  });
}

/** Statuses in which the whole order has left (shipped or handed over). */
const DONE = new Set(['shipped', 'collected', 'partially_returned', 'returned', 'closed']);

export interface DueRun {
  /** Numbers issued by this run (none when everything was issued before). */
  issued: string[];
  /** Why nothing could be issued (no merchant settings yet); null otherwise. */
  skipped: string | null;
}

export async function issueDueDocuments(deps: DocumentDeps, orderId: string): Promise<DueRun> {
  // Settings first: a hub without them (documents not set up) answers with one query, not four,
  // on every order change.
  const settings = await readMerchantSettings(deps.prisma);
  if (!settings) return { issued: [], skipped: 'merchant_settings_missing' };
  const order = await deps.prisma.order.findUnique({
    where: { id: orderId },
    select: {
      status: true,
      fulfilments: { select: { id: true, method: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      returns: { select: { id: true, refundAmount: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!order) return { issued: [], skipped: 'order_not_found' };

  // An order keeps the way it was first invoiced, even if the setting changes in between:
  // never an invoice of the whole order beside invoices of its parcels.
  const invoices = await deps.prisma.document.findMany({
    where: { orderId, kind: 'invoice' },
    select: { idempotencyKey: true },
  });
  const per =
    invoices.length === 0
      ? settings.invoicePer
      : invoices.some((d) => d.idempotencyKey === invoiceKey(orderId))
        ? 'order'
        : 'shipment';

  const issued: string[] = [];
  const keep = async (made: Promise<{ document: { number: string }; created: boolean }>) => {
    const r = await made;
    if (r.created) issued.push(r.document.number);
  };
  if (!NOT_INVOICEABLE.has(order.status)) await keep(issueOrderConfirmation(deps, orderId));
  for (const f of order.fulfilments) {
    if (f.method === 'ship') await keep(issueDeliveryNote(deps, orderId, f.id));
    if (per === 'shipment') await keep(issueShipmentInvoice(deps, orderId, f.id));
  }
  if (per === 'order' && DONE.has(order.status)) await keep(issueInvoice(deps, orderId));
  for (const r of order.returns) {
    if (r.refundAmount === null || r.refundAmount <= 0n) continue;
    try {
      await keep(issueCreditNote(deps, orderId, r.id));
    } catch (e) {
      // Refunded before anything was invoiced: there is no invoice to correct.
      if (!(e instanceof DocumentError && e.code === 'no_invoice')) throw e;
    }
  }
  return { issued, skipped: null };
}
