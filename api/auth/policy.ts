// What each role may call. Admin: everything. Readonly: every GET, no write. Staff: only
// the routes below (pickups, the stock and the pick list of their own stores); the handlers then limit
// the data to the key's locations (principal.ts). Anything not listed is 403 for staff.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../rest/api-error.ts';
import type { ApiEnv } from '../rest/deps.ts';
import { principalOf } from './principal.ts';

const ID = '[^/]+';

/** [method, path] pairs a staff key may call; paths are matched whole. */
export const STAFF_ROUTES: readonly (readonly [string, RegExp])[] = [
  ['GET', new RegExp(`^/api/v1/locations(/${ID})?$`)],
  ['GET', new RegExp(`^/api/v1/locations/${ID}/pick-list$`)],
  ['GET', /^\/api\/v1\/pickups$/],
  ['GET', new RegExp(`^/api/v1/orders/${ID}$`)],
  ['POST', new RegExp(`^/api/v1/orders/${ID}/(ready-for-pickup|collect|refuse-pickup)$`)],
  ['GET', /^\/api\/v1\/inventory\/levels$/],
  ['POST', /^\/api\/v1\/inventory\/(adjustments|counts)$/],
  ['GET', new RegExp(`^/api/v1/skus/${ID}/ledger$`)],
];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function staffMayCall(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return STAFF_ROUTES.some(([rm, re]) => rm === m && re.test(path));
}

export function authorize(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const p = principalOf(c);
    const method = c.req.method.toUpperCase();
    if (p.role === 'readonly' && !READ_METHODS.has(method)) {
      throw new ApiError(403, 'forbidden', 'this API key is read-only: ask an admin for a key with the admin role');
    }
    if (p.role === 'staff' && !staffMayCall(method, c.req.path)) {
      throw new ApiError(403, 'forbidden', "staff keys may only use pickups and their own store's stock");
    }
    await next();
  };
}
