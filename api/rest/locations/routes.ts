// Locations (warehouses and stores): pickup, opening hours, and the counter PIN staff use
// (stored as a scrypt hash; the API only says whether one is set).
import { createRoute } from '@hono/zod-openapi';
import { Prisma } from '../../../core/db/generated/prisma/client.ts';
import { setStorePin, StorePinError } from '../../../core/pickups/pin.ts';
import { locationScope, principalOf, assertLocation } from '../../auth/principal.ts';
import type { RouteContext } from '../context.ts';
import { ApiError, isUniqueViolation, notFound } from '../errors.ts';
import { bearer, newRouter } from '../router.ts';
import { body, errors, IdParam, json } from '../schemas.ts';
import { iso } from '../serialize.ts';
import { LocationListSchema, LocationPatchBody, LocationSchema, NewLocationBody, StaffPinBody } from './schemas.ts';

const tags = ['locations'];

const list = createRoute({
  method: 'get',
  path: '/locations',
  tags,
  security: bearer,
  summary: 'List locations (a staff key sees its own stores)',
  responses: { 200: json(LocationListSchema, 'The locations'), ...errors() },
});
const create = createRoute({
  method: 'post',
  path: '/locations',
  tags,
  security: bearer,
  summary: 'Create a warehouse or store',
  request: { body: body(NewLocationBody) },
  responses: { 201: json(LocationSchema, 'Created'), ...errors(403, 409) },
});
const get = createRoute({
  method: 'get',
  path: '/locations/{id}',
  tags,
  security: bearer,
  summary: 'One location',
  request: { params: IdParam },
  responses: { 200: json(LocationSchema, 'The location'), ...errors(404) },
});
const patch = createRoute({
  method: 'patch',
  path: '/locations/{id}',
  tags,
  security: bearer,
  summary: 'Change a location (fields given are replaced)',
  request: { params: IdParam, body: body(LocationPatchBody) },
  responses: { 200: json(LocationSchema, 'The location'), ...errors(403, 404, 409) },
});
const setPin = createRoute({
  method: 'put',
  path: '/locations/{id}/staff-pin',
  tags,
  security: bearer,
  summary: "Set the store's counter PIN",
  request: { params: IdParam, body: body(StaffPinBody) },
  responses: { 204: { description: 'Set' }, ...errors(403, 404) },
});
const clearPin = createRoute({
  method: 'delete',
  path: '/locations/{id}/staff-pin',
  tags,
  security: bearer,
  summary: "Remove the store's counter PIN (staff sign-in by PIN is then off)",
  request: { params: IdParam },
  responses: { 204: { description: 'Removed' }, ...errors(403, 404) },
});

type Row = {
  id: string;
  code: string;
  name: string;
  kind: 'warehouse' | 'store';
  pickupEnabled: boolean;
  pickupHoldDays: number;
  timezone: string;
  openingHours: unknown;
  staffPinHash: string | null;
  createdAt: Date;
};

function shape(l: Row) {
  return {
    id: l.id,
    code: l.code,
    name: l.name,
    kind: l.kind,
    pickupEnabled: l.pickupEnabled,
    pickupHoldDays: l.pickupHoldDays,
    timezone: l.timezone,
    openingHours: (l.openingHours ?? null) as Record<string, unknown> | null,
    hasStaffPin: l.staffPinHash !== null,
    createdAt: iso(l.createdAt),
  };
}

export function locationRoutes(ctx: RouteContext) {
  const { prisma } = ctx;
  const app = newRouter();

  async function load(id: string) {
    const l = await prisma.location.findUnique({ where: { id } });
    if (!l) throw notFound(`location ${id}`);
    return l;
  }

  const conflict = (e: unknown) => {
    if (isUniqueViolation(e)) return new ApiError(409, 'conflict', 'a location with this id or code already exists');
    return e;
  };

  app.openapi(list, async (c) => {
    const scope = locationScope(principalOf(c));
    const rows = await prisma.location.findMany({
      where: scope === null ? {} : { id: { in: [...scope] } },
      orderBy: [{ code: 'asc' }],
    });
    return c.json({ data: rows.map(shape) }, 200);
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    try {
      const row = await prisma.location.create({
        data: {
          id: b.id ?? crypto.randomUUID(),
          code: b.code,
          name: b.name,
          kind: b.kind,
          pickupEnabled: b.pickupEnabled,
          pickupHoldDays: b.pickupHoldDays,
          timezone: b.timezone,
          ...(b.openingHours ? { openingHours: b.openingHours } : {}),
        },
      });
      return c.json(shape(row), 201);
    } catch (e) {
      throw conflict(e);
    }
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    assertLocation(principalOf(c), id);
    return c.json(shape(await load(id)), 200);
  });

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const current = await load(id);
    const kind = b.kind ?? current.kind;
    const pickupEnabled = b.pickupEnabled ?? current.pickupEnabled;
    if (kind === 'warehouse' && pickupEnabled) {
      throw new ApiError(400, 'invalid_request', 'pickupEnabled: only stores can offer pickup', [
        { path: b.pickupEnabled !== undefined ? 'pickupEnabled' : 'kind', message: 'only stores can offer pickup' },
      ]);
    }
    const { openingHours, ...rest } = b;
    try {
      const row = await prisma.location.update({
        where: { id },
        data: {
          ...rest,
          ...(openingHours !== undefined ? { openingHours: openingHours === null ? Prisma.DbNull : openingHours } : {}),
        },
      });
      return c.json(shape(row), 200);
    } catch (e) {
      throw conflict(e);
    }
  });

  /** Sets or clears the PIN through core (which also ends the store's staff sessions). */
  async function storePin(id: string, pin: string | null, actor: string) {
    try {
      await setStorePin(prisma, id, pin, { actor, now: ctx.clock.now() });
    } catch (e) {
      if (!(e instanceof StorePinError)) throw e;
      if (e.code === 'not_found') throw notFound(`location ${id}`);
      const path = e.code === 'weak_pin' ? 'pin' : 'id';
      throw new ApiError(400, 'invalid_request', `${path}: ${e.message}`, [{ path, message: e.message }]);
    }
  }

  app.openapi(setPin, async (c) => {
    const { id } = c.req.valid('param');
    await storePin(id, c.req.valid('json').pin, principalOf(c).actor);
    return c.body(null, 204);
  });

  app.openapi(clearPin, async (c) => {
    const { id } = c.req.valid('param');
    await storePin(id, null, principalOf(c).actor);
    return c.body(null, 204);
  });

  return app;
}
