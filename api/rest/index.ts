// createApiRoutes(deps): the hono app to mount at "/" — the REST API under /api/v1 (bearer
// API keys, roles), its OpenAPI 3.1 document at /openapi.json and a docs page at /docs,
// the webhook doors at /webhooks/:accountId and /webhooks/channel/:type, and /metrics.
//
//   app.route('/', createApiRoutes({ prisma, secretKey, connectors, logger, config, sync }));
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { authenticate } from '../auth/authenticate.ts';
import { KeyCache } from '../auth/key-cache.ts';
import { authorize } from '../auth/policy.ts';
import { systemClock } from '../../core/clock.ts';
import { hubMetrics } from '../../core/metrics/hub-metrics.ts';
import { metrics as processMetrics } from '../../core/metrics/registry.ts';
import { metricsRoutes } from '../metrics/routes.ts';
import { docsRoutes } from '../openapi/docs-page.ts';
import { documentConfig, OPENAPI_PATH, registerSecurity } from '../openapi/document.ts';
import { scalarScriptLoader } from '../openapi/scalar-asset.ts';
import { CHANNEL_TYPES } from '../../core/accounts/accounts.ts';
import { toJSONSchema as zodToJsonSchema } from 'zod';
import { TillEventSchema } from '../../connectors/pos-webhook/schema.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE_SECONDS } from '../../connectors/pos-webhook/webhooks.ts';
import { AccountCache } from '../webhooks/account-cache.ts';
import { AppCache } from '../webhooks/app-cache.ts';
import { webhookRoutes } from '../webhooks/routes.ts';
import { erasePerson } from '../../core/privacy/erase.ts';
import { sqlAccountRows } from '../../core/accounts/sql-account-rows.ts';
import { prismaApiKeys } from '../../core/auth/api-key-lookup.ts';
import { accountRoutes } from './accounts/routes.ts';
import { accountWebhookRoutes } from './accounts/webhooks.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { channelAppRoutes } from './channel-apps.ts';
import { listingRoutes } from './catalog/listings.ts';
import { productRoutes } from './catalog/products.ts';
import { skuRoutes } from './catalog/skus.ts';
import type { RouteContext } from './context.ts';
import type { ApiDeps, ApiEnv } from './deps.ts';
import { errorHandler } from './errors.ts';
import { exceptionRoutes } from './exceptions.ts';
import { ledgerRoutes } from './inventory/ledger.ts';
import { inventoryImportRoutes } from './inventory/imports.ts';
import { inventoryRoutes } from './inventory/routes.ts';
import { pickListRoutes } from './locations/pick-list.ts';
import { locationRoutes } from './locations/routes.ts';
import { orderActionRoutes } from './orders/actions.ts';
import { documentRoutes } from './orders/documents.ts';
import { notificationRoutes } from './notifications.ts';
import { orderRoutes } from './orders/routes.ts';
import { pickupRoutes } from './pickups.ts';
import { privacyRoutes } from './privacy.ts';
import { newRouter } from './router.ts';
import { ApiError } from './errors.ts';
import { ErrorSchema } from './schemas.ts';
import { syncStatusRoutes } from './sync-status.ts';

export type { ApiDeps, ApiEnv, SyncTrigger } from './deps.ts';

/** Largest /api/v1 request body (1 MiB): a product with 500 SKUs is far below it. */
export const DEFAULT_API_MAX_BYTES = 1024 * 1024;

export interface ApiRoutes extends OpenAPIHono<ApiEnv> {
  /** Forget a cached account (call after changing an account outside this API). */
  invalidateAccount(accountId: string): void;
}

export function createApiRoutes(deps: ApiDeps): ApiRoutes {
  const registry = deps.metrics ?? processMetrics;
  const clock = deps.clock ?? systemClock;
  const ctx: RouteContext = {
    ...deps,
    clock,
    accounts: new AccountCache(sqlAccountRows(deps.prisma), deps.secretKey, clock, deps.accountCacheTtlMs ?? 60_000),
    apps: new AppCache(sqlAccountRows(deps.prisma), deps.secretKey, clock, deps.accountCacheTtlMs ?? 60_000),
    keys: new KeyCache(clock),
    hub: hubMetrics(registry),
  };
  const auth = [
    authenticate({
      apiKeys: prismaApiKeys(deps.prisma),
      adminToken: deps.config.adminToken,
      localToken: deps.localToken,
      logger: deps.logger,
      keys: ctx.keys,
      clock,
    }),
    authorize(),
  ];

  const v1 = newRouter();
  for (const routes of [
    accountRoutes,
    accountWebhookRoutes,
    channelAppRoutes,
    locationRoutes,
    productRoutes,
    skuRoutes,
    listingRoutes,
    inventoryRoutes,
    inventoryImportRoutes,
    ledgerRoutes,
    orderRoutes,
    orderActionRoutes,
    documentRoutes,
    pickListRoutes,
    notificationRoutes,
    privacyRoutes,
    pickupRoutes,
    exceptionRoutes,
    syncStatusRoutes,
    apiKeyRoutes,
  ]) {
    v1.route('/', routes(ctx));
  }

  const root = newRouter();
  root.onError(errorHandler(deps.logger));
  const maxBytes = deps.apiMaxBytes ?? DEFAULT_API_MAX_BYTES;
  // Before the key check: a declared oversize body is refused without reading it; a chunked one
  // is cut off as it streams in (hono's bodyLimit), whoever sends it.
  root.use(
    '/api/v1/*',
    bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `request bodies are limited to ${maxBytes} bytes`);
      },
    }),
    ...auth,
  );
  root.route('/api/v1', v1);

  registerSecurity(root);
  documentWebhooks(root);
  root.doc31(OPENAPI_PATH, documentConfig);
  root.route('/', docsRoutes(deps.docsScript ?? scalarScriptLoader()));

  root.route(
    '/',
    webhookRoutes({
      sql: deps.doorPrisma ?? deps.prisma,
      connectors: deps.connectors,
      erase: async (type, door, person) => {
        await erasePerson(
          deps.doorPrisma ?? deps.prisma,
          { externalBuyerId: person.externalBuyerId },
          { clock, actor: `channel:${type}`, reason: person.reason, personalKeys: door.personalDataKeys ?? [] },
        );
      },
      accounts: ctx.accounts,
      apps: ctx.apps,
      publicUrl: deps.config.publicUrl,
      logger: deps.logger,
      metrics: ctx.hub,
      clock,
      ...(deps.webhookMaxBytes ? { maxBytes: deps.webhookMaxBytes } : {}),
      ...(deps.webhookWriter ? { writer: deps.webhookWriter } : {}),
      ...(deps.onInboxEvents ? { onInboxEvents: deps.onInboxEvents } : {}),
    }),
  );
  root.route(
    '/',
    metricsRoutes({
      prisma: deps.prisma,
      registry,
      logger: deps.logger,
      ...(deps.queueDepths ? { queueDepths: deps.queueDepths } : {}),
      ...(deps.metricsRequireAuth === false ? {} : { guard: auth }),
    }),
  );

  return Object.assign(root, { invalidateAccount: (id: string) => ctx.accounts.invalidate(id) });
}

