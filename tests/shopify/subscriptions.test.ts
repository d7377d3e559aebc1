// Webhook subscriptions: the connector registers the topics the hub needs for the account's
// address through webhookSubscriptionCreate and lists them through webhookSubscriptions, against
// the simulator's rendition of the Admin GraphQL 2026-10 shapes (uri, userErrors).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topicEnum, topicName } from '../../connectors/shopify/subscriptions.ts';
import { subscriptionsOf } from '../../connectors/shopify/simulator/subscriptions.ts';
import { SUBSCRIBED_TOPICS } from '../../connectors/shopify/webhooks.ts';
import { account, type Harness, harness } from './helpers.ts';

const HUB = 'https://hub.example.com/webhooks/acct-shopify-1';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.close());

describe('registerWebhooks / listWebhooks', () => {
  it('subscribes every topic the hub needs to the account address, and lists them', async () => {
    const r = await h.connector.registerWebhooks?.(account(), HUB);
    expect(r?.failed).toEqual([]);
    expect(r?.created.map((s) => s.topic).sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    expect(subscriptionsOf(h.sim.store).sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
      { topic: 'ORDERS_CANCELLED', uri: HUB },
      { topic: 'ORDERS_CREATE', uri: HUB },
      { topic: 'ORDERS_UPDATED', uri: HUB },
      { topic: 'REFUNDS_CREATE', uri: HUB },
    ]);
    const listed = await h.connector.listWebhooks?.(account());
    expect(listed?.map((s) => [s.topic, s.uri]).sort()).toEqual(SUBSCRIBED_TOPICS.map((t) => [t, HUB]).sort());
    expect(listed?.every((s) => s.id.startsWith('gid://shopify/WebhookSubscription/'))).toBe(true);
  });

  it('registering again creates nothing twice; a subscription to another address is reported, left alone', async () => {
    h.sim.store.webhookSubscriptions.set('gid://shopify/WebhookSubscription/900', {
      id: 'gid://shopify/WebhookSubscription/900',
      legacyId: 900,
      topic: 'ORDERS_CREATE',
      uri: 'https://old-hub.example.com/webhooks/acct-shopify-1',
      format: 'JSON',
      createdAt: 0,
    });
    await h.connector.registerWebhooks?.(account(), HUB);
    const again = await h.connector.registerWebhooks?.(account(), HUB);
    expect(again?.created).toEqual([]);
    expect(again?.existing).toHaveLength(SUBSCRIBED_TOPICS.length);
    expect(again?.elsewhere.map((s) => s.uri)).toEqual(['https://old-hub.example.com/webhooks/acct-shopify-1']);
    expect(subscriptionsOf(h.sim.store)).toHaveLength(SUBSCRIBED_TOPICS.length + 1);
    expect(h.sim.stats.byOperation.WebhookSubscriptionCreate).toBe(SUBSCRIBED_TOPICS.length);
  });

  it("reports the channel's refusal per topic (an address Shopify does not accept)", async () => {
    const r = await h.connector.registerWebhooks?.(account(), 'http://insecure.example.com/webhooks/x');
    expect(r?.created).toEqual([]);
    expect(r?.failed).toEqual(SUBSCRIBED_TOPICS.map((topic) => ({ topic, message: 'Address is invalid' })));
  });

  it('spells topics both ways', () => {
    expect(topicEnum('orders/partially_fulfilled')).toBe('ORDERS_PARTIALLY_FULFILLED');
    expect(topicName('ORDERS_PARTIALLY_FULFILLED')).toBe('orders/partially_fulfilled');
    expect(topicName('INVENTORY_LEVELS_UPDATE')).toBe('inventory_levels/update');
    expect(topicName('REFUNDS_CREATE')).toBe('refunds/create');
  });
});
