// What the customer's status page shows for one order, read in one place so that the page (and
// its tests) cannot show more than this: no name, address, e-mail or phone — the customer knows
// those, and whoever holds the link need not. An order whose personal data was erased shows its
// status and parcels only: its invoices carry the billing address, so they are not offered.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { type DocumentLanguage, documentLanguage } from '../documents/language.ts';

export interface StatusParcel {
  carrier: string | null;
  number: string | null;
  url: string | null;
}

export interface StatusPickup {
  storeName: string;
  timezone: string;
  /** Only while the order is ready: what the customer shows at the counter. */
  code: string | null;
  /** Local opening hours per weekday (mon..sun), as the store's settings hold them. */
  openingHours: Partial<Record<Weekday, { open: string; close: string }[]>> | null;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface StatusDocument {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string;
}

export interface StatusView {
  orderNumber: string;
  language: DocumentLanguage;
  status: string;
  holdReason: string | null;
  method: 'ship' | 'pickup';
  promisedAt: Date | null;
  /** Still open past its promised date, by the hub's clock. */
  delayed: boolean;
  lines: { title: string; quantity: number }[];
  parcels: StatusParcel[];
  pickup: StatusPickup | null;
  documents: StatusDocument[];
  erased: boolean;
}

interface ChannelFulfilmentJson {
  status?: string | null;
  tracking?: { company?: string | null; number?: string | null; url?: string | null }[];
}

/** Only http(s) links are offered: a channel's tracking URL is data, not markup. */
export function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Statuses after which nothing is on its way any more: no promise to keep. */
export const SETTLED_STATUSES = [
  'shipped',
  'ready_for_pickup',
  'collected',
  'cancelled',
  'closed',
  'returned',
  'partially_returned',
] as const;

export async function loadStatusView(prisma: PrismaClient, orderId: string, now: Date): Promise<StatusView | null> {
  const o = await prisma.order.findUnique({
    where: { id: orderId },
    select: {
      externalId: true,
      displayNumber: true,
      status: true,
      holdReason: true,
      fulfilmentMethod: true,
      pickupCode: true,
      promisedAt: true,
      language: true,
      personalDataErasedAt: true,
      channelFulfilments: true,
      pickupLocation: { select: { name: true, timezone: true, openingHours: true } },
      lines: { select: { title: true, quantity: true, cancelledQty: true }, orderBy: { position: 'asc' } },
      fulfilments: {
        where: { method: 'ship' },
        select: { trackingCompany: true, trackingNumber: true, trackingUrl: true },
        orderBy: { createdAt: 'asc' },
      },
      // The customer's billing documents; confirmations and delivery notes travel with the order.
      documents: {
        where: { kind: { in: ['invoice', 'credit_note'] } },
        select: { id: true, kind: true, number: true },
        orderBy: [{ issuedAt: 'asc' }, { number: 'asc' }],
      },
    },
  });
  if (!o) return null;
  const parcels: StatusParcel[] = o.fulfilments.map((f) => ({
    carrier: f.trackingCompany,
    number: f.trackingNumber,
    url: safeLink(f.trackingUrl),
  }));
  const seen = new Set(parcels.map((p) => p.number).filter(Boolean));
  for (const cf of (o.channelFulfilments ?? []) as ChannelFulfilmentJson[]) {
    if (cf.status === 'cancelled' || cf.status === 'error' || cf.status === 'failure') continue;
    for (const t of cf.tracking ?? []) {
      if (t.number && seen.has(t.number)) continue;
      if (t.number) seen.add(t.number);
      parcels.push({ carrier: t.company ?? null, number: t.number ?? null, url: safeLink(t.url) });
    }
  }
  const erased = o.personalDataErasedAt !== null;
  const loc = o.fulfilmentMethod === 'pickup' ? o.pickupLocation : null;
  return {
    orderNumber: o.displayNumber ?? o.externalId,
    language: documentLanguage(o.language),
    status: o.status,
    holdReason: o.holdReason,
    method: o.fulfilmentMethod,
    promisedAt: o.promisedAt,
    delayed:
      o.promisedAt !== null &&
      o.promisedAt.getTime() < now.getTime() &&
      !(SETTLED_STATUSES as readonly string[]).includes(o.status),
    lines: o.lines
      .map((l) => ({ title: l.title, quantity: l.quantity - l.cancelledQty }))
      .filter((l) => l.quantity > 0),
    parcels,
    pickup: loc
      ? {
          storeName: loc.name,
          timezone: loc.timezone,
          code: o.status === 'ready_for_pickup' ? o.pickupCode : null,
          openingHours: (loc.openingHours ?? null) as StatusPickup['openingHours'],
        }
      : null,
    // The query selects only invoices and credit notes.
    documents: erased ? [] : (o.documents as StatusDocument[]),
    erased,
  };
}
