// Exceptions: what a person must look at (oversold orders, unmapped SKUs, failed pushes,
// expired pickups, channel events that could not be applied, refused credentials). Listing,
// resolving and replaying; the layers below open them.
import { createRoute, z } from '@hono/zod-openapi';
import { REPLAYABLE_KINDS, replayException } from '../../core/exceptions/replay.ts';
import { CANCEL_REQUEST_EXCEPTION } from '../../core/orders/cancel-request.ts';
import { principalOf } from '../auth/principal.ts';
import type { RouteContext } from './context.ts';
import { ApiError, notFound } from './errors.ts';
import { bearer, newRouter } from './router.ts';
import { body, errors, IdParam, json, page, PageQuery, Timestamp } from './schemas.ts';
import { decodeCursor, iso, pageOf } from './serialize.ts';

const ExceptionSchema = z
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

const ReplayResultSchema = z
  .object({
    outcome: z.enum(['queued', 'already_applied']).openapi({
      description:
        'queued: tried again shortly (the exception resolves when it succeeds, or counts one more occurrence); ' +
        'already_applied: nothing left to do, the exception is resolved',
    }),
    exception: ExceptionSchema,
  })
  .openapi('ReplayResult');

const tags = ['exceptions'];

const list = createRoute({
  method: 'get',
  path: '/exceptions',
  tags,
  security: bearer,
  summary: 'List exceptions, newest first',
  request: {
    query: PageQuery.extend({
      state: z.enum(['open', 'resolved', 'all']).default('open'),
      kind: z.string().max(100).optional(),
      accountId: z.string().optional(),
      orderId: z.string().optional(),
    }),
  },
  responses: { 200: json(page(ExceptionSchema, 'ExceptionPage'), 'A page of exceptions'), ...errors(403) },
});
const resolve = createRoute({
  method: 'post',
  path: '/exceptions/{id}/resolve',
  tags,
  security: bearer,
  summary: 'Mark an exception resolved (resolving twice keeps the first resolution)',
  request: {
    params: IdParam,
    body: {
      ...body(z.object({ note: z.string().trim().max(500).optional() }).openapi('ResolveException')),
      required: false,
    },
  },
  responses: { 200: json(ExceptionSchema, 'The exception'), ...errors(403, 404) },
});

const replay = createRoute({
  method: 'post',
  path: '/exceptions/{id}/replay',
  tags,
  security: bearer,
  summary:
    'Try again what failed: a channel event that could not be applied, or an account whose credentials were refused',
  request: { params: IdParam },
  responses: {
    202: json(ReplayResultSchema, 'Queued again (or found applied meanwhile)'),
    ...errors(403, 404, 409),
  },
});

type Row = {
  id: string;
  kind: string;
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

function shape(e: Row) {
  return {
    ...e,
    data: e.data ?? {},
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    resolvedAt: iso(e.resolvedAt),
    replayable: REPLAYABLE_KINDS.has(e.kind),
  };
}

export function exceptionRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  app.openapi(list, async (c) => {
    const { limit, cursor, state, kind, accountId, orderId } = c.req.valid('query');
    const after = decodeCursor(cursor, z.object({ t: z.iso.datetime(), id: z.string() }));
    const rows = await prisma.exceptionItem.findMany({
      where: {
        ...(state === 'open' ? { resolvedAt: null } : state === 'resolved' ? { resolvedAt: { not: null } } : {}),
        ...(kind ? { kind } : {}),
        ...(accountId ? { accountId } : {}),
        ...(orderId ? { orderId } : {}),
        ...(after
          ? { OR: [{ createdAt: { lt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return c.json(
      pageOf(rows, limit, shape, (r) => ({ t: r.createdAt.toISOString(), id: r.id })),
      200,
    );
  });

  app.openapi(resolve, async (c) => {
    const { id } = c.req.valid('param');
    const note = c.req.valid('json')?.note;
    const actor = principalOf(c).actor;
    const existing = await prisma.exceptionItem.findUnique({ where: { id } });
    if (!existing) throw notFound(`exception ${id}`);
    if (existing.resolvedAt) return c.json(shape(existing), 200);
    if (existing.kind === CANCEL_REQUEST_EXCEPTION) {
      // Resolving would leave the order held and the buyer without an answer.
      throw new ApiError(
        409,
        'conflict',
        `answer the buyer instead: POST /api/v1/orders/${existing.orderId}/cancel-request/approve or /decline`,
      );
    }
    const at = ctx.clock.now();
    const row = await prisma.exceptionItem.update({
      where: { id },
      data: { resolvedAt: at, resolvedBy: actor, updatedAt: at },
    });
    await prisma.auditLog.create({
      data: { actor, action: 'exception.resolved', entity: 'exception', entityId: id, data: note ? { note } : {} },
    });
    return c.json(shape(row), 200);
  });

  app.openapi(replay, async (c) => {
    const { id } = c.req.valid('param');
    const actor = principalOf(c).actor;
    const existing = await prisma.exceptionItem.findUnique({ where: { id } });
    if (!existing) throw notFound(`exception ${id}`);
    const outcome = await replayException(prisma, existing, actor, ctx.clock.now());
    if (outcome === 'not_replayable') {
      throw new ApiError(
        409,
        'not_replayable',
        `a ${existing.kind} exception has nothing to replay: resolve it instead`,
      );
    }
    if (outcome === 'gone') {
      throw new ApiError(409, 'gone', 'the channel event of this exception is no longer stored: resolve it instead');
    }
    await prisma.auditLog.create({
      data: { actor, action: 'exception.replayed', entity: 'exception', entityId: id, data: { outcome } },
    });
    const row = await prisma.exceptionItem.findUniqueOrThrow({ where: { id } });
    return c.json({ outcome, exception: shape(row) }, 202);
  });

  return app;
}
