// Pure rules that turn what the channel says about an order (cancelled, paid,
// fulfilled) plus what the hub knows (stock short, SKUs unmapped) into the status
// the order should reach, and the legal path of transitions to get there. Channel
// facts only ever move an order forward: a channel update never undoes picking or
// packing that the hub started.
import type { ChannelState } from '../order/schema.ts';
import {
  type FulfilmentMethod,
  type HoldReason,
  type OrderStatus,
  allowedTransitions,
  isTerminal,
} from '../order/state-machine.ts';

export interface OrderFacts {
  channel: ChannelState;
  method: FulfilmentMethod;
  /** Units the order wants that could not be reserved (and may not be backordered). */
  shortUnits: number;
  /** Some short units were still advertised on this channel: it sold stock the hub no longer had. */
  oversold: boolean;
  unmappedLines: number;
  /** A location named by the channel could not be resolved. */
  unknownLocation: boolean;
  /** Units still to hand over, and units already handed over, over all lines. */
  openUnits: number;
  fulfilledUnits: number;
  /** The buyer asked the channel to cancel and nobody has answered yet (cancel-request.ts). */
  cancelRequested?: boolean;
  /** The channel fulfils the order itself (Amazon FBA): nothing for the hub to allocate, hold or pick. */
  fulfilledByChannel?: boolean;
}

export interface Target {
  status: OrderStatus;
  holdReason?: HoldReason;
  reason?: string;
}

const PAID: ReadonlySet<ChannelState['payment']> = new Set([
  'paid',
  'authorized',
  'partially_paid',
  'partially_refunded',
]);

export function targetFor(f: OrderFacts): Target {
  if (f.channel.cancelled) return { status: 'cancelled', reason: f.channel.cancelReason ?? 'cancelled by the channel' };
  if (f.channel.fulfilment === 'fulfilled') return { status: f.method === 'pickup' ? 'collected' : 'shipped' };
  if (f.channel.fulfilment === 'partial') return { status: 'partially_shipped' };
  // Every line refunded or removed before anything shipped: there is nothing left to do.
  if (f.openUnits === 0 && f.fulfilledUnits === 0) return { status: 'cancelled', reason: 'nothing left to fulfil' };
  // Before any other hold: nothing should be picked while the buyer waits for an answer.
  if (f.cancelRequested)
    return { status: 'on_hold', holdReason: 'cancel_requested', reason: 'the buyer asked to cancel' };
  // Recorded and left to the channel: confirmed is a state picking never starts from, and the
  // channel's shipment takes it on to shipped.
  if (f.fulfilledByChannel) return { status: 'confirmed', reason: 'fulfilled by the channel from its own stock' };
  if (f.unknownLocation)
    return { status: 'on_hold', holdReason: 'manual', reason: 'the channel named a location the hub does not know' };
  if (f.unmappedLines > 0)
    return {
      status: 'on_hold',
      holdReason: 'unmapped_sku',
      reason: `${f.unmappedLines} line(s) with a SKU the hub does not know`,
    };
  if (f.shortUnits > 0 && f.oversold)
    return {
      status: 'on_hold',
      holdReason: 'oversold',
      reason: `${f.shortUnits} unit(s) sold by the channel beyond stock`,
    };
  if (f.shortUnits > 0)
    return { status: 'on_hold', holdReason: 'insufficient_stock', reason: `${f.shortUnits} unit(s) short` };
  if (!PAID.has(f.channel.payment))
    return { status: 'on_hold', holdReason: 'unpaid', reason: `payment ${f.channel.payment}` };
  return { status: 'allocated' };
}

// How far along the life of an order a status is; used so that channel facts never move an order back.
const PROGRESS: Record<OrderStatus, number> = {
  captured: 0,
  on_hold: 1,
  confirmed: 1,
  allocated: 2,
  picking: 3,
  packed: 4,
  ready_for_pickup: 5,
  partially_shipped: 5,
  shipped: 6,
  collected: 6,
  partially_returned: 7,
  returned: 8,
  closed: 9,
  cancelled: 9,
};

/**
 * The transitions that take `from` to `target` (shortest legal path, e.g.
 * captured -> confirmed -> allocated), or [] when the order should stay where it is.
 */
export function pathTo(from: OrderStatus, target: OrderStatus): OrderStatus[] {
  if (from === target || isTerminal(from)) return [];
  // Hub-driven progress (picking, packed, ready) is not undone by a channel saying "allocated".
  if (target !== 'on_hold' && target !== 'cancelled' && PROGRESS[target] < PROGRESS[from]) return [];
  if (target === 'on_hold' && PROGRESS[from] > PROGRESS.allocated && from !== 'ready_for_pickup') return [];
  const prev = new Map<OrderStatus, OrderStatus>();
  const queue: OrderStatus[] = [from];
  while (queue.length) {
    const s = queue.shift() as OrderStatus;
    for (const next of allowedTransitions(s)) {
      if (prev.has(next) || next === from) continue;
      // Never route through a hold or a cancellation on the way somewhere else.
      if ((next === 'on_hold' || next === 'cancelled') && next !== target) continue;
      prev.set(next, s);
      if (next === target) {
        const path: OrderStatus[] = [];
        for (let at: OrderStatus = target; at !== from; at = prev.get(at) as OrderStatus) path.unshift(at);
        return path;
      }
      queue.push(next);
    }
  }
  return [];
}
