// SKUs: the hub's sellable units, and what each channel advertises for one.
import { createRoute, z } from '@hono/zod-openapi';
import { availableToSell } from '../../../core/inventory/available-to-sell.ts';
import type { RouteContext } from '../context.ts';
import { ApiError, isUniqueViolation, notFound } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, json, PageQuery } from '../schemas.ts';
import { decodeCursor, pageOf } from '../serialize.ts';
import { NewSkuBody, SkuPageSchema, SkuPatchBody, SkuSchema, SkuStockSchema } from './schemas.ts';
import { shapeSku } from './shape.ts';
import { requestRecomputeForSku } from '../../../core/inventory/policy-change.ts';

const tags = ['catalogue'];
const SkuParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'SKU id or code' }),
});

const list = createRoute({
  method: 'get',
  path: '/skus',
  tags,
  security: bearer,
  summary: 'List SKUs (by code)',
  request: {
    query: PageQuery.extend({
      q: z.string().max(200).optional().openapi({ description: 'Code, title or barcode contains' }),
      productId: z.string().optional(),
    }),
  },
  responses: { 200: json(SkuPageSchema, 'A page of SKUs'), ...errors(403) },
});
const create = createRoute({
  method: 'post',
  path: '/skus',
  tags,
  security: bearer,
  summary: 'Create a SKU',
  request: { body: body(NewSkuBody) },
  responses: { 201: json(SkuSchema, 'Created'), ...errors(403, 409) },
});
const get = createRoute({
  method: 'get',
  path: '/skus/{id}',
  tags,
  security: bearer,
  summary: 'One SKU (by id or code)',
  request: { params: SkuParam },
  responses: { 200: json(SkuSchema, 'The SKU'), ...errors(403, 404) },
});
const patch = createRoute({
  method: 'patch',
  path: '/skus/{id}',
  tags,
  security: bearer,
  summary: 'Change a SKU (fields given are replaced)',
  request: { params: SkuParam, body: body(SkuPatchBody) },
  responses: { 200: json(SkuSchema, 'The SKU'), ...errors(403, 404) },
});
const stock = createRoute({
  method: 'get',
  path: '/skus/{id}/stock',
  tags: [...tags, 'inventory'],
  security: bearer,
  summary: 'Stock of one SKU per location, and what each channel advertises',
  request: { params: SkuParam },
  responses: { 200: json(SkuStockSchema, 'Levels and available-to-sell'), ...errors(403, 404) },
});

export async function findSku(ctx: RouteContext, ref: string) {
  const sku =
    (await ctx.prisma.sku.findUnique({ where: { id: ref } })) ??
    (await ctx.prisma.sku.findUnique({ where: { code: ref } }));
  if (!sku) throw notFound(`SKU ${ref}`);
  return sku;
}

export function skuRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  async function requireProduct(productId: string | null | undefined) {
    if (productId && !(await prisma.product.findUnique({ where: { id: productId }, select: { id: true } }))) {
      throw new ApiError(400, 'invalid_request', `productId: unknown product ${productId}`, [
        { path: 'productId', message: `unknown product ${productId}` },
      ]);
    }
  }

  app.openapi(list, async (c) => {
    const { limit, cursor, q, productId } = c.req.valid('query');
    const after = decodeCursor(cursor, z.object({ code: z.string() }));
    const rows = await prisma.sku.findMany({
      where: {
        ...(productId ? { productId } : {}),
        ...(after ? { code: { gt: after.code } } : {}),
        ...(q
          ? {
              OR: [
                { code: { contains: q, mode: 'insensitive' as const } },
                { title: { contains: q, mode: 'insensitive' as const } },
                { barcode: { contains: q } },
              ],
            }
          : {}),
      },
      orderBy: { code: 'asc' },
      take: limit + 1,
    });
    return c.json(
      pageOf(rows, limit, shapeSku, (r) => ({ code: r.code })),
      200,
    );
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    await requireProduct(b.productId);
    try {
      const row = await prisma.sku.create({
        data: {
          id: b.id ?? crypto.randomUUID(),
          code: b.code,
          title: b.title,
          productId: b.productId ?? null,
          barcode: b.barcode ?? null,
          allowBackorder: b.allowBackorder,
          allocationMode: b.allocationMode,
        },
      });
      return c.json(shapeSku(row), 201);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ApiError(409, 'conflict', `a SKU with this id or code already exists`);
      throw e;
    }
  });

  app.openapi(get, async (c) => c.json(shapeSku(await findSku(ctx, c.req.valid('param').id)), 200));

  app.openapi(patch, async (c) => {
    const sku = await findSku(ctx, c.req.valid('param').id);
    const b = c.req.valid('json');
    await requireProduct(b.productId);
    const row = await prisma.$transaction(async (tx) => {
      const updated = await tx.sku.update({ where: { id: sku.id }, data: b });
      // Backorder or allocation mode changes what channels advertise with no stock moving: push now.
      if (updated.allowBackorder !== sku.allowBackorder || updated.allocationMode !== sku.allocationMode) {
        await requestRecomputeForSku(tx, sku.id);
      }
      return updated;
    });
    return c.json(shapeSku(row), 200);
  });

  app.openapi(stock, async (c) => {
    const sku = await findSku(ctx, c.req.valid('param').id);
    const levels = await prisma.inventoryLevel.findMany({ where: { skuId: sku.id }, orderBy: { locationId: 'asc' } });
    const accounts = await prisma.channelAccount.findMany({
      where: { active: true },
      include: { locations: { select: { locationId: true } } },
      orderBy: { name: 'asc' },
    });
    return c.json(
      {
        skuId: sku.id,
        code: sku.code,
        levels: levels.map((l) => ({
          locationId: l.locationId,
          onHand: l.onHand,
          reserved: l.reserved,
          safetyStock: l.safetyStock,
          available: availableToSell([l], { locationIds: [l.locationId], buffer: 0 }),
        })),
        channels: accounts.map((a) => ({
          accountId: a.id,
          name: a.name,
          availableToSell: availableToSell(levels, {
            locationIds: a.locations.map((l) => l.locationId),
            buffer: a.stockBuffer,
            max: a.stockMax,
            percent: a.stockPercent,
          }),
        })),
      },
      200,
    );
  });

  return app;
}
