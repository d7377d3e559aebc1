// API keys: created here or by the CLI, shown once, stored as a SHA-256 hash; revoked, never deleted.
import { createRoute, z } from '@hono/zod-openapi';
import { API_KEY_ROLES, type ApiKeyRecord, createApiKey, listApiKeys, revokeApiKey } from '../../core/auth/api-keys.ts';
import { principalOf } from '../auth/principal.ts';
import type { RouteContext } from './context.ts';
import { bearer, newRouter } from './router.ts';
import { body, errors, IdParam, json, Timestamp } from './schemas.ts';
import { iso } from './serialize.ts';

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(API_KEY_ROLES),
    locationIds: z.array(z.string()),
    prefix: z.string().openapi({ description: 'Recognise a key by it: ohk_<prefix>_…' }),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable().openapi({ description: 'Recorded at most once a minute' }),
    revokedAt: Timestamp.nullable(),
  })
  .openapi('ApiKey');

const NewKeyBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    role: z.enum(API_KEY_ROLES),
    locationIds: z.array(z.string().min(1)).max(100).default([]).openapi({ description: 'Staff keys: their stores' }),
  })
  .superRefine((k, ctx) => {
    if (k.role === 'staff' && k.locationIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['locationIds'], message: 'a staff key needs at least one store location' });
    }
    if (k.role !== 'staff' && k.locationIds.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['locationIds'], message: 'only staff keys are scoped to locations' });
    }
  })
  .openapi('NewApiKey');

const CreatedKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself: shown this once, only its hash is kept' }),
}).openapi('CreatedApiKey');

const tags = ['api keys'];

const list = createRoute({
  method: 'get',
  path: '/api-keys',
  tags,
  security: bearer,
  summary: 'List API keys (never the keys themselves)',
  responses: { 200: json(z.object({ data: z.array(ApiKeySchema) }).openapi('ApiKeyList'), 'The keys'), ...errors(403) },
});
const create = createRoute({
  method: 'post',
  path: '/api-keys',
  tags,
  security: bearer,
  summary: 'Create an API key (the response is the only time it is shown)',
  request: { body: body(NewKeyBody) },
  responses: { 201: json(CreatedKeySchema, 'Created'), ...errors(403) },
});
const revoke = createRoute({
  method: 'delete',
  path: '/api-keys/{id}',
  tags,
  security: bearer,
  summary: 'Revoke an API key',
  request: { params: IdParam },
  responses: { 200: json(ApiKeySchema, 'The revoked key'), ...errors(403, 404) },
});

function shape(k: ApiKeyRecord) {
  return { ...k, createdAt: iso(k.createdAt), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) };
}

export function apiKeyRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  app.openapi(list, async (c) => c.json({ data: (await listApiKeys(prisma)).map(shape) }, 200));

  app.openapi(create, async (c) => {
    const { key, record } = await createApiKey(prisma, c.req.valid('json'));
    await prisma.auditLog.create({
      data: {
        actor: principalOf(c).actor,
        action: 'api_key.created',
        entity: 'api_key',
        entityId: record.id,
        data: { role: record.role, locationIds: record.locationIds },
      },
    });
    return c.json({ ...shape(record), key }, 201);
  });

  app.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    const record = await revokeApiKey(prisma, id, ctx.clock.now());
    ctx.keys.clear();
    await prisma.auditLog.create({
      data: { actor: principalOf(c).actor, action: 'api_key.revoked', entity: 'api_key', entityId: id },
    });
    return c.json(shape(record), 200);
  });

  return app;
}
