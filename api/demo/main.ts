// `npm run demo` (tsx api/demo/main.ts [options]): the hub on the embedded database with
// simulated channels, a seeded merchant and steady simulated trade. Options: --help.
// The command itself is command.ts (runDemoCommand), which the CLI can call in process;
// this file only runs it when it is the program, or when `omnihub demo` imported it.
import '../load-env.ts';
import { resolve } from 'node:path';
import { runDemoCommand } from './command.ts';

const entry = process.argv[1] ? resolve(process.argv[1]) : '';
if (entry === import.meta.filename || process.argv[2] === 'demo') {
  runDemoCommand(process.argv.slice(2)).then(
    (code) => {
      if (code !== 'running') process.exit(code);
    },
    (e) => {
      process.stderr.write(`omnihub demo failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
