// One process of a multi-process ledger benchmark run (forked by ledger-bench.ts).
// argv[2] is a JSON WorkerConfig. Opens its own pool (one connection per caller),
// says "ready", waits for "go", runs its callers and sends back a CallerResult.
import { openDatabase } from '../../core/db/database.ts';
import { type BenchPath, runCallers, warmUp } from './ledger-bench-callers.ts';

export interface WorkerConfig {
  url: string;
  path: BenchPath;
  skuId: string;
  locationId: string;
  attemptsPerCaller: number[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

const db = await openDatabase({ url: config.url, migrate: false, poolSize: config.attemptsPerCaller.length });
try {
  await warmUp(db.prisma, config.path, config.locationId, config.attemptsPerCaller.length);
  const go = new Promise((resolve) => process.once('message', resolve));
  await send({ type: 'ready' });
  await go;
  const result = await runCallers(db.prisma, config.path, config.skuId, config.locationId, config.attemptsPerCaller);
  await send({ type: 'done', result });
} finally {
  await db.close();
  process.disconnect();
}
