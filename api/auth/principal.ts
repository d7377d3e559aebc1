// Who is calling: the API key (or the OMNIHUB_ADMIN_TOKEN) behind the request, its role,
// and for staff keys the store locations it may see. Handlers ask here, never the header.
import type { Context } from 'hono';
import type { ApiKeyRole } from '../../core/auth/api-keys.ts';
import { ApiError } from '../rest/api-error.ts';

export interface Principal {
  /** The api_keys row id, `admin-token` for OMNIHUB_ADMIN_TOKEN, `local-cli` for the hub file's token. */
  keyId: string;
  role: ApiKeyRole;
  /** Staff keys: the stores they act for. Empty for other roles (they see every location). */
  locationIds: readonly string[];
  /** What order events, movements and audit rows record: `key:<apiKeyId>`. */
  actor: string;
}

export const ADMIN_TOKEN_KEY_ID = 'admin-token';
/** The token a running hub leaves in its data directory for the CLI on the same machine. */
export const LOCAL_TOKEN_KEY_ID = 'local-cli';

export function principalOf(c: Context): Principal {
  const p = c.get('principal') as Principal | undefined;
  if (!p) throw new ApiError(401, 'unauthorized', 'authentication required');
  return p;
}

/** null = every location; otherwise the only locations this caller may see. */
export function locationScope(p: Principal): readonly string[] | null {
  return p.role === 'staff' ? p.locationIds : null;
}

export function canSeeLocation(p: Principal, locationId: string | null | undefined): boolean {
  const scope = locationScope(p);
  return scope === null || (!!locationId && scope.includes(locationId));
}

/**
 * Throws 404 when the caller may not see `locationId`: a staff key learns nothing about
 * other stores, not even whether they exist.
 */
export function assertLocation(p: Principal, locationId: string | null | undefined, what = 'location'): void {
  if (!canSeeLocation(p, locationId)) throw new ApiError(404, 'not_found', `${what} not found`);
}

/**
 * The locations a list may show: the filter asked for (checked against the scope), or
 * the whole scope when none was asked; undefined = no restriction.
 */
export function scopedLocations(p: Principal, requested: string | undefined): string[] | undefined {
  const scope = locationScope(p);
  if (requested) {
    assertLocation(p, requested);
    return [requested];
  }
  return scope === null ? undefined : [...scope];
}
