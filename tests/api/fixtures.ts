// A small shop for API tests: a warehouse and two stores, two SKUs with stock, one Shopify
// account served by all three, and orders taken in through core (ingestOrder).
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

export const WH = 'wh';
export const STORE_A = 'store-a';
export const STORE_B = 'store-b';
export const ACCOUNT = 'shop';

export async function seedShop(prisma: PrismaClient) {
  await seedLocation(prisma, WH, 'warehouse');
  await seedLocation(prisma, STORE_A, 'store');
  await seedLocation(prisma, STORE_B, 'store');
  await seedAccount(prisma, ACCOUNT, [
    { locationId: WH, externalLocationId: 'gid://shopify/Location/1' },
    { locationId: STORE_A, externalLocationId: 'gid://shopify/Location/2' },
    { locationId: STORE_B, externalLocationId: 'gid://shopify/Location/3' },
  ]);
  const tee = await seedSku(prisma, 'TEE');
  const cap = await seedSku(prisma, 'CAP');
  for (const loc of [WH, STORE_A, STORE_B]) {
    await stock(prisma, tee.id, loc, 10);
    await stock(prisma, cap.id, loc, 5);
  }
  return { tee, cap };
}

/** A shipped-to-customer order from the warehouse. */
export async function shipOrderFixture(
  prisma: PrismaClient,
  externalId: string,
  over: Parameters<typeof draft>[2] = {},
) {
  return ingestOrder(
    prisma,
    ACCOUNT,
    draft(
      externalId,
      [
        { sku: 'TEE', quantity: 2 },
        { sku: 'CAP', quantity: 1 },
      ],
      over,
    ),
  );
}

/** A click-and-collect order picked up at `store` (STORE_A → Location/2, STORE_B → Location/3). */
export async function pickupOrderFixture(
  prisma: PrismaClient,
  externalId: string,
  store: typeof STORE_A | typeof STORE_B,
) {
  const externalLocation = store === STORE_A ? 'gid://shopify/Location/2' : 'gid://shopify/Location/3';
  return ingestOrder(
    prisma,
    ACCOUNT,
    draft(externalId, [{ sku: 'TEE', quantity: 1 }], {
      fulfilmentMethod: 'pickup',
      pickupLocation: { externalId: externalLocation },
    }),
  );
}
