// The omnihub command line: finds the command, parses its arguments, runs it, and turns
// failures into a message that names the fix and an exit code (see EXIT in io.ts).
import { ConfigError } from '../../core/config.ts';
import { DataDirLockedError } from '../../core/db/data-dir-lock.ts';
import { type CommandSpec, helpText, type ParsedArgs, parseArgs, UsageError } from './args.ts';
import {
  channelsAdd,
  channelsList,
  channelsTest,
  runChannelsAdd,
  runChannelsList,
  runChannelsTest,
} from './commands/channels.ts';
import { channelsAppSet, channelsAppShow, runChannelsAppSet, runChannelsAppShow } from './commands/channel-apps.ts';
import { inventoryImport, runInventoryImport } from './commands/inventory-import.ts';
import { binsImport, runBinsImport } from './commands/bins-import.ts';
import { archiveVerify, merchantSet, runArchiveVerify, runMerchantSet } from './commands/archive.ts';
import { keysCreate, keysList, keysRevoke, runKeysCreate, runKeysList, runKeysRevoke } from './commands/keys.ts';
import { keysRotate, runKeysRotate } from './commands/keys-rotate.ts';
import { demoSpec, migrateSpec, runDemo, runMigrate, runStart, startSpec } from './commands/server.ts';
import { runSync, syncSpec } from './commands/sync.ts';
import { lockedMessage } from './hub-client.ts';
import { type CliContext, type CliIo, cliContext, EXIT } from './io.ts';

type Runner = (ctx: CliContext, args: ParsedArgs) => Promise<number | 'running'>;

/** Commands whose own entry point reads the rest of the command line (api/demo/main.ts). */
const PASSTHROUGH: Record<string, (ctx: CliContext, rest: readonly string[]) => Promise<number | 'running'>> = {
  demo: (ctx, rest) => runDemo(ctx, rest),
};

const COMMANDS: { spec: CommandSpec; run: Runner }[] = [
  { spec: startSpec, run: runStart },
  { spec: migrateSpec, run: (ctx) => runMigrate(ctx) },
  { spec: demoSpec, run: (ctx, args) => runDemo(ctx, args.positionals) },
  { spec: keysCreate, run: runKeysCreate },
  { spec: keysList, run: (ctx) => runKeysList(ctx) },
  { spec: keysRevoke, run: runKeysRevoke },
  { spec: keysRotate, run: runKeysRotate },
  { spec: channelsAdd, run: runChannelsAdd },
  { spec: channelsList, run: (ctx) => runChannelsList(ctx) },
  { spec: channelsTest, run: runChannelsTest },
  { spec: channelsAppSet, run: runChannelsAppSet },
  { spec: channelsAppShow, run: runChannelsAppShow },
  { spec: syncSpec, run: runSync },
  { spec: inventoryImport, run: runInventoryImport },
  { spec: binsImport, run: runBinsImport },
  { spec: archiveVerify, run: (ctx) => runArchiveVerify(ctx) },
  { spec: merchantSet, run: runMerchantSet },
];

function overview(prefix?: string): string {
  const list = COMMANDS.filter((c) => !prefix || c.spec.name.startsWith(`${prefix} `));
  const width = Math.max(...list.map((c) => c.spec.name.length)) + 2;
  return [
    `Usage: omnihub ${prefix ?? '<command>'}${prefix ? ' <command>' : ''} [options]`,
    '',
    'Commands:',
    ...list.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary.split('. ')[0]?.replace(/\.$/, '')}`),
    '',
    `Run "omnihub ${prefix ? `${prefix} ` : ''}<command> --help" for a command's options.`,
    '',
  ].join('\n');
}

/** Runs one command line; resolves with the exit code, or 'running' for the long-running commands. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number | 'running'> {
  const ctx = cliContext(io);
  const first = argv[0];
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(overview());
    return first ? EXIT.ok : EXIT.usage;
  }
  const two = argv.length > 1 ? `${first} ${argv[1]}` : '';
  const command = COMMANDS.find((c) => c.spec.name === two) ?? COMMANDS.find((c) => c.spec.name === first);
  if (!command) {
    const group = COMMANDS.some((c) => c.spec.name.startsWith(`${first} `));
    if (group) {
      const wantsHelp = argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h';
      if (!wantsHelp) io.stderr.write(`unknown command "omnihub ${two}"\n\n`);
      io.stdout.write(overview(first));
      return wantsHelp && argv[1] !== undefined ? EXIT.ok : EXIT.usage;
    }
    io.stderr.write(`unknown command "${first}"; run "omnihub --help" for the list\n`);
    return EXIT.usage;
  }
  const rest = argv.slice(command.spec.name.split(' ').length);
  try {
    const passthrough = PASSTHROUGH[command.spec.name];
    if (passthrough) return await passthrough(ctx, rest);
    const args = parseArgs(command.spec, rest);
    if (args.help) {
      io.stdout.write(helpText(command.spec));
      return EXIT.ok;
    }
    return await command.run(ctx, args);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`omnihub ${command.spec.name}: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof ConfigError) {
      io.stderr.write(`${e.message}\n`);
      return EXIT.config;
    }
    if (e instanceof DataDirLockedError) {
      io.stderr.write(lockedMessage(command.spec.name, e));
      return EXIT.locked;
    }
    const code = (e as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
      io.stderr.write(
        `omnihub ${command.spec.name}: cannot open the database (${(e as Error).message}); ` +
          'check DATABASE_URL, or unset it to use the embedded database in OMNIHUB_DATA_DIR\n',
      );
      return EXIT.config;
    }
    io.stderr.write(`omnihub ${command.spec.name} failed: ${(e as Error).message}\n`);
    return EXIT.failed;
  }
}
