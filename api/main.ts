// `npm start` / `omnihub start [--role …]`: the hub on Node. Embedded PGlite in OMNIHUB_DATA_DIR
// unless DATABASE_URL names a PostgreSQL server; migrations are applied on the way up. A role
// other than all runs one part of the hub beside other processes (api/process-roles.ts).
import './load-env.ts';
import { defaultConnectors } from '../connectors/registry.ts';
import { ensureFirstAdminKey } from '../core/auth/first-admin.ts';
import { systemClock } from '../core/clock.ts';
import { ConfigError, loadConfig } from '../core/config.ts';
import { DataDirLockedError } from '../core/db/data-dir-lock.ts';
import { resolveSecretKey } from '../core/crypto/secret-key.ts';
import { openDatabase } from '../core/db/database.ts';
import { createLogger } from '../core/log.ts';
import { newLocalToken, writeHubFile } from './hub-file.ts';
import { startHub } from './hub.ts';
import { type ProcessRole, RoleRefused, roleRefusal } from './process-roles.ts';
import { onShutdown } from './server.ts';
import { VERSION } from './version.ts';

export async function main(options: { role?: ProcessRole } = {}) {
  const role = options.role ?? 'all';
  const config = loadConfig();
  const refused = roleRefusal(role, config);
  if (refused) throw new RoleRefused(refused);
  const logger = createLogger(config);
  const secretKey = await resolveSecretKey(config, logger);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  if (db.applied.length) logger.info({ migrations: db.applied }, 'database migrated');
  logger.info({ database: db.kind, dataDir: db.kind === 'pglite' ? config.dataDir : undefined }, 'database ready');
  // Printed to stdout, never logged: the key must not reach log storage.
  await ensureFirstAdminKey(db.prisma, config, (text) => process.stdout.write(`${text}\n`));

  // On the embedded database the CLI cannot open the data directory while the hub runs: it
  // finds the hub through this token and the file written below (api/hub-file.ts).
  const localToken = db.kind === 'pglite' ? newLocalToken() : undefined;
  const hub = await startHub({
    db,
    secretKey,
    connectors: defaultConnectors(),
    logger,
    // The one clock every time rule reads (core/clock.ts).
    clock: systemClock,
    host: config.host,
    port: config.port,
    metricsPort: config.metricsPort,
    adminToken: config.adminToken,
    publicUrl: config.publicUrl,
    archiveDir: config.archiveDir,
    localToken,
    redisUrl: config.redisUrl,
    databaseUrl: config.databaseUrl,
    syncTuning: { personalDataRetentionDays: config.personalDataRetentionDays },
    role,
  });
  // Last registered runs first: stop taking requests and jobs, then close the database. The
  // hub's part ends a little before the hard limit, leaving time to close the database.
  const shutdown = { logger, timeoutMs: config.shutdownTimeoutMs };
  onShutdown(() => db.close(), shutdown);
  if (localToken) {
    const removeHubFile = writeHubFile(config.dataDir, { url: hub.url, token: localToken });
    onShutdown(async () => removeHubFile(), shutdown);
  }
  onShutdown(() => hub.stop(Math.max(500, config.shutdownTimeoutMs - 1_500)), shutdown);
  logger.info({ url: hub.url, version: VERSION, role }, `omnihub (${role}) listening on ${hub.url}`);
}

if (import.meta.main || process.argv[1]?.endsWith('api/main.ts')) {
  main().catch((e) => {
    console.error(
      e instanceof ConfigError || e instanceof DataDirLockedError || e instanceof RoleRefused
        ? e.message
        : `omnihub failed to start: ${(e as Error).stack ?? e}`,
    );
    process.exit(1);
  });
}
