// The edge door end to end: the Worker under `wrangler dev --local` (workerd) on a fresh
// PostgreSQL database of its own, the Shopify and eBay simulators on local ports, and a Node
// worker (the sync runtime with the parts `omnihub start --role worker` runs) on the same database.
// - a Shopify webhook signed with the account's secret is accepted (200) and stored once; one
//   signed with another secret is refused (401) and stores nothing;
// - an eBay notification signed by the simulator is accepted (204): the edge fetched the key
//   from the eBay endpoint the app is configured with; a tampered one is refused (412);
// - the Node worker turns both stored events into orders.
// It also prints how many webhooks a small concurrent burst got accepted per second.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleParts } from '../../api/process-roles.ts';
import { createEbayConnector } from '../../connectors/ebay/connector.ts';
import type { EbaySimulator } from '../../connectors/ebay/simulator/index.ts';
import { serveEbaySimulator } from '../../connectors/ebay/simulator/serve.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import type { ShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { serveSimulator } from '../../connectors/shopify/simulator/serve.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { setAppCredentials } from '../../core/accounts/channel-apps.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { type SyncRuntime, startSync } from '../../sync/runtime.ts';
import { createPostgresCopy, postgresTemplateUrl } from '../support/databases.ts';
import { seedLocation, seedSku, stock } from '../support/seed.ts';
import { startWranglerDev, type WranglerDev } from '../support/wrangler-dev.ts';
import { quietLogger } from '../sync/helpers.ts';

const templateUrl = postgresTemplateUrl();
if (!templateUrl && process.env.OMNIHUB_TEST_REQUIRE_POSTGRES === '1') {
  throw new Error('PostgreSQL is required (OMNIHUB_TEST_REQUIRE_POSTGRES=1) but the global setup found none');
}

