// The stock sync status of every listing: what the hub wants the channel to show, what it
// last sent and what the channel last confirmed, how long ago, and the last error.
import { createRoute, z } from '@hono/zod-openapi';
import { Prisma } from '../../core/db/generated/prisma/client.ts';
import { IN_SYNC_SQL, isInSync, type StockStatusRow } from '../../sync/stock/status.ts';
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
        'error: the last push failed; in_sync: the channel confirmed the target and no write to it is unconfirmed; ' +
        "pending: the target is not confirmed yet, or a write's outcome is not known yet; " +
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

/** The status fields come from the one status rule's row shape. */
type Row = StockStatusRow & {
  id: string;
  accountId: string;
  skuId: string;
  externalStockId: string | null;
  sku: { code: string };
};

function stateOf(l: Row): (typeof STATES)[number] {
  if (l.lastError) return 'error';
  if (l.targetQty === null) return 'never_pushed';
  return isInSync(l) ? 'in_sync' : 'pending';
}

/** The same states in SQL (listings as `l`): in_sync is sync/stock/status.ts's one rule. */
function stateSql(state: (typeof STATES)[number] | undefined): Prisma.Sql {
  switch (state) {
    case 'error':
      return Prisma.sql`l.last_error IS NOT NULL`;
    case 'never_pushed':
      return Prisma.sql`l.last_error IS NULL AND l.target_qty IS NULL`;
    case 'in_sync':
      return Prisma.sql`l.last_error IS NULL AND ${IN_SYNC_SQL}`;
    case 'pending':
      return Prisma.sql`l.last_error IS NULL AND l.target_qty IS NOT NULL AND NOT ${IN_SYNC_SQL}`;
    default:
      return Prisma.sql`TRUE`;
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
    const ids = await ctx.prisma.$queryRaw<{ id: string }[]>`
      SELECT l.id FROM listings l
       WHERE ${stateSql(state)}
         AND (${accountId ?? null}::text IS NULL OR l.account_id = ${accountId ?? null})
         AND (${after?.id ?? null}::text IS NULL OR l.id > ${after?.id ?? null})
       ORDER BY l.id LIMIT ${limit + 1}`;
    const rows = await ctx.prisma.listing.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      include: { sku: { select: { code: true } } },
      orderBy: { id: 'asc' },
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
