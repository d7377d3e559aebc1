// Shared set-up for the Shopify tests: a simulator on a virtual clock, msw forwarding
// https://{shop}/admin/api/{version}/graphql.json to it (so every call goes through the real
// @shopify/shopify-api GraphqlClient and fetch), an account, and fixture loading.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import type { AccountContext, WebhookRequest } from '../../connectors/connector.ts';
import { createShopifyConnector, type ShopifyConnector } from '../../connectors/shopify/connector.ts';
import { ManualClock } from '../../core/clock.ts';
import {
  createShopifySimulator,
  type ShopifySimulator,
  type SimulatorOptions,
} from '../../connectors/shopify/simulator/index.ts';
import { parseJsonKeepingBigInts } from '../../connectors/shopify/webhooks.ts';

export const SHOP = 'omnihub-test.myshopify.com';
export const SECRET = 'test-webhook-secret';
export const TOKEN = 'shpat_test_token';

export function account(
  settings: Record<string, unknown> = {},
  credentials: Record<string, string> = {},
): AccountContext {
  return {
    id: 'acct-shopify-1',
    type: 'shopify',
    name: 'Test shop',
    credentials: { shop: SHOP, accessToken: TOKEN, apiSecretKey: SECRET, ...credentials },
    endpointOverride: null,
    settings,
  };
}

export interface Harness {
  clock: ManualClock;
  sim: ShopifySimulator;
  connector: ShopifyConnector;
  close(): void;
}

/** Simulator + msw + connector, all on one virtual clock. */
export function harness(options: SimulatorOptions = {}): Harness {
  const clock = new ManualClock();
  const sim = createShopifySimulator({ shop: SHOP, accessToken: TOKEN, apiSecret: SECRET, clock, ...options });
  const server = setupServer(
    http.post(`https://${SHOP}/admin/api/:version/graphql.json`, ({ request }) => sim.fetch(request)),
  );
  server.listen({ onUnhandledFrame: 'error' });
  // STACK-NOTES: the library captures fetch at import; route it through globalThis.fetch,
  // which msw patched. (The connector's router also resolves globalThis.fetch per call.)
  setAbstractFetchFunc((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const connector = createShopifyConnector({ clock });
  let open = true;
  return {
    clock,
    sim,
    connector,
    close: () => {
      if (open) server.close();
      open = false;
    },
  };
}

const FIXTURES = fileURLToPath(new URL('../fixtures/shopify/', import.meta.url));

/** The fixture's raw text (sent byte for byte in webhook tests). */
export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

/** The fixture parsed as the webhook path parses it (64-bit ids kept exact). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return parseJsonKeepingBigInts(fixtureText(name)) as T;
}

export async function toWebhookRequest(req: Request): Promise<WebhookRequest> {
  return { method: req.method, url: req.url, headers: req.headers, rawBody: new Uint8Array(await req.arrayBuffer()) };
}
