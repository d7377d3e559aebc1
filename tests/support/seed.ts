// Small builders for database tests: accounts, locations, SKUs and stock.
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { adjust } from '../../core/inventory/ledger.ts';

export async function seedLocation(prisma: PrismaClient, id: string, kind: 'warehouse' | 'store' = 'warehouse') {
  return prisma.location.create({
    data: { id, code: id.toUpperCase(), name: id, kind, pickupEnabled: kind === 'store' },
  });
}

export async function seedAccount(
  prisma: PrismaClient,
  id: string,
  locations: { locationId: string; externalLocationId?: string; priority?: number }[],
  type: 'shopify' | 'amazon' | 'ebay' | 'pos' = 'shopify',
) {
  await prisma.channelAccount.create({ data: { id, type, name: id, credentialsEnc: 'v1.test.test' } });
  for (const [i, l] of locations.entries()) {
    await prisma.channelLocation.create({
      data: {
        accountId: id,
        locationId: l.locationId,
        priority: l.priority ?? i,
        externalLocationId: l.externalLocationId ?? null,
      },
    });
  }
}

export async function seedSku(prisma: PrismaClient, code: string, opts: { allowBackorder?: boolean } = {}) {
  return prisma.sku.create({
    data: { id: `sku-${code}`, code, title: code, allowBackorder: opts.allowBackorder ?? false },
  });
}

export async function stock(prisma: PrismaClient, skuId: string, locationId: string, onHand: number) {
  if (onHand > 0) await adjust(prisma, skuId, locationId, onHand, 'receipt');
}
