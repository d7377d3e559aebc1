// Channel accounts: create (credentials encrypted at rest, never returned), read, change,
// test the connection, sync now, and the unmapped-SKU report.
import { createRoute, z } from '@hono/zod-openapi';
import { createAccount, replaceCredentials } from '../../../core/accounts/accounts.ts';
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
  SyncResultSchema,
  TestResultSchema,
  UnmappedReportSchema,
} from './schemas.ts';
import { ACCOUNT_SELECT, shapeAccount } from './shape.ts';
import { unmappedReport } from './unmapped.ts';

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
  request: { body: body(NewAccountBody) },
  responses: { 201: json(AccountSchema, 'Created'), ...errors(403, 409) },
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
  responses: { 200: json(AccountSchema, 'The account'), ...errors(403, 404, 409) },
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

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    await checkLocations(b.locations);
    let id: string;
    try {
      ({ id } = await createAccount(prisma, ctx.secretKey, {
        ...(b.id ? { id: b.id } : {}),
        type: b.type,
        name: b.name,
        credentials: b.credentials,
        settings: b.settings,
        endpointOverride: b.endpointOverride ?? null,
        stockBuffer: b.stockBuffer,
        stockMax: b.stockMax ?? null,
        stockPercent: b.stockPercent,
      }));
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
    return c.json(shapeAccount(await load(id)), 201);
  });

  app.openapi(get, async (c) => c.json(shapeAccount(await load(c.req.valid('param').id)), 200));

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    await load(id);
    await checkLocations(b.locations);
    try {
      await prisma.$transaction(async (tx) => {
        const { credentials, locations, settings, ...fields } = b;
        await tx.channelAccount.update({
          where: { id },
          data: { ...fields, ...(settings ? { settings: settings as object } : {}) },
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
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ApiError(409, 'conflict', 'an account with this name already exists');
      throw e;
    }
    if (b.credentials) {
      await replaceCredentials(prisma, ctx.secretKey, id, b.credentials, principalOf(c).actor, ctx.clock.now());
    }
    ctx.accounts.invalidate(id);
    return c.json(shapeAccount(await load(id)), 200);
  });

  app.openapi(test, async (c) => {
    const { id } = c.req.valid('param');
    const account = await ctx.accounts.get(id);
    if (!account) throw notFound(`channel account ${id}`);
    const connector = ctx.connectors[account.context.type];
    if (!connector) return c.json({ ok: false, detail: `no connector for channel type ${account.context.type}` }, 200);
    try {
      return c.json(await connector.testConnection(account.context), 200);
    } catch (e) {
      return c.json({ ok: false, detail: (e as Error).message }, 200);
    }
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
