// The demo's eBay seller (a DemoChannel, channel.ts): the eBay simulator on its own
// 127.0.0.1 port, reached by the hub exactly as it reaches eBay — the account's
// endpointOverride for the seller's REST and Trading calls, the app's endpointOverride for the
// notification public keys — selling the catalogue from the warehouse. Buyers check out on it
// every few seconds; the simulator then sends signed ORDER_CONFIRMATION notifications (one
// per line item) to the hub's /webhooks/channel/ebay.
import { randomBytes } from 'node:crypto';
import { createAccount, loadAccountContext } from '../../core/accounts/accounts.ts';
import { setAppCredentials } from '../../core/accounts/channel-apps.ts';
import type { Prisma, PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { ChannelConnector } from '../../connectors/connector.ts';
import type { EbaySimulator } from '../../connectors/ebay/simulator/index.ts';
import { serveEbaySimulator } from '../../connectors/ebay/simulator/serve.ts';
import { listingFields } from '../../connectors/listing-fields.ts';
import type { DemoSku } from './catalogue.ts';
import { connectorOf, type DemoChannel, type DemoChannelContext } from './channel.ts';

export const EBAY_ACCOUNT_ID = 'ebay-seller';

/**
 * shows(sku): the lower of item and offer quantity; sell(): a buyer checks out and the signed
 * notifications follow.
 */
export interface DemoEbaySeller extends DemoChannel {
  sim: EbaySimulator;
}

export async function startEbaySeller(opts: {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connector: ChannelConnector;
  host: string;
  catalogue: DemoSku[];
  skuIds: Map<string, string>;
  /** The hub location the seller ships from. */
  locationId: string;
}): Promise<DemoEbaySeller> {
  const served = await serveEbaySimulator({ hostname: opts.host, port: 0, sellerUsername: 'harbour_and_pine' });
  const { sim } = served;
  try {
    await setAppCredentials(
      opts.prisma,
      opts.secretKey,
      'ebay',
      {
        clientId: sim.credentials.clientId,
        clientSecret: sim.credentials.clientSecret,
        verificationToken: randomBytes(24).toString('hex'),
        endpointOverride: served.url,
      },
      'demo',
    );
    await createAccount(opts.prisma, opts.secretKey, {
      id: EBAY_ACCOUNT_ID,
      type: 'ebay',
      name: 'eBay seller',
      credentials: {
        refreshToken: sim.credentials.refreshToken,
        clientId: sim.credentials.clientId,
        clientSecret: sim.credentials.clientSecret,
        sellerUsername: sim.sellerUsername,
      },
      endpointOverride: served.url,
    });
    await opts.prisma.channelLocation.create({
      data: { accountId: EBAY_ACCOUNT_ID, locationId: opts.locationId, priority: 0, externalLocationId: 'default' },
    });
    // The seller listed the catalogue with the Inventory API before connecting the hub (quantity 0:
    // the hub's first push sets it).
    for (const s of opts.catalogue) sim.state.addInventoryItem(s.code, 0, { title: s.productTitle });
    const account = await loadAccountContext(opts.prisma, opts.secretKey, EBAY_ACCOUNT_ID);
    const rows: Prisma.ListingCreateManyInput[] = [];
    for await (const c of opts.connector.discoverListings(account)) {
      const skuId = c.sku ? opts.skuIds.get(c.sku) : undefined;
      if (!skuId || !c.externalStockId) continue;
      const fields = listingFields(c);
      rows.push({
        id: `${EBAY_ACCOUNT_ID}:${c.sku}`,
        skuId,
        accountId: EBAY_ACCOUNT_ID,
        ...fields,
        channelData: fields.channelData as Prisma.InputJsonObject,
      });
    }
    await opts.prisma.listing.createMany({ data: rows });
  } catch (e) {
    await served.close();
    throw e;
  }

  const shows = (sku: string) => {
    const item = sim.state.items.get(sku);
    const offer = sim.state.offersOf(sku)[0];
    return item && offer ? Math.min(item.quantity, offer.availableQuantity) : null;
  };
  const price = new Map(opts.catalogue.map((s) => [s.code, (s.price / 100).toFixed(2)]));

  return {
    key: 'ebay',
    accountId: EBAY_ACCOUNT_ID,
    name: 'eBay seller',
    sim,
    url: served.url,
    summary: `eBay seller = eBay simulator ${served.url} (signed notifications to /webhooks/channel/ebay)`,
    pointNotificationsAt(hubUrl) {
      sim.notifications.url = `${hubUrl.replace(/\/$/, '')}/webhooks/channel/ebay`;
      sim.notifications.target = (req) => fetch(req);
    },
    shows,
    async sell(sku, quantity) {
      const item = sim.state.items.get(sku);
      const offer = sim.state.offersOf(sku)[0];
      if (!item || !offer || (shows(sku) ?? 0) < quantity) return null;
      // eBay takes the units off the listing at checkout.
      item.quantity -= quantity;
      offer.availableQuantity -= quantity;
      const order = sim.state.placeOrder({
        currency: 'GBP',
        buyer: `buyer_${randomBytes(3).toString('hex')}`,
        lines: [{ sku, quantity, price: price.get(sku) ?? '1.00' }],
      });
      await sim.notifications.orderConfirmation(order.orderId);
      return order.orderId;
    },
    close: served.close,
  };
}

/** The demo's call: the seller selling the catalogue from the warehouse. */
export function startEbaySellerFor(ctx: DemoChannelContext): Promise<DemoEbaySeller> {
  return startEbaySeller({
    prisma: ctx.prisma,
    secretKey: ctx.secretKey,
    connector: connectorOf(ctx, 'ebay'),
    host: ctx.host,
    catalogue: ctx.catalogue,
    skuIds: ctx.skuIds,
    locationId: 'wh',
  });
}
