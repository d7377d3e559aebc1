// Every channel simulator the project has, seeded as the demo seeds them (api/demo): the two
// Shopify shops, each behind a fault proxy (tests/drill/faults.ts), the Amazon seller, the eBay
// seller, the Square till and the generic till (connectors/pos-webhook). Each is described the
// same way to the drill: its orders as the channel holds them, what it shows for a listing, a
// buyer, and the stock writes it received.
import { randomBytes } from 'node:crypto';
import type { DemoSku } from '../../../api/demo/catalogue.ts';
import { DEMO_CHANNEL_KEYS } from '../../../api/demo/channel.ts';
import { startDemoChannels } from '../../../api/demo/channels.ts';
import { seedDemo } from '../../../api/demo/seed.ts';
import type { DemoShop } from '../../../api/demo/simulators.ts';
import { startDemoSimulators } from '../../../api/demo/simulators.ts';
import type { DemoAmazonSeller } from '../../../api/demo/amazon-seller.ts';
import type { DemoEbaySeller } from '../../../api/demo/ebay-seller.ts';
import type { DemoSquareTill } from '../../../api/demo/square-till.ts';
import { createTillSimulator } from '../../../connectors/pos-webhook/simulator/index.ts';
import { defaultConnectors } from '../../../connectors/registry.ts';
import { createAccount } from '../../../core/accounts/accounts.ts';
import { systemClock } from '../../../core/clock.ts';
import type { PrismaClient } from '../../../core/db/generated/prisma/client.ts';
import { type ShopProxy, startShopProxy } from '../faults.ts';

export const TILL_ACCOUNT_ID = 'high-street-till';
const TILL_LOCATION = 'store-b';

export interface DrillChannel {
  /** "shopify", "amazon", "ebay", "square", "till". */
  type: string;
  accountId: string;
  /** Order ids as the channel holds them, in the form `orderKey` gives the hub's. */
  ordersOnChannel(): string[];
  /** Each order's latest version on the channel (ms), where the drill can read it. */
  orderVersions?(): Map<string, number>;
  /** The channel's id of a hub order (its external id, normalised). */
  orderKey(externalId: string): string;
  shows(externalStockId: string): number | null;
  /** A buyer takes one unit of `code`; false when the channel shows none. */
  sell(code: string): Promise<boolean>;
  /** Stock writes the channel has received so far. */
  stockWrites(): number;
  /** Points its deliveries at the door (the api processes' load balancer). */
  pointAt(doorUrl: string): void;
}

export interface DrillChannels {
  channels: DrillChannel[];
  shops: DemoShop[];
  proxies: ShopProxy[];
  /** Deliveries the generic till made that the door never answered with 2xx after retries. */
  tillUndelivered(): number;
  close(): Promise<void>;
}

const sum = (xs: Record<string, number>, match: (k: string) => boolean) =>
  Object.entries(xs).reduce((n, [k, v]) => n + (match(k) ? v : 0), 0);

/** Each order's version (ms) from the timestamp the channel moves on every change, by order id. */
function versions<T>(orders: ReadonlyMap<string, T>, updatedAt: (o: T) => string): Map<string, number> {
  return new Map([...orders].map(([id, o]) => [id, Date.parse(updatedAt(o))]));
}

