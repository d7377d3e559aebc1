// Products and their SKUs.
import { createRoute, z } from '@hono/zod-openapi';
import type { RouteContext } from '../context.ts';
import { ApiError, isUniqueViolation, notFound } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, IdParam, json, PageQuery } from '../schemas.ts';
import { decodeCursor, pageOf } from '../serialize.ts';
import { NewProductBody, ProductPageSchema, ProductSchema } from './schemas.ts';
import { shapeProduct } from './shape.ts';

const tags = ['catalogue'];

const list = createRoute({
  method: 'get',
  path: '/products',
  tags,
  security: bearer,
  summary: 'List products with their SKUs',
  request: {
    query: PageQuery.extend({ q: z.string().max(200).optional().openapi({ description: 'Title contains' }) }),
  },
  responses: { 200: json(ProductPageSchema, 'A page of products'), ...errors(403) },
});
const create = createRoute({
  method: 'post',
  path: '/products',
  tags,
  security: bearer,
  summary: 'Create a product, optionally with its SKUs',
  request: { body: body(NewProductBody) },
  responses: { 201: json(ProductSchema, 'Created'), ...errors(403, 409) },
});
const get = createRoute({
  method: 'get',
  path: '/products/{id}',
  tags,
  security: bearer,
  summary: 'One product',
  request: { params: IdParam },
  responses: { 200: json(ProductSchema, 'The product'), ...errors(403, 404) },
});

const include = { skus: { orderBy: { code: 'asc' as const } } };

export function productRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  app.openapi(list, async (c) => {
    const { limit, cursor, q } = c.req.valid('query');
    const after = decodeCursor(cursor, z.object({ id: z.string() }));
    const rows = await prisma.product.findMany({
      where: {
        ...(q ? { title: { contains: q, mode: 'insensitive' as const } } : {}),
        ...(after ? { id: { gt: after.id } } : {}),
      },
      include,
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return c.json(
      pageOf(rows, limit, shapeProduct, (r) => ({ id: r.id })),
      200,
    );
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const codes = b.skus.map((s) => s.code);
    const dup = codes.findIndex((code, i) => codes.indexOf(code) !== i);
    if (dup >= 0) {
      throw new ApiError(400, 'invalid_request', `skus.${dup}.code: appears twice`, [
        { path: `skus.${dup}.code`, message: 'appears twice' },
      ]);
    }
    const id = b.id ?? crypto.randomUUID();
    try {
      await prisma.product.create({
        data: {
          id,
          title: b.title,
          skus: {
            create: b.skus.map((s) => ({
              id: s.id ?? crypto.randomUUID(),
              code: s.code,
              title: s.title,
              barcode: s.barcode ?? null,
              allowBackorder: s.allowBackorder,
              allocationMode: s.allocationMode,
            })),
          },
        },
      });
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ApiError(409, 'conflict', 'a product or SKU with this id or code already exists');
      throw e;
    }
    const row = await prisma.product.findUniqueOrThrow({ where: { id }, include });
    return c.json(shapeProduct(row), 201);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const row = await prisma.product.findUnique({ where: { id }, include });
    if (!row) throw notFound(`product ${id}`);
    return c.json(shapeProduct(row), 200);
  });

  return app;
}
