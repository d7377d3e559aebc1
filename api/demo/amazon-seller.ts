// The demo's Amazon seller (a DemoChannel, channel.ts): the Amazon simulator (SP-API, LWA and
// the documents' host) on its own 127.0.0.1 port, reached by the hub through the account's
// endpointOverride; the application's LWA client and EventBridge secret set as app-level
// credentials. The seller sells on Amazon.co.uk and Amazon.de (one EU-region account, one
// quantity per seller SKU shared by both) from the warehouse, and has sent a quarter of the
// quieter SKUs to Amazon's own warehouses: those offers are FBA, their orders are recorded and
// reserve nothing, and the hub leaves their quantity to Amazon (they are not linked as listings).
// Amazon sends no order webhooks: each order reaches the hub as an ORDER_CHANGE posted by the
// EventBridge API destination (connectors/amazon/README.md, "Notifications") and is read with
// getOrder; searchOrders polling, which only sees orders updated more than two minutes ago, is
// the safety net at the connector's own cadence.
import { randomBytes } from 'node:crypto';
import { createAccount, loadAccountContext } from '../../core/accounts/accounts.ts';
import { setAppCredentials } from '../../core/accounts/channel-apps.ts';
import type { Prisma } from '../../core/db/generated/prisma/client.ts';
import type { AmazonSimulator } from '../../connectors/amazon/simulator/index.ts';
import { serveAmazonSimulator } from '../../connectors/amazon/simulator/serve.ts';
import type { AccountContext, ChannelConnector, ListingCandidate } from '../../connectors/connector.ts';
import { ConnectorError } from '../../connectors/connector.ts';
import { listingFields } from '../../connectors/listing-fields.ts';
import { type DemoSku, FIRST_NAMES, LAST_NAMES, skuTitle } from './catalogue.ts';
import { connectorOf, type DemoChannel, type DemoChannelContext } from './channel.ts';

export const AMAZON_ACCOUNT_ID = 'amazon-seller';
/** The merchant token (Seller Central: Account Info); any 8–20 capitals and digits. */
const SELLER_ID = 'A2HARBOURPINE7';

/** Marketplace ids from Amazon's "Marketplace IDs" page (developer-docs.amazon.com/sp-api). */
export const AMAZON_UK = 'A1F83G8C2ARO7P';
export const AMAZON_DE = 'A1PA6795UKMFR9';
export const AMAZON_MARKETPLACES = [AMAZON_UK, AMAZON_DE] as const;

/**
 * The seller's price in a marketplace, as Amazon's decimal text: the catalogue's pence on
 * Amazon.co.uk; on Amazon.de the seller's euro list, about 15 % over the pound price, ending in .99.
 */
function priceIn(marketplaceId: string, pence: number): string {
  const minor = marketplaceId === AMAZON_DE ? Math.round((pence * 1.15) / 100) * 100 - 1 : pence;
  return (minor / 100).toFixed(2);
}

/** FBA offers: every fourth SKU that is not hot (hot SKUs stay merchant-fulfilled, whose stock the hub splits). */
export function fbaSkus(catalogue: readonly DemoSku[]): string[] {
  return catalogue.filter((s) => !s.hot).flatMap((s, i) => (i % 4 === 3 ? [s.code] : []));
}

/**
 * The seller's offers through the connector's discovery. Outside the sync runtime nothing retries
 * a 429 for it, and one comes when Amazon's bucket started later than ours by a request's
 * latency: wait what Amazon asked and read again (a few times).
 */
async function discover(connector: ChannelConnector, account: AccountContext): Promise<ListingCandidate[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const found: ListingCandidate[] = [];
      for await (const c of connector.discoverListings(account)) found.push(c);
      return found;
    } catch (e) {
      if (!(e instanceof ConnectorError) || e.code !== 'throttled' || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, e.retryAfterMs ?? 1_000));
    }
  }
}

export interface DemoAmazonSeller extends DemoChannel {
  sim: AmazonSimulator;
  /** Seller SKUs whose offers Amazon fulfils (FBA). */
  fba: string[];
  /** Sells in a given marketplace (sell() takes turns between them). */
  sellIn(marketplaceId: string, sku: string, quantity: number): Promise<string | null>;
}

