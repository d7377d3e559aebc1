// The hub `npm start` runs (api/main.ts → api/hub.ts: the API with the webhook door, the
// synchronizer with its in-process queue and inbox processing, the schedules), started as its
// own process on a scratch PostgreSQL database, for `npm run bench:webhooks`; or, scaled out,
// one part of it (`omnihub start --role api|worker`, api/process-roles.ts) sharing the database
// and a Redis with the others. Configured only through the environment, as a merchant configures
// it; its CPU time is read from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'api', 'main.ts');
/** The `omnihub` command line, for `start --role` (node + tsx on it, as `npm run omnihub` runs it). */
const CLI = join(import.meta.dirname, '..', '..', 'api', 'cli', 'main.ts');
/** Linux reports process CPU time in clock ticks of USER_HZ, 100 on every common kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface HubProcess {
  url: string;
  /** CPU seconds (user + system) the hub process has used so far; null where /proc is missing. */
  cpuSeconds(): Promise<number | null>;
  stop(): Promise<void>;
}

async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is the first, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function waitHealthy(url: string, child: ChildProcess, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the hub exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the hub did not answer ${url}/health within ${limitMs / 1000} s`);
}

/**
 * Starts `npm start`'s entry point (node + tsx on api/main.ts, as the npm script runs it) with
 * DATABASE_URL (or, without one, the embedded PGlite in `dataDir`), the secret key and a free
 * port; with a `role`, `omnihub start --role <role>` with REDIS_URL instead. Its working
 * directory is an empty temporary one, so no developer .env leaks in; REDIS_URL is left out
 * unless given (the default in-process queue). Its logs (info level, as in production) go to
 * /dev/null, its stderr to ours.
 */
export async function startHubProcess(o: {
  databaseUrl?: string;
  /** The PGlite data directory when there is no databaseUrl. */
  dataDir?: string;
  secretKey: string;
  /** OMNIHUB_ADMIN_TOKEN, so that the bench can read /metrics. */
  adminToken?: string;
  /** One part of the hub (`omnihub start --role`); needs databaseUrl and redisUrl. */
  role?: 'api' | 'worker';
  redisUrl?: string;
}): Promise<HubProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'omnihub-bench-hub-'));
  const port = await freePort();
  const { REDIS_URL: _redis, OMNIHUB_ADMIN_TOKEN: _token, DATABASE_URL: _db, ...inherited } = process.env;
  const entry = o.role ? [CLI, 'start', '--role', o.role] : [MAIN];
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ...entry], {
    cwd: dir,
    env: {
      ...inherited,
      ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
      ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
      ...(o.adminToken ? { OMNIHUB_ADMIN_TOKEN: o.adminToken } : {}),
      OMNIHUB_SECRET_KEY: o.secretKey,
      OMNIHUB_DATA_DIR: o.dataDir ?? dir,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(url, child, 90_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, cpuSeconds: () => cpuSeconds(child.pid ?? -1), stop };
}
