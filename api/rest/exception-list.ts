// GET /exceptions over a read port, and the Exception JSON: the Node API reads through Prisma
// (exceptions.ts, which also resolves and replays), the edge through plain SQL
// (sql-exceptions.ts); the route, its validation and the shaping are this one file for both.
import { createRoute, z } from '@hono/zod-openapi';
import { REPLAYABLE_KINDS } from '../../core/exceptions/replay.ts';
import { bearer, newRouter } from './router.ts';
import { errors, json, page, PageQuery, Timestamp } from './schemas.ts';
import { decodeCursor, iso, pageOf } from './serialize.ts';

export const ExceptionSchema = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ example: 'oversold' }),
    accountId: z.string().nullable(),
    orderId: z.string().nullable(),
    skuId: z.string().nullable(),
    message: z.string(),
    data: z.unknown(),
    occurrences: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    resolvedAt: Timestamp.nullable(),
    resolvedBy: z.string().nullable(),
    replayable: z.boolean().openapi({
      description: 'POST /exceptions/{id}/replay tries again what failed (a channel event, refused credentials)',
    }),
  })
  .openapi('Exception');

/** An exceptions row as read (every column: the shape passes them on). */
export type ExceptionRow = {
  id: string;
  kind: string;
  dedupeKey: string;
  accountId: string | null;
  orderId: string | null;
  skuId: string | null;
  message: string;
  data: unknown;
  occurrences: number;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
};

export function shapeException(e: ExceptionRow) {
  return {
    ...e,
    data: e.data ?? {},
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    resolvedAt: iso(e.resolvedAt),
    replayable: REPLAYABLE_KINDS.has(e.kind),
  };
}

const ExceptionListQuery = PageQuery.extend({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
  kind: z.string().max(100).optional(),
  accountId: z.string().optional(),
  orderId: z.string().optional(),
});
export type ExceptionFilters = z.infer<typeof ExceptionListQuery>;

export interface ExceptionReads {
  /** At most `f.limit + 1` exceptions, newest first (created, then id), after the cursor's position. */
  list(f: ExceptionFilters, after: { t: string; id: string } | undefined): Promise<ExceptionRow[]>;
}

const list = createRoute({
  method: 'get',
  path: '/exceptions',
  tags: ['exceptions'],
  security: bearer,
  summary: 'List exceptions, newest first',
  request: { query: ExceptionListQuery },
  responses: { 200: json(page(ExceptionSchema, 'ExceptionPage'), 'A page of exceptions'), ...errors(403) },
});

export function exceptionListRoutes(reads: ExceptionReads) {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const f = c.req.valid('query');
    const after = decodeCursor(f.cursor, z.object({ t: z.iso.datetime(), id: z.string() }));
    const rows = await reads.list(f, after);
    return c.json(
      pageOf(rows, f.limit, shapeException, (r) => ({ t: r.createdAt.toISOString(), id: r.id })),
      200,
    );
  });
  return app;
}
