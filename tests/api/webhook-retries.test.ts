// A webhook the hub failed to take (down, or too slow for Shopify's 5 seconds) arrives again on
// the simulator's retry, as Shopify retries it, and the hub still records the order once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { createShopifySimulator, type ShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { DELIVERY_TIMEOUT_MS, RETRY_DELAYS_MS } from '../../connectors/shopify/simulator/webhooks.ts';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { createLogger } from '../../core/log.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness } from './harness.ts';

const SHOP = 'retry-door.myshopify.com';
const SECRET = 'retry-door-secret';

describe.each(testDatabases().filter((d) => d.kind === 'pglite'))(
  'Shopify retries into the door on $kind',
  ({ open }) => {
    let db: Database;
    let h: Harness;
    let sim: ShopifySimulator;
    const clock = new ManualClock('2026-11-20T10:00:00Z');
    const connector = createShopifyConnector({ clock });
    /** What the hub does with the next delivery: answer normally, be down, or answer late. */
    let mode: 'up' | 'down' | 'slow' = 'up';

    beforeAll(async () => {
      db = await open();
      sim = createShopifySimulator({ shop: SHOP, apiSecret: SECRET, clock });
      h = await buildHarness(db, { connectors: { shopify: connector } });
      const r = await h.call('POST', '/api/v1/channel-accounts', {
        body: {
          id: 'shop',
          type: 'shopify',
          name: 'shop',
          credentials: { shop: SHOP, accessToken: 'shpat_x', apiSecretKey: SECRET },
        },
      });
      expect(r.status).toBe(201);
      sim.webhooks.target = async (req) => {
        const m = mode;
        mode = 'up';
        if (m === 'down') return new Response('Service Unavailable', { status: 503 });
        const res = await h.app.request(new Request('http://hub.test/webhooks/shop', req));
        if (m === 'slow') clock.advance(DELIVERY_TIMEOUT_MS + 1); // stored, but Shopify stopped waiting
        return res;
      };
    });
    afterAll(() => db?.close());

    const recorded = async (externalId: string) => {
      await processInbox(
        {
          prisma: db.prisma,
          secretKey: h.secretKey,
          connectors: { shopify: connector },
          logger: createLogger({ logLevel: 'silent' }),
          clock,
        },
        'shop',
      );
      return db.prisma.order.count({ where: { accountId: 'shop', externalId } });
    };

    it.each(['down', 'slow'] as const)(
      'a delivery the hub missed (%s) arrives on retry; the order is recorded once',
      async (m) => {
        const v = sim.store.addVariant({ sku: `R-${m}`, productTitle: 'R', price: 1000, stock: {} });
        mode = m;
        const logBefore = sim.webhooks.log.length;
        const order = await sim.placeOrder({
          lines: [{ variantId: v.id, quantity: 1 }],
          shippingAddress: { address1: 'x', countryCode: 'CA' },
        });
        await sim.webhooks.send('orders/create', sim.orderWebhookBody(order.id));
        expect(sim.webhooks.log.slice(logBefore).map((l) => l.ok)).toEqual([false]);
        clock.advance(RETRY_DELAYS_MS[0]!);
        expect(await sim.webhooks.retryDue()).toBe(1);
        expect(sim.webhooks.log.slice(logBefore).map((l) => l.ok)).toEqual([false, true]);
        expect(await recorded(order.id)).toBe(1);
        const webhookId = sim.webhooks.log.at(-1)!.delivery.webhookId;
        expect(await db.prisma.inboxEvent.count({ where: { accountId: 'shop', externalEventId: webhookId } })).toBe(1);
      },
    );
  },
);
