// Who may see the hub's overview (orders, stock, exceptions of every store and channel).
// In the demo: everyone. On a real hub: holders of an admin or read-only API key (or the
// OMNIHUB_ADMIN_TOKEN), sent as `Authorization: Bearer <key>` by scripts, or as the password
// of HTTP Basic sign-in by a browser (it asks once; any user name). Staff sessions are for one
// store's counter and do not open it; staff keys neither.
//
// Basic over plain HTTP exposes the key like a bearer header does: put the hub behind HTTPS.
export type LandingAccess =
  | { public: true }
  /** Whether this secret may see the overview (api/hub.ts asks api/auth). */
  | { public: false; mayView: (secret: string) => Promise<boolean> };

export const LANDING_REALM = 'omnihub overview';

/** The secret in an Authorization header: a bearer token or the password of Basic. */
export function secretOf(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (bearer) return bearer[1] as string;
  const basic = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (!basic) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(basic[1] as string), (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  const password = colon >= 0 ? decoded.slice(colon + 1) : '';
  return password || null;
}

/** Whether the request may see the overview. */
export async function mayViewLanding(access: LandingAccess, authorization: string | undefined): Promise<boolean> {
  if (access.public) return true;
  const secret = secretOf(authorization);
  return secret !== null && secret.length <= 512 && (await access.mayView(secret));
}
