// Bearer authentication: `Authorization: Bearer <key>`. The OMNIHUB_ADMIN_TOKEN is
// accepted as it is (compared in constant time); API keys are found by the SHA-256 of the
// key. Use is recorded at most once a minute per key.
import type { MiddlewareHandler } from 'hono';
import type { ApiKeyLookup } from '../../core/auth/api-key-lookup.ts';
import { secretsEqual } from '../../core/auth/api-keys.ts';
import type { Clock } from '../../core/clock.ts';
import type { AppLogger } from '../app.ts';
import { ApiError } from '../rest/api-error.ts';
import type { ApiEnv } from '../rest/deps.ts';
import type { KeyCache } from './key-cache.ts';
import { ADMIN_TOKEN_KEY_ID, LOCAL_TOKEN_KEY_ID, type Principal } from './principal.ts';

export interface AuthDeps {
  /** Prisma on Node, plain SQL on the edge (core/auth/api-key-lookup.ts). */
  apiKeys: ApiKeyLookup;
  adminToken: string | undefined;
  /** The running hub's own token for the CLI on this machine (api/hub-file.ts); admin, recorded as `cli:local`. */
  localToken?: string | undefined;
  logger: AppLogger;
  keys: KeyCache;
  clock: Clock;
}

const TOUCH_EVERY_MS = 60_000;

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? (m[1] as string) : null;
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message);
}

/**
 * Who a bearer secret belongs to: the OMNIHUB_ADMIN_TOKEN or the hub's local CLI token
 * (constant-time compares), or an active API key (by its hash, through the short cache); null
 * when neither. The one place a secret becomes a principal: the API and the landing page's
 * sign-in both use it.
 */
export async function resolvePrincipal(
  deps: Pick<AuthDeps, 'apiKeys' | 'adminToken' | 'localToken' | 'keys'>,
  token: string,
  onKeyUsed?: (keyId: string) => void,
): Promise<Principal | null> {
  if (deps.adminToken && (await secretsEqual(token, deps.adminToken))) {
    return { keyId: ADMIN_TOKEN_KEY_ID, role: 'admin', locationIds: [], actor: `key:${ADMIN_TOKEN_KEY_ID}` };
  }
  if (deps.localToken && (await secretsEqual(token, deps.localToken))) {
    return { keyId: LOCAL_TOKEN_KEY_ID, role: 'admin', locationIds: [], actor: 'cli:local' };
  }
  const record = await deps.keys.get(token, () => deps.apiKeys.find(token));
  if (!record) return null;
  onKeyUsed?.(record.id);
  return { keyId: record.id, role: record.role, locationIds: record.locationIds, actor: `key:${record.id}` };
}

export function authenticate(deps: AuthDeps): MiddlewareHandler<ApiEnv> {
  const touched = new Map<string, number>();

  function recordUse(keyId: string) {
    const now = deps.clock.now();
    if (now.getTime() - (touched.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
    touched.set(keyId, now.getTime());
    deps.apiKeys.touch(keyId, now).catch((err) => deps.logger.warn({ err, keyId }, 'could not record API key use'));
  }

  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) {
      c.header('WWW-Authenticate', 'Bearer realm="omnihub"');
      throw unauthorized(
        'missing API key: send "Authorization: Bearer <key>" (create keys with "omnihub keys create")',
      );
    }
    const principal = await resolvePrincipal(deps, token, recordUse);
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="omnihub", error="invalid_token"');
      throw unauthorized('invalid or revoked API key');
    }
    c.set('principal', principal);
    await next();
  };
}
