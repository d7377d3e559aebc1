// Listings: a hub SKU on one channel account, with the channel's handles for it.
import { createRoute, z } from '@hono/zod-openapi';
import type { RouteContext } from '../context.ts';
import { type ChannelConnector, type ChannelData, ChannelDataError } from '../../../connectors/connector.ts';
import type { Prisma } from '../../../core/db/generated/prisma/client.ts';
import { ApiError, invalid, isUniqueViolation, notFound } from '../errors.ts';
import { requireSkuRef } from '../lookups.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, IdParam, json, PageQuery } from '../schemas.ts';
import { decodeCursor, pageOf } from '../serialize.ts';
import { ListingPageSchema, ListingSchema, NewListingBody } from './schemas.ts';
import { shapeListing } from './shape.ts';

const tags = ['catalogue'];

const list = createRoute({
  method: 'get',
  path: '/listings',
  tags,
  security: bearer,
  summary: 'List listings',
  request: { query: PageQuery.extend({ accountId: z.string().optional(), skuId: z.string().optional() }) },
  responses: { 200: json(ListingPageSchema, 'A page of listings'), ...errors(403) },
});
const create = createRoute({
  method: 'post',
  path: '/listings',
  tags,
  security: bearer,
  summary: 'Link a hub SKU to a channel item',
  request: { body: body(NewListingBody) },
  responses: { 201: json(ListingSchema, 'Created'), ...errors(403, 409) },
});
const remove = createRoute({
  method: 'delete',
  path: '/listings/{id}',
  tags,
  security: bearer,
  summary: 'Unlink (the hub stops pushing stock for it)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(403, 404) },
});

const include = { sku: { select: { code: true } } };

/** The connector checks and shapes what a person gave (when it has rules); its refusal names the field. */
function shapeChannelData(connector: ChannelConnector | undefined, data: ChannelData): ChannelData {
  if (!connector?.normaliseChannelData) return data;
  try {
    return connector.normaliseChannelData(data);
  } catch (e) {
    if (e instanceof ChannelDataError) throw invalid(`channelData.${e.field}`, e.detail);
    throw e;
  }
}

export function listingRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  app.openapi(list, async (c) => {
    const { limit, cursor, accountId, skuId } = c.req.valid('query');
    const after = decodeCursor(cursor, z.object({ id: z.string() }));
    const rows = await prisma.listing.findMany({
      where: {
        ...(accountId ? { accountId } : {}),
        ...(skuId ? { skuId } : {}),
        ...(after ? { id: { gt: after.id } } : {}),
      },
      include,
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return c.json(
      pageOf(rows, limit, shapeListing, (r) => ({ id: r.id })),
      200,
    );
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const account = await prisma.channelAccount.findUnique({
      where: { id: b.accountId },
      select: { id: true, type: true },
    });
    if (!account) {
      throw new ApiError(400, 'invalid_request', `accountId: unknown channel account ${b.accountId}`, [
        { path: 'accountId', message: `unknown channel account ${b.accountId}` },
      ]);
    }
    const sku = await requireSkuRef(prisma, b.sku, 'sku');
    const channelData = shapeChannelData(ctx.connectors[account.type], b.channelData ?? {});
    try {
      const row = await prisma.listing.create({
        data: {
          id: crypto.randomUUID(),
          accountId: b.accountId,
          skuId: sku.id,
          externalProductId: b.externalProductId ?? null,
          externalVariantId: b.externalVariantId ?? null,
          externalStockId: b.externalStockId ?? null,
          channelData: channelData as Prisma.InputJsonObject,
        },
        include,
      });
      return c.json(shapeListing(row), 201);
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ApiError(409, 'conflict', `SKU ${sku.code} is already listed on ${b.accountId}`);
      throw e;
    }
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const n = await prisma.listing.deleteMany({ where: { id } });
    if (n.count === 0) throw notFound(`listing ${id}`);
    return c.body(null, 204);
  });

  return app;
}