export async function startAmazonSeller(
  ctx: DemoChannelContext & {
    /** The hub location the merchant-fulfilled offers ship from. */
    locationId: string;
    /** How long Amazon takes to apply an accepted quantity patch (default 2 s; Amazon: minutes). */
    patchApplyMs?: number;
  },
): Promise<DemoAmazonSeller> {
  const refreshToken = `Atzr|${randomBytes(24).toString('base64url')}`;
  const patchApplyMs = ctx.patchApplyMs ?? 2_000;
  const served = await serveAmazonSimulator({
    hostname: ctx.host,
    port: 0,
    // Fresh LWA client per run: it only ever exists encrypted in the hub's database.
    clientId: `amzn1.application-oa2-client.${randomBytes(16).toString('hex')}`,
    clientSecret: randomBytes(24).toString('hex'),
    sellerId: SELLER_ID,
    refreshToken,
    marketplaceIds: [...AMAZON_MARKETPLACES],
    patchApplyMs,
  });
  const { sim } = served;
  const fba = fbaSkus(ctx.catalogue);
  const webhookSecret = randomBytes(24).toString('base64url');
  try {
    await setAppCredentials(
      ctx.prisma,
      ctx.secretKey,
      'amazon',
      { lwaClientId: sim.clientId, lwaClientSecret: sim.clientSecret, webhookSecret },
      'demo',
    );
    await createAccount(ctx.prisma, ctx.secretKey, {
      id: AMAZON_ACCOUNT_ID,
      type: 'amazon',
      name: 'Amazon seller (UK, DE)',
      credentials: { sellerId: SELLER_ID, refreshToken },
      settings: {
        marketplaceIds: [...AMAZON_MARKETPLACES],
        region: 'eu',
        // The drift check more often than in production (600 s): a quantity Amazon applies after
        // a sale it raced with is repaired within a minute (6 searchListingsItems calls, at 5/s).
        reconcileIntervalSeconds: 60,
        // This Amazon applies an accepted patch after patchApplyMs, not Amazon's minutes: the drift
        // check leaves a just-confirmed listing alone that long (connectors/amazon/README.md, "Stock").
        stockApplySeconds: Math.ceil(patchApplyMs / 1000) + 1,
      },
      endpointOverride: served.url,
    });
    await ctx.prisma.channelLocation.create({
      data: { accountId: AMAZON_ACCOUNT_ID, locationId: ctx.locationId, priority: 0, externalLocationId: 'DEFAULT' },
    });
    // The seller's offers existed before the hub was connected (merchant-fulfilled quantity 0:
    // the hub's first push sets it).
    for (const s of ctx.catalogue) {
      sim.addListing({
        sku: s.code,
        title: skuTitle(s),
        productType: 'HOME',
        price: priceIn(AMAZON_UK, s.price),
        fba: fba.includes(s.code),
        quantity: fba.includes(s.code) ? null : 0,
      });
    }
    const account = await loadAccountContext(ctx.prisma, ctx.secretKey, AMAZON_ACCOUNT_ID);
    const rows: Prisma.ListingCreateManyInput[] = [];
    for (const c of await discover(connectorOf(ctx, 'amazon'), account)) {
      const skuId = c.sku ? ctx.skuIds.get(c.sku) : undefined;
      // The hub writes merchant-fulfilled quantities only; Amazon counts its own warehouses.
      if (!skuId || !c.externalStockId || c.channelData?.fulfilledByAmazon) continue;
      const fields = listingFields(c);
      rows.push({
        id: `${AMAZON_ACCOUNT_ID}:${c.sku}`,
        skuId,
        accountId: AMAZON_ACCOUNT_ID,
        ...fields,
        channelData: fields.channelData as Prisma.InputJsonObject,
      });
    }
    await ctx.prisma.listing.createMany({ data: rows });
  } catch (e) {
    await served.close();
    throw e;
  }

  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
  const sellIn = async (marketplaceId: string, sku: string, quantity: number) => {
    const offer = sim.seller.listings.get(sku);
    if (!offer || (!offer.fba && (sim.quantity(sku) ?? 0) < quantity)) return null;
    const catalogued = ctx.catalogue.find((s) => s.code === sku);
    // Amazon takes merchant-fulfilled units off the offer at checkout (the simulator does).
    const order = sim.placeOrder({
      marketplaceId,
      items: [{ sku, quantity, ...(catalogued ? { unitPrice: priceIn(marketplaceId, catalogued.price) } : {}) }],
      fulfilledBy: offer.fba ? 'AMAZON' : 'MERCHANT',
      buyerName: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
    });
    await sim.notifyOrderChange(order.orderId);
    return order.orderId;
  };
  let turn = 0;

  return {
    key: 'amazon',
    accountId: AMAZON_ACCOUNT_ID,
    name: 'Amazon seller (UK, DE)',
    sim,
    url: served.url,
    fba,
    summary:
      `Amazon seller on Amazon.co.uk and Amazon.de (${fba.length} offers FBA) = Amazon SP-API simulator ${served.url} ` +
      '(ORDER_CHANGE by EventBridge to /webhooks/channel/amazon; searchOrders polling is the safety net)',
    pointNotificationsAt(hubUrl) {
      sim.notifications.url = `${hubUrl.replace(/\/$/, '')}/webhooks/channel/amazon`;
      sim.notifications.secret = webhookSecret;
    },
    shows: (sku) => sim.quantity(sku),
    sell(sku, quantity) {
      turn += 1;
      return sellIn(AMAZON_MARKETPLACES[turn % AMAZON_MARKETPLACES.length] as string, sku, quantity);
    },
    sellIn,
    close: served.close,
  };
}

/** The demo's call: the seller's merchant-fulfilled offers ship from the warehouse. */
export function startAmazonSellerFor(ctx: DemoChannelContext): Promise<DemoAmazonSeller> {
  return startAmazonSeller({ ...ctx, locationId: 'wh' });
}
