// Working sheets printed on demand and not archived: the pick list of a location and the
// packing slip of an order (the lines of one parcel, or the lines still to go). Both use the
// same content, labels and renderer as the archived documents.
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { DocumentLanguage } from './language.ts';
import { documentLanguage } from './language.ts';
import { storedParts } from './line-shares.ts';
import { logoOf, readMerchantSettings } from './merchant.ts';
import { loadOrderForDocument } from './order-state.ts';
import { deliveryNoteContent } from './parcel-content.ts';
import { loadDocumentFonts } from './pdf/fonts.ts';
import { renderPickList } from './pdf/pick-list.ts';
import { renderPdf } from './pdf/render.ts';
import { loadPickList } from './pick-list.ts';

export async function pickListPdf(
  prisma: PrismaClient,
  clock: Clock,
  locationId: string,
  opts: { groupBy: 'bin' | 'sku'; orderIds?: string[]; language: DocumentLanguage },
): Promise<Uint8Array | null> {
  const list = await loadPickList(prisma, locationId, opts);
  if (!list) return null;
  const merchant = await readMerchantSettings(prisma);
  return renderPickList(
    list,
    { at: clock.now(), language: opts.language, merchantName: merchant?.name ?? '' },
    await loadDocumentFonts(),
  );
}

/**
 * The packing slip of an order in its language: the lines of the parcel `fulfilmentId`, or
 * without one the units still to send. Null when the order (or that parcel of it) is unknown.
 */
export async function packingSlipPdf(
  prisma: PrismaClient,
  clock: Clock,
  orderId: string,
  fulfilmentId?: string,
): Promise<Uint8Array | null> {
  const order = await loadOrderForDocument(prisma, orderId);
  if (!order) return null;
  let parts = order.lines
    .map((l) => ({ orderLineId: l.id, quantity: l.quantity - l.fulfilledQty }))
    .filter((p) => p.quantity > 0);
  let tracking: { trackingCompany: string | null; trackingNumber: string | null } = {
    trackingCompany: null,
    trackingNumber: null,
  };
  if (fulfilmentId) {
    const f = await prisma.fulfilment.findFirst({ where: { id: fulfilmentId, orderId } });
    if (!f) return null;
    parts = storedParts(f.lines) as typeof parts;
    tracking = f;
  }
  const settings = await readMerchantSettings(prisma);
  const merchant = {
    name: settings?.name ?? '',
    addressLines: settings?.addressLines ?? [],
    vatId: settings?.vatId ?? null,
    logo: settings ? logoOf(settings) : null,
  };
  const content = deliveryNoteContent(
    order,
    { parts, trackingCompany: tracking.trackingCompany, trackingNumber: tracking.trackingNumber, first: false },
    merchant,
    { number: '', issuedAt: clock.now(), language: documentLanguage(order.language) },
  );
  return renderPdf(content, await loadDocumentFonts());
}
