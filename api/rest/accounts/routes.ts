// Channel accounts: create (credentials encrypted at rest, never returned), read, change,
// test the connection, sync now, and the unmapped-SKU report.
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { createAccount, loadAccountContext, replaceCredentials } from '../../../core/accounts/accounts.ts';
import { prepareAccount, testAccount } from '../../accounts/prepare.ts';
import { subscribeAtPublicUrl } from './webhooks.ts';
import { principalOf } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import { ApiError, isUniqueViolation, notFound } from '../errors.ts';
import { requireLocations } from '../lookups.ts';
import { bearer, newRouter } from '../router.ts';
import { BoolQuery, body, errors, IdParam, json } from '../schemas.ts';
import {
  AccountListSchema,
  AccountPatchBody,
  AccountSchema,
  NewAccountBody,
  SavedAccountSchema,
  SyncResultSchema,
  TestResultSchema,
  UnmappedReportSchema,
} from './schemas.ts';
import { ACCOUNT_SELECT, shapeAccount } from './shape.ts';
import { unmappedReport } from './unmapped.ts';
import { requestRecomputeForAccount } from '../../../core/inventory/policy-change.ts';

const tags = ['channel accounts'];

const list = createRoute({
  method: 'get',
  path: '/channel-accounts',
  tags,
  security: bearer,
  summary: 'List channel accounts',
  responses: { 200: json(AccountListSchema, 'The accounts'), ...errors(403) },
});
const create = createRoute({
  method: 'post',
  path: '/channel-accounts',
  tags,
  security: bearer,
  summary: 'Create a channel account',
  description:
    'The connector checks the account before it is stored (Shopify: the shop is normalised to ' +
    '"<name>.myshopify.com", accessToken and apiSecretKey are required): a 400 names the field. ' +
    'With ?test=true the channel is called first and a refusal is a 422, nothing stored. ' +
    '`warnings` lists other accounts on the same shop.',
  request: {
    body: body(NewAccountBody),
    query: z.object({
      test: BoolQuery.openapi({
        description: 'Call the channel with these credentials before storing (default false)',
      }),
    }),
  },
  responses: { 201: json(SavedAccountSchema, 'Created'), ...errors(403, 409, 422) },
});
const get = createRoute({
  method: 'get',
  path: '/channel-accounts/{id}',
  tags,
  security: bearer,
  summary: 'One channel account',
  request: { params: IdParam },
  responses: { 200: json(AccountSchema, 'The account'), ...errors(403, 404) },
});
const patch = createRoute({
  method: 'patch',
  path: '/channel-accounts/{id}',
  tags,
  security: bearer,
  summary: 'Change a channel account (fields given are replaced)',
  request: { params: IdParam, body: body(AccountPatchBody) },
  responses: { 200: json(SavedAccountSchema, 'The account'), ...errors(403, 404, 409) },
});
const test = createRoute({
  method: 'post',
  path: '/channel-accounts/{id}/test',
  tags,
  security: bearer,
  summary: 'Test the connection with the stored credentials',
  request: { params: IdParam },
  responses: { 200: json(TestResultSchema, 'Whether the channel accepted the credentials'), ...errors(403, 404) },
});
const sync = createRoute({
  method: 'post',
  path: '/channel-accounts/{id}/sync',
  tags,
  security: bearer,
  summary: 'Sync this account now (orders in, stock out), through the job queue',
  request: { params: IdParam },
  responses: { 202: json(SyncResultSchema, 'Queued'), ...errors(403, 404, 503) },
});
const unmapped = createRoute({
  method: 'get',
  path: '/channel-accounts/{id}/unmapped-skus',
  tags: [...tags, 'catalogue'],
  security: bearer,
  summary: 'Channel items without a hub SKU, and hub SKUs without a listing on this account',
  request: {
    params: IdParam,
    query: z.object({
      discover: BoolQuery.openapi({ description: 'Read the channel catalogue (default true)' }),
    }),
  },
  responses: { 200: json(UnmappedReportSchema, 'The report'), ...errors(403, 404) },
});

/** Account fields that change what its channel should advertise. */
const STOCK_POLICY_FIELDS = new Set(['stockBuffer', 'stockMax', 'stockPercent', 'active']);

