// Which of two payloads of one order is the later one. Channels stamp an order's updated_at
// to the second (Shopify), so two different versions of an order can carry the same
// timestamp; taking whichever arrives last would let the older state win (the order was
// partially paid, then a late "pending" version puts it back on hold unpaid).
import { createHash } from 'node:crypto';
import type { OrderDraft } from '../order/schema.ts';
import type { PaymentStatus } from '../order/state-machine.ts';

/** A payload's place in the order's history: its timestamp, then its version key. */
export interface ChannelVersion {
  updatedAt: Date;
  /** From channelVersionKey; null for an order stored before the hub kept keys. */
  key: string | null;
}

/**
 * The rule: a payload replaces the version the hub holds when its timestamp is later, or when
 * the timestamps are equal and its key is not smaller. The key ranks the payload's progress
 * first — cancelled, fulfilment state, units fulfilled, payment stage, then whether the channel
 * confirmed every field (a provisional version, recorded from a webhook body while the re-read
 * that completes it could not be made, ranks below the re-read of the same instant); each only
 * grows over an order's life, so a later version never ranks below an earlier one — then its
 * content hash. So equal timestamps never move an order backwards, two different versions end
 * in the same state whichever arrives first, and an identical replay (same key) is applied
 * again, which changes nothing.
 */
export function supersedes(incoming: ChannelVersion, held: ChannelVersion): boolean {
  const dt = incoming.updatedAt.getTime() - held.updatedAt.getTime();
  if (dt !== 0) return dt > 0;
  return (incoming.key ?? '') >= (held.key ?? '');
}

// Money stages of an order, in the order they happen; a void ends an authorization as a
// refund ends a payment, so both rank last (their content hash decides between them).
const PAYMENT_STAGE: Record<PaymentStatus, number> = {
  pending: 0,
  authorized: 1,
  partially_paid: 2,
  paid: 3,
  partially_refunded: 4,
  refunded: 5,
  voided: 5,
};
const FULFILMENT_STAGE = { unfulfilled: 0, partial: 1, fulfilled: 2 } as const;

/**
 * The tie-break key of a payload: fixed-width progress fields, then a SHA-256 of its canonical
 * JSON, so that comparing two keys as strings compares progress first, content second.
 */
export function channelVersionKey(d: OrderDraft): string {
  const fulfilledUnits = d.lines.reduce((a, l) => a + l.fulfilledQuantity, 0);
  const progress = [
    d.state.cancelled ? 1 : 0,
    FULFILMENT_STAGE[d.state.fulfilment],
    String(fulfilledUnits).padStart(10, '0'), // at most 1,000 lines of 1,000,000 units
    PAYMENT_STAGE[d.state.payment],
    d.unconfirmed.length === 0 ? 1 : 0,
  ].join('.');
  return `${progress}:${createHash('sha256').update(canonicalJson(d)).digest('hex')}`;
}

/** JSON with object keys sorted, so equal content hashes equal whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
