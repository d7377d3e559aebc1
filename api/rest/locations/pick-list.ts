// GET /locations/{id}/pick-list: the location's pick list as a PDF (core/documents/printouts.ts),
// for the orders named or every order waiting to be picked there.
import { createRoute, z } from '@hono/zod-openapi';
import { DOCUMENT_LANGUAGES } from '../../../core/documents/language.ts';
import { pickListPdf } from '../../../core/documents/printouts.ts';
import { assertLocation, principalOf } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { errors, IdParam } from '../schemas.ts';

const Query = z.object({
  groupBy: z
    .enum(['bin', 'sku'], { error: 'must be bin or sku' })
    .default('bin')
    .openapi({ description: 'bin: by shelf position at the location (SKUs without one last); sku: SKU by SKU' }),
  orderId: z
    .string()
    .max(20_000)
    .optional()
    .openapi({ description: 'Comma-separated order ids; default: every order waiting to be picked there' }),
  language: z.enum(DOCUMENT_LANGUAGES, { error: 'must be en or de' }).default('en'),
});

const route = createRoute({
  method: 'get',
  path: '/locations/{id}/pick-list',
  tags: ['documents'],
  security: bearer,
  summary: 'The pick list of a location (PDF): the units reserved there for orders waiting to be picked',
  request: { params: IdParam, query: Query },
  responses: {
    200: {
      description: 'The pick list',
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...errors(400, 404),
  },
});

export function pickListRoutes(ctx: RouteContext) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    // A staff key prints its own stores' lists; another store is as unknown to it as a wrong id.
    assertLocation(principalOf(c), id);
    const q = c.req.valid('query');
    const orderIds = q.orderId
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bytes = await pickListPdf(ctx.prisma, ctx.clock, id, {
      groupBy: q.groupBy,
      language: q.language,
      ...(orderIds?.length ? { orderIds } : {}),
    });
    if (!bytes) {
      const message = `location ${id} not found`;
      throw new ApiError(404, 'not_found', message, [{ path: 'id', message }]);
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="pick-list.pdf"`,
    });
  });
  return app;
}
