// `wrangler dev --local` (workerd from node_modules) for the Worker tests: started on a free port
// in its own process group, ready once /health answers at all, stopped with its workerd children.
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
// wrangler's CLI script run by this very Node (22): `node_modules/.bin/wrangler` would use
// whatever `node` is first on PATH, and wrangler 4 refuses Node < 22.12.
export const WRANGLER_JS = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');

/** Environment for every wrangler run: no metrics, no prompts, logs outside the repo. */
export function wranglerEnv(logDir: string): NodeJS.ProcessEnv {
  // The suite also runs with the date moved a year (faketime, issue 8). workerd never gets
  // ready under libfaketime's preload, and the Worker holds no time rule of its own, so its
  // runtime keeps the real clock.
  const { LD_PRELOAD: _preload, FAKETIME: _offset, ...env } = process.env;
  return {
    ...env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_LOG_PATH: logDir,
    CI: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

export interface WranglerDev {
  baseUrl: string;
  /** Everything wrangler and the Worker printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `wrangler dev --local` with these `--var`s; `logDir` holds its logs and local state. */
export async function startWranglerDev(vars: Record<string, string>, logDir: string): Promise<WranglerDev> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = [
    WRANGLER_JS,
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    join(logDir, 'state'),
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  // Own process group: wrangler starts workerd (and esbuild) children; kill them all.
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: wranglerEnv(logDir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), sig);
      } catch {
        // already gone
      }
    };
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    killGroup('SIGKILL'); // stragglers in the group (workerd) if wrangler left any
  };
  // Ready when /health answers at all (any status).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    try {
      await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`wrangler dev not ready after 30 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { baseUrl, output: () => output, stop };
}
