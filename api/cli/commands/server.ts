// omnihub start | migrate | demo
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROCESS_ROLES, type ProcessRole, roleRefusal } from '../../process-roles.ts';
import { type CommandSpec, helpText, type ParsedArgs } from '../args.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';

export const startSpec: CommandSpec = {
  name: 'start',
  summary: 'Run the hub (HTTP API, webhooks, jobs). Embedded database in OMNIHUB_DATA_DIR unless DATABASE_URL is set.',
  options: {
    role: {
      type: 'string',
      valueName: 'role',
      choices: PROCESS_ROLES,
      description: 'the part of the hub this process runs (default all)',
    },
  },
  notes: [
    'Configuration comes from the environment and ./.env (PORT, HOST, DATABASE_URL, OMNIHUB_SECRET_KEY, ...).',
    'all: everything in one process. Scaled out, run any number of each of api (HTTP API and webhook doors), ' +
      'worker (jobs) and scheduler (polls, reconciliation, cleanup) against one PostgreSQL (DATABASE_URL) and ' +
      'one Redis (REDIS_URL). SIGTERM drains within OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS (25); a second one exits at once.',
  ],
  examples: ['omnihub start', 'omnihub start --role api', 'omnihub start --role worker'],
};
export const migrateSpec: CommandSpec = {
  name: 'migrate',
  summary: 'Apply pending database migrations and exit (start does it too).',
};
export const demoSpec: CommandSpec = {
  name: 'demo',
  summary: 'Run the demo: the hub with simulated channels and a store, on a throw-away database.',
};

/** Resolves never: the hub runs until a signal stops it (api/main.ts owns the process from here). */
export async function runStart(ctx: CliContext, args: ParsedArgs): Promise<'running' | number> {
  const role = (args.options.role as ProcessRole | undefined) ?? 'all';
  const refused = roleRefusal(role, ctx.config());
  if (refused) {
    ctx.stderr.write(`${refused}\n`);
    return EXIT.config;
  }
  const { main } = await import('../../main.ts');
  main({ role }).catch((e) => {
    console.error(`omnihub failed to start: ${(e as Error).message}`);
    process.exit(1);
  });
  return 'running';
}

export async function runMigrate(ctx: CliContext): Promise<number> {
  return withDatabase(ctx, async (db) => {
    const where = db.kind === 'postgres' ? 'PostgreSQL' : `the embedded database in ${ctx.config().dataDir}`;
    ctx.stdout.write(
      db.applied.length
        ? `applied ${db.applied.length} migration(s) to ${where}: ${db.applied.join(', ')}\n`
        : `${where} is up to date\n`,
    );
    return EXIT.ok;
  });
}

export const DEMO_ENTRY = fileURLToPath(new URL('../../demo/main.ts', import.meta.url));

/**
 * Hands over to api/demo/main.ts, which reads its own options from process.argv (it drops
 * the leading "demo"); says so when this build has no demo.
 */
export async function runDemo(
  ctx: CliContext,
  rest: readonly string[],
  entry = DEMO_ENTRY,
): Promise<number | 'running'> {
  if (!existsSync(entry)) {
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.stdout.write(helpText(demoSpec));
      return EXIT.ok;
    }
    ctx.stderr.write(
      'the demo is not available in this build (api/demo/main.ts is missing); run "omnihub start" instead\n',
    );
    return EXIT.unavailable;
  }
  await import(entry);
  return 'running';
}