/** Starts every simulator and seeds `prisma` (the hub stopped) with the catalogue and accounts. */
export async function startDrillChannels(o: {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  catalogue: DemoSku[];
  random: () => number;
  pollIntervalSeconds: number;
}): Promise<DrillChannels> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const sims = await startDemoSimulators({ currency: 'GBP' });
    closers.push(() => sims.close());
    const proxies: ShopProxy[] = [];
    for (const shop of sims.shops) {
      const proxy = await startShopProxy(shop.url, o.random);
      closers.push(() => proxy.close());
      proxies.push(proxy);
      shop.url = proxy.url;
    }
    const connectors = defaultConnectors();
    const shopify = connectors.shopify;
    if (!shopify) throw new Error('this build has no Shopify connector');
    const setup = await seedDemo({
      prisma: o.prisma,
      secretKey: o.secretKey,
      connector: shopify,
      shops: sims.shops,
      catalogue: o.catalogue,
      timezone: 'UTC',
    });
    const demo = await startDemoChannels(
      { prisma: o.prisma, secretKey: o.secretKey, connectors, host: '127.0.0.1', currency: 'GBP', ...setup },
      DEMO_CHANNEL_KEYS,
    );
    for (const c of demo) closers.push(() => c.close());
    // Polls and reconciliation at the drill's cadence on every account (the safety net under test).
    for (const account of await o.prisma.channelAccount.findMany()) {
      await o.prisma.channelAccount.update({
        where: { id: account.id },
        data: {
          settings: {
            ...(account.settings as Record<string, unknown>),
            pollIntervalSeconds: o.pollIntervalSeconds,
            reconcileIntervalSeconds: o.pollIntervalSeconds,
          },
        },
      });
    }

    // The generic till at the Brighton store, posting signed events; like a real till it keeps
    // an event until the hub answers 2xx (here: a few tries a second apart).
    const tillSecret = randomBytes(24).toString('hex');
    await createAccount(o.prisma, o.secretKey, {
      id: TILL_ACCOUNT_ID,
      type: 'pos',
      name: 'Brighton till',
      credentials: { signingSecret: tillSecret },
    });
    await o.prisma.channelLocation.create({
      data: { accountId: TILL_ACCOUNT_ID, locationId: TILL_LOCATION, priority: 0, externalLocationId: TILL_LOCATION },
    });
    let tillDoor = '';
    let undelivered = 0;
    const till = createTillSimulator({
      webhookUrl: `http://door.invalid/webhooks/${TILL_ACCOUNT_ID}`,
      secret: tillSecret,
      location: TILL_LOCATION,
      clock: systemClock,
      currency: 'GBP',
      send: async (req) => {
        const body = await req.arrayBuffer();
        for (let i = 0; i < 30; i++) {
          try {
            const res = await fetch(`${tillDoor}/webhooks/${TILL_ACCOUNT_ID}`, {
              method: 'POST',
              headers: req.headers,
              body,
              signal: AbortSignal.timeout(10_000),
            });
            if (res.ok || (res.status >= 400 && res.status < 500)) return res;
          } catch {
            // not answered: again
          }
          await new Promise((r) => setTimeout(r, 1_000));
        }
        undelivered += 1;
        return new Response(null, { status: 503 });
      },
    });
    const receipts: string[] = [];
    const tillShelf = new Map(o.catalogue.map((s) => [s.code, s.stock[TILL_LOCATION] ?? 0]));

    const channels: DrillChannel[] = [];
    for (const shop of sims.shops) {
      channels.push({
        type: 'shopify',
        accountId: shop.accountId,
        ordersOnChannel: () => [...shop.sim.store.orders.keys()].map((gid) => gid.split('/').pop() as string),
        orderVersions: () =>
          new Map([...shop.sim.store.orders].map(([gid, o]) => [gid.split('/').pop() as string, o.updatedAt])),
        orderKey: (id) => id.split('/').pop() as string,
        shows: (stockId) => shop.sim.available(stockId, shop.stockLocationId) ?? null,
        sell: async () => false, // Shopify's buyers are traffic.ts's (orders, cancellations, refunds)
        stockWrites: () =>
          (shop.sim.stats.byOperation.InventorySetQuantities ?? 0) +
          (shop.sim.stats.byOperation.InventorySetQuantitiesLegacy ?? 0),
        pointAt: () => undefined, // the drill puts a lossy target in front (faults.ts)
      });
    }
    for (const c of demo) {
      const base = {
        accountId: c.accountId,
        orderKey: (id: string) => id,
        shows: (stockId: string) => c.shows(stockId),
        sell: async (code: string) => (await c.sell(code, 1)) !== null,
        pointAt: (url: string) => c.pointNotificationsAt(url),
      };
      if (c.key === 'amazon') {
        const sim = (c as DemoAmazonSeller).sim;
        channels.push({
          ...base,
          type: 'amazon',
          ordersOnChannel: () => [...sim.seller.orders.keys()],
          orderVersions: () => versions(sim.seller.orders, (o) => o.lastUpdatedTime),
          stockWrites: () => sum(sim.stats.byOperation, (k) => k === 'patchListingsItem' || k === 'createFeed'),
        });
      } else if (c.key === 'ebay') {
        const sim = (c as DemoEbaySeller).sim;
        channels.push({
          ...base,
          type: 'ebay',
          ordersOnChannel: () => [...sim.state.orders.keys()],
          orderVersions: () => versions(sim.state.orders, (o) => o.lastModifiedDate),
          // The writes only: getOffers and getInventoryItems are the drift check's reads.
          stockWrites: () =>
            sum(sim.stats.calls, (k) => k === 'bulkUpdatePriceQuantity' || k === 'ReviseInventoryStatus'),
        });
      } else {
        const sim = (c as DemoSquareTill).sim;
        channels.push({
          ...base,
          type: 'square',
          ordersOnChannel: () => [...sim.state.orders.keys()],
          orderVersions: () => versions(sim.state.orders, (o) => o.updated_at),
          stockWrites: () => sum(sim.stats.byPath, (k) => k.includes('/inventory/changes/batch-create')),
        });
      }
    }
    channels.push({
      type: 'till',
      accountId: TILL_ACCOUNT_ID,
      ordersOnChannel: () => [...receipts],
      orderKey: (id) => id,
      shows: () => null,
      async sell(code) {
        const left = tillShelf.get(code) ?? 0;
        if (left <= 0) return false;
        tillShelf.set(code, left - 1);
        const receipt = `B-${receipts.length + 1}`;
        receipts.push(receipt);
        await till.sale([{ sku: code, quantity: 1 }], { receipt });
        return true;
      },
      stockWrites: () => 0,
      pointAt: (url) => {
        tillDoor = url;
      },
    });
    return { channels, shops: sims.shops, proxies, tillUndelivered: () => undelivered, close };
  } catch (e) {
    await close();
    throw e;
  }
}
