// GET /inventory/levels over a read port: the Node API reads through Prisma (routes.ts), the
// edge through plain SQL (sql-levels.ts); the route, its validation, the staff scope and the
// JSON (levels.ts's shapeLevel) are this one file for both.
import { createRoute, z } from '@hono/zod-openapi';
import { principalOf, scopedLocations } from '../../auth/principal.ts';
import { bearer, newRouter } from '../router.ts';
import { errors, json, PageQuery } from '../schemas.ts';
import { decodeCursor, pageOf } from '../serialize.ts';
import { type LevelRow, shapeLevel } from './levels.ts';
import { LevelPageSchema } from './schemas.ts';

export interface LevelReads {
  /** The id of the SKU with this id or code, or null. */
  skuId(ref: string): Promise<string | null>;
  /** At most `limit + 1` levels by SKU id then location id, after `after`. */
  page(
    q: { locations: string[] | undefined; skuId: string | undefined; after: { s: string; l: string } | undefined },
    limit: number,
  ): Promise<LevelRow[]>;
}

const levels = createRoute({
  method: 'get',
  path: '/inventory/levels',
  tags: ['inventory'],
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

export function levelReadRoutes(reads: LevelReads) {
  const app = newRouter();
  app.openapi(levels, async (c) => {
    const { limit, cursor, locationId, sku } = c.req.valid('query');
    const locations = scopedLocations(principalOf(c), locationId);
    const after = decodeCursor(cursor, z.object({ s: z.string(), l: z.string() }));
    const skuId = sku ? await reads.skuId(sku) : undefined;
    if (sku && !skuId) return c.json({ data: [], nextCursor: null }, 200);
    const rows = await reads.page({ locations, skuId: skuId ?? undefined, after }, limit);
    return c.json(
      pageOf(rows, limit, shapeLevel, (r) => ({ s: r.skuId, l: r.locationId })),
      200,
    );
  });
  return app;
}
