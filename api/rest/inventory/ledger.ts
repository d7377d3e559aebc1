// The ledger of one SKU: every movement, newest first, paged by movement id.
import { createRoute, z } from '@hono/zod-openapi';
import { principalOf, scopedLocations } from '../../auth/principal.ts';
import { findSku } from '../catalog/skus.ts';
import type { RouteContext } from '../context.ts';
import { bearer, newRouter } from '../router.ts';
import { errors, json, PageQuery } from '../schemas.ts';
import { decodeCursor, iso, pageOf } from '../serialize.ts';
import { MovementPageSchema } from './schemas.ts';

const route = createRoute({
  method: 'get',
  path: '/skus/{id}/ledger',
  tags: ['inventory'],
  security: bearer,
  summary: 'Movements of one SKU, newest first (a staff key sees its own stores)',
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .openapi({ param: { name: 'id', in: 'path' }, description: 'SKU id or code' }),
    }),
    query: PageQuery.extend({ locationId: z.string().optional() }),
  },
  responses: { 200: json(MovementPageSchema, 'A page of movements'), ...errors(404) },
});

export function ledgerRoutes(ctx: RouteContext) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const { limit, cursor, locationId } = c.req.valid('query');
    const locations = scopedLocations(principalOf(c), locationId);
    const sku = await findSku(ctx, c.req.valid('param').id);
    const after = decodeCursor(cursor, z.object({ id: z.string().regex(/^\d+$/) }));
    const rows = await ctx.prisma.inventoryMovement.findMany({
      where: {
        skuId: sku.id,
        ...(locations ? { locationId: { in: locations } } : {}),
        ...(after ? { id: { lt: BigInt(after.id) } } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return c.json(
      pageOf(
        rows,
        limit,
        (m) => ({
          id: m.id.toString(),
          skuId: m.skuId,
          locationId: m.locationId,
          kind: m.kind,
          onHandDelta: m.onHandDelta,
          reservedDelta: m.reservedDelta,
          reason: m.reason,
          orderId: m.orderId,
          reference: m.reference,
          actor: m.actor,
          createdAt: iso(m.createdAt),
        }),
        (m) => ({ id: m.id.toString() }),
      ),
      200,
    );
  });
  return app;
}
