// A stateful fake of one Square seller's API, as a plain (Request) => Promise<Response> handler
// (msw forwards to it in tests, the benchmark and sync tests call it in process, the demo serves
// it on a port), plus what happens in the store: counter sales, pickup orders and the staff's
// steps on them, physical counts. Each sends the notifications Square sends (webhooks.ts):
// a counter sale from the Point of Sale app fires payment.created / payment.updated and
// inventory.count.updated, never order.created (that fires only for orders created through the API).
import { type Clock, systemClock } from '../../../core/clock.ts';
import type { SqFulfillmentState, SqOrder, SqPaymentRefund } from '../payloads.ts';
import { returnOrder } from './returns.ts';
import { createApi, issueTokens, sqError } from './api.ts';
import { type LineInput, newId, SimState } from './state.ts';
import { SquareWebhooks } from './webhooks.ts';

export type { LineInput } from './state.ts';

export interface SquareSimulatorOptions {
  merchantId?: string;
  applicationId?: string;
  currency?: string;
  clock?: Clock;
}

export interface SimFault {
  status: 429 | 500 | 502 | 503;
  retryAfterSeconds?: number;
}

export interface SquareSimulator {
  readonly merchantId: string;
  readonly applicationId: string;
  readonly state: SimState;
  readonly webhooks: SquareWebhooks;
  /** Tokens issued at creation (as the OAuth flow would hand them to the hub). */
  readonly tokens: { access: string; refresh: string; expiresAt: string };
  readonly stats: { requests: number; byPath: Record<string, number> };
  fetch(request: Request): Promise<Response>;
  faults: {
    failNext(count: number, status?: SimFault['status'], retryAfterSeconds?: number): void;
    /** The next `count` calls run, then answer 502 as if the answer was lost. */
    loseNextResponses(count: number): void;
    /** Added to every call (virtual time under a ManualClock). */
    latency(ms: number): void;
    clear(): void;
  };
  /** Sets a variation's IN_STOCK at a location (setup: no notification). */
  stock(variationId: string, locationId: string, units: number): void;
  /** A sale rung up at the till: completed order, payment, units IN_STOCK → SOLD. */
  counterSale(locationId: string, lines: LineInput[]): Promise<SqOrder>;
  /** A pickup order (Square Online): paid, fulfilment PROPOSED, units IN_STOCK → SOLD. */
  pickupOrder(
    locationId: string,
    lines: LineInput[],
    recipient?: { display_name?: string; email_address?: string },
  ): Promise<SqOrder>;
  /** The store's staff move a pickup fulfilment in Square's own app. */
  staffPickup(orderId: string, state: SqFulfillmentState): Promise<SqOrder>;
  /** Staff count the shelf: a PHYSICAL_COUNT of IN_STOCK. */
  physicalCount(variationId: string, locationId: string, units: number): Promise<void>;
  /** Staff book in a delivery: an ADJUSTMENT NONE → IN_STOCK ("introduces stock into the system"). */
  receiveStock(variationId: string, locationId: string, units: number): Promise<void>;
  /**
   * Goods brought back to the till (itemized return): a return order whose `returns[0]` names the
   * sale (null: an unlinked return) and its lines, a refund of the returned amount on the sale's
   * payment, the units SOLD → RETURNED_BY_CUSTOMER → IN_STOCK when restocked (our reading of the
   * InventoryState descriptions: returned through the POS, then available for sale). Notifications:
   * refund.created, refund.updated, payment.updated (the sale's payment), inventory.count.updated.
   */
  counterReturn(
    sourceOrderId: string | null,
    locationId: string,
    lines: { sourceLineUid?: string; variationId: string; quantity?: string }[],
    opts?: { restock?: boolean },
  ): Promise<SqOrder>;
  count(variationId: string, locationId: string, state?: string): number;
}

