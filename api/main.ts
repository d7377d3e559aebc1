// `npm start`: the hub on Node. Embedded PGlite in OMNIHUB_DATA_DIR unless
// DATABASE_URL names a PostgreSQL server; migrations are applied on the way up.
import './load-env.ts';
import { ConfigError, loadConfig } from '../core/config.ts';
import { resolveSecretKey } from '../core/crypto/secret-key.ts';
import { openDatabase } from '../core/db/database.ts';
import { createLogger } from '../core/log.ts';
import { createApp } from './app.ts';
import { makeHealthCheck } from './health.ts';
import { onShutdown, startServer } from './server.ts';
import { VERSION } from './version.ts';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config);
  await resolveSecretKey(config, logger);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  if (db.applied.length) logger.info({ migrations: db.applied }, 'database migrated');
  logger.info({ database: db.kind, dataDir: db.kind === 'pglite' ? config.dataDir : undefined }, 'database ready');

  const health = makeHealthCheck(
    { kind: db.kind, ping: () => db.ping() },
    { onProbeError: (component, err) => logger.warn({ component, err }, 'health probe failed') },
  );
  const app = createApp({ health, version: VERSION, logger });
  const server = await startServer(app, { port: config.port, host: config.host }, logger);
  // Last registered runs first: stop taking requests, then close the database.
  onShutdown(() => db.close(), { logger });
  onShutdown(() => server.close(), { logger });
  logger.info({ url: server.url, version: VERSION }, `omnihub listening on ${server.url}`);
}

main().catch((e) => {
  if (e instanceof ConfigError) {
    console.error(e.message);
  } else {
    console.error(`omnihub failed to start: ${(e as Error).stack ?? e}`);
  }
  process.exit(1);
});
