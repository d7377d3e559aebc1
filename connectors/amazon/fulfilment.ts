// Fulfilment out: confirmShipment (orders v0, still current; 2/s burst 10). It has no idempotency
// key, so the package reference Amazon keeps on the order is derived from the hub's push key: a
// replay finds its own package on the order (getOrder, PACKAGES) and is reported as applied,
// whether it is noticed before the call or from Amazon's refusal of a second confirmation.
import type { FulfilmentPush, FulfilmentPushResult } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import { type AmazonCtx, spCall } from './client.ts';
import { INCLUDED_DATA, ORDERS_PATH } from './orders.ts';
import type { SpConfirmShipmentRequest, SpErrorList, SpGetOrderResponse, SpOrder } from './payloads.ts';

/**
 * "packageReferenceId: A seller-supplied identifier that uniquely identifies a package within the
 * scope of an order. Only positive numeric values are supported" (ordersV0.json): the first
 * 48 bits of SHA-256(push key), plus one, as decimal text.
 */
export async function packageReferenceId(idempotencyKey: string): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(idempotencyKey)));
  let n = 0;
  for (let i = 0; i < 6; i++) n = n * 256 + (hash[i] as number);
  return String(n + 1);
}

async function readOrder(ctx: AmazonCtx, orderId: string): Promise<SpOrder> {
  const res = await spCall<SpGetOrderResponse>(ctx, 'getOrder', {
    method: 'GET',
    path: `${ORDERS_PATH}/${encodeURIComponent(orderId)}`,
    query: { includedData: INCLUDED_DATA },
    accept: [404],
  });
  if (res.status === 404 || !res.body?.order) {
    throw new ConnectorError('unknown_order', `Amazon does not know order ${orderId}`, { retryable: false });
  }
  return res.body.order;
}

export async function pushFulfilment(ctx: AmazonCtx, push: FulfilmentPush): Promise<FulfilmentPushResult> {
  if (push.kind === 'refund') {
    // The Order Adjustments feed (POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA) could carry it; the
    // connector does not send it, so a person refunds (README).
    throw new ConnectorError(
      'unsupported',
      'the goods came back outside Amazon and the hub restocked them; refund the buyer in Seller Central (Manage Orders, Refund order) without asking for a return',
      { retryable: false },
    );
  }
  if (push.kind !== 'ship') {
    // Seller cancellations go through order-acknowledgement feeds, buyers' requests are answered in
    // Seller Central, and Amazon has no in-store pickup: a person handles these (README).
    throw new ConnectorError('unsupported', `Amazon connector does not push "${push.kind}"`, { retryable: false });
  }
  const number = push.tracking?.number?.trim();
  if (!number) {
    throw new ConnectorError('missing_tracking', 'confirmShipment needs a tracking number', { retryable: false });
  }
  const reference = await packageReferenceId(push.idempotencyKey);
  const order = await readOrder(ctx, push.externalOrderId);
  if (order.packages?.some((p) => p.packageReferenceId === reference)) {
    return { externalFulfilmentId: reference, alreadyApplied: true };
  }
  if (order.fulfillment?.fulfilledBy === 'AMAZON') {
    throw new ConnectorError('fulfilled_by_amazon', `order ${order.orderId} is fulfilled by Amazon`, {
      retryable: false,
    });
  }
  const items =
    push.lines.length > 0
      ? push.lines.map((l) => ({ orderItemId: l.channelLineId, quantity: l.quantity }))
      : order.orderItems
          .map((i) => ({
            orderItemId: i.orderItemId,
            quantity: i.fulfillment?.quantityUnfulfilled ?? i.quantityOrdered - (i.fulfillment?.quantityFulfilled ?? 0),
          }))
          .filter((i) => i.quantity > 0);
  if (items.length === 0) return { externalFulfilmentId: null, alreadyApplied: true };
  const company = push.tracking?.company?.trim() || null;
  const body: SpConfirmShipmentRequest = {
    marketplaceId: order.salesChannel.marketplaceId ?? ctx.cfg.marketplaceIds[0] ?? '',
    packageDetail: {
      packageReferenceId: reference,
      carrierCode: company ?? 'Other',
      ...(company ? {} : { carrierName: 'Other' }),
      trackingNumber: number,
      shipDate: ctx.clock.now().toISOString(),
      orderItems: items,
    },
  };
  const res = await spCall<SpErrorList | null>(ctx, 'confirmShipment', {
    method: 'POST',
    path: `/orders/v0/orders/${encodeURIComponent(order.orderId)}/shipmentConfirmation`,
    body,
    accept: [400],
  });
  if (res.status === 204 || res.status === 200) return { externalFulfilmentId: reference, alreadyApplied: false };
  // Refused: either this package was confirmed by an earlier attempt whose answer was lost
  // ("already fulfilled"), or the request is wrong. The order's packages tell which.
  const again = await readOrder(ctx, order.orderId);
  if (again.packages?.some((p) => p.packageReferenceId === reference)) {
    return { externalFulfilmentId: reference, alreadyApplied: true };
  }
  const first = res.body?.errors?.[0];
  throw new ConnectorError('invalid', `confirmShipment refused: ${first?.code ?? ''} ${first?.message ?? ''}`.trim(), {
    retryable: false,
  });
}
