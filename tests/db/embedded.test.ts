// The embedded default: PGlite in a data directory survives a restart, and a
// restart applies no migration twice.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
