// Reading levels back after a change, in the API's shape.
import type { z } from '@hono/zod-openapi';
import type { PrismaClient } from '../../../core/db/generated/prisma/client.ts';
import { availableToSell } from '../../../core/inventory/available-to-sell.ts';
import { iso } from '../serialize.ts';
import type { LevelSchema } from './schemas.ts';

export interface LevelRow {
  skuId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  updatedAt: Date;
  sku: { code: string };
}

export function shapeLevel(l: LevelRow): z.infer<typeof LevelSchema> {
  return {
    skuId: l.skuId,
    skuCode: l.sku.code,
    locationId: l.locationId,
    onHand: l.onHand,
    reserved: l.reserved,
    safetyStock: l.safetyStock,
    available: availableToSell([l], { locationIds: [l.locationId], buffer: 0 }),
    updatedAt: iso(l.updatedAt),
  };
}

export async function readLevel(prisma: PrismaClient, skuId: string, locationId: string) {
  const row = await prisma.inventoryLevel.findUniqueOrThrow({
    where: { skuId_locationId: { skuId, locationId } },
    include: { sku: { select: { code: true } } },
  });
  return shapeLevel(row);
}
