// What people do to an order. Each route parses its body and calls core/orders/actions.ts;
// the domain answers 404 not_found, 409 illegal_transition or conflict, 400 invalid_request,
// 422 wrong_pickup_code. A staff key may act only on pickups of its own stores.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  cancelOrder,
  collectPickup,
  confirmOrder,
  holdOrder,
  markPacked,
  markPicking,
  markReadyForPickup,
  refusePickup,
  releaseHold,
  returnOrder,
  shipOrder,
} from '../../../core/orders/actions.ts';
import { OrderActionError } from '../../../core/orders/action-kit.ts';
import { approveCancelRequest, declineCancelRequest } from '../../../core/orders/cancel-request.ts';
import { PickupCodeThrottled, throttledCodeCheck } from '../../../core/pickups/code-checks.ts';
import { assertLocation, principalOf } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import type { ApiEnv } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, IdParam, json } from '../schemas.ts';
import {
  ActionResultSchema,
  CollectBody,
  HoldBody,
  NoteBody,
  ReadyResultSchema,
  ReasonBody,
  ReturnBody,
  ShipBody,
} from './schemas.ts';
import { shapeActionResult } from './shape.ts';

const tags = ['orders'];
const optional = <T extends Parameters<typeof body>[0]>(schema: T) => ({ ...body(schema), required: false });

function action(path: string, summary: string, extra: { body?: ReturnType<typeof body>; tags?: string[] } = {}) {
  return createRoute({
    method: 'post',
    path: `/orders/{id}/${path}`,
    tags: extra.tags ?? tags,
    security: bearer,
    summary,
    request: { params: IdParam, ...(extra.body ? { body: extra.body } : {}) },
    responses: { 200: json(ActionResultSchema, 'The order after the action'), ...errors(403, 404, 409) },
  });
}

const confirm = action('confirm', 'Confirm a captured order');
const hold = createRoute({
  method: 'post',
  path: '/orders/{id}/hold',
  tags,
  security: bearer,
  summary: 'Put an order on hold (default reason: manual)',
  request: { params: IdParam, body: optional(HoldBody) },
  responses: { 200: json(ActionResultSchema, 'The order'), ...errors(403, 404, 409) },
});
const release = action('release', 'Release a hold (reserves what is still missing first)');
const cancel = createRoute({
  method: 'post',
  path: '/orders/{id}/cancel',
  tags,
  security: bearer,
  summary: 'Cancel what has not shipped, releasing its stock',
  request: { params: IdParam, body: optional(ReasonBody) },
  responses: { 200: json(ActionResultSchema, 'The order'), ...errors(403, 404, 409) },
});
const answerRoute = (answer: 'approve' | 'decline', summary: string) =>
  createRoute({
    method: 'post',
    path: `/orders/{id}/cancel-request/${answer}`,
    tags,
    security: bearer,
    summary,
    request: { params: IdParam, body: optional(NoteBody) },
    responses: { 200: json(ActionResultSchema, 'The order'), ...errors(403, 404, 409) },
  });
const approveCancel = answerRoute(
  'approve',
  "Approve the buyer's cancel request: cancel the order, release its stock, tell the channel",
);
const declineCancel = answerRoute('decline', "Decline the buyer's cancel request: tell the channel, resume the order");
const pick = action('pick', 'Start picking');
const pack = action('pack', 'Mark packed');
const ship = createRoute({
  method: 'post',
  path: '/orders/{id}/ship',
  tags,
  security: bearer,
  summary: 'Ship all or part of an order, with tracking',
  request: { params: IdParam, body: optional(ShipBody) },
  responses: { 200: json(ActionResultSchema, 'The order'), ...errors(403, 404, 409) },
});
const returns = createRoute({
  method: 'post',
  path: '/orders/{id}/return',
  tags,
  security: bearer,
  summary:
    'Take goods back; restocked where they arrive (locationId) or shipped from; the selling channel is told of the refund',
  request: { params: IdParam, body: body(ReturnBody) },
  responses: { 200: json(ActionResultSchema, 'The order'), ...errors(403, 404, 409) },
});
const ready = createRoute({
  method: 'post',
  path: '/orders/{id}/ready-for-pickup',
  tags: [...tags, 'pickups'],
  security: bearer,
  summary: 'Mark a pickup ready: issues the pickup code',
  request: { params: IdParam },
  responses: { 200: json(ReadyResultSchema, 'The order and its pickup code'), ...errors(403, 404, 409) },
});
const collect = createRoute({
  method: 'post',
  path: '/orders/{id}/collect',
  tags: [...tags, 'pickups'],
  security: bearer,
  summary: "Hand a pickup over against the customer's code",
  request: { params: IdParam, body: body(CollectBody) },
  responses: { 200: json(ActionResultSchema, 'The order'), ...errors(403, 404, 409, 422, 429) },
});
const refuse = createRoute({
  method: 'post',
  path: '/orders/{id}/refuse-pickup',
  tags: [...tags, 'pickups'],
  security: bearer,
  summary: 'The customer refused the pickup: release the stock and cancel',
  request: { params: IdParam, body: optional(ReasonBody) },
  responses: { 200: json(ActionResultSchema, 'The order'), ...errors(403, 404, 409) },
});

