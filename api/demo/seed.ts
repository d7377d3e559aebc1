// Seeds a fresh demo database and the simulated shops with the same catalogue:
// - locations: the warehouse and two click-and-collect stores with a staff PIN each;
// - products and SKUs, opening stock booked in the hub's ledger (receipts);
// - the same products on each Shopify shop, with the quantity the merchant had typed into
//   Shopify before connecting the hub (the hub corrects it on its first push);
// - one channel account per shop, created through createAccount (credentials encrypted),
//   pointed at its simulator with endpointOverride, and the shop's locations linked;
// - listings found the way a merchant links a shop: the connector's discoverListings()
//   over the shop's API, matched to hub SKUs by SKU code.
import { createAccount, loadAccountContext } from '../../core/accounts/accounts.ts';
import type { Prisma, PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { setStorePin } from '../../core/pickups/pin.ts';
import type { ChannelConnector } from '../../connectors/connector.ts';
import { listingFields } from '../../connectors/listing-fields.ts';
import { compareSkus } from '../../connectors/sku-match.ts';
import { type DemoSku, LOCATIONS, skuTitle } from './catalogue.ts';
import type { DemoShop } from './simulators.ts';

export interface DemoStore {
  id: string;
  code: string;
  name: string;
  pin: string;
}

export interface DemoSetup {
  catalogue: DemoSku[];
  /** Hub SKU id by SKU code. */
  skuIds: Map<string, string>;
  hotCodes: string[];
  stores: DemoStore[];
  /** Listings linked per account id. */
  listings: Map<string, number>;
  /** Channel items no hub SKU matched, per account id (should be none). */
  unmatched: Map<string, string[]>;
}

export const skuIdOf = (code: string) => `sku-${code.toLowerCase()}`;

export async function seedDemo(opts: {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connector: ChannelConnector;
  shops: DemoShop[];
  catalogue: DemoSku[];
  timezone: string;
}): Promise<DemoSetup> {
  const { prisma, secretKey, shops, catalogue } = opts;

  await prisma.location.createMany({
    data: LOCATIONS.map((l) => ({
      id: l.id,
      code: l.code,
      name: l.name,
      kind: l.kind,
      pickupEnabled: l.pickupEnabled,
      pickupHoldDays: 7,
      timezone: opts.timezone,
    })),
  });
  const stores: DemoStore[] = LOCATIONS.filter((l) => l.pin).map((l) => ({
    id: l.id,
    code: l.code,
    name: l.name,
    pin: l.pin as string,
  }));
  // scrypt runs on the thread pool: the PINs hash side by side.
  await Promise.all(stores.map((s) => setStorePin(prisma, s.id, s.pin, { actor: 'demo:seed' })));

  // Catalogue in the hub.
  const products = new Map<string, string>();
  for (const s of catalogue) products.set(s.productId, s.productTitle);
  await prisma.product.createMany({
    data: [...products].map(([id, title]) => ({ id: `prod-${id}`, title })),
    skipDuplicates: true,
  });
  await prisma.sku.createMany({
    data: catalogue.map((s) => ({
      id: skuIdOf(s.code),
      code: s.code,
      productId: `prod-${s.productId}`,
      title: skuTitle(s),
    })),
  });
  const skuIds = new Map(catalogue.map((s) => [s.code, skuIdOf(s.code)]));
  // Opening stock: one receipt per SKU x location through the ledger, in one transaction.
  await prisma.$transaction(
    async (tx) => {
      for (const s of catalogue) {
        for (const [locationId, qty] of Object.entries(s.stock)) {
          if (qty <= 0) continue;
          await adjust(tx, skuIdOf(s.code), locationId, qty, 'receipt', {
            actor: 'demo:seed',
            reason: 'opening stock',
          });
        }
      }
    },
    { timeout: 60_000, maxWait: 30_000 },
  );

  // The same catalogue on each shop, one Shopify product per product with its variants.
  for (const shop of shops) {
    const productIds = new Map<string, string>();
    for (const s of catalogue) {
      const shown = shop.locationPriority.reduce((sum, loc) => sum + (s.stock[loc] ?? 0), 0);
      const v = shop.sim.store.addVariant({
        sku: s.code,
        productTitle: s.productTitle,
        title: s.variantTitle ?? 'Default Title',
        price: s.price,
        stock: { [shop.stockLocationId]: shown },
      });
      const productId = productIds.get(s.productId);
      if (productId) v.productId = productId;
      else productIds.set(s.productId, v.productId);
      shop.items.set(s.code, v.inventoryItemId);
    }
  }

  // Channel accounts and their locations.
  for (const shop of shops) {
    await createAccount(prisma, secretKey, {
      id: shop.accountId,
      type: 'shopify',
      name: shop.name,
      credentials: {
        shop: shop.sim.shop,
        accessToken: shop.sim.accessToken,
        apiSecretKey: shop.sim.apiSecret,
      },
      endpointOverride: shop.url,
      settings: {
        // The safety net behind webhooks, and drift checks (a refund restocked on the shop puts
        // units back on sale there), more often than in production.
        pollIntervalSeconds: 30,
        reconcileIntervalSeconds: 20,
        stockExternalLocationId: shop.stockLocationId,
      },
    });
    await prisma.channelLocation.createMany({
      data: shop.locationPriority.map((locationId, priority) => ({
        accountId: shop.accountId,
        locationId,
        priority,
        externalLocationId: shop.locations.get(locationId) ?? null,
      })),
    });
  }

  // Listings: what each shop sells (read over its API), linked to hub SKUs by SKU code.
  const listings = new Map<string, number>();
  const unmatched = new Map<string, string[]>();
  for (const shop of shops) {
    const account = await loadAccountContext(prisma, secretKey, shop.accountId);
    const candidates = [];
    for await (const c of opts.connector.discoverListings(account)) candidates.push(c);
    const cmp = compareSkus(
      candidates.map((c) => c.sku),
      skuIds.keys(),
    );
    const matched = new Set(cmp.matched.filter((s) => !cmp.duplicatesOnChannel.includes(s)));
    const rows = candidates
      .filter((c) => c.sku && matched.has(c.sku) && c.externalStockId)
      .map((c) => {
        const fields = listingFields(c);
        return {
          id: `${shop.accountId}:${c.sku}`,
          skuId: skuIds.get(c.sku as string) as string,
          accountId: shop.accountId,
          ...fields,
          channelData: fields.channelData as Prisma.InputJsonObject,
        };
      });
    await prisma.listing.createMany({ data: rows });
    listings.set(shop.accountId, rows.length);
    unmatched.set(shop.accountId, cmp.onlyOnChannel);
  }

  return {
    catalogue,
    skuIds,
    hotCodes: catalogue.filter((s) => s.hot).map((s) => s.code),
    stores,
    listings,
    unmatched,
  };
}

/**
 * Adds SKUs to a running demo (the --seed files may sell items the demo catalogue lacks):
 * the SKU in the hub with stock at the warehouse, a variant on every shop, and its listings.
 */
export async function addSkus(
  opts: { prisma: PrismaClient; shops: DemoShop[] },
  skus: { code: string; title: string; variantTitle: string | null; price: number; stock: number }[],
): Promise<string[]> {
  const { prisma, shops } = opts;
  const existing = new Set(
    (await prisma.sku.findMany({ where: { code: { in: skus.map((s) => s.code) } }, select: { code: true } })).map(
      (s) => s.code,
    ),
  );
  const added: string[] = [];
  for (const s of skus) {
    if (existing.has(s.code)) continue;
    existing.add(s.code);
    const skuId = skuIdOf(s.code);
    await prisma.sku.create({
      data: { id: skuId, code: s.code, title: s.variantTitle ? `${s.title} - ${s.variantTitle}` : s.title },
    });
    for (const shop of shops) {
      const v =
        shop.sim.store.findVariantBySku(s.code) ??
        shop.sim.store.addVariant({
          sku: s.code,
          productTitle: s.title,
          title: s.variantTitle ?? 'Default Title',
          price: s.price,
          stock: { [shop.stockLocationId]: s.stock },
        });
      shop.items.set(s.code, v.inventoryItemId);
      await prisma.listing.create({
        data: {
          id: `${shop.accountId}:${s.code}`,
          skuId,
          accountId: shop.accountId,
          externalProductId: v.productId,
          externalVariantId: v.id,
          externalStockId: v.inventoryItemId,
        },
      });
    }
    // After the listings exist: the receipt's outbox row makes the synchronizer push the SKU.
    if (s.stock > 0)
      await adjust(prisma, skuId, 'wh', s.stock, 'receipt', { actor: 'demo:seed', reason: 'replayed order' });
    added.push(s.code);
  }
  return added;
}
