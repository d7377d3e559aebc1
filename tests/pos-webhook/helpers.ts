// A store next to the web shop: the synchronizer's world (tests/sync/helpers.ts: warehouse "wh",
// Shopify simulators behind the real connector, one virtual clock) plus a store "store" that the
// shop also sells from, a till account (type pos) linked to the store (its id "store-1") and to
// the warehouse (for delivery orders), the hub's HTTP app with the webhook door, and a simulated
// till posting signed events through that door.
import { createAccount } from '../../core/accounts/accounts.ts';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { createTillConnector } from '../../connectors/pos-webhook/connector.ts';
import { createTillSimulator, type TillSimulator } from '../../connectors/pos-webhook/simulator/index.ts';
import type { ChannelConnector } from '../../connectors/connector.ts';
import { buildHarness, type Harness } from '../api/harness.ts';
import { type Started, start, type World, world } from '../sync/helpers.ts';

export const TILL_SECRET = 'till-secret-0123456789abcdef0123456789';
export const TILL_ACCOUNT = 'till';
export const STORE_ID = 'store-1';

export interface StoreWorld {
  w: World;
  h: Harness;
  s: Started;
  till: TillSimulator;
  tillConnector: ChannelConnector;
  /** The shop's own id of the store (for click-and-collect orders placed on the shop). */
  shopStoreLocation: string;
  stop(): Promise<void>;
}

export async function storeWorld(db: Database): Promise<StoreWorld> {
  const w = await world(db, 1);
  const shop = w.shops[0];
  if (!shop) throw new Error('no shop');
  await db.prisma.location.create({
    data: { id: 'store', code: 'ST1', name: 'High Street', kind: 'store', pickupEnabled: true },
  });
  const shopStore = shop.sim.store.addLocation('High Street');
  await db.prisma.channelLocation.create({
    data: { accountId: shop.accountId, locationId: 'store', priority: 1, externalLocationId: shopStore.id },
  });
  await createAccount(db.prisma, w.key, {
    id: TILL_ACCOUNT,
    type: 'pos',
    name: 'High Street till',
    credentials: { signingSecret: TILL_SECRET },
    settings: { notifyUrl: 'http://till.test/notify' },
  });
  // Counter sales come from the store (their origin); delivery orders from the warehouse first.
  await db.prisma.channelLocation.create({ data: { accountId: TILL_ACCOUNT, locationId: 'wh', priority: 0 } });
  await db.prisma.channelLocation.create({
    data: { accountId: TILL_ACCOUNT, locationId: 'store', priority: 1, externalLocationId: STORE_ID },
  });

  let till: TillSimulator | null = null;
  const tillConnector = createTillConnector({
    clock: w.clock,
    transport: (req) => {
      if (!till) throw new Error('no till');
      return till.fetch(req);
    },
  });
  const connectors = { shopify: w.connector, pos: tillConnector };
  const h = await buildHarness(db, { connectors, clock: w.clock, secretKey: w.key });
  const s = await start(w, 'memory', { connectors });
  till = createTillSimulator({
    webhookUrl: `http://hub.test/webhooks/${TILL_ACCOUNT}`,
    secret: TILL_SECRET,
    location: STORE_ID,
    clock: w.clock,
    send: (req) => Promise.resolve(h.app.request(req)),
  });
  return {
    w,
    h,
    s,
    till,
    tillConnector,
    shopStoreLocation: shopStore.id,
    stop: () => s.stop(),
  };
}

/** Puts `units` of a SKU (made with tests/sync/helpers.ts product()) on the store's shelf. */
export async function stockStore(w: World, skuId: string, units: number): Promise<void> {
  await adjust(w.db.prisma, skuId, 'store', units, 'receipt');
}

export async function level(w: World, skuId: string, locationId: string) {
  const l = await w.db.prisma.inventoryLevel.findUnique({ where: { skuId_locationId: { skuId, locationId } } });
  return { onHand: l?.onHand ?? 0, reserved: l?.reserved ?? 0 };
}
