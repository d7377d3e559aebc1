// The migrations folder is the only way the schema reaches a database, so it must
// describe exactly what schema.prisma says; the migrator must be repeatable and
// write the history Prisma's own CLI reads.
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, readMigrations } from '../../core/db/migrator.ts';
import { pgliteRunner, pgRunner } from '../../core/db/sql-runners.ts';
import { diffMigrationsToSchema } from '../../scripts/schema-engine.ts';
import { createPostgresCopy, postgresTemplateUrl } from '../support/databases.ts';

const schemaPath = join(import.meta.dirname, '..', '..', 'prisma', 'schema.prisma');

describe('migrations', () => {
  it('agree with schema.prisma (the diff from the migrations to the schema is empty)', async () => {
    expect(await diffMigrationsToSchema(schemaPath, defaultMigrationsDir)).toBe('');
  });

  it('would be caught disagreeing: a model missing from the migrations shows in the diff', async () => {
    const { mkdtemp, writeFile, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'omnihub-schema-'));
    const extended = `${await readFile(schemaPath, 'utf8')}\nmodel Extra {\n  id String @id\n  @@map("extra")\n}\n`;
    await writeFile(join(dir, 'schema.prisma'), extended);
    expect(await diffMigrationsToSchema(join(dir, 'schema.prisma'), defaultMigrationsDir)).toMatch(
      /CREATE TABLE "extra"/,
    );
  });

  it('apply once on PGlite, record Prisma-style history, and apply nothing the second time', async () => {
    const pg = new PGlite();
    const runner = pgliteRunner(pg);
    const migrations = await readMigrations();
    expect(await migrate(runner, migrations)).toEqual(migrations.map((m) => m.name));
    expect(await migrate(runner, migrations)).toEqual([]);
    const rows = await runner.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    expect(rows.every((r, i) => r.checksum === migrations[i]?.checksum && r.finished_at)).toBe(true);
    await pg.close();
  });

  it('refuse to run when an applied migration was edited afterwards', async () => {
    const pg = new PGlite();
    const runner = pgliteRunner(pg);
    const migrations = await readMigrations();
    await migrate(runner, migrations);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migrate(runner, edited)).rejects.toThrow(/was changed after it was applied/);
    await pg.close();
  });

  it('roll back a failing migration entirely and report which one failed', async () => {
    const pg = new PGlite();
    const runner = pgliteRunner(pg);
    const broken = [
      { name: '20990101000000_broken', sql: 'CREATE TABLE t_ok (id int); SELECT * FROM nope;', checksum: 'x' },
    ];
    await expect(migrate(runner, broken)).rejects.toThrow(/20990101000000_broken failed/);
    const t = await runner.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_tables WHERE tablename = 't_ok'");
    expect(t[0]?.n).toBe('0');
    await pg.close();
  });

  it.runIf(postgresTemplateUrl())(
    'serialise concurrent migrators on PostgreSQL (each migration applied once)',
    async () => {
      const template = postgresTemplateUrl() as string;
      const url = await createPostgresCopy(template);
      const { default: pg } = await import('pg');
      // Start from an empty database in the copy.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      await c.end();
      const migrations = await readMigrations();
      const runners = await Promise.all([pgRunner(url), pgRunner(url), pgRunner(url)]);
      const results = await Promise.all(runners.map((r) => migrate(r, migrations)));
      expect(results.flat()).toEqual(migrations.map((m) => m.name));
      await Promise.all(runners.map((r) => r.close()));
    },
  );
});