/** The webhook door takes raw bytes, so it is documented by hand. */
function documentWebhooks(app: OpenAPIHono<ApiEnv>) {
  // The till's published event schema (connectors/pos-webhook/schema.ts), under its own name. It is
  // plain zod (connectors do not depend on the OpenAPI layer), so it goes in as JSON Schema.
  const { $schema: _dialect, ...tillEvent } = zodToJsonSchema(TillEventSchema, { io: 'input' });
  app.openAPIRegistry.registerComponent('schemas', 'TillEvent', tillEvent as Record<string, unknown>);
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/webhooks/{accountId}',
    tags: ['webhooks'],
    summary: "Receive a channel's webhook (signed by the channel; no API key)",
    description:
      "The body is verified with the account's connector (Shopify: X-Shopify-Hmac-Sha256 over the raw bytes), " +
      'stored in the inbox once per channel event id, and processed by jobs. A duplicate delivery answers 200 and is ' +
      'stored once. GET is accepted too, for channel challenges (eBay). ' +
      `Till accounts (type pos): the body is a TillEvent, signed in ${SIGNATURE_HEADER} as the lower-case hex ` +
      `HMAC-SHA256, with the account's signingSecret, of ${TIMESTAMP_HEADER} + "." + the raw body, where ` +
      `${TIMESTAMP_HEADER} is Unix time in seconds within ${TOLERANCE_SECONDS} s of the hub's clock. A body that is not ` +
      'a TillEvent is refused 400 naming the field; nothing is stored.',
    request: {
      params: z.object({ accountId: z.string() }),
      body: {
        description: "The channel's own payload; for till accounts (type pos) a TillEvent",
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/TillEvent' } } },
      },
    },
    responses: {
      200: {
        description: 'Stored (or already stored)',
        content: { 'application/json': { schema: z.object({ received: z.number().int(), stored: z.number().int() }) } },
      },
      400: {
        description:
          'Signed, but not a delivery the hub can read: headers missing, another shop, a body that is not JSON, ' +
          'a till event that does not match TillEvent (the message names the field). ' +
          'Signed JSON is never refused for its content: what cannot be stored as is gets replaced and reported ' +
          'as an exception, and what does not map becomes an exception at once.',
        content: { 'application/json': { schema: ErrorSchema } },
      },
      401: {
        description:
          'Signature missing or wrong; for tills also a timestamp outside the window (timestamp_out_of_range)',
        content: { 'application/json': { schema: ErrorSchema } },
      },
      404: { description: 'Unknown channel account', content: { 'application/json': { schema: ErrorSchema } } },
      413: { description: 'Body over the size limit', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/webhooks/channel/{type}',
    tags: ['webhooks'],
    summary: "Receive a webhook sent to the channel's application (signed with the app secret; no API key)",
    description:
      'For channels whose notifications are configured once per application (Square, eBay): the connector verifies ' +
      'the signature with the credentials set by PUT /api/v1/channel-apps/{type}, over the address the channel was ' +
      'given (OMNIHUB_PUBLIC_URL + /webhooks/channel/{type}, not the address a proxy forwards to), and names the ' +
      "merchant; the events are stored in the inbox of the account whose channel identity is that merchant's, exactly " +
      'as by /webhooks/{accountId}. A merchant no active account has: 200 with routed=false, nothing stored, and an ' +
      'app_webhook_unrouted exception (a 2xx so that the channel neither retries nor marks the shared endpoint down). ' +
      'GET is accepted too, for challenges.',
    request: { params: z.object({ type: z.enum(CHANNEL_TYPES) }) },
    responses: {
      200: {
        description: 'Stored (or already stored), or routed to no account (routed: false)',
        content: {
          'application/json': {
            schema: z.object({
              received: z.number().int(),
              stored: z.number().int(),
              routed: z.boolean().optional(),
            }),
          },
        },
      },
      400: { description: 'Signed, but not readable', content: { 'application/json': { schema: ErrorSchema } } },
      401: { description: 'Signature missing or wrong', content: { 'application/json': { schema: ErrorSchema } } },
      404: {
        description: 'No app-level webhooks for this channel type, or no app credentials set',
        content: { 'application/json': { schema: ErrorSchema } },
      },
      413: { description: 'Body over the size limit', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
}
