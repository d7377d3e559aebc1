// Raw SQL runners for the migrator: one over a pg connection, one over PGlite.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { SqlRunner } from './migrator.ts';

export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params)).rows;
    },
  };
}

/** Opens one dedicated connection (the advisory lock belongs to a session). */
export async function pgRunner(url: string): Promise<SqlRunner & { close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as T[];
    },
    close: () => client.end(),
  };
}
