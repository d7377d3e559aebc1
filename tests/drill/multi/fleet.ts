// The hub scaled out as the README's "Running in production" runs it: api ×2, worker ×2 and one
// scheduler (`omnihub start --role …`, each a real OS process) on one PostgreSQL and one Redis.
// The drill SIGKILLs workers and starts them again.
import { join } from 'node:path';
import { freePort } from '../../support/free-port.ts';
import { HubProcess } from '../hub-process.ts';

export interface Fleet {
  apis: HubProcess[];
  workers: HubProcess[];
  scheduler: HubProcess;
  all: HubProcess[];
  /** SIGKILLs one worker (chosen with `random`) and starts it again a second later. */
  killWorker(random: () => number): Promise<void>;
  /** Starts every process that is not running (after the drill's faults). */
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startFleet(o: { work: string; env: Record<string, string> }): Promise<Fleet> {
  const make = async (role: 'api' | 'worker' | 'scheduler', n: number) =>
    new HubProcess({ role, port: await freePort(), logFile: join(o.work, `${role}-${n}.log`), env: o.env });
  const apis = [await make('api', 1), await make('api', 2)];
  const workers = [await make('worker', 1), await make('worker', 2)];
  const scheduler = await make('scheduler', 1);
  const all = [...apis, ...workers, scheduler];
  // The schema is in place (the drill seeded it): nothing to migrate, all start together.
  await Promise.all(all.map((p) => p.start(180_000)));
  return {
    apis,
    workers,
    scheduler,
    all,
    async killWorker(random) {
      const w = workers[Math.floor(random() * workers.length)] as HubProcess;
      await w.kill();
      await new Promise((r) => setTimeout(r, 1_000));
      await w.start(180_000);
    },
    async revive() {
      for (const p of all) if (!p.running) await p.start(180_000);
    },
    async close() {
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