describe.runIf(templateUrl)('the edge door (wrangler dev --local) into a Node worker', () => {
  let db: Database;
  let dev: WranglerDev;
  let logDir: string;
  let shopify: { sim: ShopifySimulator; url: string; close: () => Promise<void> };
  let ebay: { sim: EbaySimulator; url: string; close: () => Promise<void> };
  let sync: SyncRuntime | undefined;
  const secretKey = generateSecretKey();

  const inbox = (accountId: string) => db.prisma.inboxEvent.findMany({ where: { accountId }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    const url = await createPostgresCopy(templateUrl as string);
    db = await openDatabase({ url, migrate: false, poolSize: 4 });
    shopify = await serveSimulator({ port: 0 });
    ebay = await serveEbaySimulator({ port: 0 });

    await seedLocation(db.prisma, 'wh');
    for (const sku of ['MUG', 'CAP']) {
      await seedSku(db.prisma, sku);
      await stock(db.prisma, `sku-${sku}`, 'wh', 10);
    }
    await createAccount(db.prisma, secretKey, {
      id: 'shop-1',
      type: 'shopify',
      name: 'Shopify shop',
      credentials: {
        shop: shopify.sim.shop,
        accessToken: shopify.sim.accessToken,
        apiSecretKey: shopify.sim.apiSecret,
      },
      endpointOverride: shopify.url,
    });
    const ec = ebay.sim.credentials;
    await createAccount(db.prisma, secretKey, {
      id: 'ebay-1',
      type: 'ebay',
      name: 'eBay seller',
      credentials: {
        refreshToken: ec.refreshToken,
        clientId: ec.clientId,
        clientSecret: ec.clientSecret,
        sellerUsername: ebay.sim.sellerUsername,
      },
      endpointOverride: ebay.url,
    });
    // The app's keys and the eBay endpoint its public keys are fetched from (the simulator).
    await setAppCredentials(
      db.prisma,
      secretKey,
      'ebay',
      {
        clientId: ec.clientId,
        clientSecret: ec.clientSecret,
        verificationToken: 'ebay-verification-token-0123456789abcdef',
        endpointOverride: ebay.url,
      },
      'test',
    );
    for (const accountId of ['shop-1', 'ebay-1']) {
      await db.prisma.channelLocation.create({ data: { accountId, locationId: 'wh', externalLocationId: null } });
    }

    logDir = await mkdtemp(join(tmpdir(), 'omnihub-edge-door-'));
    dev = await startWranglerDev(
      { DATABASE_URL: url, OMNIHUB_SECRET_KEY: Buffer.from(secretKey).toString('hex') },
      logDir,
    );
    ebay.sim.notifications.url = `${dev.baseUrl}/webhooks/channel/ebay`;
  }, 60_000);

  afterAll(async () => {
    await sync?.stop(1000);
    await dev?.stop();
    await shopify?.close();
    await ebay?.close();
    await db?.close();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  }, 30_000);

  async function shopifyOrder() {
    const wh = shopify.sim.store.addLocation('Warehouse');
    const v = shopify.sim.store.addVariant({ sku: 'MUG', productTitle: 'Mug', price: 900, stock: { [wh.id]: 10 } });
    return shopify.sim.placeOrder({
      lines: [{ variantId: v.id, quantity: 2 }],
      shippingAddress: { firstName: 'Ada', address1: '1 Main St', city: 'Ottawa', countryCode: 'CA' },
    });
  }

  /** A Shopify delivery of the order as the shop signs it (or as a forger with another secret). */
  async function shopifyDelivery(orderId: string, opts: { secret?: string; webhookId?: string } = {}) {
    const body = JSON.stringify(shopify.sim.orderWebhookBody(orderId));
    const delivery = {
      webhookId: opts.webhookId ?? crypto.randomUUID(),
      topic: 'orders/create',
      body,
      triggeredAt: new Date().toISOString(),
    };
    return shopify.sim.webhooks.request(delivery, opts.secret, `${dev.baseUrl}/webhooks/shop-1`);
  }

  let shopifyOrderId = '';
  let ebayOrderId = '';

  it('accepts a signed Shopify webhook (200, stored once) and refuses a forged one (401, nothing stored)', async () => {
    const order = await shopifyOrder();
    shopifyOrderId = order.id;
    const forged = await fetch(await shopifyDelivery(order.id, { secret: 'not-the-shops-secret' }));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_hmac');
    expect(await inbox('shop-1')).toHaveLength(0);

    const signed = await fetch(await shopifyDelivery(order.id, { webhookId: 'wh-edge-1' }));
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ received: 1, stored: 1 });
    const again = await fetch(await shopifyDelivery(order.id, { webhookId: 'wh-edge-1' }));
    expect(await again.json()).toEqual({ received: 1, stored: 0 });
    const stored = await inbox('shop-1');
    expect(stored.map((e) => [e.externalEventId, e.topic])).toEqual([['wh-edge-1', 'orders/create']]);
  });

  it('accepts a signed eBay notification (key fetched from the configured eBay endpoint) and refuses a tampered one', async () => {
    const order = ebay.sim.state.placeOrder({ lines: [{ sku: 'CAP', quantity: 1, price: '5.00' }] });
    ebayOrderId = order.orderId;
    const lookups = ebay.sim.stats.publicKeyLookups;
    const message = ebay.sim.notifications.message('ORDER_CONFIRMATION', {
      user: { username: ebay.sim.sellerUsername },
      order: { orderId: order.orderId },
    });
    const good = await ebay.sim.notifications.request(message);
    const tampered = await ebay.sim.notifications.request(message, {
      body: JSON.stringify(message).replace(order.orderId, '99-99999-99999'),
      signature: good.headers.get('x-ebay-signature') as string,
    });
    const refused = await fetch(tampered);
    expect(refused.status).toBe(412);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    expect(await inbox('ebay-1')).toHaveLength(0);

    const accepted = await fetch(good);
    expect(accepted.status).toBe(204);
    expect(ebay.sim.stats.publicKeyLookups - lookups).toBe(1);
    expect((await inbox('ebay-1')).map((e) => e.topic)).toEqual(['notification/ORDER_CONFIRMATION']);
  });

  it('a Node worker turns the events stored at the edge into orders', async () => {
    sync = await startSync({
      db,
      secretKey,
      connectors: { shopify: createShopifyConnector(), ebay: createEbayConnector() },
      logger: quietLogger(),
      roles: roleParts('worker').sync,
    });
    const orders = async () =>
      db.prisma.order.findMany({
        where: { externalId: { in: [shopifyOrderId, ebayOrderId] } },
        include: { lines: true },
        orderBy: { accountId: 'asc' },
      });
    const deadline = Date.now() + 30_000;
    while ((await orders()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const found = await orders();
    expect(found.map((o) => [o.accountId, o.lines.map((l) => [l.skuCode, l.quantity])])).toEqual([
      ['ebay-1', [['CAP', 1]]],
      ['shop-1', [['MUG', 2]]],
    ]);
    const pending = await db.prisma.inboxEvent.count({ where: { processedAt: null } });
    expect(pending).toBe(0);
  });

  it('a burst of signed Shopify webhooks: every one accepted and stored (prints webhooks/s)', async () => {
    const n = 40;
    const requests = await Promise.all(
      Array.from({ length: n }, (_, i) => shopifyDelivery(shopifyOrderId, { webhookId: `burst-${i}` })),
    );
    const t0 = performance.now();
    const statuses = await Promise.all(requests.map(async (r) => (await fetch(r)).status));
    const seconds = (performance.now() - t0) / 1000;
    expect(statuses.filter((s) => s === 200)).toHaveLength(n);
    const burst = await db.prisma.inboxEvent.count({
      where: { accountId: 'shop-1', externalEventId: { startsWith: 'burst-' } },
    });
    expect(burst).toBe(n);
    if (process.env.EDGE_DOOR_DEBUG) console.log(dev.output());
    console.log(
      `[edge door] ${n} concurrent signed Shopify webhooks accepted in ${seconds.toFixed(2)} s: ${(n / seconds).toFixed(0)} webhooks/s (wrangler dev --local, one pg connection per request)`,
    );
  });
});
