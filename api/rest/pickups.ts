// Click-and-collect orders per store and status, oldest first: what the counter works on.
import { createRoute, z } from '@hono/zod-openapi';
import { ORDER_STATUSES, type OrderStatus } from '../../core/order/state-machine.ts';
import { principalOf, scopedLocations } from '../auth/principal.ts';
import type { RouteContext } from './context.ts';
import { shapeOrderSummary } from './orders/shape.ts';
import { OrderSummarySchema } from './orders/schemas.ts';
import { bearer, newRouter } from './router.ts';
import { errors, json, listParam, page, PageQuery, Timestamp } from './schemas.ts';
import { decodeCursor, iso, pageOf } from './serialize.ts';

/** Pickups not yet handed over or cancelled. */
export const OPEN_PICKUP_STATUSES: OrderStatus[] = [
  'captured',
  'confirmed',
  'on_hold',
  'allocated',
  'picking',
  'packed',
  'ready_for_pickup',
];

const PickupSchema = OrderSummarySchema.extend({
  readyForPickupAt: Timestamp.nullable(),
  collectedAt: Timestamp.nullable(),
  holdUntil: Timestamp.nullable().openapi({ description: 'When an uncollected ready pickup gets flagged' }),
  lines: z.array(
    z.object({
      id: z.string(),
      skuCode: z.string().nullable(),
      title: z.string(),
      quantity: z.number().int(),
      fulfilledQty: z.number().int(),
    }),
  ),
}).openapi('Pickup');

const route = createRoute({
  method: 'get',
  path: '/pickups',
  tags: ['pickups'],
  security: bearer,
  summary: 'Pickups per store and status, oldest first (a staff key sees its own stores)',
  request: {
    query: PageQuery.extend({
      locationId: z.string().optional(),
      status: listParam(z.enum(ORDER_STATUSES)).openapi({
        description: 'Default: every pickup not yet collected or cancelled',
      }),
    }),
  },
  responses: { 200: json(page(PickupSchema, 'PickupPage'), 'A page of pickups'), ...errors(404) },
});

export function pickupRoutes(ctx: RouteContext) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const { limit, cursor, locationId, status } = c.req.valid('query');
    const locations = scopedLocations(principalOf(c), locationId);
    const after = decodeCursor(cursor, z.object({ t: z.iso.datetime(), id: z.string() }));
    const rows = await ctx.prisma.order.findMany({
      where: {
        fulfilmentMethod: 'pickup',
        status: { in: status ?? OPEN_PICKUP_STATUSES },
        ...(locations ? { pickupLocationId: { in: locations } } : {}),
        ...(after
          ? {
              OR: [
                { channelCreatedAt: { gt: new Date(after.t) } },
                { channelCreatedAt: new Date(after.t), id: { gt: after.id } },
              ],
            }
          : {}),
      },
      include: {
        account: { select: { type: true } },
        pickupLocation: { select: { pickupHoldDays: true } },
        lines: {
          orderBy: { channelLineId: 'asc' },
          select: { id: true, skuCode: true, title: true, quantity: true, fulfilledQty: true },
        },
      },
      orderBy: [{ channelCreatedAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    });
    return c.json(
      pageOf(
        rows,
        limit,
        (o) => ({
          ...shapeOrderSummary(o),
          readyForPickupAt: iso(o.readyForPickupAt),
          collectedAt: iso(o.collectedAt),
          holdUntil:
            o.readyForPickupAt && o.status === 'ready_for_pickup'
              ? new Date(
                  o.readyForPickupAt.getTime() + (o.pickupLocation?.pickupHoldDays ?? 7) * 86_400_000,
                ).toISOString()
              : null,
          lines: o.lines,
        }),
        (o) => ({ t: o.channelCreatedAt.toISOString(), id: o.id }),
      ),
      200,
    );
  });
  return app;
}
