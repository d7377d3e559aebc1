// Applies prisma/migrations/<timestamp>_<name>/migration.sql in order and records
// each in `_prisma_migrations` exactly as Prisma does (sha256 checksum of the file),
// so `prisma migrate deploy` and `prisma migrate status` read the same history on a
// machine that has Prisma's native engine. Works on PostgreSQL and the embedded PGlite.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The few raw SQL calls the migrator needs; both pg and PGlite provide them. */
export interface SqlRunner {
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

// Prisma's own table definition, so its CLI recognises the history.
const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Same key Prisma Migrate uses, so our migrator and Prisma's never run at once.
const ADVISORY_LOCK_KEY = 72707369;

export const defaultMigrationsDir = join(import.meta.dirname, '..', '..', 'prisma', 'migrations');

export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies the migrations not yet recorded; returns their names ([] when up to date).
 * Refuses to run when an applied migration's file has changed or a previous run failed
 * half-way, since guessing there could lose data.
 */
export async function migrate(db: SqlRunner, migrations: Migration[]): Promise<string[]> {
  await db.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  try {
    await db.exec(HISTORY_TABLE);
    const rows = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r]));
    const done: string[] = [];
    for (const m of migrations) {
      const row = applied.get(m.name);
      if (row) {
        if (!row.finished_at) {
          throw new MigrationError(
            `migration ${m.name} started earlier but did not finish; repair the database, then mark it rolled back`,
            m.name,
          );
        }
        if (row.checksum !== m.checksum) {
          throw new MigrationError(
            `migration ${m.name} was changed after it was applied; add a new migration instead of editing it`,
            m.name,
          );
        }
        continue;
      }
      await applyOne(db, m);
      done.push(m.name);
    }
    return done;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
  }
}

async function applyOne(db: SqlRunner, m: Migration): Promise<void> {
  const id = randomUUID();
  // The migration and its history row commit together: a crash leaves neither.
  try {
    await db.exec('BEGIN');
    await db.exec(m.sql);
    await db.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [id, m.checksum, m.name],
    );
    await db.exec('COMMIT');
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => {});
    throw new MigrationError(`migration ${m.name} failed: ${(e as Error).message}`, m.name);
  }
}
