// GET /metrics: the process registry plus the database-derived gauges, in Prometheus text.
// Every dependency it reads (the database, the job queues' counts in Redis) is a probe with
// a time limit: a dependency that is down or hangs is reported as a failed probe
// (`omnihub_metrics_probe_up{probe=…} 0`) instead of holding the scrape — /metrics must
// answer exactly when something is down.
import { Hono, type MiddlewareHandler } from 'hono';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../../core/metrics/registry.ts';
import type { AppLogger } from '../app.ts';
import { addDbMetrics, addQueueDepths, type QueueDepths } from './db-gauges.ts';

export interface MetricsDeps {
  prisma: PrismaClient;
  registry: MetricsRegistry;
  logger: AppLogger;
  queueDepths?: QueueDepths;
  /** Runs before rendering (authentication), when given. */
  guard?: MiddlewareHandler[];
  /** Time limit of each dependency probe (default 2000 ms); the probes run concurrently. */
  probeTimeoutMs?: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 2000;

class ProbeTimeout extends Error {}

type Probe<T> = { ok: true; value: T } | { ok: false; timedOut: boolean };

/** Runs one probe with a time limit (real time: a limit on waiting, not a rule of the hub). */
async function probe<T>(run: () => Promise<T>, timeoutMs: number, onError: (err: unknown) => void): Promise<Probe<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const value = await Promise.race([
      Promise.resolve().then(run),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, value };
  } catch (err) {
    onError(err);
    return { ok: false, timedOut: err instanceof ProbeTimeout };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export function metricsRoutes(deps: MetricsDeps): Hono {
  const app = new Hono();
  const timeoutMs = deps.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (deps.guard?.length) app.use('/metrics', ...deps.guard);
  app.get('/metrics', async (c) => {
    const warn = (probeName: string) => (err: unknown) =>
      deps.logger.warn({ err, probe: probeName }, 'metrics: probe failed, reported as down');
    const dbReg = new MetricsRegistry();
    const { queueDepths } = deps;
    const [db, queues] = await Promise.all([
      probe(() => addDbMetrics(dbReg, deps.prisma), timeoutMs, warn('database')),
      queueDepths ? probe(queueDepths, timeoutMs, warn('queues')) : null,
    ]);
    // The process metrics are still worth scraping when a dependency is down.
    const reg = db.ok ? dbReg : new MetricsRegistry();
    if (queues?.ok) addQueueDepths(reg, queues.value);
    const up = reg.gauge(
      'omnihub_metrics_probe_up',
      'Whether a dependency answered the metrics scrape in time (1) or failed or timed out (0)',
      ['probe'],
    );
    up.set({ probe: 'database' }, db.ok ? 1 : 0);
    if (queues) up.set({ probe: 'queues' }, queues.ok ? 1 : 0);
    reg
      .gauge('omnihub_db_metrics_up', 'Whether the database-derived metrics could be read')
      .set(undefined, db.ok ? 1 : 0);
    const timedOut = reg.gauge(
      'omnihub_metrics_probe_timed_out',
      'Whether a dependency probe ran out of time (1) rather than failing at once (0)',
      ['probe'],
    );
    timedOut.set({ probe: 'database' }, !db.ok && db.timedOut ? 1 : 0);
    if (queues) timedOut.set({ probe: 'queues' }, !queues.ok && queues.timedOut ? 1 : 0);
    return c.body(deps.registry.render() + reg.render(), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
  });
  return app;
}