export function accountRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  async function load(id: string) {
    const a = await prisma.channelAccount.findUnique({ where: { id }, select: ACCOUNT_SELECT });
    if (!a) throw notFound(`channel account ${id}`);
    return a;
  }

  async function checkLocations(locations: { locationId: string }[] | undefined) {
    if (locations?.length) {
      await requireLocations(
        prisma,
        locations.map((l, i) => ({ id: l.locationId, field: `locations.${i}.locationId` })),
      );
    }
  }

  app.openapi(list, async (c) => {
    const rows = await prisma.channelAccount.findMany({ select: ACCOUNT_SELECT, orderBy: [{ name: 'asc' }] });
    return c.json({ data: rows.map(shapeAccount) }, 200);
  });

  /** Every cache of this process sees the change at once (the webhook door's and the synchronizer's). */
  function changed(id: string) {
    ctx.accounts.invalidate(id);
    ctx.onAccountChanged?.(id);
  }

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const { test: wantTest } = c.req.valid('query');
    await checkLocations(b.locations);
    const id = b.id ?? randomUUID();
    const prepared = await prepareAccount(ctx, {
      id,
      type: b.type,
      name: b.name,
      credentials: b.credentials,
      settings: b.settings,
      endpointOverride: b.endpointOverride ?? null,
    });
    let connectionTest: { ok: boolean; detail: string } | undefined;
    if (wantTest) {
      connectionTest = await testAccount(ctx.connectors, { id, type: b.type, name: b.name, ...prepared });
      if (!connectionTest.ok) {
        throw new ApiError(
          422,
          'connection_failed',
          `the channel did not accept these credentials (${connectionTest.detail}); nothing was stored`,
        );
      }
    }
    try {
      await createAccount(prisma, ctx.secretKey, {
        id,
        type: b.type,
        name: b.name,
        credentials: prepared.credentials,
        settings: prepared.settings,
        endpointOverride: prepared.endpointOverride,
        stockBuffer: b.stockBuffer,
        stockMax: b.stockMax ?? null,
        stockPercent: b.stockPercent,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ApiError(409, 'conflict', 'an account with this id or name already exists');
      throw e;
    }
    if (b.locations.length) {
      await prisma.channelLocation.createMany({
        data: b.locations.map((l) => ({
          accountId: id,
          locationId: l.locationId,
          priority: l.priority,
          externalLocationId: l.externalLocationId ?? null,
        })),
      });
    }
    changed(id);
    const stored = await ctx.accounts.get(id);
    const webhooks = connectionTest && stored ? await subscribeAtPublicUrl(ctx, stored.context) : undefined;
    return c.json(
      {
        ...shapeAccount(await load(id)),
        warnings: prepared.warnings,
        ...(connectionTest ? { connectionTest } : {}),
        ...(webhooks ? { webhooks } : {}),
      },
      201,
    );
  });

  app.openapi(get, async (c) => c.json(shapeAccount(await load(c.req.valid('param').id)), 200));

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const current = await load(id);
    await checkLocations(b.locations);
    // What the connector reads is checked as a whole, as at creation: new credentials with the
    // stored settings, new settings with the stored credentials.
    let warnings: string[] = [];
    let credentials = b.credentials;
    let settings = b.settings;
    let endpointOverride = b.endpointOverride;
    // Stored credentials are read only when the change does not replace them; ones this hub
    // cannot decrypt (another key) leave a settings-only change unchecked, as before.
    const storedCredentials =
      credentials === undefined && (settings !== undefined || endpointOverride !== undefined)
        ? await loadAccountContext(prisma, ctx.secretKey, id).then(
            (a) => ({ ...a.credentials }),
            () => null,
          )
        : null;
    const checked = credentials ?? storedCredentials;
    if (checked) {
      const prepared = await prepareAccount(ctx, {
        id,
        type: current.type,
        name: b.name ?? current.name,
        credentials: checked,
        settings: settings ?? ((current.settings ?? {}) as Record<string, unknown>),
        endpointOverride: endpointOverride === undefined ? current.endpointOverride : endpointOverride,
      });
      warnings = prepared.warnings;
      if (credentials !== undefined) credentials = prepared.credentials;
      if (settings !== undefined) settings = prepared.settings;
      if (endpointOverride !== undefined) endpointOverride = prepared.endpointOverride;
    }
    try {
      await prisma.$transaction(async (tx) => {
        const { credentials: _c, locations, settings: _s, endpointOverride: _e, ...fields } = b;
        await tx.channelAccount.update({
          where: { id },
          data: {
            ...fields,
            ...(settings ? { settings: settings as object } : {}),
            ...(endpointOverride !== undefined ? { endpointOverride } : {}),
          },
        });
        if (locations) {
          await tx.channelLocation.deleteMany({ where: { accountId: id } });
          if (locations.length) {
            await tx.channelLocation.createMany({
              data: locations.map((l) => ({
                accountId: id,
                locationId: l.locationId,
                priority: l.priority,
                externalLocationId: l.externalLocationId ?? null,
              })),
            });
          }
        }
        // Buffer, cap, share, locations, allocation mode, active: what the channel should show may
        // change with no stock moving; push it now, not at the next reconciliation.
        if (Object.keys(fields).some((k) => STOCK_POLICY_FIELDS.has(k)) || locations || settings) {
          await requestRecomputeForAccount(tx, id);
        }
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ApiError(409, 'conflict', 'an account with this name already exists');
      throw e;
    }
    if (credentials) {
      await replaceCredentials(prisma, ctx.secretKey, id, credentials, principalOf(c).actor, ctx.clock.now());
    }
    changed(id);
    return c.json({ ...shapeAccount(await load(id)), warnings }, 200);
  });

  app.openapi(test, async (c) => {
    const { id } = c.req.valid('param');
    const account = await ctx.accounts.get(id);
    if (!account) throw notFound(`channel account ${id}`);
    const result = await testAccount(ctx.connectors, account.context);
    if (!result.ok) return c.json(result, 200);
    return c.json({ ...result, webhooks: await subscribeAtPublicUrl(ctx, account.context) }, 200);
  });

  app.openapi(sync, async (c) => {
    const { id } = c.req.valid('param');
    await load(id);
    if (!ctx.sync) {
      throw new ApiError(
        503,
        'unavailable',
        'the sync runtime is not running in this process; run "omnihub sync <account>"',
      );
    }
    return c.json(await ctx.sync.syncNow(id), 202);
  });

  app.openapi(unmapped, async (c) => {
    const { id } = c.req.valid('param');
    const { discover } = c.req.valid('query');
    const account = await ctx.accounts.get(id);
    if (!account) throw notFound(`channel account ${id}`);
    return c.json(await unmappedReport(ctx, account.context, discover ?? true), 200);
  });

  return app;
}
