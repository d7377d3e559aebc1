// The staff's printouts as PDF downloads (core/documents/printouts.ts): the pick list of the
// session's store and the packing slip of one of its pickups. Mounted behind the session check
// (routes.tsx); another store's order is a 404, as everywhere on these pages.
import { type Context, Hono } from 'hono';
import type { Clock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { documentLanguage } from '../../core/documents/language.ts';
import { packingSlipPdf, pickListPdf } from '../../core/documents/printouts.ts';
import { getPickup } from '../../core/pickups/queries.ts';
import type { StaffEnv } from './routes.tsx';

function pdf(c: Context, bytes: Uint8Array, name: string) {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/pdf',
    'content-disposition': `inline; filename="${name}"`,
    'cache-control': 'no-store',
  });
}

export function staffPrintRoutes(prisma: PrismaClient, clock: Clock) {
  const app = new Hono<StaffEnv>();

  // ?group=sku lists SKU by SKU; by default the list follows the shelves (bins).
  app.get('/pick-list.pdf', async (c) => {
    const store = c.get('staff').store;
    const bytes = await pickListPdf(prisma, clock, store.id, {
      groupBy: c.req.query('group') === 'sku' ? 'sku' : 'bin',
      language: documentLanguage(c.req.query('lang')),
    });
    if (!bytes) return c.text('store not found', 404);
    return pdf(c, bytes, `pick-list-${store.code}.pdf`);
  });

  app.get('/orders/:id/packing-slip.pdf', async (c) => {
    const pickup = await getPickup(prisma, c.get('staff').store, c.req.param('id'), clock.now());
    const bytes = pickup ? await packingSlipPdf(prisma, clock, pickup.id) : null;
    if (!pickup || !bytes) return c.text('There is no such pickup at this store.', 404);
    return pdf(c, bytes, `packing-slip-${pickup.number.replace(/[^\w-]/g, '')}.pdf`);
  });

  return app;
}
