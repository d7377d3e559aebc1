// The customer side of an order through the API: its status-page link (made on first request,
// then the same one), the notifications sent or skipped, and the SMTP settings they leave by.
import { createRoute, z } from '@hono/zod-openapi';
import { saveSmtpSettings, smtpSettingsView } from '../../core/notifications/settings.ts';
import { ensureStatusToken, statusPath } from '../../core/status/token.ts';
import { principalOf } from '../auth/principal.ts';
import type { RouteContext } from './context.ts';
import { ApiError } from './errors.ts';
import { bearer, newRouter } from './router.ts';
import { body, errors, IdParam, json, Timestamp } from './schemas.ts';

const tags = ['notifications'];

const StatusLinkSchema = z
  .object({
    path: z.string().openapi({ example: '/o/3q2-7wEvWmBjWkqf1dF0nR1R6Xc6uQ2wG8v7Y3k9mXo' }),
    url: z.string().nullable().openapi({ description: 'With OMNIHUB_PUBLIC_URL in front; null when it is unset' }),
  })
  .openapi('StatusLink');

const NotificationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['shipped', 'ready_for_pickup', 'delayed', 'short_of_stock']),
    status: z.enum(['pending', 'sent', 'skipped']),
    detail: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: Timestamp,
    sentAt: Timestamp.nullable(),
  })
  .openapi('CustomerNotification');

const SmtpView = z
  .object({
    host: z.string(),
    port: z.number().int(),
    secure: z.boolean(),
    user: z.string().nullable(),
    passwordSet: z.boolean(),
    from: z.string(),
    enabled: z.boolean(),
  })
  .openapi('SmtpSettings');

const SmtpBody = z
  .object({
    host: z.string().trim().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean().default(false).openapi({ description: 'TLS from the first byte (port 465)' }),
    user: z.string().max(255).nullish(),
    password: z
      .string()
      .max(1024)
      .nullish()
      .openapi({ description: 'Write-only, encrypted at rest; left out = keep the stored one, null = remove' }),
    from: z
      .string()
      .max(320)
      .regex(/^(?:[^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'an address such as "Shop <orders@shop.example>"'),
    enabled: z.boolean().default(true),
  })
  .openapi('SmtpSettingsInput');

const statusLink = createRoute({
  method: 'get',
  path: '/orders/{id}/status-link',
  tags,
  security: bearer,
  summary: "The customer's status page of the order (made on first request; the same link after)",
  request: { params: IdParam },
  responses: { 200: json(StatusLinkSchema, 'The link'), ...errors(403, 404) },
});
const listNotifications = createRoute({
  method: 'get',
  path: '/orders/{id}/notifications',
  tags,
  security: bearer,
  summary: 'E-mails to the customer about the order, sent or skipped',
  request: { params: IdParam },
  responses: { 200: json(z.object({ items: z.array(NotificationSchema) }), 'The notifications'), ...errors(404) },
});
const getSmtp = createRoute({
  method: 'get',
  path: '/notifications/smtp',
  tags,
  security: bearer,
  summary: 'The SMTP server customer notifications leave by (never the password)',
  responses: { 200: json(SmtpView, 'The settings'), ...errors(403, 404) },
});
const putSmtp = createRoute({
  method: 'put',
  path: '/notifications/smtp',
  tags,
  security: bearer,
  summary: 'Set the SMTP server for customer notifications (admin)',
  request: { body: body(SmtpBody) },
  responses: { 200: json(SmtpView, 'The settings as stored'), ...errors(403) },
});

const adminOnly = (c: Parameters<typeof principalOf>[0]) => {
  if (principalOf(c).role !== 'admin') throw new ApiError(403, 'forbidden', 'only admin keys may read or change this');
};
const orderNotFound = (id: string) =>
  new ApiError(404, 'not_found', `order ${id} not found`, [{ path: 'id', message: `order ${id} not found` }]);

export function notificationRoutes(ctx: RouteContext) {
  const { prisma, secretKey } = ctx;
  const app = newRouter();

  app.openapi(statusLink, async (c) => {
    // The link opens the order's page to whoever holds it: a credential, admin keys only.
    adminOnly(c);
    const { id } = c.req.valid('param');
    const token = await ensureStatusToken(prisma, secretKey, id);
    if (!token) throw orderNotFound(id);
    const path = statusPath(token);
    const base = ctx.config.publicUrl?.replace(/\/+$/, '');
    return c.json({ path, url: base ? `${base}${path}` : null }, 200);
  });

  app.openapi(listNotifications, async (c) => {
    const { id } = c.req.valid('param');
    const order = await prisma.order.findUnique({ where: { id }, select: { id: true } });
    if (!order) throw orderNotFound(id);
    const rows = await prisma.customerNotification.findMany({ where: { orderId: id }, orderBy: { createdAt: 'asc' } });
    return c.json(
      {
        items: rows.map((n) => ({
          id: n.id,
          kind: n.kind as 'shipped',
          status: n.status as 'sent',
          detail: n.detail,
          attempts: n.attempts,
          createdAt: n.createdAt.toISOString(),
          sentAt: n.sentAt?.toISOString() ?? null,
        })),
      },
      200,
    );
  });

  app.openapi(getSmtp, async (c) => {
    adminOnly(c);
    const view = await smtpSettingsView(prisma);
    if (!view) throw new ApiError(404, 'not_found', 'no SMTP settings yet: PUT /api/v1/notifications/smtp');
    return c.json(view, 200);
  });

  app.openapi(putSmtp, async (c) => {
    adminOnly(c);
    const b = c.req.valid('json');
    return c.json(await saveSmtpSettings(prisma, secretKey, b), 200);
  });

  return app;
}
