// One process of the PostgreSQL ledger benchmark runs (forked by ledger-bench.ts, once per
// process count). argv[2] is a JSON WorkerConfig. Opens its own pool (as openDatabase builds
// it, with timing hooks; one connection per caller of its largest run) and serves the runs in
// turn: "prepare" (warm up, answer "ready"), "go" (run the callers, answer "done" with a
// CallerResult); "stop" ends it.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import {
  type Attempt,
  type BenchPath,
  ceilingAttempt,
  ormAttempt,
  runCallers,
  warmUp,
} from './ledger-bench-callers.ts';
import { instrumentPool } from './ledger-bench-timing.ts';

export interface WorkerConfig {
  url: string;
  locationId: string;
  /** Connections: the most callers this process will run at once. */
  poolSize: number;
}

export type WorkerCommand =
  | { type: 'prepare'; path: BenchPath; skuId: string; attemptsPerCaller: number[] }
  | { type: 'go' }
  | { type: 'stop' };

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));
const commands: WorkerCommand[] = [];
let wake: (() => void) | null = null;
process.on('message', (m: WorkerCommand) => {
  commands.push(m);
  wake?.();
});
async function next(): Promise<WorkerCommand> {
  while (commands.length === 0) await new Promise<void>((r) => (wake = r));
  return commands.shift()!;
}

const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
instrumentPool(pool);
// The same client openDatabase makes (PrismaPg over a pg pool of `max` connections), on a pool we can time.
const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
const ceiling = ceilingAttempt(async (text, params) => (await pool.query(text, params)).rows, config.locationId);
try {
  for (let cmd = await next(); cmd.type !== 'stop'; cmd = await next()) {
    if (cmd.type !== 'prepare') throw new Error(`bench worker: "${cmd.type}" before "prepare"`);
    const attempt: Attempt = cmd.path === 'ceiling' ? ceiling : ormAttempt(prisma, cmd.path, config.locationId);
    const callers = cmd.attemptsPerCaller.length;
    await warmUp(attempt, () => pool.query('SELECT 1 FROM pg_sleep(0.05)'), callers);
    await send({ type: 'ready' });
    const go = await next();
    if (go.type !== 'go') throw new Error(`bench worker: "${go.type}" instead of "go"`);
    await send({ type: 'done', result: await runCallers(attempt, cmd.skuId, cmd.attemptsPerCaller) });
  }
} finally {
  await prisma.$disconnect();
  await pool.end();
  process.disconnect();
}
