// Builds valid OrderDrafts for tests; override what the test is about.
import type { OrderDraftInput, OrderLineDraft } from '../../core/order/schema.ts';

type LineInput = Partial<OrderLineDraft> & { sku: string | null; quantity: number };

export function draft(externalId: string, lines: LineInput[], over: Partial<OrderDraftInput> = {}): OrderDraftInput {
  const at = '2026-11-20T10:00:00Z';
  const subtotal = lines.reduce((a, l) => a + (l.unitPrice ?? 1000) * l.quantity, 0);
  return {
    externalId,
    displayNumber: `#${externalId}`,
    currency: 'EUR',
    state: { cancelled: false, payment: 'paid', fulfilment: 'unfulfilled', restock: true },
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    lines: lines.map((l, i) => ({
      channelLineId: l.channelLineId ?? `${externalId}-L${i + 1}`,
      title: l.title ?? `Item ${l.sku ?? 'custom'}`,
      unitPrice: 1000,
      ...l,
    })),
    totals: { subtotal, discountTotal: 0, shippingTotal: 0, taxTotal: 0, total: subtotal },
    channelCreatedAt: at,
    channelUpdatedAt: at,
    ...over,
  };
}
