import { z } from '@hono/zod-openapi';
import { CHANNEL_TYPES } from '../../../core/accounts/accounts.ts';
import { Timestamp } from '../schemas.ts';

const accountId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, up to 63 characters');

export const AccountLocationSchema = z
  .object({
    locationId: z.string().min(1),
    priority: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .openapi({ description: 'Lower is tried first when allocating' }),
    externalLocationId: z.string().max(200).nullish().openapi({ description: "The channel's id for this location" }),
  })
  .openapi('AccountLocation');

const stockPolicy = {
  stockBuffer: z.number().int().min(0).max(1_000_000).openapi({ description: 'Units held back from this channel' }),
  stockMax: z.number().int().min(0).nullable().openapi({ description: 'Never advertise more than this' }),
  stockPercent: z.number().int().min(0).max(100).openapi({ description: 'Share of the available stock advertised' }),
};

const credentials = z.record(z.string().min(1).max(100), z.string().max(10_000)).openapi({
  writeOnly: true,
  description:
    'Write-only: tokens and webhook secrets (Shopify: shop, accessToken, apiSecretKey, all required; the shop is ' +
    'stored as "<name>.myshopify.com" whatever URL form it is given in). Encrypted at rest, never returned.',
  example: { shop: 'my-shop.myshopify.com', accessToken: 'shpat_…', apiSecretKey: '…' },
});

const settings = z.record(z.string(), z.unknown()).openapi({ description: 'Connector options (non-secret)' });

export const NewAccountBody = z
  .object({
    id: accountId.optional().openapi({ description: 'Chosen id (used in the webhook URL); generated when omitted' }),
    type: z.enum(CHANNEL_TYPES),
    name: z.string().trim().min(1).max(120),
    credentials,
    settings: settings.default({}),
    endpointOverride: z
      .url()
      .nullish()
      .openapi({ description: 'Base URL replacing the vendor host (sandbox, simulator)' }),
    stockBuffer: stockPolicy.stockBuffer.default(0),
    stockMax: stockPolicy.stockMax.optional(),
    stockPercent: stockPolicy.stockPercent.default(100),
    locations: z
      .array(AccountLocationSchema)
      .max(100)
      .default([])
      .openapi({ description: 'Locations serving this channel' }),
  })
  .openapi('NewChannelAccount');

export const AccountPatchBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    credentials: credentials.openapi({ description: 'Replaces all credentials (write-only)' }),
    settings,
    endpointOverride: z.url().nullable(),
    stockBuffer: stockPolicy.stockBuffer,
    stockMax: stockPolicy.stockMax,
    stockPercent: stockPolicy.stockPercent,
    active: z.boolean(),
    locations: z.array(AccountLocationSchema).max(100).openapi({ description: 'Replaces the serving locations' }),
  })
  .partial()
  .openapi('ChannelAccountPatch');

export const AccountSchema = z
  .object({
    id: z.string(),
    type: z.enum(CHANNEL_TYPES),
    name: z.string(),
    webhookPath: z
      .string()
      .openapi({ description: 'Where the channel sends webhooks', example: '/webhooks/main-shop' }),
    endpointOverride: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    stockBuffer: z.number().int(),
    stockMax: z.number().int().nullable(),
    stockPercent: z.number().int(),
    active: z.boolean(),
    authRefusedAt: Timestamp.nullable().openapi({
      description:
        'When the channel refused the credentials: events that need the channel wait (not failing) until the ' +
        "credentials are replaced or the account's credentials_refused exception is replayed",
    }),
    authError: z.string().nullable().openapi({ description: 'What the channel answered (never a credential)' }),
    locations: z.array(
      z.object({ locationId: z.string(), priority: z.number().int(), externalLocationId: z.string().nullable() }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('ChannelAccount');

/** What adding or testing an account did about its webhook subscriptions (OMNIHUB_PUBLIC_URL). */
export const AutoSubscriptionSchema = z
  .object({
    callbackUrl: z.string().optional(),
    created: z.array(z.string()).optional().openapi({ description: 'Topics subscribed now' }),
    existing: z.array(z.string()).optional().openapi({ description: 'Topics already subscribed to this address' }),
    failed: z.array(z.object({ topic: z.string(), message: z.string() })).optional(),
    skipped: z.string().optional().openapi({ description: 'Why nothing was subscribed, and what to do' }),
    error: z.string().optional().openapi({ description: 'The channel refused or failed the subscription call' }),
  })
  .openapi('WebhookAutoSubscription');

export const TestResultSchema = z
  .object({
    ok: z.boolean(),
    detail: z.string(),
    webhooks: AutoSubscriptionSchema.optional().openapi({
      description: 'After a successful test: the hub subscribed its topics at OMNIHUB_PUBLIC_URL, or says why not',
    }),
  })
  .openapi('ConnectionTest');

export const SavedAccountSchema = AccountSchema.extend({
  warnings: z.array(z.string()).openapi({
    description: 'Things to look at that did not stop the change, e.g. another account already on the same shop',
  }),
  connectionTest: TestResultSchema.optional().openapi({ description: 'With ?test=true: what the channel answered' }),
  webhooks: AutoSubscriptionSchema.optional().openapi({
    description: 'With ?test=true and a successful test: the webhook subscriptions made at OMNIHUB_PUBLIC_URL',
  }),
}).openapi('SavedChannelAccount');

export const AccountListSchema = z.object({ data: z.array(AccountSchema) }).openapi('ChannelAccountList');

export const SyncResultSchema = z.object({ queued: z.boolean() }).openapi('SyncTriggered');

export const UnmappedReportSchema = z
  .object({
    accountId: z.string(),
    channelItemsWithoutHubSku: z
      .array(
        z.object({
          sku: z.string().nullable(),
          title: z.string(),
          externalProductId: z.string().nullable(),
          externalVariantId: z.string().nullable(),
          externalStockId: z.string().nullable(),
          channelData: z.record(z.string(), z.unknown()).openapi({
            description: "The connector's data about the item: give it unchanged when linking it (POST /listings)",
          }),
          reason: z.enum(['no_sku', 'unknown_sku']),
        }),
      )
      .openapi({ description: 'Channel items the hub cannot map (empty when discovery was skipped or failed)' }),
    duplicatesOnChannel: z.array(z.string()).openapi({ description: 'SKUs carried by more than one channel item' }),
    hubSkusWithoutListing: z.array(z.object({ id: z.string(), code: z.string(), title: z.string() })),
    hubSkusWithoutListingTotal: z.number().int(),
    discovered: z.boolean().openapi({ description: 'Whether the channel catalogue was read' }),
    channelError: z.string().nullable(),
  })
  .openapi('UnmappedSkuReport');
