// The running hub's REST API, for the commands that go through it when the hub holds the
// embedded database (api/hub-file.ts says why). Authenticated with the token the hub left in
// its data directory; the token is never printed.
import type { DataDirLockedError } from '../../core/db/data-dir-lock.ts';
import { readHubFile } from '../hub-file.ts';

export interface HubClient {
  url: string;
  pid: number;
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read by the command that asked
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** The hub holding the lock, when it left its address; null when it cannot be reached that way. */
export function runningHub(locked: DataDirLockedError, fetchFn: typeof fetch = fetch): HubClient | null {
  const file = readHubFile(locked.dataDir, locked.pid);
  if (!file) return null;
  return {
    url: file.url,
    pid: file.pid,
    async call(method, path, body) {
      const res = await fetchFn(`${file.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${file.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
  };
}

/** What to do when a command needs the database to itself and a hub holds it. */
export function lockedMessage(command: string, locked: DataDirLockedError): string {
  const hub = readHubFile(locked.dataDir, locked.pid);
  return (
    `omnihub ${command}: a hub is running on this data directory (pid ${locked.pid}${hub ? `, ${hub.url}` : ''}) ` +
    'and the embedded database takes one process at a time. Stop the hub (Ctrl-C where it runs, or ' +
    `kill ${locked.pid}) and run this again` +
    (hub ? `, or do it through the hub's API (${hub.url}/docs)` : '') +
    `. If no omnihub runs with pid ${locked.pid}, delete ${locked.dataDir}/omnihub.lock.\n`
  );
}
