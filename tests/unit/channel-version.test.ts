// The rule that decides which of two payloads of one order is the later one: the timestamp,
// then (at an equal timestamp) the progress the payload shows, then its content hash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelVersionKey, supersedes } from '../../core/orders/channel-version.ts';
import { type OrderDraft, OrderDraftSchema } from '../../core/order/schema.ts';
import { draft } from '../support/drafts.ts';

const at = new Date('2026-11-20T12:00:00Z');
const parsed = (over: Parameters<typeof draft>[2] = {}, fulfilled = 0): OrderDraft =>
  OrderDraftSchema.parse(draft('1', [{ sku: 'A', quantity: 3, fulfilledQuantity: fulfilled }], over));
const version = (d: OrderDraft, updatedAt = at) => ({ updatedAt, key: channelVersionKey(d) });
const state = (s: Partial<OrderDraft['state']>) => ({
  state: { cancelled: false, payment: 'paid' as const, fulfilment: 'unfulfilled' as const, restock: true, ...s },
});

describe('supersedes', () => {
  it('lets a later timestamp win whatever the progress, and an earlier one lose', () => {
    const cancelled = version(parsed(state({ cancelled: true, payment: 'refunded' })));
    const pendingLater = version(parsed(state({ payment: 'pending' })), new Date(at.getTime() + 1000));
    expect(supersedes(pendingLater, cancelled)).toBe(true);
    expect(supersedes(cancelled, pendingLater)).toBe(false);
  });

  it('at an equal timestamp, lets the version further along win in both directions', () => {
    const ladder = [
      parsed(state({ payment: 'pending' })),
      parsed(state({ payment: 'partially_paid' })),
      parsed(state({ payment: 'paid' })),
      parsed(state({ payment: 'paid', fulfilment: 'partial' }), 1),
      parsed(state({ payment: 'paid', fulfilment: 'partial' }), 2),
      parsed(state({ payment: 'partially_refunded', fulfilment: 'partial' }), 2),
      parsed(state({ payment: 'paid', fulfilment: 'fulfilled' }), 3),
      parsed(state({ payment: 'refunded', cancelled: true })),
    ].map((d) => version(d));
    for (let i = 0; i + 1 < ladder.length; i++) {
      const [earlier, later] = [ladder[i]!, ladder[i + 1]!];
      expect(supersedes(later, earlier), `step ${i + 1} over step ${i}`).toBe(true);
      expect(supersedes(earlier, later), `step ${i} over step ${i + 1}`).toBe(false);
    }
  });

  it('at an equal timestamp and progress, picks exactly one of two different contents; a replay applies', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        const va = version(parsed({ tags: [a] }));
        const vb = version(parsed({ tags: [b] }));
        expect(supersedes(va, vb)).not.toBe(supersedes(vb, va));
        expect(supersedes(va, version(parsed({ tags: [a] })))).toBe(true);
      }),
    );
  });

  it('at an equal timestamp and progress, lets the version the channel confirmed win over a provisional one', () => {
    // A webhook body recorded while its re-read failed, then the re-read of the same instant
    // (whatever else differs between them: not left to the content hash).
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const provisional = version(parsed({ tags: [a], unconfirmed: ['fulfilmentMethod'] }));
        const confirmed = version(
          parsed({ tags: [b], fulfilmentMethod: 'pickup', pickupLocation: { externalId: 'store' } }),
        );
        expect(supersedes(confirmed, provisional)).toBe(true);
        expect(supersedes(provisional, confirmed)).toBe(false);
      }),
    );
  });

  it('hashes content, not key order', () => {
    const d = parsed();
    const reordered = Object.fromEntries(Object.entries(d).reverse()) as OrderDraft;
    expect(channelVersionKey(reordered)).toBe(channelVersionKey(d));
  });

  it('lets any payload replace an order stored before versions had keys', () => {
    expect(supersedes(version(parsed(state({ payment: 'pending' }))), { updatedAt: at, key: null })).toBe(true);
  });
});
