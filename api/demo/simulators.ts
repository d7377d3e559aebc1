// The demo's channels: two Shopify shops, each a stateful simulator of the Admin GraphQL API
// served on its own 127.0.0.1 port (connectors/shopify/simulator/serve.ts). The hub reaches
// them exactly as it reaches Shopify (the accounts' endpointOverride points at the port) and
// they send signed webhooks to the hub's /webhooks/:accountId like Shopify does.
//   - "Web shop": ships from the warehouse; click-and-collect at both stores.
//   - "Flagship shop": the Covent Garden store's shop, selling online and at the counter
//     through Shopify POS; click-and-collect at Covent Garden.
// The other channels (Amazon, eBay, the Square till) are DemoChannels: channel.ts, channels.ts.
import { randomBytes } from 'node:crypto';
import type { ShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { serveSimulator } from '../../connectors/shopify/simulator/serve.ts';

export interface DemoShop {
  key: 'web' | 'flagship';
  accountId: string;
  name: string;
  sim: ShopifySimulator;
  /** Where the simulator listens (the account's endpointOverride). */
  url: string;
  /** Shopify location gid of each hub location the shop knows, by hub location id. */
  locations: Map<string, string>;
  /** Hub location ids in the order the shop draws on them (channel_locations.priority). */
  locationPriority: string[];
  /** The Shopify location that carries the quantity the hub advertises for this shop. */
  stockLocationId: string;
  /** Hub stores where buyers of this shop can collect their order. */
  pickupLocations: string[];
  /** Hub store whose counter sells through Shopify POS on this shop, or null. */
  posLocation: string | null;
  /** Shopify inventory item id of each SKU code (filled when the catalogue is seeded). */
  items: Map<string, string>;
}

export interface DemoSimulators {
  shops: DemoShop[];
  /** Points every shop's webhooks at the hub (`{hubUrl}/webhooks/{accountId}`). */
  pointWebhooksAt(hubUrl: string): void;
  /** What a shop advertises for an inventory item now (at its stock location). */
  shows(accountId: string, inventoryItemId: string): number | null;
  close(): Promise<void>;
}

interface ShopSpec {
  key: DemoShop['key'];
  accountId: string;
  name: string;
  shop: string;
  /** Shopify locations in creation order (the first is the shop's default location): [hub location id, Shopify name]. */
  locations: [string, string][];
  priority: string[];
  stock: string;
  pickup: string[];
  pos: string | null;
}

const SHOPS: ShopSpec[] = [
  {
    key: 'web',
    accountId: 'web-shop',
    name: 'Web shop',
    shop: 'harbour-pine.myshopify.com',
    locations: [
      ['wh', 'Central warehouse'],
      ['store-a', 'Covent Garden store'],
      ['store-b', 'Brighton store'],
    ],
    priority: ['wh', 'store-a', 'store-b'],
    stock: 'wh',
    pickup: ['store-a', 'store-b'],
    pos: null,
  },
  {
    key: 'flagship',
    accountId: 'flagship-shop',
    name: 'Flagship shop',
    shop: 'harbour-pine-covent-garden.myshopify.com',
    locations: [
      ['store-a', 'Covent Garden store'],
      ['wh', 'Central warehouse'],
    ],
    priority: ['store-a', 'wh'],
    stock: 'store-a',
    pickup: ['store-a'],
    pos: 'store-a',
  },
];

export async function startDemoSimulators(
  opts: { host?: string; currency?: string; ports?: number[] } = {},
): Promise<DemoSimulators> {
  const host = opts.host ?? '127.0.0.1';
  const shops: DemoShop[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    for (const [i, spec] of SHOPS.entries()) {
      const served = await serveSimulator({
        shop: spec.shop,
        // Fresh credentials per run: they only ever exist encrypted in the hub's database.
        accessToken: `shpat_${randomBytes(16).toString('hex')}`,
        apiSecret: `shpss_${randomBytes(16).toString('hex')}`,
        currency: opts.currency ?? 'GBP',
        autoWebhooks: true,
        hostname: host,
        port: opts.ports?.[i] ?? 0,
      });
      closers.push(served.close);
      const locations = new Map<string, string>();
      for (const [hubId, name] of spec.locations) locations.set(hubId, served.sim.store.addLocation(name).id);
      shops.push({
        key: spec.key,
        accountId: spec.accountId,
        name: spec.name,
        sim: served.sim,
        url: served.url,
        locations,
        locationPriority: spec.priority,
        stockLocationId: locations.get(spec.stock) as string,
        pickupLocations: spec.pickup,
        posLocation: spec.pos,
        items: new Map(),
      });
    }
  } catch (e) {
    await Promise.all(closers.map((c) => c().catch(() => undefined)));
    throw e;
  }
  return {
    shops,
    pointWebhooksAt(hubUrl) {
      for (const s of shops) s.sim.webhooks.target = `${hubUrl.replace(/\/$/, '')}/webhooks/${s.accountId}`;
    },
    shows(accountId, inventoryItemId) {
      const s = shops.find((x) => x.accountId === accountId);
      return s ? (s.sim.available(inventoryItemId, s.stockLocationId) ?? null) : null;
    },
    async close() {
      await Promise.all(closers.map((c) => c().catch(() => undefined)));
    },
  };
}
