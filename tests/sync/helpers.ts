// Set-up shared by the synchronizer tests: a database, two simulated Shopify shops behind the
// real connector (in-process transport, one virtual clock so rate-limit waits cost no time; it
// starts at the real date, so a runtime on the system clock agrees with the shops' timestamps),
// accounts with encrypted credentials, SKUs with stock, listings, and the runtime on either
// queue backend.
import { randomBytes } from 'node:crypto';
import { createAccount } from '../../core/accounts/accounts.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { createShopifyConnector, type ShopifyConnector } from '../../connectors/shopify/connector.ts';
import { ManualClock } from '../../core/clock.ts';
import {
  createShopifySimulator,
  type OrderInput,
  type ShopifySimulator,
} from '../../connectors/shopify/simulator/index.ts';
import { type SyncOptions, type SyncRuntime, startSync } from '../../sync/runtime.ts';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Backend = 'memory' | 'bullmq';

export interface Shop {
  accountId: string;
  sim: ShopifySimulator;
  location: string;
}

export interface World {
  db: Database;
  key: Uint8Array;
  clock: ManualClock;
  connector: ShopifyConnector;
  shops: Shop[];
  logger: Logger;
  /** SKU code -> per shop: inventory item id on that shop. */
  items: Map<string, string[]>;
}

export const quietLogger = () =>
  createLogger({ logLevel: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent' });

/** Two shops (or more) serving the hub's warehouse "wh", each with its simulator. */
export async function world(db: Database, shops = 2): Promise<World> {
  const clock = new ManualClock();
  const key = generateSecretKey();
  const sims = new Map<string, ShopifySimulator>();
  const connector = createShopifyConnector({
    clock,
    transport: (req) => {
      const sim = sims.get(new URL(req.url).host);
      if (!sim) throw new Error(`no simulator for ${req.url}`);
      return sim.fetch(req);
    },
  });
  await db.prisma.location.create({ data: { id: 'wh', code: 'WH', name: 'Warehouse', kind: 'warehouse' } });
  const out: Shop[] = [];
  for (let i = 0; i < shops; i++) {
    const shop = `shop${i}-${randomBytes(3).toString('hex')}.myshopify.com`;
    const sim = createShopifySimulator({ shop, accessToken: `shpat_${i}_secret`, apiSecret: `whsec_${i}`, clock });
    sims.set(shop, sim);
    const loc = sim.store.addLocation('Warehouse');
    const accountId = `shop-${i}`;
    await createAccount(db.prisma, key, {
      id: accountId,
      type: 'shopify',
      name: `Shop ${i}`,
      credentials: { shop, accessToken: sim.accessToken, apiSecretKey: sim.apiSecret },
    });
    await db.prisma.channelLocation.create({ data: { accountId, locationId: 'wh', externalLocationId: loc.id } });
    out.push({ accountId, sim, location: loc.id });
  }
  return { db, key, clock, connector, shops: out, logger: quietLogger(), items: new Map() };
}

/** A SKU on every shop (channel quantity `shown`, listing unknown to the hub) with `onHand` units at "wh". */
export async function product(
  w: World,
  code: string,
  onHand: number,
  opts: { shown?: number; mode?: 'shared' | 'strict' | 'auto' } = {},
) {
  const skuId = `sku-${code}`;
  await w.db.prisma.sku.create({ data: { id: skuId, code, title: code, allocationMode: opts.mode ?? 'shared' } });
  if (onHand > 0) await adjust(w.db.prisma, skuId, 'wh', onHand, 'receipt');
  const items: string[] = [];
  for (const s of w.shops) {
    const v = s.sim.store.addVariant({
      sku: code,
      productTitle: code,
      price: 1500,
      stock: { [s.location]: opts.shown ?? 0 },
    });
    items.push(v.inventoryItemId);
    await w.db.prisma.listing.create({
      data: {
        id: `${s.accountId}:${code}`,
        skuId,
        accountId: s.accountId,
        externalVariantId: v.id,
        externalStockId: v.inventoryItemId,
      },
    });
  }
  w.items.set(code, items);
  return skuId;
}

export function shown(w: World, code: string, shopIndex: number): number | undefined {
  const s = w.shops[shopIndex];
  const item = w.items.get(code)?.[shopIndex];
  return s && item ? s.sim.available(item, s.location) : undefined;
}

export function stockWrites(w: World, shopIndex: number): number {
  return w.shops[shopIndex]?.sim.stats.byOperation.InventorySetQuantities ?? 0;
}

/**
 * A buyer orders on a shop: the shop takes the units off its own stock (as Shopify does; the
 * simulator leaves that to its caller) and the orders/create webhook lands in the hub's inbox.
 */
export async function sell(
  w: World,
  shopIndex: number,
  code: string,
  quantity: number,
  extra: Partial<OrderInput> = {},
) {
  const s = w.shops[shopIndex];
  const item = w.items.get(code)?.[shopIndex];
  if (!s || !item) throw new Error('unknown shop or SKU');
  const before = s.sim.available(item, s.location) ?? 0;
  s.sim.store.levels.set(`${item}|${s.location}`, Math.max(0, before - quantity));
  const order = await s.sim.placeOrder({
    lines: [{ sku: code, quantity }],
    shippingAddress: {
      firstName: 'Ada',
      lastName: 'L',
      address1: '1 Main St',
      city: 'Ottawa',
      countryCode: 'CA',
      zip: 'K1A 0A1',
    },
    ...extra,
  });
  await storeEvents(w.db.prisma, s.accountId, [
    {
      externalEventId: `wh-${order.id}`,
      topic: 'orders/create',
      occurredAt: new Date(order.updatedAt).toISOString(),
      payload: s.sim.orderWebhookBody(order.id),
    },
  ]);
  return order;
}

export interface Started {
  runtime: SyncRuntime;
  prefix: string;
  stop(): Promise<void>;
}

export async function start(w: World, backend: Backend, over: Partial<SyncOptions> = {}): Promise<Started> {
  const prefix = `omnihub-test-${randomBytes(6).toString('hex')}`;
  const runtime = await startSync({
    db: w.db,
    secretKey: w.key,
    connectors: { shopify: w.connector },
    logger: w.logger,
    ...(backend === 'bullmq' ? { redisUrl: REDIS_URL, queuePrefix: prefix } : {}),
    roles: { schedules: false },
    ...over,
    tuning: { backoff: { baseMs: 20, maxMs: 200 }, sweepIntervalMs: 1000, ...over.tuning },
  });
  return {
    runtime,
    prefix,
    async stop() {
      await runtime.stop();
      if (backend === 'bullmq') await obliterate(prefix);
    },
  };
}

/** Deletes every Redis key of a test prefix. */
export async function obliterate(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** Polls until `check` returns true; fails (instead of hanging) after `timeoutMs`. Not a timing assertion. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function listing(w: World, shopIndex: number, code: string) {
  return w.db.prisma.listing.findUniqueOrThrow({ where: { id: `${w.shops[shopIndex]?.accountId}:${code}` } });
}

export async function redisAvailable(): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch (e) {
    // CI runs every suite: a missing Redis there is a failure, not a skip.
    if (process.env.OMNIHUB_TEST_REQUIRE_REDIS === '1') {
      throw new Error(
        `Redis is required (OMNIHUB_TEST_REQUIRE_REDIS=1) but ${REDIS_URL} did not answer: ${(e as Error).message}`,
      );
    }
    return false;
  } finally {
    r.disconnect();
  }
}
