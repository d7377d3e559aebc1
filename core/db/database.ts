// Opens the hub's database: PostgreSQL through @prisma/adapter-pg when a URL is
// given, otherwise the embedded PGlite (a real PostgreSQL in WebAssembly) kept in a
// data directory. Migrations are applied on open unless told otherwise.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { migrate, readMigrations } from './migrator.ts';
import { PgliteLanes } from './pglite-lanes.ts';
import { pgliteRunner, pgRunner } from './sql-runners.ts';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /**
   * The client for the webhook door's inbox writes. On PGlite (one connection) its statements go
   * before any queued background work (pglite-lanes.ts); on PostgreSQL it is `prisma` itself.
   */
  door: PrismaClient;
  /** Migrations applied by this open (empty when the schema was current). */
  applied: string[];
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory (`memory://` for a throw-away database). */
  dataDir?: string | undefined;
  migrate?: boolean;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const migrations = opts.migrate === false ? [] : await readMigrations();
  if (opts.url) {
    let applied: string[] = [];
    if (migrations.length) {
      const runner = await pgRunner(opts.url);
      try {
        applied = await migrate(runner, migrations);
      } finally {
        await runner.close();
      }
    }
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: opts.url, max: opts.poolSize ?? 10 }),
    });
    return {
      kind: 'postgres',
      prisma,
      door: prisma,
      applied,
      ping: async () => {
        await prisma.$queryRaw`SELECT 1`;
      },
      close: () => prisma.$disconnect(),
    };
  }
  const dataDir = opts.dataDir ?? './data';
  const unlock = dataDir.startsWith('memory://') ? () => undefined : lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = new PGlite(dataDir);
    await pglite.waitReady;
  } catch (e) {
    unlock();
    throw e;
  }
  const applied = migrations.length ? await migrate(pgliteRunner(pglite), migrations) : [];
  const lanes = new PgliteLanes(pglite);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lanes.client('background')) });
  const door = new PrismaClient({ adapter: new PrismaPGlite(lanes.client('door')) });
  return {
    kind: 'pglite',
    prisma,
    door,
    applied,
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: async () => {
      await prisma.$disconnect();
      await door.$disconnect();
      await pglite.close();
      unlock();
    },
  };
}
