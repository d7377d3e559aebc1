// Stock import from CSV through the API: the same check-everything-then-apply-all-or-nothing
// import as `omnihub inventory import` (api/stock-import/plan.ts), which goes through here when
// a running hub holds the embedded database. Admin only (not in the staff routes).
import { createRoute, z } from '@hono/zod-openapi';
import { applyImport, ImportFormatError, planImport, RowRefused } from '../../stock-import/plan.ts';
import { principalOf } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, json } from '../schemas.ts';

const ImportBody = z
  .object({
    csv: z
      .string()
      .max(1_000_000)
      .openapi({ description: 'The file: header "sku,location,on_hand[,safety_stock]", then one row per level' }),
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .default('api')
      .openapi({ description: 'Recorded in each movement\'s reference: "import:<name>:<line>"' }),
    dryRun: z.boolean().default(false).openapi({ description: 'Check and report, change nothing' }),
  })
  .openapi('InventoryImport');

const ImportResultSchema = z
  .object({
    rows: z.number().int().openapi({ description: 'Rows in the file (all valid)' }),
    changed: z.number().int().openapi({ description: 'Levels whose on hand or safety stock changed' }),
    applied: z.boolean().openapi({ description: 'False for a dry run' }),
  })
  .openapi('InventoryImportResult');

const route = createRoute({
  method: 'post',
  path: '/inventory/imports',
  tags: ['inventory'],
  security: bearer,
  summary: 'Set stock from a CSV file: every row checked first, then all applied in one transaction, or none',
  description:
    'A bad row is a 400 whose `fields` hold one entry per bad row (`path` "csv", message "line N: …"); nothing is applied.',
  request: { body: body(ImportBody) },
  responses: { 200: json(ImportResultSchema, 'Applied (or checked, for a dry run)'), ...errors(403, 409) },
});

export function inventoryImportRoutes(ctx: RouteContext) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const b = c.req.valid('json');
    let plan: Awaited<ReturnType<typeof planImport>>;
    try {
      plan = await planImport(ctx.prisma, b.csv);
    } catch (e) {
      if (e instanceof ImportFormatError)
        throw new ApiError(400, 'invalid_request', e.message, [{ path: 'csv', message: e.message }]);
      throw e;
    }
    if (plan.errors.length) {
      const fields = plan.errors.map((e) => ({ path: 'csv', message: `line ${e.line}: ${e.reason}` }));
      throw new ApiError(400, 'invalid_request', `${plan.errors.length} bad row(s); nothing was applied`, fields);
    }
    if (b.dryRun) return c.json({ rows: plan.rows.length, changed: 0, applied: false }, 200);
    try {
      const { changed } = await applyImport(ctx.prisma, plan.rows, {
        actor: principalOf(c).actor,
        reference: `import:${b.name}`,
      });
      return c.json({ rows: plan.rows.length, changed, applied: true }, 200);
    } catch (e) {
      if (e instanceof RowRefused) throw new ApiError(409, 'insufficient_stock', e.message);
      throw e;
    }
  });
  return app;
}
