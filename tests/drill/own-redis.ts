// A Redis of the drill's own on a free port: the drill may stop it, never the shared one.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../support/free-port.ts';

export interface OwnRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function withoutFakeTime(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, FAKETIME: _offset, ...rest } = env;
  return rest;
}

/** Starts a Redis on a free port, or on `port` (to bring a stopped one back where its clients look). */
export async function startOwnRedis(logFile: string, port?: number): Promise<OwnRedis> {
  port ??= await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', logFile],
    // A server keeps its own clock, as PostgreSQL does when the suite runs under faketime (issue 8);
    // redis-server also cannot start under libfaketime's preload (its allocator recurses).
    { stdio: 'ignore', env: withoutFakeTime(process.env) },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused until the server listens: the loop below retries
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    try {
      await probe.connect();
      await probe.ping();
      up = true;
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  probe.disconnect();
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port} within 10 s (log: ${logFile})`);
  }
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
