// The embedded default: PGlite in a data directory survives a restart, and a
// restart applies no migration twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE } from '../../core/db/data-dir-lock.ts';
import { openDatabase } from '../../core/db/database.ts';

describe('embedded database in a data directory', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('keeps its data across a restart and migrates only once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'omnihub-data-'));
    dirs.push(dataDir);
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.applied.length).toBeGreaterThan(0);
    await first.prisma.location.create({ data: { id: 'wh', code: 'WH', name: 'Warehouse', kind: 'warehouse' } });
    await first.close();

    const second = await openDatabase({ dataDir });
    expect(second.applied).toEqual([]);
    expect(await second.prisma.location.findUnique({ where: { id: 'wh' } })).toMatchObject({ name: 'Warehouse' });
    await second.ping();
    await second.close();
  });
});

describe('one process at a time on a data directory', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const freshDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'omnihub-lock-'));
    dirs.push(d);
    return d;
  };

  it('refuses a second process while the first holds the directory, naming it and what to do', async () => {
    const dataDir = await freshDir();
    // Another live process owns the directory (its pid is in the lock file).
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(other);
    await writeFile(join(dataDir, LOCK_FILE), String(other.pid));
    const refused = await openDatabase({ dataDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(`pid ${other.pid}`);
    expect((refused as Error).message).toContain('Stop that process first');
    // Nothing was opened: the owner's lock is untouched.
    expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe(String(other.pid));
  });

  it('takes over a lock left by a process that died, and gives it back on close', async () => {
    const dataDir = await freshDir();
    const dead = spawn('true', [], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    await writeFile(join(dataDir, LOCK_FILE), String(dead.pid));
    const db = await openDatabase({ dataDir });
    expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    await db.close();
    await expect(readFile(join(dataDir, LOCK_FILE), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