export function orderActionRoutes(ctx: RouteContext) {
  const { prisma, clock } = ctx;
  const app = newRouter();

  /** The actor, after checking a staff key may act on this order (its pickup store). */
  async function actorFor(c: Context<ApiEnv>, orderId: string): Promise<string> {
    const p = principalOf(c);
    if (p.role === 'staff') {
      const o = await prisma.order.findUnique({ where: { id: orderId }, select: { pickupLocationId: true } });
      if (!o) throw notFound(`order ${orderId}`);
      assertLocation(p, o.pickupLocationId, `order ${orderId}`);
    }
    return p.actor;
  }

  const idempotency = (c: Context<ApiEnv>, fromBody: string | undefined) =>
    fromBody ?? c.req.header('idempotency-key') ?? undefined;

  app.openapi(confirm, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(shapeActionResult(await confirmOrder(prisma, id, await actorFor(c, id), clock)), 200);
  });

  app.openapi(hold, async (c) => {
    const { id } = c.req.valid('param');
    const b = HoldBody.parse(c.req.valid('json') ?? {});
    return c.json(
      shapeActionResult(
        await holdOrder(prisma, id, { reason: b.reason, note: b.note ?? null }, await actorFor(c, id), clock),
      ),
      200,
    );
  });

  app.openapi(release, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(shapeActionResult(await releaseHold(prisma, id, await actorFor(c, id), clock)), 200);
  });

  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json') ?? {};
    return c.json(
      shapeActionResult(await cancelOrder(prisma, id, { reason: b.reason ?? null }, await actorFor(c, id), clock)),
      200,
    );
  });

  for (const [route, act] of [
    [approveCancel, approveCancelRequest],
    [declineCancel, declineCancelRequest],
  ] as const) {
    app.openapi(route, async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json') ?? {};
      return c.json(
        shapeActionResult(await act(prisma, id, { note: b.note ?? null }, await actorFor(c, id), clock)),
        200,
      );
    });
  }

  app.openapi(pick, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(shapeActionResult(await markPicking(prisma, id, await actorFor(c, id), clock)), 200);
  });

  app.openapi(pack, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(shapeActionResult(await markPacked(prisma, id, await actorFor(c, id), clock)), 200);
  });

  app.openapi(ship, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json') ?? {};
    const summary = await shipOrder(
      prisma,
      id,
      {
        ...(b.lines ? { lines: b.lines } : {}),
        tracking: b.tracking ?? null,
        locationId: b.locationId ?? null,
        idempotencyKey: idempotency(c, b.idempotencyKey) ?? null,
      },
      await actorFor(c, id),
      clock,
    );
    return c.json(shapeActionResult(summary), 200);
  });

  app.openapi(returns, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const summary = await returnOrder(
      prisma,
      id,
      {
        lines: b.lines,
        reason: b.reason ?? null,
        locationId: b.locationId ?? null,
        refund: b.refund ?? null,
        idempotencyKey: idempotency(c, b.idempotencyKey) ?? null,
      },
      await actorFor(c, id),
      clock,
    );
    return c.json(shapeActionResult(summary), 200);
  });

  app.openapi(ready, async (c) => {
    const { id } = c.req.valid('param');
    const r = await markReadyForPickup(prisma, id, await actorFor(c, id), clock);
    return c.json({ ...shapeActionResult(r), pickupCode: r.pickupCode }, 200);
  });

  app.openapi(collect, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const actor = await actorFor(c, id);
    const collect = () =>
      collectPickup(prisma, id, { code: b.code, ...(b.lines ? { lines: b.lines } : {}) }, actor, clock);
    const order = await prisma.order.findUnique({ where: { id }, select: { pickupLocationId: true } });
    if (!order?.pickupLocationId) return c.json(shapeActionResult(await collect()), 200); // core answers 404/400
    // Codes are checked through the store's code throttle: per API key and per store.
    try {
      const summary = await throttledCodeCheck(
        prisma,
        { storeId: order.pickupLocationId, by: `key:${principalOf(c).keyId}`, actor, orderId: id, now: clock.now() },
        collect,
        (o) => !o.ok && o.error instanceof OrderActionError && o.error.code === 'wrong_pickup_code',
      );
      return c.json(shapeActionResult(summary), 200);
    } catch (e) {
      if (!(e instanceof PickupCodeThrottled)) throw e;
      c.header('Retry-After', String(e.retryAfterSeconds));
      throw new ApiError(429, 'rate_limited', e.message);
    }
  });

  app.openapi(refuse, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json') ?? {};
    return c.json(
      shapeActionResult(await refusePickup(prisma, id, { reason: b.reason ?? null }, await actorFor(c, id), clock)),
      200,
    );
  });

  return app;
}
