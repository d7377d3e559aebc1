// POST/GET /api/v1/channel-accounts/{id}/webhooks: the hub subscribes the Shopify topics it
// needs to the account's webhook door and lists what Shopify holds, against the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { subscriptionsOf } from '../../connectors/shopify/simulator/subscriptions.ts';
import { SUBSCRIBED_TOPICS } from '../../connectors/shopify/webhooks.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness, type Json } from './harness.ts';

const SHOP = 'account-webhooks.myshopify.com';

describe.each(testDatabases())('account webhook subscriptions API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  const sim = createShopifySimulator({ shop: SHOP, accessToken: 'shpat_good', apiSecret: 'whsec' });

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, {
      connectors: { shopify: createShopifyConnector({ transport: (r) => sim.fetch(r) }) },
    });
    const r = await h.call('POST', '/api/v1/channel-accounts', {
      body: {
        id: 'main',
        type: 'shopify',
        name: 'Main shop',
        credentials: { shop: SHOP, accessToken: 'shpat_good', apiSecretKey: 'whsec' },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });
  afterAll(() => db?.close());

  it('registers the topics for the account address, once, and lists them', async () => {
    const r = await h.call('POST', '/api/v1/channel-accounts/main/webhooks', {
      body: { baseUrl: 'https://hub.example.com/' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.callbackUrl).toBe('https://hub.example.com/webhooks/main');
    expect(r.body.created.map((s: Json) => s.topic).sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    expect(r.body.failed).toEqual([]);
    expect(subscriptionsOf(sim.store).every((s) => s.uri === 'https://hub.example.com/webhooks/main')).toBe(true);

    const again = await h.call('POST', '/api/v1/channel-accounts/main/webhooks', {
      body: { baseUrl: 'https://hub.example.com' },
    });
    expect(again.body.created).toEqual([]);
    expect(again.body.existing).toHaveLength(SUBSCRIBED_TOPICS.length);

    const listed = await h.call('GET', '/api/v1/channel-accounts/main/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((s: Json) => [s.topic, s.uri]).sort()).toEqual(
      SUBSCRIBED_TOPICS.map((t) => [t, 'https://hub.example.com/webhooks/main']).sort(),
    );
  });

  it('a read-only key lists but does not register; an unknown account is 404; refused credentials are 502', async () => {
    expect((await h.call('GET', '/api/v1/channel-accounts/main/webhooks', { key: h.readonly })).status).toBe(200);
    expect((await h.call('POST', '/api/v1/channel-accounts/main/webhooks', { key: h.readonly, body: {} })).status).toBe(
      403,
    );
    expect((await h.call('GET', '/api/v1/channel-accounts/nope/webhooks')).status).toBe(404);
    await h.call('PATCH', '/api/v1/channel-accounts/main', {
      body: { credentials: { shop: SHOP, accessToken: 'wrong', apiSecretKey: 'whsec' } },
    });
    const refused = await h.call('GET', '/api/v1/channel-accounts/main/webhooks');
    expect(refused.status).toBe(502);
    expect(refused.body.error.message).toMatch(/unauthorized/);
  });
});

describe.each(testDatabases())('adding or testing an account subscribes its webhooks on $kind', ({ open }) => {
  let db: Database;
  const shop = 'auto-subscribe.myshopify.com';
  const sim = createShopifySimulator({ shop, accessToken: 'shpat_good', apiSecret: 'whsec' });
  const connectors = { shopify: createShopifyConnector({ transport: (r) => sim.fetch(r) }) };
  const account = (id: string) => ({
    id,
    type: 'shopify',
    name: `Shop ${id}`,
    credentials: { shop, accessToken: 'shpat_good', apiSecretKey: 'whsec' },
  });

  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db?.close());

  it('with OMNIHUB_PUBLIC_URL: ?test=true subscribes the topics at the hub address, and a later test keeps them', async () => {
    const h = await buildHarness(db, {
      connectors,
      config: { adminToken: undefined, publicUrl: 'https://hub.example.com' },
    });
    const r = await h.call('POST', '/api/v1/channel-accounts?test=true', { body: account('auto') });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.webhooks.callbackUrl).toBe('https://hub.example.com/webhooks/auto');
    expect([...r.body.webhooks.created].sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    // The shop itself now holds one subscription per topic at that address.
    expect(subscriptionsOf(sim.store).filter((s) => s.uri === 'https://hub.example.com/webhooks/auto')).toHaveLength(
      SUBSCRIBED_TOPICS.length,
    );

    const tested = await h.call('POST', '/api/v1/channel-accounts/auto/test');
    expect(tested.status).toBe(200);
    expect(tested.body.ok).toBe(true);
    expect(tested.body.webhooks.created).toEqual([]);
    expect([...tested.body.webhooks.existing].sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
  });

  it('without it: nothing is subscribed and the answer says what to set', async () => {
    const h = await buildHarness(db, { connectors });
    const before = subscriptionsOf(sim.store).length;
    const r = await h.call('POST', '/api/v1/channel-accounts?test=true', { body: account('manual') });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.webhooks.skipped).toMatch(/OMNIHUB_PUBLIC_URL/);
    expect(subscriptionsOf(sim.store)).toHaveLength(before);
  });
});
