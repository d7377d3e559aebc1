// Orders: the list (filters, cursor paging, newest first) and one order with its lines,
// events, reservations, fulfilments and returns.
import { createRoute, z } from '@hono/zod-openapi';
import { assertLocation, principalOf } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { errors, IdParam, json } from '../schemas.ts';
import { decodeCursor, pageOf } from '../serialize.ts';
import { orderWhere, searchOrderIds } from './query.ts';
import { OrderDetailSchema, OrderListQuery, OrderPageSchema } from './schemas.ts';
import { shapeOrderDetail, shapeOrderSummary } from './shape.ts';

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

export function orderRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  app.openapi(list, async (c) => {
    const f = c.req.valid('query');
    const after = decodeCursor(f.cursor, z.object({ t: z.iso.datetime(), id: z.string() }));
    const rows = await prisma.order.findMany({
      where: orderWhere(
        f,
        f.locationId ? [f.locationId] : undefined,
        after,
        f.q ? await searchOrderIds(prisma, f.q) : undefined,
      ),
      include: { account: { select: { type: true } } },
      orderBy: [{ channelCreatedAt: 'desc' }, { id: 'desc' }],
      take: f.limit + 1,
    });
    return c.json(
      pageOf(rows, f.limit, shapeOrderSummary, (r) => ({ t: r.channelCreatedAt.toISOString(), id: r.id })),
      200,
    );
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const row = await prisma.order.findUnique({
      where: { id },
      include: {
        account: { select: { type: true } },
        // As the channel sent them; lines stored before positions were kept (all 0) by channel id.
        lines: { orderBy: [{ position: 'asc' }, { channelLineId: 'asc' }] },
        events: { orderBy: { id: 'asc' } },
        reservations: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
        fulfilments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
        returns: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      },
    });
    if (!row) throw notFound(`order ${id}`);
    // A staff key sees the pickups of its own stores only.
    assertLocation(principalOf(c), row.pickupLocationId, `order ${id}`);
    return c.json(shapeOrderDetail(row), 200);
  });

  return app;
}
