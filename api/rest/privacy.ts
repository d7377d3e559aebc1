// Personal-data erasure through the API (admin keys only: the auth policy lets no staff or
// read-only key write here). The buyer is named in the body, never in the URL, so that an
// e-mail address does not land in access logs or proxies.
import { createRoute, z } from '@hono/zod-openapi';
import { erasePerson } from '../../core/privacy/erase.ts';
import { personalKeysOf } from '../../sync/connectors.ts';
import { principalOf } from '../auth/principal.ts';
import type { RouteContext } from './context.ts';
import { invalid, notFound } from './errors.ts';
import { bearer, newRouter } from './router.ts';
import { body, errors, IdParam, json } from './schemas.ts';

const tags = ['privacy'];

const ErasureSchema = z
  .object({
    orderIds: z
      .array(z.string())
      .openapi({ description: 'Orders whose buyer was erased (kept, with lines and money)' }),
    scrubbedRows: z
      .number()
      .int()
      .openapi({ description: 'Other stored rows (raw channel events, exceptions, history) scrubbed' }),
  })
  .openapi('Erasure');

const CustomerErasureBody = z
  .object({
    email: z.string().trim().min(3).max(320).optional(),
    externalBuyerId: z.string().trim().min(1).max(255).optional(),
    reason: z.string().trim().max(200).optional(),
  })
  .openapi('CustomerErasure');

const eraseCustomer = createRoute({
  method: 'delete',
  path: '/customers',
  tags,
  security: bearer,
  summary: "Erase a buyer's name, e-mail, phone and addresses from every order and stored channel event",
  request: { body: body(CustomerErasureBody) },
  responses: { 200: json(ErasureSchema, 'What was erased'), ...errors(400, 403) },
});

const eraseOrder = createRoute({
  method: 'post',
  path: '/orders/{id}/erase-personal-data',
  tags: ['orders', ...tags],
  security: bearer,
  summary: "Erase this order's buyer data (name, e-mail, phone, addresses); the order, lines and money stay",
  request: {
    params: IdParam,
    body: {
      ...body(z.object({ reason: z.string().trim().max(200).optional() }).openapi('OrderErasure')),
      required: false,
    },
  },
  responses: { 200: json(ErasureSchema, 'What was erased'), ...errors(403, 404) },
});

export function privacyRoutes(ctx: RouteContext) {
  const app = newRouter();
  const opts = (actor: string, reason: string | undefined) => ({
    clock: ctx.clock,
    actor,
    reason: reason ?? 'requested through the API',
    personalKeys: personalKeysOf(ctx.connectors),
  });

  app.openapi(eraseCustomer, async (c) => {
    const b = c.req.valid('json');
    if (!!b.email === !!b.externalBuyerId) {
      throw invalid('email', 'name the buyer by email or by externalBuyerId (exactly one of them)');
    }
    const subject = b.email ? { email: b.email } : { externalBuyerId: b.externalBuyerId as string };
    const r = await erasePerson(ctx.prisma, subject, opts(principalOf(c).actor, b.reason));
    ctx.logger.info({ orders: r.orderIds.length, scrubbedRows: r.scrubbedRows }, 'buyer personal data erased');
    return c.json(r, 200);
  });

  app.openapi(eraseOrder, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json') ?? {};
    if (!(await ctx.prisma.order.findUnique({ where: { id }, select: { id: true } }))) throw notFound(`order ${id}`);
    const r = await erasePerson(ctx.prisma, { orderId: id }, opts(principalOf(c).actor, b.reason));
    ctx.logger.info({ orderId: id, scrubbedRows: r.scrubbedRows }, 'order personal data erased');
    return c.json(r, 200);
  });

  return app;
}
