// Inventory: levels with what each location can sell, and the changes people make —
// adjustments with a reason, counts, transfers, safety stock — all through the ledger, so
// every change of on hand is a movement. A change the ledger refuses (it would take on
// hand below what is reserved, or move stock that is not free) is a 409 and touches nothing.
import { createRoute, z } from '@hono/zod-openapi';
import { adjust, getLevel, setOnHand, transfer } from '../../../core/inventory/ledger.ts';
import { assertLocation, principalOf, scopedLocations } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { requireLocations, requireSkuRef } from '../lookups.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, json, PageQuery } from '../schemas.ts';
import { decodeCursor, pageOf } from '../serialize.ts';
import { readLevel, shapeLevel } from './levels.ts';
import { setSafetyStock } from '../../../core/inventory/ledger.ts';
import {
  AdjustmentBody,
  CountBody,
  LevelPageSchema,
  LevelSchema,
  SafetyStockBody,
  TransferBody,
  TransferResultSchema,
} from './schemas.ts';

const tags = ['inventory'];

const levels = createRoute({
  method: 'get',
  path: '/inventory/levels',
  tags,
  security: bearer,
  summary: 'Stock levels per SKU and location (a staff key sees its own stores)',
  request: {
    query: PageQuery.extend({
      locationId: z.string().optional(),
      sku: z.string().optional().openapi({ description: 'SKU id or code' }),
    }),
  },
  responses: { 200: json(LevelPageSchema, 'A page of levels'), ...errors(404) },
});
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

  app.openapi(levels, async (c) => {
    const { limit, cursor, locationId, sku } = c.req.valid('query');
    const locations = scopedLocations(principalOf(c), locationId);
    const after = decodeCursor(cursor, z.object({ s: z.string(), l: z.string() }));
    const skuRow = sku
      ? await prisma.sku.findFirst({ where: { OR: [{ id: sku }, { code: sku }] }, select: { id: true } })
      : undefined;
    if (sku && !skuRow) return c.json({ data: [], nextCursor: null }, 200);
    const rows = await prisma.inventoryLevel.findMany({
      where: {
        ...(locations ? { locationId: { in: locations } } : {}),
        ...(skuRow ? { skuId: skuRow.id } : {}),
        ...(after ? { OR: [{ skuId: { gt: after.s } }, { skuId: after.s, locationId: { gt: after.l } }] } : {}),
      },
      include: { sku: { select: { code: true } } },
      orderBy: [{ skuId: 'asc' }, { locationId: 'asc' }],
      take: limit + 1,
    });
    return c.json(
      pageOf(rows, limit, shapeLevel, (r) => ({ s: r.skuId, l: r.locationId })),
      200,
    );
  });

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
