// The stock sync status of every listing: what the hub wants the channel to show, what it
// last sent and what the channel last confirmed, how long ago, and the last error.
import { createRoute, z } from '@hono/zod-openapi';
import type { Prisma } from '../../core/db/generated/prisma/client.ts';
import type { RouteContext } from './context.ts';
import { bearer, newRouter } from './router.ts';
import { errors, json, page, PageQuery, Timestamp } from './schemas.ts';
import { decodeCursor, iso, pageOf } from './serialize.ts';

const STATES = ['in_sync', 'pending', 'error', 'never_pushed'] as const;

const SyncStatusSchema = z
  .object({
    listingId: z.string(),
    accountId: z.string(),
    skuId: z.string(),
    skuCode: z.string(),
    externalStockId: z.string().nullable(),
    state: z.enum(STATES).openapi({
      description:
        'error: the last push failed; in_sync: the channel confirmed the target; pending: a newer target is not confirmed yet; ' +
        'never_pushed: no target computed yet',
    }),
    targetQty: z.number().int().nullable(),
    lastSentQty: z.number().int().nullable(),
    lastSentAt: Timestamp.nullable(),
    lastConfirmedQty: z.number().int().nullable(),
    lastConfirmedAt: Timestamp.nullable(),
    ageSeconds: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Seconds since the channel last confirmed a value' }),
    lastError: z.string().nullable(),
  })
  .openapi('ListingSyncStatus');

const route = createRoute({
  method: 'get',
  path: '/sync/listings',
  tags: ['sync'],
  security: bearer,
  summary: 'Stock sync status of every listing',
  request: {
    query: PageQuery.extend({
      accountId: z.string().optional(),
      state: z.enum(STATES).optional(),
    }),
  },
  responses: { 200: json(page(SyncStatusSchema, 'ListingSyncStatusPage'), 'A page of listings'), ...errors(403) },
});

type Row = {
  id: string;
  accountId: string;
  skuId: string;
  externalStockId: string | null;
  targetQty: number | null;
  lastSentQty: number | null;
  lastSentAt: Date | null;
  lastConfirmedQty: number | null;
  lastConfirmedAt: Date | null;
  lastError: string | null;
  sku: { code: string };
};

function stateOf(l: Row): (typeof STATES)[number] {
  if (l.lastError) return 'error';
  if (l.targetQty === null) return 'never_pushed';
  return l.lastConfirmedQty === l.targetQty ? 'in_sync' : 'pending';
}

/** `target` is Prisma's reference to target_qty: the comparison runs in SQL. */
function stateWhere(
  state: (typeof STATES)[number] | undefined,
  target: Prisma.IntFieldRefInput<'Listing'>,
): Prisma.ListingWhereInput {
  switch (state) {
    case 'error':
      return { lastError: { not: null } };
    case 'never_pushed':
      return { lastError: null, targetQty: null };
    case 'in_sync':
      return { lastError: null, targetQty: { not: null }, lastConfirmedQty: { equals: target } };
    case 'pending':
      return {
        lastError: null,
        targetQty: { not: null },
        OR: [{ lastConfirmedQty: null }, { NOT: { lastConfirmedQty: { equals: target } } }],
      };
    default:
      return {};
  }
}

export function syncStatusRoutes(ctx: RouteContext) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const { limit, cursor, accountId, state } = c.req.valid('query');
    const after = decodeCursor(cursor, z.object({ id: z.string() }));
    // The database's clock, not the hub's: last_confirmed_at is stamped by the synchronizer's
    // SQL with clock_timestamp() (sync/stock), so its age is measured on that same clock.
    const dbClock = await ctx.prisma.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
    const now = (dbClock[0] as { now: Date }).now.getTime();
    const rows = await ctx.prisma.listing.findMany({
      where: {
        AND: [
          accountId ? { accountId } : {},
          stateWhere(state, ctx.prisma.listing.fields.targetQty),
          after ? { id: { gt: after.id } } : {},
        ],
      },
      include: { sku: { select: { code: true } } },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return c.json(
      pageOf(
        rows,
        limit,
        (l) => ({
          listingId: l.id,
          accountId: l.accountId,
          skuId: l.skuId,
          skuCode: l.sku.code,
          externalStockId: l.externalStockId,
          state: stateOf(l),
          targetQty: l.targetQty,
          lastSentQty: l.lastSentQty,
          lastSentAt: iso(l.lastSentAt),
          lastConfirmedQty: l.lastConfirmedQty,
          lastConfirmedAt: iso(l.lastConfirmedAt),
          ageSeconds: l.lastConfirmedAt ? Math.max(0, Math.floor((now - l.lastConfirmedAt.getTime()) / 1000)) : null,
          lastError: l.lastError,
        }),
        (l) => ({ id: l.id }),
      ),
      200,
    );
  });
  return app;
}
