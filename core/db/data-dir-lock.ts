// One process at a time on an embedded database: PGlite is a single-process PostgreSQL, and two
// processes writing one data directory corrupt it. The lock is a file created exclusively in
// the data directory, holding the owner's pid. A lock left by a process that died (a crash, a
// SIGKILL) is taken over: its pid no longer runs. A pid reused by an unrelated process after a
// crash would keep the lock held; the message names the file to delete in that case.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'omnihub.lock';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `${dataDir} is in use by another omnihub process (pid ${pid}); the embedded database takes one process at a time. ` +
        'Stop that process first, or run the command against the running hub through its API. ' +
        `If no omnihub runs with that pid, delete ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data directory's lock for this process; returns its release. */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
        throw new DataDirLockedError(dir, owner);
      rmSync(path, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
