// The hub under drill as a real OS process running `npm start`'s entry (api/main.ts), so that
// SIGKILL is a real crash: no shutdown hook runs, in-flight transactions and in-process queues
// die with it. The port stays the same across restarts, as a hub behind a load balancer would.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface HubProcessOptions {
  port: number;
  env: Record<string, string>;
  /** Where the hub's stdout/stderr go (appended across restarts). */
  logFile: string;
  /** `omnihub start --role <role>` (api/cli/main.ts); unset: `npm start`'s entry (api/main.ts, role all). */
  role?: 'api' | 'worker' | 'scheduler';
}

export class HubProcess {
  private child: ChildProcess | null = null;
  private readonly log: WriteStream;
  readonly url: string;
  starts = 0;
  kills = 0;
  /** Exits the drill did not cause (no SIGKILL or stop of its own), with the log's last lines. */
  readonly crashes: { at: string; code: number | null; signal: string | null; tail: string }[] = [];
  private expectingExit = false;
  private recent: string[] = [];

  constructor(private readonly o: HubProcessOptions) {
    this.url = `http://127.0.0.1:${o.port}`;
    this.log = createWriteStream(o.logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the hub and waits until /health answers. */
  async start(timeoutMs = 120_000): Promise<void> {
    // node itself with tsx as a loader, not the tsx CLI: the CLI runs the hub in a grandchild
    // that a SIGKILL of the CLI would leave running (holding the port and the data directory).
    const entry = this.o.role
      ? [join('api', 'cli', 'main.ts'), 'start', '--role', this.o.role]
      : [join('api', 'main.ts')];
    const child = spawn(process.execPath, ['--import', 'tsx', ...entry], {
      env: { ...process.env, ...this.o.env, PORT: String(this.o.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.starts += 1;
    this.log.write(`\n=== start ${this.starts} pid ${child.pid} at ${new Date().toISOString()}\n`);
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    // The last lines kept in memory, so that a crash can be reported with its cause.
    this.recent = [];
    const keep = (chunk: Buffer) => {
      this.recent.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.recent.length > 40) this.recent.splice(0, this.recent.length - 40);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.expectingExit = false;
    child.once('exit', (code, signal) => {
      if (!this.expectingExit)
        this.crashes.push({ at: new Date().toISOString(), code, signal, tail: this.recent.slice(-15).join('\n') });
    });
    this.child = child;
    // A drill that dies (an uncaught error) takes its hub with it, never leaves it running.
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('exit', () => process.off('exit', orphaned));
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.running) throw new Error(`the hub exited during start (code ${child.exitCode}); see ${this.o.logFile}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the hub did not answer /health within ${timeoutMs} ms; see ${this.o.logFile}`);
  }

  /** A crash: SIGKILL, nothing flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.kills += 1;
    this.expectingExit = true;
    this.log.write(`\n=== SIGKILL pid ${child.pid} at ${new Date().toISOString()}\n`);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
  }

  /** A graceful stop (SIGTERM), so the data directory can be opened by the drill afterwards. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((r) => this.log.end(() => r()));
  }
}
