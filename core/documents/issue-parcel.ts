// The documents of one parcel (a shipped Fulfilment), issued like every other document
// (issue.ts: once per idempotency key, numbered in the transaction that archives it).
import { DocumentError } from './errors.ts';
import { DELIVERY_NOTE_PREFIX, type DocumentDeps, issue } from './issue.ts';
import { storedParts } from './line-shares.ts';
import type { Tx } from './order-state.ts';
import { deliveryNoteContent, type Parcel, shipmentInvoiceContent } from './parcel-content.ts';

export const deliveryNoteKey = (fulfilmentId: string) => `delivery_note:fulfilment:${fulfilmentId}`;
export const shipmentInvoiceKey = (fulfilmentId: string) => `invoice:fulfilment:${fulfilmentId}`;

async function loadParcel(tx: Tx, orderId: string, fulfilmentId: string): Promise<Parcel> {
  const f = await tx.fulfilment.findFirst({ where: { id: fulfilmentId, orderId } });
  if (!f) throw new DocumentError('not_found', 'fulfilmentId', `parcel ${fulfilmentId} of order ${orderId} not found`);
  const earlier = await tx.fulfilment.findFirst({
    where: {
      orderId,
      method: 'ship',
      OR: [{ createdAt: { lt: f.createdAt } }, { createdAt: f.createdAt, id: { lt: f.id } }],
    },
    select: { id: true },
  });
  return {
    parts: storedParts(f.lines),
    trackingCompany: f.trackingCompany,
    trackingNumber: f.trackingNumber,
    first: earlier === null,
  };
}

/** The delivery note of one parcel: only the units in that parcel. */
export function issueDeliveryNote(deps: DocumentDeps, orderId: string, fulfilmentId: string) {
  return issue(deps, orderId, deliveryNoteKey(fulfilmentId), async (tx) => {
    const parcel = await loadParcel(tx, orderId, fulfilmentId);
    return {
      kind: 'delivery_note',
      prefix: () => DELIVERY_NOTE_PREFIX,
      refersTo: null,
      content: (o, m, head) => deliveryNoteContent(o, parcel, m, head),
    };
  });
}

/** The invoice of one parcel, when the merchant invoices per shipment. */
export function issueShipmentInvoice(deps: DocumentDeps, orderId: string, fulfilmentId: string) {
  return issue(deps, orderId, shipmentInvoiceKey(fulfilmentId), async (tx) => {
    const parcel = await loadParcel(tx, orderId, fulfilmentId);
    return {
      kind: 'invoice',
      prefix: (m) => m.invoicePrefix,
      refersTo: null,
      content: (o, m, head) => shipmentInvoiceContent(o, parcel, m, head),
    };
  });
}
