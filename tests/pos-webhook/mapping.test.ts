// The till's events as core sees them (pure mapping), and what the connector says for the parts a
// till does not have: no polling, no stock API, and account input refused naming the field.
import { describe, expect, it } from 'vitest';
import { AccountInputError } from '../../connectors/connector.ts';
import { createTillConnector } from '../../connectors/pos-webhook/connector.ts';
import { interpretTillEvent } from '../../connectors/pos-webhook/mapping.ts';

const at = '2026-12-01T10:15:00+01:00';
const lines = [
  { sku: 'TEE', quantity: 2, unitPrice: 1999, discount: 200, tax: 380 },
  { sku: 'CAP', quantity: 1, unitPrice: 1500 },
];

describe('till event mapping', () => {
  it('maps a counter sale to a paid order handed over at the store', () => {
    const m = interpretTillEvent('till/sale', {
      kind: 'sale',
      eventId: 'e1',
      occurredAt: at,
      location: 'store-1',
      receipt: 'R-1',
      currency: 'EUR',
      lines,
      total: 5678,
    });
    if (m.kind !== 'order') throw new Error(m.kind);
    const d = m.draft;
    expect(d).toMatchObject({
      externalId: 'R-1',
      currency: 'EUR',
      originLocation: { externalId: 'store-1' },
      state: { payment: 'paid', fulfilment: 'fulfilled' },
      totals: { subtotal: 2 * 1999 + 1500, discountTotal: 200, taxTotal: 380, total: 5678 },
    });
    expect(d.lines.map((l) => [l.channelLineId, l.quantity, l.fulfilledQuantity])).toEqual([
      ['TEE', 2, 2],
      ['CAP', 1, 1],
    ]);
    expect(d.channelCreatedAt).toBe(at);
  });

  it('maps a delivery order to an unfulfilled order with no origin (it ships from the linked locations)', () => {
    const m = interpretTillEvent('till/delivery_order', {
      kind: 'delivery_order',
      eventId: 'e2',
      occurredAt: at,
      location: 'store-1',
      receipt: 'D-1',
      currency: 'EUR',
      lines,
      shipping: 500,
      total: 6178,
      shippingAddress: { line1: '1 Rue A', city: 'Lyon', countryCode: 'FR' },
    });
    if (m.kind !== 'order') throw new Error(m.kind);
    expect(m.draft.originLocation ?? null).toBeNull();
    expect(m.draft.state.fulfilment).toBe('unfulfilled');
    expect(m.draft.lines.every((l) => l.fulfilledQuantity === 0)).toBe(true);
    expect(m.draft.totals.shippingTotal).toBe(500);
    expect(m.draft.shippingAddress?.city).toBe('Lyon');
  });

  it("maps a return of another channel's order to that account, restocked at the store", () => {
    const m = interpretTillEvent('till/return', {
      kind: 'return',
      eventId: 'e3',
      occurredAt: at,
      location: 'store-1',
      returnId: 'RET-1',
      order: { accountId: 'web-shop', externalId: 'gid://shopify/Order/1' },
      lines: [{ sku: 'TEE', quantity: 1 }],
      refund: { amount: 1999, currency: 'EUR' },
    });
    expect(m).toEqual({
      kind: 'return',
      externalOrderId: 'gid://shopify/Order/1',
      orderAccountId: 'web-shop',
      draft: {
        externalReturnId: 'RET-1',
        lines: [{ channelLineId: 'TEE', sku: 'TEE', quantity: 1, restock: true }],
        occurredAt: at,
        reason: null,
        refund: { amount: 1999, currency: 'EUR' },
        restockLocation: { externalId: 'store-1' },
      },
    });
  });

  it('maps a count to store counts by SKU, as of when it was taken, once per event', () => {
    const m = interpretTillEvent('till/count', {
      kind: 'count',
      eventId: 'e4',
      occurredAt: at,
      location: 'store-1',
      counts: [{ sku: 'TEE', onHand: 0 }],
    });
    expect(m).toEqual({
      kind: 'count',
      counts: [
        {
          externalCountId: 'e4',
          externalItemId: 'TEE',
          sku: 'TEE',
          externalLocationId: 'store-1',
          quantity: 0,
          countedAt: at,
        },
      ],
    });
  });
});

describe('till connector without a vendor API', () => {
  const c = createTillConnector();
  const account = { id: 'till', type: 'pos' as const, name: 'T', credentials: {}, settings: {} };

  it('polls nothing and refuses every stock update for good', async () => {
    expect(await c.pollOrders(account, 'cursor-1', new Date())).toEqual({
      events: [],
      cursor: 'cursor-1',
      hasMore: false,
    });
    const r = await c.pushStock(account, [
      { listingId: 'l1', externalStockId: 'x', externalLocationId: null, quantity: 3, previousQuantity: null },
    ]);
    expect(r.confirmed).toEqual([]);
    expect(r.failed).toMatchObject([{ listingId: 'l1', code: 'unsupported', retryable: false }]);
  });

  it('refuses account input naming the field', () => {
    const norm = c.normaliseAccount;
    if (!norm) throw new Error('no normaliseAccount');
    const base = { credentials: { signingSecret: 'x'.repeat(32) }, settings: {}, endpointOverride: null };
    expect(norm(base)).toEqual(base);
    const field = (input: typeof base) => {
      try {
        norm(input);
        return null;
      } catch (e) {
        return e instanceof AccountInputError ? e.field : String(e);
      }
    };
    expect(field({ ...base, credentials: { signingSecret: 'short' } })).toBe('credentials.signingSecret');
    expect(field({ ...base, credentials: {} as { signingSecret: string } })).toBe('credentials.signingSecret');
    expect(field({ ...base, credentials: { ...base.credentials, apiKey: 'k' } } as typeof base)).toBe(
      'credentials.apiKey',
    );
    expect(field({ ...base, settings: { notifyUrl: 'ftp://till' } } as typeof base)).toBe('settings.notifyUrl');
  });
});