export function createSquareSimulator(options: SquareSimulatorOptions = {}): SquareSimulator {
  const clock = options.clock ?? systemClock;
  const merchantId = options.merchantId ?? newId('M');
  const applicationId = options.applicationId ?? 'sq0idp-simulator';
  const state = new SimState(merchantId, options.currency ?? 'USD', clock);
  const webhooks = new SquareWebhooks(merchantId, clock);
  const tokens = issueTokens(state, clock);
  const faults: SimFault[] = [];
  const lost = { count: 0 };
  const delay = { ms: 0 };
  const stats = { requests: 0, byPath: {} as Record<string, number> };

  async function inventoryChanged(pairs: { variationId: string; locationId: string }[]) {
    const seen = new Set<string>();
    const counts = pairs
      .filter((p) => !seen.has(`${p.variationId}|${p.locationId}`) && seen.add(`${p.variationId}|${p.locationId}`))
      .map((p) => ({
        catalog_object_id: p.variationId,
        catalog_object_type: 'ITEM_VARIATION',
        state: 'IN_STOCK',
        location_id: p.locationId,
        quantity: String(state.count(p.variationId, p.locationId, 'IN_STOCK')),
        calculated_at: clock.now().toISOString(),
      }));
    if (counts.length)
      await webhooks.send('inventory.count.updated', {
        type: 'inventory_counts',
        id: newId('E'),
        object: { inventory_counts: counts },
      });
  }

  async function orderUpdated(order: SqOrder, fulfillmentChanged: boolean) {
    const updated = {
      order_id: order.id,
      version: order.version,
      location_id: order.location_id,
      state: order.state,
      created_at: order.created_at,
      updated_at: order.updated_at,
    };
    await webhooks.send('order.updated', { type: 'order_updated', id: order.id, object: { order_updated: updated } });
    if (fulfillmentChanged) {
      await webhooks.send('order.fulfillment.updated', {
        type: 'order_fulfillment_updated',
        id: order.id,
        object: {
          order_fulfillment_updated: {
            ...updated,
            fulfillment_update: (order.fulfillments ?? []).map((f) => ({ fulfillment_uid: f.uid, new_state: f.state })),
          },
        },
      });
    }
  }

  const api = createApi(state, clock, { applicationId }, { inventoryChanged, orderUpdated });

  async function pay(order: SqOrder) {
    const payment = {
      id: newId('P'),
      order_id: order.id,
      location_id: order.location_id,
      status: 'COMPLETED' as const,
      updated_at: clock.now().toISOString(),
    };
    order.tenders = [{ id: payment.id, type: 'CARD', amount_money: order.total_money }];
    state.payments.set(payment.id, payment);
    await webhooks.send('payment.created', {
      type: 'payment',
      id: payment.id,
      object: { payment: { ...payment, status: 'APPROVED' } },
    });
    await webhooks.send('payment.updated', { type: 'payment', id: payment.id, object: { payment } });
  }

  function sell(order: SqOrder) {
    for (const li of order.line_items ?? []) {
      state.adjust({
        variationId: li.catalog_object_id ?? '',
        locationId: order.location_id,
        from: 'IN_STOCK',
        to: 'SOLD',
        quantity: Number(li.quantity),
      });
    }
  }

  return {
    merchantId,
    applicationId,
    state,
    webhooks,
    tokens,
    stats,
    async fetch(request: Request): Promise<Response> {
      stats.requests += 1;
      const path = new URL(request.url).pathname;
      stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
      if (delay.ms > 0) await clock.sleep(delay.ms);
      const fault = faults.shift();
      if (fault) {
        if (fault.status === 429) {
          return new Response(
            JSON.stringify({ errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'slow down' }] }),
            {
              status: 429,
              headers: { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds ?? 1) },
            },
          );
        }
        return sqError(fault.status, 'API_ERROR', 'SERVICE_UNAVAILABLE', 'simulated outage');
      }
      const res = await api(request);
      if (lost.count > 0) {
        lost.count -= 1;
        return sqError(502, 'API_ERROR', 'BAD_GATEWAY', 'answer lost');
      }
      return res;
    },
    faults: {
      failNext(count, status = 503, retryAfterSeconds) {
        for (let i = 0; i < count; i++) faults.push({ status, retryAfterSeconds });
      },
      loseNextResponses(count) {
        lost.count += count;
      },
      latency(ms) {
        delay.ms = ms;
      },
      clear() {
        faults.length = 0;
        lost.count = 0;
        delay.ms = 0;
      },
    },
    stock(variationId, locationId, units) {
      state.seed(variationId, locationId, units);
    },
    async counterSale(locationId, lines) {
      const order = state.buildOrder(locationId, lines, {
        state: 'COMPLETED',
        source: { name: 'Square Point of Sale' },
      });
      order.closed_at = order.updated_at;
      delete order.version; // POS orders: "Orders not created through the API do not include a version"
      state.orders.set(order.id, order);
      sell(order);
      await pay(order);
      await inventoryChanged(
        (order.line_items ?? []).map((l) => ({ variationId: l.catalog_object_id ?? '', locationId })),
      );
      return order;
    },
    async pickupOrder(locationId, lines, recipient = { display_name: 'Ada Lovelace' }) {
      const order = state.buildOrder(locationId, lines, {
        source: { name: 'Square Online' },
        fulfillments: [
          {
            uid: 'f-1',
            type: 'PICKUP',
            state: 'PROPOSED',
            // ASAP: Square sets pickup_at to now plus the preparation time (FulfillmentPickupDetails).
            pickup_details: {
              recipient,
              schedule_type: 'ASAP',
              prep_time_duration: 'PT20M',
              pickup_at: state.inMinutes(20),
            },
          },
        ],
      });
      state.orders.set(order.id, order);
      await webhooks.send('order.created', {
        type: 'order_created',
        id: order.id,
        object: {
          order_created: { order_id: order.id, version: order.version, location_id: locationId, state: order.state },
        },
      });
      sell(order);
      await pay(order);
      await inventoryChanged(
        (order.line_items ?? []).map((l) => ({ variationId: l.catalog_object_id ?? '', locationId })),
      );
      return order;
    },
    async staffPickup(orderId, next) {
      const order = state.orders.get(orderId);
      if (!order) throw new Error(`unknown order ${orderId}`);
      state.setFulfillmentState(order, next);
      state.touch(order);
      await orderUpdated(order, true);
      return order;
    },
    async physicalCount(variationId, locationId, units) {
      state.physicalCount({ variationId, locationId, quantity: units });
      await inventoryChanged([{ variationId, locationId }]);
    },
    async receiveStock(variationId, locationId, units) {
      state.adjust({ variationId, locationId, from: 'NONE', to: 'IN_STOCK', quantity: units });
      await inventoryChanged([{ variationId, locationId }]);
    },
    async counterReturn(sourceOrderId, locationId, lines, opts = {}) {
      const sale = sourceOrderId ? state.orders.get(sourceOrderId) : undefined;
      if (sourceOrderId && !sale) throw new Error(`unknown order ${sourceOrderId}`);
      const order = returnOrder(state, newId('O'), locationId, sourceOrderId, lines);
      state.orders.set(order.id, order);
      const amount = order.return_amounts?.total_money ?? { amount: 0, currency: state.currency };
      const payment = sale ? [...state.payments.values()].find((p) => p.order_id === sale.id) : undefined;
      const refund: SqPaymentRefund = {
        id: newId('R'),
        status: 'PENDING',
        location_id: locationId,
        amount_money: amount,
        payment_id: payment?.id ?? null,
        order_id: order.id,
        created_at: order.created_at,
        updated_at: order.created_at,
      };
      order.refunds = [
        {
          id: refund.id,
          location_id: locationId,
          tender_id: payment?.id ?? null,
          amount_money: amount,
          status: 'APPROVED',
        },
      ];
      if (opts.restock !== false) {
        for (const l of lines) {
          const moves = [
            ['SOLD', 'RETURNED_BY_CUSTOMER'],
            ['RETURNED_BY_CUSTOMER', 'IN_STOCK'],
          ] as const;
          for (const [from, to] of moves)
            state.adjust({
              variationId: l.variationId,
              locationId,
              from,
              to,
              quantity: Number(l.quantity ?? '1'),
              refundId: refund.id,
            });
        }
      }
      await webhooks.send('refund.created', { type: 'refund', id: refund.id, object: { refund } });
      const done = { ...refund, status: 'COMPLETED' as const, updated_at: clock.now().toISOString() };
      await webhooks.send('refund.updated', { type: 'refund', id: refund.id, object: { refund: done } });
      if (payment) {
        payment.refund_ids = [...(payment.refund_ids ?? []), refund.id];
        payment.refunded_money = {
          amount: (payment.refunded_money?.amount ?? 0) + (amount.amount ?? 0),
          currency: state.currency,
        };
        payment.updated_at = clock.now().toISOString();
        await webhooks.send('payment.updated', { type: 'payment', id: payment.id, object: { payment } });
      }
      if (opts.restock !== false)
        await inventoryChanged(lines.map((l) => ({ variationId: l.variationId, locationId })));
      return order;
    },
    count(variationId, locationId, s = 'IN_STOCK') {
      return state.count(variationId, locationId, s);
    },
  };
}
