// What a command may touch: output streams, the environment, and how to open the hub's
// database. Tests pass their own; bin/main passes the process's.
import { type Clock, systemClock } from '../../core/clock.ts';
import { loadConfig, type Config } from '../../core/config.ts';
import { resolveSecretKey } from '../../core/crypto/secret-key.ts';
import { DataDirLockedError } from '../../core/db/data-dir-lock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { type HubClient, runningHub } from './hub-client.ts';

export interface Output {
  write(text: string): unknown;
  /** True when a person is watching (progress bars instead of lines). */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** The hub's clock (core/clock.ts); the system clock by default. */
  clock?: Clock;
}

export const EXIT = {
  ok: 0,
  /** The operation ran and failed (connection test failed, rows rejected by the ledger). */
  failed: 1,
  /** Bad command line or input file: nothing was done. */
  usage: 2,
  /** Bad configuration or the database cannot be opened. */
  config: 3,
  /** The command is not available in this build. */
  unavailable: 4,
  /** A running hub holds the embedded database and the command needs it to itself: stop the hub first. */
  locked: 5,
} as const;

export interface CliContext extends CliIo {
  clock: Clock;
  config(): Config;
  /** Opens (and migrates) the hub's database; close it when done. */
  openDatabase(): Promise<Database>;
  secretKey(): Promise<Uint8Array>;
}

export function cliContext(io: CliIo): CliContext {
  let config: Config | undefined;
  const ctx: CliContext = {
    ...io,
    clock: io.clock ?? systemClock,
    config: () => {
      config ??= loadConfig(io.env);
      return config;
    },
    openDatabase: () => openDatabase({ url: ctx.config().databaseUrl, dataDir: ctx.config().dataDir }),
    secretKey: () => resolveSecretKey(ctx.config(), { warn: (_o, msg) => msg && io.stderr.write(`warning: ${msg}\n`) }),
  };
  return ctx;
}

/** Runs `fn` with the database open, and closes it whatever happens. */
export async function withDatabase<T>(ctx: CliContext, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await ctx.openDatabase();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Runs `direct` with the database open; when a running hub holds the embedded database, runs
 * `viaHub` against its API instead (the hub then sees the change at once, in every cache).
 */
export async function withDatabaseOrHub<T>(
  ctx: CliContext,
  direct: (db: Database) => Promise<T>,
  viaHub: (hub: HubClient) => Promise<T>,
): Promise<T> {
  let db: Database;
  try {
    db = await ctx.openDatabase();
  } catch (e) {
    const hub = e instanceof DataDirLockedError ? runningHub(e) : null;
    if (hub) return viaHub(hub);
    throw e;
  }
  try {
    return await direct(db);
  } finally {
    await db.close();
  }
}
