// GET /orders and GET /orders/{id}: the routes, their validation and their JSON, over a read
// port. The Node API reads through Prisma (routes.ts), the edge through plain SQL (sql-reads.ts);
// both answer through this file, so the documented schema and the shaping are the same code.
import { createRoute, z } from '@hono/zod-openapi';
import type { RawSql } from '../../../core/db/sql.ts';
import { assertLocation, principalOf } from '../../auth/principal.ts';
import { notFound } from '../api-error.ts';
import { bearer, newRouter } from '../router.ts';
import { errors, IdParam, json } from '../schemas.ts';
import { decodeCursor, pageOf } from '../serialize.ts';
import { type OrderFilters, searchOrderIds } from './query.ts';
import { OrderDetailSchema, OrderListQuery, OrderPageSchema } from './schemas.ts';
import { type DetailRow, type OrderRow, shapeOrderDetail, shapeOrderSummary } from './shape.ts';

/** Where the order routes read. */
export interface OrderReads {
  /** Search and filtering run on this connection too. */
  sql: RawSql;
  /**
   * At most `f.limit + 1` orders, newest first (channel time, then id), after the cursor's
   * position; `locations`: picked up at or holding stock at one of them; `ids`: only these.
   */
  list(
    f: OrderFilters,
    locations: string[] | undefined,
    after: { t: string; id: string } | undefined,
    ids: string[] | undefined,
  ): Promise<OrderRow[]>;
  /** One order with its lines (channel order), events, reservations, fulfilments and returns. */
  get(id: string): Promise<DetailRow | null>;
}

const tags = ['orders'];

const list = createRoute({
  method: 'get',
  path: '/orders',
  tags,
  security: bearer,
  summary: 'List orders, newest first',
  request: { query: OrderListQuery },
  responses: { 200: json(OrderPageSchema, 'A page of orders'), ...errors(403) },
});
const get = createRoute({
  method: 'get',
  path: '/orders/{id}',
  tags,
  security: bearer,
  summary: 'One order with its lines, events, reservations, fulfilments and returns',
  request: { params: IdParam },
  responses: { 200: json(OrderDetailSchema, 'The order'), ...errors(404) },
});

export function orderReadRoutes(reads: OrderReads) {
  const app = newRouter();

  app.openapi(list, async (c) => {
    const f = c.req.valid('query');
    const after = decodeCursor(f.cursor, z.object({ t: z.iso.datetime(), id: z.string() }));
    const ids = f.q ? await searchOrderIds(reads.sql, f.q) : undefined;
    const rows = await reads.list(f, f.locationId ? [f.locationId] : undefined, after, ids);
    return c.json(
      pageOf(rows, f.limit, shapeOrderSummary, (r) => ({ t: r.channelCreatedAt.toISOString(), id: r.id })),
      200,
    );
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const row = await reads.get(id);
    if (!row) throw notFound(`order ${id}`);
    // A staff key sees the pickups of its own stores only.
    assertLocation(principalOf(c), row.pickupLocationId, `order ${id}`);
    return c.json(shapeOrderDetail(row), 200);
  });

  return app;
}
