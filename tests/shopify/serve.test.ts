// The demo transport: the same simulator served by hono on a loopback port, the connector
// pointed at it with endpointOverride (no msw in this file).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { serveSimulator } from '../../connectors/shopify/simulator/serve.ts';
import { account, SECRET, SHOP, TOKEN } from './helpers.ts';

let served: Awaited<ReturnType<typeof serveSimulator>>;
beforeAll(async () => {
  served = await serveSimulator({ shop: SHOP, accessToken: TOKEN, apiSecret: SECRET, port: 0 });
});
afterAll(() => served.close());

it('talks to the simulator over a local port through the real library', async () => {
  const connector = createShopifyConnector();
  const acct = { ...account(), endpointOverride: served.url };
  expect(await connector.testConnection(acct)).toEqual({ ok: true, detail: `Simulated shop (${SHOP}, USD)` });
  const bad = await connector.testConnection({
    ...account({}, { accessToken: 'wrong' }),
    id: 'other',
    endpointOverride: served.url,
  });
  expect(bad.ok).toBe(false);
  expect(bad.detail).toContain('unauthorized');
});
