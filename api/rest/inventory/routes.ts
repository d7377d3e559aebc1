// Inventory: levels with what each location can sell, and the changes people make —
// adjustments with a reason, counts, transfers, safety stock — all through the ledger, so
// every change of on hand is a movement. A change the ledger refuses (it would take on
// hand below what is reserved, or move stock that is not free) is a 409 and touches nothing.
import { createRoute } from '@hono/zod-openapi';
import { adjust, getLevel, setOnHand, transfer } from '../../../core/inventory/ledger.ts';
import { assertLocation, principalOf } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { requireLocations, requireSkuRef } from '../lookups.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, json } from '../schemas.ts';
import { readLevel } from './levels.ts';
import { levelReadRoutes, type LevelReads } from './level-routes.ts';
import type { PrismaClient } from '../../../core/db/generated/prisma/client.ts';
import { setSafetyStock } from '../../../core/inventory/ledger.ts';
import {
  AdjustmentBody,
  CountBody,
  LevelSchema,
  SafetyStockBody,
  TransferBody,
  TransferResultSchema,
} from './schemas.ts';

const tags = ['inventory'];

/** The levels route (level-routes.ts) on Node: through the Prisma client. */
export function prismaLevelReads(prisma: PrismaClient): LevelReads {
  return {
    skuId: async (ref) =>
      (await prisma.sku.findFirst({ where: { OR: [{ id: ref }, { code: ref }] }, select: { id: true } }))?.id ?? null,
    page: ({ locations, skuId, after }, limit) =>
      prisma.inventoryLevel.findMany({
        where: {
          ...(locations ? { locationId: { in: locations } } : {}),
          ...(skuId ? { skuId } : {}),
          ...(after ? { OR: [{ skuId: { gt: after.s } }, { skuId: after.s, locationId: { gt: after.l } }] } : {}),
        },
        include: { sku: { select: { code: true } } },
        orderBy: [{ skuId: 'asc' }, { locationId: 'asc' }],
        take: limit + 1,
      }),
  };
}

const adjustment = createRoute({
  method: 'post',
  path: '/inventory/adjustments',
  tags,
  security: bearer,
  summary: 'Add or remove units with a reason (receipt, damage, ...)',
  request: { body: body(AdjustmentBody) },
  responses: { 201: json(LevelSchema, 'The level after the change'), ...errors(403, 404, 409) },
});
const count = createRoute({
  method: 'post',
  path: '/inventory/counts',
  tags,
  security: bearer,
  summary: 'Record a stock count: on hand becomes the counted quantity',
  request: { body: body(CountBody) },
  responses: { 201: json(LevelSchema, 'The level after the count'), ...errors(403, 404, 409) },
});
const move = createRoute({
  method: 'post',
  path: '/inventory/transfers',
  tags,
  security: bearer,
  summary: 'Move free units from one location to another',
  request: { body: body(TransferBody) },
  responses: { 201: json(TransferResultSchema, 'Both levels after the transfer'), ...errors(403, 409) },
});
const safety = createRoute({
  method: 'put',
  path: '/inventory/safety-stock',
  tags,
  security: bearer,
  summary: 'Set the units a location keeps back from every channel',
  request: { body: body(SafetyStockBody) },
  responses: { 200: json(LevelSchema, 'The level'), ...errors(403) },
});

export function inventoryRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  /** Staff may only touch their stores (404 otherwise); the location and SKU must exist. */
  async function target(c: Parameters<typeof principalOf>[0], skuRef: string, locationId: string) {
    assertLocation(principalOf(c), locationId);
    await requireLocations(prisma, [{ id: locationId, field: 'locationId' }]);
    return requireSkuRef(prisma, skuRef, 'sku');
  }

  async function refused(skuId: string, locationId: string, what: string): Promise<never> {
    const level = await getLevel(prisma, skuId, locationId);
    throw new ApiError(
      409,
      'insufficient_stock',
      `${what}: on hand would fall below what is reserved (on hand ${level?.onHand ?? 0}, reserved ${level?.reserved ?? 0})`,
    );
  }

  app.route('/', levelReadRoutes(prismaLevelReads(prisma)));

  app.openapi(adjustment, async (c) => {
    const b = c.req.valid('json');
    const sku = await target(c, b.sku, b.locationId);
    const done = await adjust(prisma, sku.id, b.locationId, b.delta, b.reason, {
      actor: principalOf(c).actor,
      reason: b.note ?? null,
      reference: b.reference ?? null,
    });
    if (!done) await refused(sku.id, b.locationId, 'adjustment refused');
    return c.json(await readLevel(prisma, sku.id, b.locationId), 201);
  });

  app.openapi(count, async (c) => {
    const b = c.req.valid('json');
    const sku = await target(c, b.sku, b.locationId);
    const done = await setOnHand(prisma, sku.id, b.locationId, b.counted, {
      actor: principalOf(c).actor,
      reason: b.note ?? null,
    });
    if (!done) await refused(sku.id, b.locationId, 'count refused (resolve the reservations first)');
    return c.json(await readLevel(prisma, sku.id, b.locationId), 201);
  });

  app.openapi(move, async (c) => {
    const b = c.req.valid('json');
    await requireLocations(prisma, [
      { id: b.fromLocationId, field: 'fromLocationId' },
      { id: b.toLocationId, field: 'toLocationId' },
    ]);
    const sku = await requireSkuRef(prisma, b.sku, 'sku');
    const ok = await prisma.$transaction(
      (tx) =>
        transfer(tx, sku.id, b.fromLocationId, b.toLocationId, b.quantity, {
          actor: principalOf(c).actor,
          reason: b.note ?? 'transfer',
        }),
      { timeout: 30_000, maxWait: 30_000 },
    );
    if (!ok) {
      const level = await getLevel(prisma, sku.id, b.fromLocationId);
      const free = level ? level.onHand - level.reserved : 0;
      throw new ApiError(409, 'insufficient_stock', `only ${Math.max(0, free)} free unit(s) at ${b.fromLocationId}`);
    }
    return c.json(
      {
        from: await readLevel(prisma, sku.id, b.fromLocationId),
        to: await readLevel(prisma, sku.id, b.toLocationId),
      },
      201,
    );
  });

  app.openapi(safety, async (c) => {
    const b = c.req.valid('json');
    const sku = await target(c, b.sku, b.locationId);
    await setSafetyStock(prisma, sku.id, b.locationId, b.safetyStock);
    return c.json(await readLevel(prisma, sku.id, b.locationId), 200);
  });

  return app;
}
