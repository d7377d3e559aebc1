// The EventBridge API destination door: an ORDER_CHANGE (Amazon's published example) posted with
// the secret header is routed to the seller it names and becomes a pointer the hub resolves with
// getOrder; anything without the secret is refused before parsing.
import { describe, expect, it } from 'vitest';
import { createAmazonConnector } from '../../connectors/amazon/connector.ts';
import { createAmazonSimulator } from '../../connectors/amazon/simulator/index.ts';
import { SECRET_HEADER } from '../../connectors/amazon/webhooks.ts';
import type { AppContext, WebhookRequest } from '../../connectors/connector.ts';
import { fixture } from './helpers.ts';

const connector = createAmazonConnector();
const app: AppContext = {
  type: 'amazon',
  credentials: { lwaClientId: 'c', lwaClientSecret: 's', webhookSecret: 'eventbridge-secret-1' },
  notificationUrl: 'https://hub.example/webhooks/channel/amazon',
};

function post(body: unknown, secret: string | null): WebhookRequest {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (secret) headers.set(SECRET_HEADER, secret);
  return {
    method: 'POST',
    url: app.notificationUrl as string,
    headers,
    rawBody: new TextEncoder().encode(JSON.stringify(body)),
  };
}

// What an EventBridge API destination posts: the event, with the notification as `detail`.
const event = () => ({
  version: '0',
  id: 'eb-1',
  'detail-type': 'ORDER_CHANGE',
  source: 'aws.partner/sellingpartnerapi.amazon/amzn1.sellerapps.app.sim',
  time: '2026-11-20T10:00:00Z',
  detail: fixture('order-change-notification-example.json'),
});

describe('Amazon EventBridge notifications', () => {
  it('verifies the secret header, routes by SellerId and yields a getOrder pointer', async () => {
    const res = await connector.verifyAppWebhook?.(app, post(event(), 'eventbridge-secret-1'));
    if (!res?.ok) throw new Error(`refused: ${JSON.stringify(res)}`);
    expect(res.identity).toBe('A3TH9S8BH6GOGM');
    expect(res.events.map((e) => [e.externalEventId, e.topic])).toEqual([
      ['d0e9e693-c3ad-4373-979f-ed4ec98dd746', 'ORDER_CHANGE'],
    ]);
    const acct = {
      id: 'a',
      type: 'amazon' as const,
      name: 'A',
      credentials: { sellerId: 'A3TH9S8BH6GOGM', refreshToken: 'r' },
      settings: {},
    };
    expect(connector.accountIdentity?.(acct)).toBe('A3TH9S8BH6GOGM');
    expect(connector.interpret(acct, res.events[0] as never)).toMatchObject({
      kind: 'fetch',
      externalOrderId: '903-8868176-2219830',
    });
  });

  it('refuses a missing or wrong secret (401), other methods (405) and other notifications (400)', async () => {
    expect(await connector.verifyAppWebhook?.(app, post(event(), null))).toMatchObject({ ok: false, status: 401 });
    expect(await connector.verifyAppWebhook?.(app, post(event(), 'eventbridge-secret-2'))).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(
      await connector.verifyAppWebhook?.(app, { ...post(event(), 'eventbridge-secret-1'), method: 'GET' }),
    ).toMatchObject({
      ok: false,
      status: 405,
    });
    const other = event();
    other.detail = { ...other.detail, NotificationType: 'ANY_OFFER_CHANGED' };
    expect(await connector.verifyAppWebhook?.(app, post(other, 'eventbridge-secret-1'))).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it("the simulator's EventBridge destination posts an ORDER_CHANGE the door takes (MFN and FBA)", async () => {
    const sim = createAmazonSimulator({ sellerId: 'A3TH9S8BH6GOGM', marketplaceIds: ['A1F83G8C2ARO7P'] });
    sim.addListing({ sku: 'MUG' });
    const received: WebhookRequest[] = [];
    sim.notifications.url = app.notificationUrl as string;
    sim.notifications.secret = 'eventbridge-secret-1';
    sim.notifications.target = async (req) => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        rawBody: new Uint8Array(await req.arrayBuffer()),
      });
      return new Response(null, { status: 202 });
    };
    const mfn = sim.placeOrder({ items: [{ sku: 'MUG', quantity: 1 }] });
    const fba = sim.placeOrder({ items: [{ sku: 'MUG', quantity: 1 }], fulfilledBy: 'AMAZON' });
    expect(await sim.notifyOrderChange(mfn.orderId)).toBe(202);
    expect(await sim.notifyOrderChange(fba.orderId)).toBe(202);

    const results = await Promise.all(received.map((r) => connector.verifyAppWebhook?.(app, r)));
    const pointers = results.map((res) => {
      if (!res?.ok) throw new Error(`refused: ${JSON.stringify(res)}`);
      const notification = res.events[0]?.payload as {
        Payload: { OrderChangeNotification: { Summary: { FulfillmentType: string; MarketplaceId: string } } };
      };
      return [
        res.identity,
        connector.interpret(acct(), res.events[0] as never),
        notification.Payload.OrderChangeNotification.Summary,
      ];
    });
    expect(pointers).toMatchObject([
      [
        'A3TH9S8BH6GOGM',
        { kind: 'fetch', externalOrderId: mfn.orderId },
        { FulfillmentType: 'MFN', MarketplaceId: 'A1F83G8C2ARO7P' },
      ],
      [
        'A3TH9S8BH6GOGM',
        { kind: 'fetch', externalOrderId: fba.orderId },
        { FulfillmentType: 'AFN', MarketplaceId: 'A1F83G8C2ARO7P' },
      ],
    ]);
    // Every notification carries its own id: the door stores each once.
    expect(new Set(sim.notifications.log.map((d) => d.notificationId)).size).toBe(2);
    // Not subscribed (no URL): nothing is sent.
    sim.notifications.url = null;
    expect(await sim.notifyOrderChange(mfn.orderId)).toBeNull();
    expect(received).toHaveLength(2);
  });
});

function acct() {
  return {
    id: 'a',
    type: 'amazon' as const,
    name: 'A',
    credentials: { sellerId: 'A3TH9S8BH6GOGM', refreshToken: 'r' },
    settings: {},
  };
}
