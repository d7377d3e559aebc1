// The databases a suite runs against: the embedded PGlite always, PostgreSQL when
// the global setup found a server. Use with describe.each(testDatabases()).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { withDatabase } from './pg-url.ts';

export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  /** A fresh, migrated, empty database of its own. */
  open(opts?: { poolSize?: number }): Promise<Database & { url?: string }>;
}

export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ kind: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) }];
  const templateUrl = inject('pgTemplateUrl');
  if (templateUrl) list.push({ kind: 'postgres', open: (o) => openPostgresCopy(templateUrl, o?.poolSize) });
  return list;
}

export function postgresTemplateUrl(): string | null {
  return inject('pgTemplateUrl');
}

/** A new database copied from the migrated template. */
export async function createPostgresCopy(templateUrl: string): Promise<string> {
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template}_t${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(templateUrl, 'postgres') });
  await admin.connect();
  try {
    // CREATE DATABASE ... TEMPLATE fails while another copy is being made: retry briefly.
    for (let i = 0; ; i++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (e) {
        if (i > 50 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  return withDatabase(templateUrl, name);
}

async function openPostgresCopy(templateUrl: string, poolSize?: number) {
  const url = await createPostgresCopy(templateUrl);
  const db = await openDatabase({ url, migrate: false, poolSize: poolSize ?? 10 });
  return Object.assign(db, { url });
}
