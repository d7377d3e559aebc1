// The hub scaled out as the README's "Running in production" runs it: api ×2, worker ×2 and one
// scheduler (`omnihub start --role …`, each a real OS process) on one PostgreSQL and one Redis.
// The drill SIGKILLs workers and starts them again. Like the compose file's
// `restart: unless-stopped`, the fleet also restarts at once any process that exits on its
// own, and keeps each such crash (with the last lines it printed) for the drill's figures.
import { join } from 'node:path';
import { freePort } from '../../support/free-port.ts';
import { HubProcess } from '../hub-process.ts';

export interface FleetCrash {
  process: string;
  at: string;
  code: number | null;
  signal: string | null;
  tail: string;
}

export interface Fleet {
  apis: HubProcess[];
  workers: HubProcess[];
  scheduler: HubProcess;
  all: HubProcess[];
  /** SIGKILLs one worker (chosen with `random`) and starts it again a second later; false when it was already down. */
  killWorker(random: () => number): Promise<boolean>;
  /** Starts every process that is not running (after the drill's faults). */
  revive(): Promise<void>;
  /** Processes that exited without the drill stopping them. */
  crashes(): FleetCrash[];
  close(): Promise<void>;
}

const SUPERVISE_EVERY_MS = 250;

export async function startFleet(o: { work: string; env: Record<string, string> }): Promise<Fleet> {
  const names = new Map<HubProcess, string>();
  const make = async (role: 'api' | 'worker' | 'scheduler', n: number) => {
    const p = new HubProcess({ role, port: await freePort(), logFile: join(o.work, `${role}-${n}.log`), env: o.env });
    names.set(p, `${role}-${n}`);
    return p;
  };
  const apis = [await make('api', 1), await make('api', 2)];
  const workers = [await make('worker', 1), await make('worker', 2)];
  const scheduler = await make('scheduler', 1);
  const all = [...apis, ...workers, scheduler];
  // The schema is in place (the drill seeded it): nothing to migrate, all start together.
  await Promise.all(all.map((p) => p.start(180_000)));

  // Processes the drill (or the supervisor) is stopping or starting right now.
  const busy = new Set<HubProcess>();
  const restart = async (p: HubProcess) => {
    busy.add(p);
    try {
      await p.start(180_000);
    } catch {
      // It died again while starting: the next round tries again (and the crash is counted).
    } finally {
      busy.delete(p);
    }
  };
  let supervising = true;
  const supervisor = setInterval(() => {
    if (!supervising) return;
    for (const p of all) if (!p.running && !busy.has(p)) void restart(p);
  }, SUPERVISE_EVERY_MS);

  return {
    apis,
    workers,
    scheduler,
    all,
    async killWorker(random) {
      const w = workers[Math.floor(random() * workers.length)] as HubProcess;
      if (busy.has(w) || !w.running) return false;
      busy.add(w);
      try {
        await w.kill();
        await new Promise((r) => setTimeout(r, 1_000));
        await w.start(180_000);
      } finally {
        busy.delete(w);
      }
      return true;
    },
    async revive() {
      for (const p of all) if (!p.running && !busy.has(p)) await restart(p);
    },
    crashes() {
      return all.flatMap((p) => p.crashes.map((c) => ({ process: names.get(p) ?? '?', ...c })));
    },
    async close() {
      supervising = false;
      clearInterval(supervisor);
      while (busy.size) await new Promise((r) => setTimeout(r, 100));
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
