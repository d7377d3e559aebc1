// The channel's webhook subscriptions for an account: register the topics the hub needs (POST)
// and list what the channel holds (GET). The address is the hub's webhook door for the account,
// `{baseUrl}/webhooks/{id}`; baseUrl defaults to the origin this request reached (pass it when
// the hub sits behind a proxy that rewrites the host).
// Adding an account with ?test=true, and POST .../test, subscribe the same topics after a
// successful connection test when the hub knows its public address (OMNIHUB_PUBLIC_URL).
import { createRoute, z } from '@hono/zod-openapi';
import type { AccountContext } from '../../../connectors/connector.ts';
import type { RouteContext } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { ConnectorError } from '../../../connectors/connector.ts';
import { body, ErrorSchema, errors, IdParam, json } from '../schemas.ts';

const tags = ['channel accounts'];

const Subscription = z
  .object({
    id: z.string(),
    topic: z.string().openapi({ example: 'orders/create' }),
    uri: z.string(),
    createdAt: z.string().nullable(),
  })
  .openapi('WebhookSubscription');

const ListSchema = z.object({ data: z.array(Subscription) }).openapi('WebhookSubscriptionList');

const RegistrationSchema = z
  .object({
    callbackUrl: z.string(),
    created: z.array(Subscription),
    existing: z.array(Subscription).openapi({ description: 'Already subscribed to this address: left as is' }),
    failed: z.array(z.object({ topic: z.string(), message: z.string() })),
    elsewhere: z.array(Subscription).openapi({
      description: 'The same topics subscribed to another address (e.g. an old hub URL): left alone, shown to check',
    }),
  })
  .openapi('WebhookRegistration');

const RegisterBody = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional()
      .openapi({ description: "The hub's public origin, e.g. https://hub.example.com (default: this request's)" }),
  })
  .openapi('RegisterWebhooks');

const channelErrors = {
  422: {
    description: 'The channel type has no webhook subscription API',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  502: {
    description: 'The channel refused or failed the call (e.g. credentials refused, scope missing)',
    content: { 'application/json': { schema: ErrorSchema } },
  },
};

/** A channel failure as a 502 naming the connector's code, not a 500. */
async function channelCall<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ConnectorError) throw new ApiError(502, 'channel_error', `${e.code}: ${e.message}`);
    throw e;
  }
}

const register = createRoute({
  method: 'post',
  path: '/channel-accounts/{id}/webhooks',
  tags,
  security: bearer,
  summary: 'Subscribe the channel notifications the hub needs to this account’s webhook address',
  request: { params: IdParam, body: body(RegisterBody) },
  responses: {
    200: json(RegistrationSchema, 'What was created, kept or refused'),
    ...errors(403, 404),
    ...channelErrors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/channel-accounts/{id}/webhooks',
  tags,
  security: bearer,
  summary: 'The webhook subscriptions the channel holds for this account',
  request: { params: IdParam },
  responses: { 200: json(ListSchema, 'Subscriptions'), ...errors(403, 404), ...channelErrors },
});

/** The account's webhook door as the channel reaches it. */
export function webhookAddress(base: string, accountId: string): string {
  return `${base.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(accountId)}`;
}

export interface AutoSubscription {
  callbackUrl?: string;
  created?: string[];
  existing?: string[];
  failed?: { topic: string; message: string }[];
  skipped?: string;
  error?: string;
}

/**
 * After a successful connection test: subscribe the hub's topics at OMNIHUB_PUBLIC_URL, or say
 * why not. A failure here never undoes the account: it is reported for a person to act on.
 */
export async function subscribeAtPublicUrl(ctx: RouteContext, account: AccountContext): Promise<AutoSubscription> {
  const connector = ctx.connectors[account.type];
  if (!connector?.registerWebhooks) return { skipped: `channel type ${account.type} has no webhook subscription API` };
  if (!ctx.config.publicUrl) {
    return {
      skipped:
        "OMNIHUB_PUBLIC_URL is not set: set it to the hub's https address, or POST " +
        `/api/v1/channel-accounts/${account.id}/webhooks with a baseUrl`,
    };
  }
  const callbackUrl = webhookAddress(ctx.config.publicUrl, account.id);
  try {
    const r = await connector.registerWebhooks(account, callbackUrl);
    return {
      callbackUrl,
      created: r.created.map((s) => s.topic),
      existing: r.existing.map((s) => s.topic),
      failed: r.failed,
    };
  } catch (e) {
    // Connector messages never carry credentials (connectors/README); anything else is not shown.
    return { callbackUrl, error: e instanceof ConnectorError ? `${e.code}: ${e.message}` : 'unexpected error' };
  }
}

export function accountWebhookRoutes(ctx: RouteContext) {
  const app = newRouter();

  async function target(id: string) {
    const account = await ctx.accounts.get(id);
    if (!account) throw notFound(`channel account ${id}`);
    const connector = ctx.connectors[account.context.type];
    if (!connector?.registerWebhooks || !connector.listWebhooks) {
      throw new ApiError(422, 'unsupported', `channel type ${account.context.type} has no webhook subscription API`);
    }
    return { account: account.context, connector };
  }

  app.openapi(register, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const { account, connector } = await target(id);
    const callbackUrl = webhookAddress(b.baseUrl ?? ctx.config.publicUrl ?? new URL(c.req.url).origin, id);
    const r = await channelCall(async () => connector.registerWebhooks?.(account, callbackUrl));
    if (!r) throw new ApiError(422, 'unsupported', 'no webhook subscription API');
    return c.json({ callbackUrl, ...r }, 200);
  });

  app.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    const { account, connector } = await target(id);
    return c.json({ data: (await channelCall(async () => connector.listWebhooks?.(account))) ?? [] }, 200);
  });

  return app;
}
