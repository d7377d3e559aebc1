// A store with two channels: the Shopify web shop (tests/sync/helpers.ts, serving the warehouse
// and the store, on the world's virtual clock) and a Square till at the store, simulated in process
// on the real clock. Square's notifications are verified by the connector with the app's key and
// stored in the till account's inbox, as the /webhooks/channel/square door does.
import { createAccount } from '../../core/accounts/accounts.ts';
import { type Clock, systemClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import type { AppContext } from '../../connectors/connector.ts';
import { createSquareConnector, type SquareConnector } from '../../connectors/square/connector.ts';
import { createSquareSimulator, type SquareSimulator } from '../../connectors/square/simulator/index.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { quietLogger, world, type World } from '../sync/helpers.ts';

export const TILL = 'till';
export const SIGNATURE_KEY = 'square-app-signature-key';
export const NOTIFICATION_URL = 'https://hub.example.com/webhooks/channel/square';

export interface Store extends World {
  square: SquareSimulator;
  squareConnector: SquareConnector;
  app: AppContext;
  /** The Square location of the store, and the Shopify location id of the store. */
  squareLocation: string;
  shopifyStoreLocation: string;
  /** Notifications the hub accepted, as Square sent them (for replays). */
  delivered: { headers: Headers; body: string }[];
  /** SKU code → Square variation id. */
  variations: Map<string, string>;
}

export async function storeWorld(db: Database, opts: { squareClock?: Clock } = {}): Promise<Store> {
  const w = await world(db, 1);
  // Square on the real clock by default (its times meet the database's on hub-side movements);
  // a skewed clock shows a count compared like for like with the till's own times.
  const square = createSquareSimulator({ clock: opts.squareClock ?? systemClock, currency: 'USD' });
  const squareConnector = createSquareConnector({ clock: systemClock, transport: (req) => square.fetch(req) });
  const squareLocation = square.state.addLocation('Flagship');
  await db.prisma.location.create({
    data: { id: 'store', code: 'ST', name: 'Flagship', kind: 'store', pickupEnabled: true },
  });
  const shop = w.shops[0];
  if (!shop) throw new Error('no shop');
  const shopifyStoreLocation = shop.sim.store.addLocation('Flagship').id;
  await db.prisma.channelLocation.create({
    data: { accountId: shop.accountId, locationId: 'store', externalLocationId: shopifyStoreLocation, priority: 1 },
  });
  await createAccount(db.prisma, w.key, {
    id: TILL,
    type: 'square',
    name: 'Flagship till',
    credentials: {
      merchantId: square.merchantId,
      accessToken: square.tokens.access,
      accessTokenExpiresAt: square.tokens.expiresAt,
      refreshToken: square.tokens.refresh,
      applicationId: square.applicationId,
    },
    settings: { stockTarget: 'held', locationIds: [squareLocation] },
  });
  await db.prisma.channelLocation.create({
    data: { accountId: TILL, locationId: 'store', externalLocationId: squareLocation },
  });
  const app: AppContext = {
    type: 'square',
    credentials: { signatureKey: SIGNATURE_KEY },
    notificationUrl: NOTIFICATION_URL,
  };
  square.webhooks.signatureKey = SIGNATURE_KEY;
  square.webhooks.notificationUrl = NOTIFICATION_URL;
  const s: Store = {
    ...w,
    square,
    squareConnector,
    app,
    squareLocation,
    shopifyStoreLocation,
    delivered: [],
    variations: new Map(),
  };
  square.webhooks.target = async (req) => receive(s, req.headers, await req.text());
  return s;
}

/** The app door, as /webhooks/channel/square does it: verify, route by merchant, store (deduped on the event id). */
export async function receive(s: Store, headers: Headers, body: string): Promise<Response> {
  const r = await s.squareConnector.verifyAppWebhook?.(s.app, {
    method: 'POST',
    url: 'http://10.0.0.7/webhooks/channel/square',
    headers,
    rawBody: new TextEncoder().encode(body),
  });
  if (!r?.ok) return new Response(null, { status: r?.status ?? 500 });
  const account = await s.db.prisma.channelAccount.findFirst({ where: { id: TILL } });
  if (r.identity !== s.square.merchantId || !account) return new Response(null, { status: 200 });
  await storeEvents(s.db.prisma, TILL, r.events);
  s.delivered.push({ headers, body });
  return new Response(null, { status: 200 });
}

/** A SKU sold on both channels: `store` units at the store (counted by the till too), `wh` at the warehouse. */
export async function storeProduct(s: Store, code: string, units: { store: number; wh?: number }) {
  const skuId = `sku-${code}`;
  await s.db.prisma.sku.create({ data: { id: skuId, code, title: code, allocationMode: 'shared' } });
  if (units.store) await adjust(s.db.prisma, skuId, 'store', units.store, 'receipt');
  if (units.wh) await adjust(s.db.prisma, skuId, 'wh', units.wh, 'receipt');
  const shop = s.shops[0];
  if (!shop) throw new Error('no shop');
  const v = shop.sim.store.addVariant({
    sku: code,
    productTitle: code,
    price: 1500,
    stock: { [shop.location]: units.wh ?? 0, [s.shopifyStoreLocation]: 0 },
  });
  s.items.set(code, [v.inventoryItemId]);
  await s.db.prisma.listing.create({
    data: {
      id: `${shop.accountId}:${code}`,
      skuId,
      accountId: shop.accountId,
      externalVariantId: v.id,
      externalStockId: v.inventoryItemId,
    },
  });
  const item = s.square.state.addItem(code, [{ sku: code, price: 1500 }]);
  const variation = item.variations[0]?.id ?? '';
  s.square.stock(variation, s.squareLocation, units.store);
  s.variations.set(code, variation);
  await s.db.prisma.listing.create({
    data: {
      id: `${TILL}:${code}`,
      skuId,
      accountId: TILL,
      externalProductId: item.id,
      externalVariantId: variation,
      externalStockId: variation,
      channelData: { variationId: variation },
    },
  });
  return { skuId, variation };
}

export async function level(s: Store, code: string, locationId = 'store') {
  return s.db.prisma.inventoryLevel.findUniqueOrThrow({
    where: { skuId_locationId: { skuId: `sku-${code}`, locationId } },
  });
}

/** Applies the till's inbox without the synchronizer (one deterministic pass), on `clock` (the hub's). */
export async function drainTill(s: Store, clock: Clock = systemClock) {
  return processInbox(
    { prisma: s.db.prisma, secretKey: s.key, connectors: { square: s.squareConnector }, logger: quietLogger(), clock },
    TILL,
  );
}

/** A clock `offsetMs` ahead of (or behind) the real one: a till whose clock is off. */
export function skewedClock(offsetMs: number): Clock {
  return {
    now: () => new Date(Date.now() + offsetMs),
    nowMs: () => Date.now() + offsetMs,
    sleep: (ms: number) => systemClock.sleep(ms),
  };
}
