// Fulfilments out, and the answers to buyers' cancellation requests.
// - ship: createShippingFulfillment (line items and quantities, carrier, tracking number,
//   shipped date; 201 with a Location header naming the new fulfilment). It has no
//   idempotency key, so the order's fulfilments are read first: one with the same tracking
//   number (or, without tracking, the same lines and quantities) means this push was already
//   applied, and nothing is created twice. An empty line list ships what is still open.
// - cancel_request_approved / _declined: the Post-Order API's approve / reject of the buyer's
//   open request (its id read from getOrder's cancelStatus.cancelRequests).
// - pickup steps and a hub-initiated cancel are not offered for eBay orders: refused, for a person;
//   so is a refund for goods taken back outside eBay (see the case below).
import type { Clock } from '../../core/clock.ts';
import type { FulfilmentPush, FulfilmentPushResult } from '../connector.ts';
import { ConnectorError } from '../connector.ts';
import type { EbayClient } from './client.ts';
import { OP } from './limits.ts';
import { openCancelRequest } from './mapping.ts';
import { getOrder } from './orders.ts';
import type { EbayOrder, EbayShippingFulfillment } from './payloads.ts';

/** Hub carrier names → eBay shippingCarrierCode (others are sent as given, upper-cased without spaces). */
const CARRIERS: Readonly<Record<string, string>> = {
  usps: 'USPS',
  ups: 'UPS',
  fedex: 'FEDEX',
  dhl: 'DHL',
  'royal mail': 'ROYAL_MAIL',
  royalmail: 'ROYAL_MAIL',
  'canada post': 'CANADA_POST',
  'australia post': 'AUSTRALIA_POST',
  'deutsche post': 'DEUTSCHE_POST',
  hermes: 'HERMES',
  evri: 'EVRI',
};

export function carrierCode(company: string | null | undefined): string {
  const c = (company ?? '').trim();
  if (!c) return 'OTHER';
  return CARRIERS[c.toLowerCase()] ?? c.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function refuse(message: string): never {
  throw new ConnectorError('unsupported', message, { retryable: false });
}

async function existingFulfilments(client: EbayClient, orderId: string): Promise<EbayShippingFulfillment[]> {
  const res = await client.rest<{ fulfillments?: EbayShippingFulfillment[] }>(
    OP.getShippingFulfillments,
    'fulfillment',
    `/order/${encodeURIComponent(orderId)}/shipping_fulfillment`,
    { retrySafe: true },
  );
  return res?.body?.fulfillments ?? [];
}

function sameLines(a: { lineItemId: string; quantity: number }[], b: { lineItemId: string; quantity: number }[]) {
  const key = (l: { lineItemId: string; quantity: number }[]) =>
    l
      .map((x) => `${x.lineItemId}:${x.quantity}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** What is still open per line: ordered minus what the fulfilments already carry. */
function openLines(order: EbayOrder, done: EbayShippingFulfillment[]) {
  const shipped = new Map<string, number>();
  for (const f of done)
    for (const l of f.lineItems) shipped.set(l.lineItemId, (shipped.get(l.lineItemId) ?? 0) + l.quantity);
  return order.lineItems
    .map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity - (shipped.get(l.lineItemId) ?? 0) }))
    .filter((l) => l.quantity > 0);
}

async function ship(client: EbayClient, clock: Clock, push: FulfilmentPush): Promise<FulfilmentPushResult> {
  const orderId = push.externalOrderId;
  const tracking = push.tracking?.number?.trim() || null;
  const existing = await existingFulfilments(client, orderId);
  let lines = push.lines.map((l) => ({ lineItemId: l.channelLineId, quantity: l.quantity }));
  const same = existing.find((f) =>
    tracking ? f.shipmentTrackingNumber === tracking : !f.shipmentTrackingNumber && sameLines(f.lineItems, lines),
  );
  if (same) return { externalFulfilmentId: same.fulfillmentId, alreadyApplied: true };
  if (lines.length === 0) {
    const order = await getOrder(client, orderId);
    if (!order)
      throw new ConnectorError('order_not_found', `eBay does not know order ${orderId}`, { retryable: false });
    lines = openLines(order, existing);
    if (lines.length === 0)
      return { externalFulfilmentId: existing.at(-1)?.fulfillmentId ?? null, alreadyApplied: true };
  }
  const body = {
    lineItems: lines,
    shippedDate: clock.now().toISOString(),
    ...(tracking ? { shippingCarrierCode: carrierCode(push.tracking?.company), trackingNumber: tracking } : {}),
  };
  // Never repeated blindly (no idempotency key): the job retries the whole push, which reads first.
  const res = await client.rest<unknown>(
    OP.createShippingFulfillment,
    'fulfillment',
    `/order/${encodeURIComponent(orderId)}/shipping_fulfillment`,
    { method: 'POST', body, retrySafe: false },
  );
  const location = res?.headers.get('Location') ?? '';
  const id = location.split('/').filter(Boolean).at(-1) ?? null;
  return { externalFulfilmentId: id, alreadyApplied: false };
}

async function answerCancelRequest(
  client: EbayClient,
  push: FulfilmentPush,
  approve: boolean,
): Promise<FulfilmentPushResult> {
  const order = await getOrder(client, push.externalOrderId);
  if (!order)
    throw new ConnectorError('order_not_found', `eBay does not know order ${push.externalOrderId}`, {
      retryable: false,
    });
  const request = openCancelRequest(order);
  const answered = (order.cancelStatus.cancelRequests ?? []).find((r) =>
    approve ? r.cancelRequestState === 'COMPLETED' : r.cancelRequestState === 'REJECTED',
  );
  if (!request?.cancelRequestId) {
    // Already answered this way (a replay) or eBay closed it: nothing to do.
    if (answered || (approve && order.cancelStatus.cancelState === 'CANCELED')) {
      return { externalFulfilmentId: answered?.cancelRequestId ?? null, alreadyApplied: true };
    }
    throw new ConnectorError(
      'no_open_request',
      `order ${push.externalOrderId} has no open cancellation request on eBay`,
      {
        retryable: false,
      },
    );
  }
  await client.rest<unknown>(
    OP.cancellation,
    'postorder',
    `/cancellation/${encodeURIComponent(request.cancelRequestId)}/${approve ? 'approve' : 'reject'}`,
    { method: 'POST', body: {}, retrySafe: false },
  );
  return { externalFulfilmentId: request.cancelRequestId, alreadyApplied: false };
}

export async function pushFulfilment(
  client: EbayClient,
  clock: Clock,
  push: FulfilmentPush,
): Promise<FulfilmentPushResult> {
  switch (push.kind) {
    case 'ship':
      return ship(client, clock, push);
    case 'cancel_request_approved':
      return answerCancelRequest(client, push, true);
    case 'cancel_request_declined':
      return answerCancelRequest(client, push, false);
    case 'refund':
      // issue_refund (Fulfillment API) takes no idempotency key and getOrder's refunds carry no
      // reference of ours, so a replay after a lost answer could refund twice: not sent yet.
      return refuse(
        'the goods came back outside eBay and the hub restocked them; refund the buyer in Seller Hub (Orders, Issue refund) without asking for the item back',
      );
    default:
      return refuse(`eBay orders have no ${push.kind} step the hub can send`);
  }
}
