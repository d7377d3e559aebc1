import type { z } from '@hono/zod-openapi';
import type { OrderSummary } from '../../../core/orders/action-kit.ts';
import { iso, money } from '../serialize.ts';
import type { ActionResultSchema, OrderDetailSchema, OrderSummarySchema } from './schemas.ts';

/** An order as the list reads it (Prisma's row with its account's type; the edge's SQL gives the same). */
export type OrderRow = {
  id: string;
  accountId: string;
  externalId: string;
  displayNumber: string | null;
  status: z.infer<typeof OrderSummarySchema>['status'];
  holdReason: string | null;
  paymentStatus: string;
  fulfilmentMethod: 'ship' | 'pickup';
  pickupLocationId: string | null;
  unconfirmed: string[];
  customer: unknown;
  test: boolean;
  fulfilledByChannel: boolean;
  currency: string;
  total: bigint;
  channelCreatedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  account: { type: string };
};

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function customerOf(c: unknown): { name: string | null; email: string | null; phone: string | null } | null {
  if (!c || typeof c !== 'object') return null;
  const x = c as { name?: unknown; email?: unknown; phone?: unknown };
  return { name: str(x.name), email: str(x.email), phone: str(x.phone) };
}

/** Stored tax lines / discounts (JSON, minor units) with their money in the order currency. */
function taxLinesOf(v: unknown, cur: string) {
  return (Array.isArray(v) ? v : []).map((t: { title?: unknown; rate?: unknown; amount?: unknown }) => ({
    title: str(t.title) ?? 'Tax',
    rate: str(t.rate),
    amount: money(Number(t.amount ?? 0), cur),
  }));
}

function discountsOf(v: unknown, cur: string) {
  return (Array.isArray(v) ? v : []).map((d: { code?: unknown; title?: unknown; amount?: unknown }) => ({
    code: str(d.code),
    title: str(d.title),
    amount: money(Number(d.amount ?? 0), cur),
  }));
}

type StoredFulfilment = {
  externalId?: unknown;
  status?: unknown;
  tracking?: { company?: unknown; number?: unknown; url?: unknown }[];
  lines?: { channelLineId?: unknown; quantity?: unknown }[];
  createdAt?: unknown;
};

function channelFulfilmentsOf(v: unknown) {
  return (Array.isArray(v) ? (v as StoredFulfilment[]) : []).map((f) => ({
    externalId: str(f.externalId) ?? '',
    status: str(f.status),
    tracking: (f.tracking ?? []).map((t) => ({ company: str(t.company), number: str(t.number), url: str(t.url) })),
    lines: (f.lines ?? []).map((l) => ({
      channelLineId: str(l.channelLineId) ?? '',
      quantity: Number(l.quantity ?? 0),
    })),
    createdAt: str(f.createdAt),
  }));
}

