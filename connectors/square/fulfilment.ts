// Pickup steps to Square: a Square pickup order's fulfilment moves PROPOSED → RESERVED →
// PREPARED → COMPLETED (or CANCELED) as the store's staff act in the hub's staff pages:
// `pickup_ready` → PREPARED, `pickup_collected` → COMPLETED, `cancel` → CANCELED. UpdateOrder
// changes a sparse order and must name the order's current version, so the order is read first
// and each step sent with the version read (a VERSION_MISMATCH — the store changed it meanwhile —
// reads again, once). A step the order has already reached or passed is not sent again
// (alreadyApplied): a retried push changes nothing twice. Each step has its own idempotency key.
import type { AccountContext, FulfilmentPush, FulfilmentPushResult } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import type { SquareClient } from './client.ts';
import { mainFulfillment } from './mapping.ts';
import type { SqFulfillmentState, SqOrder } from './payloads.ts';

const PATH: readonly SqFulfillmentState[] = ['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED'];

const TARGET: Partial<Record<FulfilmentPush['kind'], SqFulfillmentState>> = {
  pickup_ready: 'PREPARED',
  pickup_collected: 'COMPLETED',
  cancel: 'CANCELED',
};

/** The states to send, in order, to bring a fulfilment from `from` to `to`; [] when it is there or past it. */
export function stepsTo(from: SqFulfillmentState, to: SqFulfillmentState): SqFulfillmentState[] {
  if (from === 'CANCELED' || from === 'FAILED' || from === 'COMPLETED') return [];
  if (to === 'CANCELED') return ['CANCELED'];
  const a = PATH.indexOf(from);
  const b = PATH.indexOf(to);
  return a >= b ? [] : PATH.slice(a + 1, b + 1);
}

async function readOrder(client: SquareClient, account: AccountContext, id: string): Promise<SqOrder> {
  const res = await client.request<{ orders?: SqOrder[] }>(account, {
    op: 'BatchRetrieveOrders',
    method: 'POST',
    path: '/v2/orders/batch-retrieve',
    body: { order_ids: [id] },
    retrySafe: true,
  });
  const order = res.orders?.[0];
  if (!order) throw new ConnectorError('not_found', `Square does not know order ${id}`, { retryable: false });
  return order;
}

export async function pushFulfilment(
  client: SquareClient,
  account: AccountContext,
  push: FulfilmentPush,
): Promise<FulfilmentPushResult> {
  const target = TARGET[push.kind];
  if (!target) {
    throw new ConnectorError(
      'unsupported',
      `Square orders take pickup steps and cancellations from the hub, not ${push.kind}`,
      {
        retryable: false,
      },
    );
  }
  let order = await readOrder(client, account, push.externalOrderId);
  const f = mainFulfillment(order);
  const uid = f?.uid;
  if (!uid || f?.type !== 'PICKUP') {
    throw new ConnectorError('unsupported', `Square order ${order.id} has no pickup fulfilment to move`, {
      retryable: false,
    });
  }
  const steps = stepsTo(f.state ?? 'PROPOSED', target);
  if (steps.length === 0) return { externalFulfilmentId: uid, alreadyApplied: true };
  for (const state of steps) {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await client.request<{ order?: SqOrder }>(account, {
          op: 'UpdateOrder',
          method: 'PUT',
          path: `/v2/orders/${encodeURIComponent(order.id)}`,
          body: {
            order: { location_id: order.location_id, version: order.version, fulfillments: [{ uid, state }] },
            idempotency_key: `${push.idempotencyKey}:${state}`,
          },
          retrySafe: true,
        });
        if (res.order) order = res.order;
        break;
      } catch (error) {
        if (attempt > 0 || !(error instanceof ConnectorError) || error.code !== 'version_mismatch') throw error;
        // The store changed the order meanwhile: read its version again; skip a step it already took.
        order = await readOrder(client, account, push.externalOrderId);
        if (stepsTo(mainFulfillment(order)?.state ?? 'PROPOSED', state).length === 0) break;
      }
    }
  }
  return { externalFulfilmentId: uid, alreadyApplied: false };
}
