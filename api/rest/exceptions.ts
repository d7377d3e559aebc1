// Exceptions: what a person must look at (oversold orders, unmapped SKUs, failed pushes,
// expired pickups, channel events that could not be applied, refused credentials). Listing,
// resolving and replaying; the layers below open them.
import { createRoute, z } from '@hono/zod-openapi';
import { replayException } from '../../core/exceptions/replay.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { CANCEL_REQUEST_EXCEPTION } from '../../core/orders/cancel-request.ts';
import { principalOf } from '../auth/principal.ts';
import type { RouteContext } from './context.ts';
import { ApiError, notFound } from './errors.ts';
import { bearer, newRouter } from './router.ts';
import { body, errors, IdParam, json } from './schemas.ts';
import { type ExceptionReads, ExceptionSchema, exceptionListRoutes, shapeException } from './exception-list.ts';

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

/** The list (exception-list.ts) on Node: through the Prisma client. */
export function prismaExceptionReads(prisma: PrismaClient): ExceptionReads {
  return {
    list: (f, after) =>
      prisma.exceptionItem.findMany({
        where: {
          ...(f.state === 'open' ? { resolvedAt: null } : f.state === 'resolved' ? { resolvedAt: { not: null } } : {}),
          ...(f.kind ? { kind: f.kind } : {}),
          ...(f.accountId ? { accountId: f.accountId } : {}),
          ...(f.orderId ? { orderId: f.orderId } : {}),
          ...(after
            ? { OR: [{ createdAt: { lt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { lt: after.id } }] }
            : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: f.limit + 1,
      }),
  };
}

export function exceptionRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  app.route('/', exceptionListRoutes(prismaExceptionReads(prisma)));

  app.openapi(resolve, async (c) => {
    const { id } = c.req.valid('param');
    const note = c.req.valid('json')?.note;
    const actor = principalOf(c).actor;
    const existing = await prisma.exceptionItem.findUnique({ where: { id } });
    if (!existing) throw notFound(`exception ${id}`);
    if (existing.resolvedAt) return c.json(shapeException(existing), 200);
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
    return c.json(shapeException(row), 200);
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
    return c.json({ outcome, exception: shapeException(row) }, 202);
  });

  return app;
}
