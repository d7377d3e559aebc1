import { z } from 'zod';

export const ORDER_STATUSES = [
  'captured',
  'confirmed',
  'on_hold',
  'allocated',
  'picking',
  'packed',
  'partially_shipped',
  'shipped',
  'ready_for_pickup',
  'collected',
  'partially_returned',
  'returned',
  'cancelled',
  'closed',
] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/** Hold reasons a person may set with the hold action. */
export const MANUAL_HOLD_REASONS = [
  'insufficient_stock',
  'oversold',
  'unpaid',
  'fraud',
  'unmapped_sku',
  'manual',
] as const;
export const HOLD_REASONS = [
  ...MANUAL_HOLD_REASONS,
  // The buyer asked the channel to cancel: held until a person approves or declines
  // (core/orders/cancel-request.ts). Set only from the channel, never by hand.
  'cancel_requested',
] as const;
export const HoldReasonSchema = z.enum(HOLD_REASONS);
export type HoldReason = z.infer<typeof HoldReasonSchema>;

export const PaymentStatusSchema = z.enum([
  'pending',
  'authorized',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
  'voided',
]);
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

/**
 * Statuses with nothing left to hand over: the order is closed for the merchant's work, and
 * personal-data retention (core/privacy/retention.ts) counts from the first time it got here.
 */
export const CLOSED_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'shipped',
  'collected',
  'partially_returned',
  'returned',
  'cancelled',
  'closed',
]);
export const isClosedStatus = (s: OrderStatus): boolean => CLOSED_STATUSES.has(s);

/** What the hub tells a channel it did with an order (the fulfilment.push job); see connectors/connector.ts. */
export const FULFILMENT_KINDS = [
  'ship',
  'pickup_ready',
  'pickup_collected',
  'cancel',
  'cancel_request_approved',
  'cancel_request_declined',
  // Goods of the order were taken back by someone other than the selling channel (the hub's
  // returns desk, another channel's till): the selling channel must record the refund.
  'refund',
] as const;
export type FulfilmentKind = (typeof FULFILMENT_KINDS)[number];

export const FulfilmentMethodSchema = z.enum(['ship', 'pickup']);
export type FulfilmentMethod = z.infer<typeof FulfilmentMethodSchema>;

// One line per state: where it may go next. A same-state entry (e.g.
// partially_shipped -> partially_shipped, another parcel) is allowed only where listed.
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  captured: ['confirmed', 'on_hold', 'cancelled'],
  // A channel may report the shipment done outside the hub (e.g. shipped from the Shopify admin).
  confirmed: ['allocated', 'on_hold', 'cancelled', 'partially_shipped', 'shipped'],
  // Release returns to the state the order was held in; the caller takes it from the hold record.
  on_hold: ['captured', 'confirmed', 'allocated', 'ready_for_pickup', 'cancelled'],
  allocated: ['picking', 'packed', 'partially_shipped', 'shipped', 'ready_for_pickup', 'on_hold', 'cancelled'],
  picking: ['packed', 'ready_for_pickup', 'on_hold', 'cancelled'],
  packed: ['partially_shipped', 'shipped', 'ready_for_pickup', 'cancelled'],
  // cancelled here means "cancel the rest" of a partly shipped order.
  partially_shipped: ['partially_shipped', 'shipped', 'partially_returned', 'cancelled'],
  shipped: ['partially_returned', 'returned', 'closed'],
  ready_for_pickup: ['collected', 'cancelled', 'on_hold'],
  collected: ['partially_returned', 'returned', 'closed'],
  partially_returned: ['partially_returned', 'returned', 'closed'],
  returned: ['closed'],
  cancelled: [],
  closed: [],
};

export type TransitionErrorCode = 'illegal_transition' | 'hold_reason_required' | 'invalid_cause';

export class IllegalTransitionError extends Error {
  readonly code: TransitionErrorCode;
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string, code: TransitionErrorCode = 'illegal_transition', message?: string) {
    super(message ?? `order cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
    this.code = code;
    this.from = from;
    this.to = to;
  }
}

export function allowedTransitions(from: OrderStatus): readonly OrderStatus[] {
  return Object.hasOwn(TRANSITIONS, from) ? TRANSITIONS[from] : [];
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowedTransitions(from).includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

export function isTerminal(status: OrderStatus): boolean {
  return allowedTransitions(status).length === 0;
}

export interface TransitionCause {
  actor: string;
  reason?: string;
  holdReason?: HoldReason;
}

export const TransitionRecordSchema = z.object({
  from: OrderStatusSchema,
  to: OrderStatusSchema,
  actor: z.string().min(1),
  reason: z.string().nullable(),
  holdReason: HoldReasonSchema.nullable(),
  at: z.iso.datetime(),
});
export type TransitionRecord = z.infer<typeof TransitionRecordSchema>;

const CauseSchema = z.object({
  actor: z.string().trim().min(1),
  reason: z.string().optional(),
  holdReason: HoldReasonSchema.optional(),
});

/**
 * Checks a transition and returns the record to persist (audit log / order history).
 * Going to on_hold requires a holdReason; a holdReason on any other transition is refused.
 */
export function planTransition(from: OrderStatus, to: OrderStatus, cause: TransitionCause, at: Date): TransitionRecord {
  assertTransition(from, to);
  const parsed = CauseSchema.safeParse(cause);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'cause';
    throw new IllegalTransitionError(
      from,
      to,
      'invalid_cause',
      `invalid cause for ${from} -> ${to}: ${where}: ${issue?.message}`,
    );
  }
  const { actor, reason, holdReason } = parsed.data;
  if (to === 'on_hold' && holdReason === undefined) {
    throw new IllegalTransitionError(
      from,
      to,
      'hold_reason_required',
      `putting an order on hold needs a holdReason (from ${from})`,
    );
  }
  if (to !== 'on_hold' && holdReason !== undefined) {
    throw new IllegalTransitionError(
      from,
      to,
      'invalid_cause',
      `holdReason is only meaningful when going to on_hold, not ${to}`,
    );
  }
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new IllegalTransitionError(from, to, 'invalid_cause', `invalid transition time for ${from} -> ${to}`);
  }
  return { from, to, actor, reason: reason ?? null, holdReason: holdReason ?? null, at: at.toISOString() };
}
