/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// `/o/{token}`: the customer's status page, and its documents at `/o/{token}/documents/{id}`.
// Every token that opens nothing — malformed, random, one character off a real one, an erased
// order's invoice — gets the same 404 bytes after the same one lookup by the token's hash
// (core/status/token.ts). No script, no cookies; the page is never cached or indexed, and its
// address (which is the credential) is never sent on as a Referer to a carrier's site.
import { Hono } from 'hono';
import type { AppEnv, AppLogger } from '../app.ts';
import type { Clock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { sha256Hex } from '../../core/documents/archive/chain.ts';
import type { ArchiveStores } from '../../core/documents/archive/stores.ts';
import { orderIdForStatusToken, statusPath } from '../../core/status/token.ts';
import { loadStatusView } from '../../core/status/view.ts';
import { NotFoundPage, StatusPage } from './views.tsx';

export interface StatusPageDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: AppLogger;
  documentStores: ArchiveStores;
}

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

export function createStatusRoutes(deps: StatusPageDeps): Hono<AppEnv> {
  const { prisma, clock } = deps;
  const app = new Hono<AppEnv>();
  const notFoundHtml = `<!DOCTYPE html>${NotFoundPage().toString()}`;

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(HEADERS)) c.res.headers.set(k, v);
  });
  const notFound = (_c: unknown) =>
    new Response(notFoundHtml, { status: 404, headers: { 'content-type': 'text/html; charset=UTF-8' } });

  app.get('/:token', async (c) => {
    const token = c.req.param('token');
    const orderId = await orderIdForStatusToken(prisma, token);
    const view = orderId ? await loadStatusView(prisma, orderId, clock.now()) : null;
    if (!view) return notFound(c);
    const html = await (<StatusPage view={view} base={statusPath(token)} />).toString();
    return c.html(`<!DOCTYPE html>${html}`, 200);
  });

  app.get('/:token/documents/:docId', async (c) => {
    const token = c.req.param('token');
    const orderId = await orderIdForStatusToken(prisma, token);
    if (!orderId) return notFound(c);
    const doc = await prisma.document.findFirst({
      where: { id: c.req.param('docId'), orderId, order: { personalDataErasedAt: null } },
    });
    if (!doc) return notFound(c);
    const bytes = await deps.documentStores.byName[doc.store as 'database' | 'directory']?.get(doc.id);
    if (!bytes || sha256Hex(bytes) !== doc.sha256) {
      deps.logger.error({ documentId: doc.id }, 'status page: archived document missing or altered');
      return c.text('document unavailable', 500);
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${doc.number}.pdf"`,
    });
  });

  app.all('*', (c) => notFound(c));
  return app;
}
