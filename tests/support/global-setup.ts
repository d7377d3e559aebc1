// Finds the PostgreSQL server the database suites run against and prepares a
// migrated template database, so each test file gets its own copy in ~100 ms.
// TEST_DATABASE_URL (or DATABASE_URL) names the server; without either the local
// default is tried. OMNIHUB_TEST_REQUIRE_POSTGRES=1 (set by CI) turns "not reachable"
// into a failure instead of skipping the PostgreSQL half of the suites.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { migrate, readMigrations } from '../../core/db/migrator.ts';
import { pgRunner } from '../../core/db/sql-runners.ts';
import { redactUrl, withDatabase } from './pg-url.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplateUrl: string | null;
  }
}

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_URL;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (e) {
    if (process.env.OMNIHUB_TEST_REQUIRE_POSTGRES === '1') {
      throw new Error(
        `PostgreSQL is required (OMNIHUB_TEST_REQUIRE_POSTGRES=1) but ${redactUrl(serverUrl)} did not answer: ${(e as Error).message}`,
      );
    }
    console.warn(
      `[omnihub tests] PostgreSQL at ${redactUrl(serverUrl)} did not answer: the PostgreSQL suites are skipped (PGlite suites still run).`,
    );
    project.provide('pgTemplateUrl', null);
    return;
  }
  const template = `omnihub_tpl_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(serverUrl, template);
  const runner = await pgRunner(templateUrl);
  await migrate(runner, await readMigrations());
  await runner.close();
  project.provide('pgTemplateUrl', templateUrl);

  return async () => {
    const dbs = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `${template}_t%`],
    );
    for (const { datname } of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  };
}
