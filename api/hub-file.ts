// Where a running hub on the embedded database can be reached, for the CLI on the same
// machine: PGlite takes one process, so while the hub holds the data directory's lock the CLI
// cannot open the database and talks to the hub's API instead. The hub writes its URL, pid and
// a random token (accepted as an admin key while it runs) to `omnihub.hub.json` in the data
// directory, readable by its owner only, and removes it when it stops. Whoever can read that
// directory can already read `secret.key` and every credential, so the token grants nothing new.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const HUB_FILE = 'omnihub.hub.json';

export interface HubFile {
  pid: number;
  /** Base URL of the hub's HTTP server, reachable from this machine. */
  url: string;
  /** Bearer token the hub accepts as admin while it runs. */
  token: string;
}

export function newLocalToken(): string {
  return `ohl_${randomBytes(32).toString('base64url')}`;
}

/** A wildcard listen address is reached through the loopback. */
export function localUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.origin;
}

/** Writes the file; returns its removal (run it when the hub stops). */
export function writeHubFile(dataDir: string, hub: { url: string; token: string }): () => void {
  const path = join(resolve(dataDir), HUB_FILE);
  const content: HubFile = { pid: process.pid, url: localUrl(hub.url), token: hub.token };
  rmSync(path, { force: true }); // a file left by a crashed hub may belong to its mode; start afresh
  writeFileSync(path, `${JSON.stringify(content)}\n`, { mode: 0o600, flag: 'wx' });
  return () => {
    if (readHubFile(dataDir)?.pid === process.pid) rmSync(path, { force: true });
  };
}

/** The file as written by the hub whose pid holds the lock, or null (absent, stale, unreadable). */
export function readHubFile(dataDir: string, pid?: number): HubFile | null {
  try {
    const f = JSON.parse(readFileSync(join(resolve(dataDir), HUB_FILE), 'utf8')) as Partial<HubFile>;
    if (typeof f.pid !== 'number' || typeof f.url !== 'string' || typeof f.token !== 'string') return null;
    if (pid !== undefined && f.pid !== pid) return null;
    return { pid: f.pid, url: f.url, token: f.token };
  } catch {
    return null;
  }
}
