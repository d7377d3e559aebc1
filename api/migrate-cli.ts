// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded database in OMNIHUB_DATA_DIR when no URL is set.
import './load-env.ts';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';

try {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const where = db.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
  console.log(
    db.applied.length
      ? `applied ${db.applied.length} migration(s) to ${where}: ${db.applied.join(', ')}`
      : `${where} is up to date`,
  );
  await db.close();
} catch (e) {
  console.error(`migrate failed: ${(e as Error).message}`);
  process.exit(1);
}
