// `omnihub` (package script: "omnihub": "tsx api/cli/main.ts"): the command line; see run.ts.
import '../load-env.ts';
import { runCli } from './run.ts';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// start and demo keep running; everything else ends here.
if (code !== 'running') {
  process.exitCode = code;
}
