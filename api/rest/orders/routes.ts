// Orders on Node: the list and the detail (read-routes.ts) read through the Prisma client.
import type { PrismaClient } from '../../../core/db/generated/prisma/client.ts';
import type { RouteContext } from '../context.ts';
import { orderWhere } from './query.ts';
import { type OrderReads, orderReadRoutes } from './read-routes.ts';

export function prismaOrderReads(prisma: PrismaClient): OrderReads {
  return {
    sql: prisma,
    list: (f, locations, after, ids) =>
      prisma.order.findMany({
        where: orderWhere(f, locations, after, ids),
        include: { account: { select: { type: true } } },
        orderBy: [{ channelCreatedAt: 'desc' }, { id: 'desc' }],
        take: f.limit + 1,
      }),
    get: (id) =>
      prisma.order.findUnique({
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
      }),
  };
}

export function orderRoutes(ctx: RouteContext) {
  return orderReadRoutes(prismaOrderReads(ctx.prisma));
}
