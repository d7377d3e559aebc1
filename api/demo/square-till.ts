// The demo's Square till (a DemoChannel, channel.ts): the flagship store (Covent Garden)
// rings up sales on Square next to its Shopify POS. The Square simulator runs on its own
// 127.0.0.1 port, reached by the hub as it reaches Square (the account's endpointOverride); it
// sends signed notifications to the hub's /webhooks/channel/square. Square counts the store's
// stock itself (seeded with the store's units); the hub only holds back, in Square's
// RESERVED_FOR_SALE, the units reserved there for the web shops' click-and-collect orders
// (connectors/square/README.md, "Stock"). Customers buy at the counter every few seconds.
import { randomBytes } from 'node:crypto';
import { createAccount } from '../../core/accounts/accounts.ts';
import { setAppCredentials } from '../../core/accounts/channel-apps.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { SquareSimulator } from '../../connectors/square/simulator/index.ts';
import { serveSquareSimulator } from '../../connectors/square/simulator/serve.ts';
import type { DemoSku } from './catalogue.ts';
import type { DemoChannel } from './channel.ts';

export const SQUARE_ACCOUNT_ID = 'flagship-till';
/** The flagship store, where the till stands. */
export const TILL_LOCATION = 'store-a';

/**
 * shows(variationId): what a Square listing carries, the units Square holds back for orders;
 * sell(): a customer buys at the counter (null when the counter has too few).
 */
export interface DemoSquareTill extends DemoChannel {
  sim: SquareSimulator;
}

export async function startSquareTill(opts: {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  host: string;
  catalogue: DemoSku[];
  skuIds: Map<string, string>;
  currency: string;
}): Promise<DemoSquareTill> {
  const served = await serveSquareSimulator({ hostname: opts.host, port: 0, currency: opts.currency });
  const { sim } = served;
  const location = sim.state.addLocation('Covent Garden store');
  const variations = new Map<string, string>();
  try {
    const signatureKey = randomBytes(24).toString('base64url');
    sim.webhooks.signatureKey = signatureKey;
    await setAppCredentials(opts.prisma, opts.secretKey, 'square', { signatureKey }, 'demo');
    await createAccount(opts.prisma, opts.secretKey, {
      id: SQUARE_ACCOUNT_ID,
      type: 'square',
      name: 'Covent Garden till (Square)',
      credentials: {
        merchantId: sim.merchantId,
        accessToken: sim.tokens.access,
        accessTokenExpiresAt: sim.tokens.expiresAt,
        refreshToken: sim.tokens.refresh,
        applicationId: sim.applicationId,
      },
      settings: { stockTarget: 'held', locationIds: [location] },
      endpointOverride: served.url,
    });
    await opts.prisma.channelLocation.create({
      data: { accountId: SQUARE_ACCOUNT_ID, locationId: TILL_LOCATION, priority: 0, externalLocationId: location },
    });
    // The store's catalogue and stock were on Square before the hub was connected.
    const levels = await opts.prisma.inventoryLevel.findMany({ where: { locationId: TILL_LOCATION } });
    const onHand = new Map(levels.map((l) => [l.skuId, l.onHand]));
    for (const s of opts.catalogue) {
      const skuId = opts.skuIds.get(s.code);
      if (!skuId) continue;
      const item = sim.state.addItem(s.productTitle, [{ sku: s.code, price: s.price }]);
      const variation = item.variations[0]?.id ?? '';
      sim.stock(variation, location, onHand.get(skuId) ?? 0);
      variations.set(s.code, variation);
      await opts.prisma.listing.create({
        data: {
          id: `${SQUARE_ACCOUNT_ID}:${s.code}`,
          skuId,
          accountId: SQUARE_ACCOUNT_ID,
          externalProductId: item.id,
          externalVariantId: variation,
          externalStockId: variation,
          channelData: { variationId: variation },
        },
      });
    }
  } catch (e) {
    await served.close();
    throw e;
  }
  return {
    key: 'square',
    accountId: SQUARE_ACCOUNT_ID,
    name: 'Square till at the flagship store',
    sim,
    url: served.url,
    summary: `Square till at the flagship store = Square simulator ${served.url} (signed notifications to /webhooks/channel/square)`,
    pointNotificationsAt(hubUrl) {
      const url = `${hubUrl.replace(/\/$/, '')}/webhooks/channel/square`;
      sim.webhooks.notificationUrl = url;
      sim.webhooks.target = url;
    },
    shows: (variationId) => sim.count(variationId, location, 'RESERVED_FOR_SALE'),
    async sell(sku, quantity) {
      const variation = variations.get(sku);
      if (!variation || sim.count(variation, location, 'IN_STOCK') < quantity) return null;
      const order = await sim.counterSale(location, [{ variationId: variation, quantity: String(quantity) }]);
      return order.id;
    },
    close: served.close,
  };
}