export function shapeOrderSummary(o: OrderRow): z.infer<typeof OrderSummarySchema> {
  return {
    id: o.id,
    accountId: o.accountId,
    channel: o.account.type,
    externalId: o.externalId,
    displayNumber: o.displayNumber,
    status: o.status,
    holdReason: o.holdReason,
    paymentStatus: o.paymentStatus,
    fulfilmentMethod: o.unconfirmed.includes('fulfilmentMethod') ? 'unknown' : o.fulfilmentMethod,
    pickupLocationId: o.pickupLocationId,
    unconfirmed: o.unconfirmed,
    customer: customerOf(o.customer),
    test: o.test,
    fulfilledByChannel: o.fulfilledByChannel,
    total: money(o.total, o.currency),
    channelCreatedAt: iso(o.channelCreatedAt),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}

/** An order with what the detail shows; reservations and returns are shown with every column read. */
export type DetailRow = OrderRow & {
  subtotal: bigint;
  discountTotal: bigint;
  shippingTotal: bigint;
  taxTotal: bigint;
  tipTotal: bigint;
  discountCodes: string[];
  channelFulfilments: unknown;
  billingAddress: unknown;
  shippingAddress: unknown;
  shippingLines: unknown;
  payment: unknown;
  tags: string[];
  channelRef: unknown;
  readyForPickupAt: Date | null;
  collectedAt: Date | null;
  channelUpdatedAt: Date;
  cancelRequestedAt: Date | null;
  cancelRequestReason: string | null;
  cancelRequestOutcome: string | null;
  closedAt: Date | null;
  personalDataErasedAt: Date | null;
  lines: {
    id: string;
    channelLineId: string;
    skuCode: string | null;
    title: string;
    position: number;
    quantity: number;
    unitPrice: bigint;
    discountTotal: bigint;
    taxTotal: bigint;
    taxLines: unknown;
    discounts: unknown;
    fulfilledQty: number;
    returnedQty: number;
    cancelledQty: number;
  }[];
  events: {
    id: bigint;
    fromStatus: string | null;
    toStatus: string;
    actor: string;
    reason: string | null;
    createdAt: Date;
  }[];
  reservations: {
    id: string;
    orderLineId: string;
    skuId: string;
    locationId: string;
    quantity: number;
    backordered: number;
    status: 'active' | 'released' | 'committed';
    createdAt: Date;
  }[];
  fulfilments: {
    id: string;
    locationId: string | null;
    method: 'ship' | 'pickup';
    status: string;
    trackingCompany: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    lines: unknown;
    pushedAt: Date | null;
    lastError: string | null;
    createdAt: Date;
  }[];
  returns: {
    id: string;
    lines: unknown;
    reason: string | null;
    externalId: string | null;
    refundAmount: bigint | null;
    refundCurrency: string | null;
    createdAt: Date;
  }[];
};

export function shapeOrderDetail(o: DetailRow): z.infer<typeof OrderDetailSchema> {
  const cur = o.currency;
  return {
    ...shapeOrderSummary(o),
    subtotal: money(o.subtotal, cur),
    discountTotal: money(o.discountTotal, cur),
    shippingTotal: money(o.shippingTotal, cur),
    taxTotal: money(o.taxTotal, cur),
    tipTotal: money(o.tipTotal, cur),
    discountCodes: o.discountCodes,
    channelFulfilments: channelFulfilmentsOf(o.channelFulfilments),
    billingAddress: o.billingAddress ?? null,
    shippingAddress: o.shippingAddress ?? null,
    shippingLines: o.shippingLines ?? [],
    payment: o.payment ?? null,
    tags: o.tags,
    channelRef: o.channelRef ?? null,
    readyForPickupAt: iso(o.readyForPickupAt),
    collectedAt: iso(o.collectedAt),
    channelUpdatedAt: iso(o.channelUpdatedAt),
    cancelRequest: o.cancelRequestedAt
      ? {
          requestedAt: iso(o.cancelRequestedAt),
          reason: o.cancelRequestReason,
          outcome:
            o.cancelRequestOutcome === 'approved' || o.cancelRequestOutcome === 'declined'
              ? o.cancelRequestOutcome
              : null,
        }
      : null,
    closedAt: iso(o.closedAt),
    personalDataErasedAt: iso(o.personalDataErasedAt),
    lines: o.lines.map((l) => ({
      id: l.id,
      channelLineId: l.channelLineId,
      skuCode: l.skuCode,
      title: l.title,
      position: l.position,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice, cur),
      discountTotal: money(l.discountTotal, cur),
      taxTotal: money(l.taxTotal, cur),
      taxLines: taxLinesOf(l.taxLines, cur),
      discounts: discountsOf(l.discounts, cur),
      fulfilledQty: l.fulfilledQty,
      returnedQty: l.returnedQty,
      cancelledQty: l.cancelledQty,
    })),
    events: o.events.map((e) => ({
      id: e.id.toString(),
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actor: e.actor,
      reason: e.reason,
      createdAt: iso(e.createdAt),
    })),
    reservations: o.reservations.map((r) => ({ ...r, createdAt: iso(r.createdAt) })),
    fulfilments: o.fulfilments.map((f) => ({
      id: f.id,
      locationId: f.locationId,
      method: f.method,
      status: f.status,
      tracking: { company: f.trackingCompany, number: f.trackingNumber, url: f.trackingUrl },
      lines: f.lines,
      pushedAt: iso(f.pushedAt),
      lastError: f.lastError,
      createdAt: iso(f.createdAt),
    })),
    returns: o.returns.map(({ refundAmount, refundCurrency, ...r }) => ({
      ...r,
      refund: refundAmount === null ? null : money(refundAmount, (refundCurrency ?? cur).trim()),
      createdAt: iso(r.createdAt),
    })),
  };
}

export function shapeActionResult(s: OrderSummary): z.infer<typeof ActionResultSchema> {
  return {
    id: s.id,
    accountId: s.accountId,
    externalId: s.externalId,
    displayNumber: s.displayNumber,
    status: s.status,
    holdReason: s.holdReason,
    fulfilmentMethod: s.fulfilmentMethod,
    pickupLocationId: s.pickupLocationId,
    readyForPickupAt: s.readyForPickupAt,
    collectedAt: s.collectedAt,
  };
}
