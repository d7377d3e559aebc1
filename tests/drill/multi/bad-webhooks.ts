// Forged and malformed deliveries at every webhook door the drill's channels use. Forged: a
// signature that is not the channel's (must be refused, nothing stored). Malformed: signed with
// the shop's real secret, but a body the hub cannot apply (a Shopify orders/create that is JSON
// but no order) — refused at the door, or stored and then an open exception, never silently
// dropped and never an order.
import type { DemoShop } from '../../../api/demo/simulators.ts';
import { SIGNATURE_HEADER as TILL_SIGNATURE, TIMESTAMP_HEADER } from '../../../connectors/pos-webhook/webhooks.ts';
import { TILL_ACCOUNT_ID } from './channels.ts';

export interface BadWebhookFigures {
  forged: { sent: number; accepted: number; statuses: Record<string, number> };
  /** Malformed: refused at the door (4xx), or stored (2xx) under these external event ids. */
  malformed: { sent: number; refused: number; storedIds: string[]; other: number };
}

export async function sendBadWebhooks(o: {
  apiUrl: string;
  shops: DemoShop[];
  rounds: number;
  tag: string;
}): Promise<BadWebhookFigures> {
  const f: BadWebhookFigures = {
    forged: { sent: 0, accepted: 0, statuses: {} },
    malformed: { sent: 0, refused: 0, storedIds: [], other: 0 },
  };
  const post = async (path: string, headers: Record<string, string>, body: string) => {
    try {
      const res = await fetch(`${o.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  };
  const forged = async (path: string, headers: Record<string, string>, body: string) => {
    const status = await post(path, headers, body);
    f.forged.sent += 1;
    f.forged.statuses[status] = (f.forged.statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) f.forged.accepted += 1;
  };
  const now = () => new Date().toISOString();
  for (let i = 0; i < o.rounds; i++) {
    const id = `${o.tag}-${i}`;
    const order = JSON.stringify({ id: 990000000 + i, name: `#F${i}`, line_items: [] });
    for (const shop of o.shops) {
      await forged(
        `/webhooks/${shop.accountId}`,
        {
          'X-Shopify-Topic': 'orders/create',
          'X-Shopify-Hmac-Sha256': Buffer.from(`forged-${id}`).toString('base64'),
          'X-Shopify-Shop-Domain': 'harbour-pine.myshopify.com',
          'X-Shopify-Webhook-Id': `forged-${id}`,
        },
        order,
      );
    }
    await forged(
      `/webhooks/${TILL_ACCOUNT_ID}`,
      { [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)), [TILL_SIGNATURE]: 'ab'.repeat(32) },
      JSON.stringify({ eventId: `forged-${id}`, kind: 'sale', occurredAt: now(), location: 'store-b', lines: [] }),
    );
    await forged(
      '/webhooks/channel/ebay',
      {
        'x-ebay-signature': Buffer.from(JSON.stringify({ alg: 'ECDSA', kid: 'forged', signature: 'AAAA' })).toString(
          'base64',
        ),
      },
      JSON.stringify({ metadata: { topic: 'ORDER_CONFIRMATION' }, notification: { notificationId: `forged-${id}` } }),
    );
    await forged(
      '/webhooks/channel/square',
      { 'x-square-hmacsha256-signature': Buffer.from(`forged-${id}`).toString('base64') },
      JSON.stringify({ event_id: `forged-${id}`, type: 'order.created', merchant_id: 'M', data: {} }),
    );
    await forged(
      '/webhooks/channel/amazon',
      { authorization: `Bearer forged-${id}` },
      JSON.stringify({ NotificationType: 'ORDER_CHANGE', NotificationMetadata: { NotificationId: `forged-${id}` } }),
    );

    // Malformed, signed with the shop's real secret: JSON, but no order in it.
    const shop = o.shops[i % o.shops.length] as DemoShop;
    const webhookId = `malformed-${id}`;
    const req = await shop.sim.webhooks.request(
      {
        webhookId,
        topic: 'orders/create',
        body: JSON.stringify({ id: `not-a-number-${i}`, line_items: 'none' }),
        triggeredAt: now(),
      },
      shop.sim.apiSecret,
      `${o.apiUrl}/webhooks/${shop.accountId}`,
    );
    f.malformed.sent += 1;
    const status = await post(`/webhooks/${shop.accountId}`, Object.fromEntries(req.headers), await req.text());
    if (status >= 200 && status < 300) f.malformed.storedIds.push(webhookId);
    else if (status >= 400 && status < 500) f.malformed.refused += 1;
    else f.malformed.other += 1;
  }
  return f;
}
