// The benchmark's world: a fresh database (PGlite in memory, or a new PostgreSQL database),
// Shopify simulators on the real clock with per-call latency and the standard cost bucket,
// the real connector talking to them in process, a catalogue, and buyers. A buyer only buys
// what the shop shows; the shop takes the unit off at once (as Shopify does) and its
// orders/create webhook reaches the hub's inbox after a delay.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createAccount } from '../../core/accounts/accounts.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { createShopifyConnector, type ShopifyConnector } from '../../connectors/shopify/connector.ts';
import { createShopifySimulator, type ShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { withDatabase } from '../support/pg-url.ts';

export interface Write {
  shop: number;
  item: string;
  value: number;
  /** When the shop's answer came back. */
  at: number;
  /** When the call that carried it was sent. */
  sentAt: number;
}

/** One stock write call and one of its items, applied or not (a stale compare, an error). */
export interface WriteAttempt {
  shop: number;
  item: string;
  sentAt: number;
  applied: boolean;
}

export interface BenchShop {
  accountId: string;
  sim: ShopifySimulator;
  location: string;
}

export interface BenchWorld {
  db: Database;
  key: Uint8Array;
  connector: ShopifyConnector;
  shops: BenchShop[];
  /** Every stock value a shop applied, with when its answer came back. */
  writes: Write[];
  /** Every item of every stock write call, in the order sent. */
  attempts: WriteAttempt[];
  /** SKU code -> inventory item id per shop. */
  items: Map<string, string[]>;
  close(): Promise<void>;
}

export async function openBenchDatabase(
  kind: 'pglite' | 'postgres',
  serverUrl: string,
): Promise<{ db: Database; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' });
    return { db, drop: async () => undefined };
  }
  const name = `omnihub_syncbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const db = await openDatabase({ url: withDatabase(serverUrl, name), poolSize: 20 });
  return {
    db,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function buildWorld(db: Database, opts: { shops: number; latencyMs: number }): Promise<BenchWorld> {
  const key = generateSecretKey();
  const sims = new Map<string, { sim: ShopifySimulator; index: number }>();
  const writes: Write[] = [];
  const attempts: WriteAttempt[] = [];
  const connector = createShopifyConnector({
    transport: async (req) => {
      const target = sims.get(new URL(req.url).host);
      if (!target) throw new Error(`no simulator for ${req.url}`);
      const body = (await req
        .clone()
        .json()
        .catch(() => null)) as {
        query?: string;
        variables?: { input?: { quantities?: { inventoryItemId: string; quantity: number }[] } };
      } | null;
      const sentAt = Date.now();
      const res = await target.sim.fetch(req);
      if (body?.query?.includes('inventorySetQuantities')) {
        const answer = res.ok
          ? ((await res.clone().json()) as { data?: { inventorySetQuantities?: { userErrors?: unknown[] } } })
          : null;
        const applied = !!answer && (answer.data?.inventorySetQuantities?.userErrors ?? []).length === 0;
        const at = Date.now();
        for (const q of body.variables?.input?.quantities ?? []) {
          attempts.push({ shop: target.index, item: q.inventoryItemId, sentAt, applied });
          if (applied) writes.push({ shop: target.index, item: q.inventoryItemId, value: q.quantity, at, sentAt });
        }
      }
      return res;
    },
  });
  await db.prisma.location.create({ data: { id: 'wh', code: 'WH', name: 'Warehouse', kind: 'warehouse' } });
  const shops: BenchShop[] = [];
  for (let i = 0; i < opts.shops; i++) {
    const shop = `bench${i}.myshopify.com`;
    const sim = createShopifySimulator({ shop, accessToken: `shpat_bench_${i}`, apiSecret: `whsec_bench_${i}` });
    sim.faults.latency(opts.latencyMs);
    sims.set(shop, { sim, index: i });
    const loc = sim.store.addLocation('Warehouse');
    const accountId = `bench-shop-${i}`;
    await createAccount(db.prisma, key, {
      id: accountId,
      type: 'shopify',
      name: `Bench shop ${i}`,
      credentials: { shop, accessToken: sim.accessToken, apiSecretKey: sim.apiSecret },
    });
    await db.prisma.channelLocation.create({ data: { accountId, locationId: 'wh', externalLocationId: loc.id } });
    shops.push({ accountId, sim, location: loc.id });
  }
  return { db, key, connector, shops, writes, attempts, items: new Map(), close: () => db.close() };
}

/** `count` SKUs with `units` each at the warehouse, listed on every shop (showing nothing yet). */
export async function addCatalogue(
  w: BenchWorld,
  prefix: string,
  count: number,
  units: number,
  mode: 'shared' | 'strict',
): Promise<string[]> {
  const codes: string[] = [];
  for (let n = 0; n < count; n++) {
    const code = `${prefix}-${String(n).padStart(4, '0')}`;
    const skuId = `sku-${code}`;
    await w.db.prisma.sku.create({ data: { id: skuId, code, title: code, allocationMode: mode } });
    await adjust(w.db.prisma, skuId, 'wh', units, 'receipt');
    const items: string[] = [];
    for (const s of w.shops) {
      const v = s.sim.store.addVariant({ sku: code, productTitle: code, price: 1900, stock: { [s.location]: 0 } });
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
    codes.push(code);
  }
  return codes;
}

export function shown(w: BenchWorld, shop: number, code: string): number {
  const s = w.shops[shop];
  const item = w.items.get(code)?.[shop];
  return s && item ? (s.sim.available(item, s.location) ?? 0) : 0;
}

/**
 * A buyer on `shop` orders one unit of `code` if the shop shows it. The shop takes it off at
 * once; the webhook lands in the inbox `webhookDelayMs` later. Returns false when sold out there.
 */
export async function buy(w: BenchWorld, shop: number, code: string, webhookDelayMs: number): Promise<boolean> {
  const s = w.shops[shop];
  const item = w.items.get(code)?.[shop];
  if (!s || !item) return false;
  const have = s.sim.available(item, s.location) ?? 0;
  if (have < 1) return false;
  s.sim.store.levels.set(`${item}|${s.location}`, have - 1);
  const order = await s.sim.placeOrder({
    lines: [{ sku: code, quantity: 1 }],
    shippingAddress: {
      firstName: 'Bench',
      lastName: 'Buyer',
      address1: '1 Main St',
      city: 'Ottawa',
      countryCode: 'CA',
      zip: 'K1A 0A1',
    },
  });
  const body = s.sim.orderWebhookBody(order.id);
  await new Promise((r) => setTimeout(r, webhookDelayMs));
  await storeEvents(w.db.prisma, s.accountId, [
    {
      externalEventId: `bench-${order.id}`,
      topic: 'orders/create',
      occurredAt: new Date(order.updatedAt).toISOString(),
      payload: body,
    },
  ]);
  return true;
}
