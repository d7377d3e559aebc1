// App-level credentials per channel type (the channel's application, shared by every account
// of the type): PUT replaces them as a whole, GET says which are set, never their values.
// Admin keys only, reading included: even the names say which secrets a hub holds.
import { createRoute, z } from '@hono/zod-openapi';
import { CHANNEL_TYPES } from '../../core/accounts/accounts.ts';
import { describeApp, setAppCredentials } from '../../core/accounts/channel-apps.ts';
import { principalOf } from '../auth/principal.ts';
import type { Context } from 'hono';
import type { RouteContext } from './context.ts';
import { ApiError, notFound } from './errors.ts';
import { bearer, newRouter } from './router.ts';
import { body, errors, json } from './schemas.ts';
import { iso } from './serialize.ts';
import { appWebhookAddress } from '../webhooks/routes.ts';

const tags = ['channel accounts'];

const TypeParam = z.object({
  type: z.enum(CHANNEL_TYPES).openapi({ param: { name: 'type', in: 'path' }, example: 'pos' }),
});

const AppBody = z
  .object({
    credentials: z
      .record(z.string().min(1).max(100), z.string().min(1).max(10_000))
      .refine((r) => Object.keys(r).length > 0, 'at least one credential')
      .refine((r) => Object.keys(r).length <= 50, 'at most 50 credentials')
      .openapi({
        writeOnly: true,
        description:
          "Write-only: the channel application's secrets (e.g. a webhook signature key, an app's client id and " +
          'secret). Replaces any stored set as a whole. Encrypted at rest, never returned.',
        example: { signatureKey: '…' },
      }),
  })
  .openapi('ChannelAppCredentials');

const AppSchema = z
  .object({
    type: z.enum(CHANNEL_TYPES),
    credentials: z
      .record(z.string(), z.literal('set'))
      .openapi({ description: 'The names of the stored credentials; values are never returned' }),
    webhookPath: z.string().openapi({ example: '/webhooks/channel/pos' }),
    webhookUrl: z
      .string()
      .nullable()
      .openapi({ description: 'The address to give the channel (OMNIHUB_PUBLIC_URL + webhookPath); null when unset' }),
    updatedBy: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('ChannelApp');

const put = createRoute({
  method: 'put',
  path: '/channel-apps/{type}',
  tags,
  security: bearer,
  summary: "Set the channel application's credentials (admin)",
  description:
    'Used by the app-level webhook door /webhooks/channel/{type} to verify signatures. ' +
    'A 400 names the field at fault.',
  request: { params: TypeParam, body: body(AppBody) },
  responses: { 200: json(AppSchema, 'Stored'), ...errors(403) },
});

const get = createRoute({
  method: 'get',
  path: '/channel-apps/{type}',
  tags,
  security: bearer,
  summary: "Which of the channel application's credentials are set (admin; never their values)",
  request: { params: TypeParam },
  responses: { 200: json(AppSchema, 'The app'), ...errors(403, 404) },
});

function requireAdmin(c: Context) {
  if (principalOf(c).role !== 'admin') throw new ApiError(403, 'forbidden', 'app credentials need an admin key');
}

export function channelAppRoutes(ctx: RouteContext) {
  const app = newRouter();

  async function shown(type: (typeof CHANNEL_TYPES)[number]) {
    const a = await describeApp(ctx.prisma, ctx.secretKey, type);
    if (!a) throw notFound(`app credentials for ${type}`);
    const webhookPath = `/webhooks/channel/${type}`;
    return {
      type,
      credentials: a.credentials,
      webhookPath,
      webhookUrl: ctx.config.publicUrl ? appWebhookAddress(ctx.config.publicUrl, type) : null,
      updatedBy: a.updatedBy,
      updatedAt: iso(a.updatedAt),
    };
  }

  app.openapi(put, async (c) => {
    requireAdmin(c);
    const { type } = c.req.valid('param');
    const { credentials } = c.req.valid('json');
    await setAppCredentials(ctx.prisma, ctx.secretKey, type, credentials, principalOf(c).actor);
    ctx.apps.invalidate(type);
    return c.json(await shown(type), 200);
  });

  app.openapi(get, async (c) => {
    requireAdmin(c);
    return c.json(await shown(c.req.valid('param').type), 200);
  });

  return app;
}
