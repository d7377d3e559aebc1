// Small loader for @prisma/schema-engine-wasm (an internal Prisma API, pinned in
// package.json). Used at development time only: to write a migration from
// schema.prisma and to prove that the migrations and the schema agree. The app
// applies migrations with core/db/migrator.ts and never loads this.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const require = createRequire(import.meta.url);

type Engine = {
  diff(p: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

type EngineModule = { SchemaEngine: { new: (o: unknown, cb: unknown, a: unknown) => Promise<Engine> } };
let loaded: Promise<EngineModule> | undefined;

// Instantiate once per process: the bindings keep the instance in module state.
function loadEngineModule(): Promise<EngineModule> {
  loaded ??= instantiate();
  return loaded;
}

async function instantiate(): Promise<EngineModule> {
  const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = join(
    dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  const bytes = await readFile(wasmPath);
  // The package's own entry imports the .wasm as an ES module, which Node cannot; instantiate by hand.
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as never });
  (bg as unknown as { __wbg_set_wasm(x: unknown): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bg as unknown as EngineModule;
}

/** Opens an engine bound to a fresh in-memory PGlite (used as the shadow database for diffs). */
export async function openSchemaEngine(): Promise<{ engine: Engine; close(): Promise<void> }> {
  const mod = await loadEngineModule();
  const pg = new PGlite();
  // The engine wants a bound, migration-aware adapter factory (connect + connectToShadowDb).
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pg));
  const engine = await mod.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
  return {
    engine,
    async close() {
      engine.free();
      await pg.close();
    },
  };
}

const noFilters = { externalTables: [], externalEnums: [] };

/** Reads prisma/migrations the way the Prisma CLI hands it to the engine. */
export async function readMigrationsList(baseDir: string) {
  const { readdir } = await import('node:fs/promises');
  const entries = (await readdir(baseDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  entries.sort();
  const lockPath = join(baseDir, 'migration_lock.toml');
  const lock = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      entries.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(join(baseDir, name, 'migration.sql'), 'utf8').then(
            (ok) => ({ tag: 'ok', value: ok }),
            (e: Error) => ({ tag: 'error', value: e.message }),
          ),
        },
      })),
    ),
  };
}

/**
 * SQL that takes a database built by the migrations in `migrationsDir` (or an
 * empty one) to the state `schema.prisma` describes; '' when they agree.
 */
export async function diffMigrationsToSchema(schemaPath: string, migrationsDir: string | null): Promise<string> {
  const { engine, close } = await openSchemaEngine();
  try {
    const content = await readFile(schemaPath, 'utf8');
    const from = migrationsDir ? { tag: 'migrations', ...(await readMigrationsList(migrationsDir)) } : { tag: 'empty' };
    const r = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    const sql = (r.stdout ?? '').trim();
    return sql === '-- This is an empty migration.' ? '' : sql;
  } finally {
    await close();
  }
}
