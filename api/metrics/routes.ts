// GET /metrics: the process registry plus the database-derived gauges, in Prometheus text.
import { Hono, type MiddlewareHandler } from 'hono';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { AppLogger } from '../app.ts';
import { type QueueDepths, renderDbMetrics } from './db-gauges.ts';
import { type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../../core/metrics/registry.ts';

export interface MetricsDeps {
  prisma: PrismaClient;
  registry: MetricsRegistry;
  logger: AppLogger;
  queueDepths?: QueueDepths;
  /** Runs before rendering (authentication), when given. */
  guard?: MiddlewareHandler[];
}

export function metricsRoutes(deps: MetricsDeps): Hono {
  const app = new Hono();
  if (deps.guard?.length) app.use('/metrics', ...deps.guard);
  app.get('/metrics', async (c) => {
    let db = '';
    try {
      db = await renderDbMetrics(deps.prisma, deps.queueDepths);
    } catch (err) {
      // The process metrics are still worth scraping when the database is down.
      deps.logger.warn({ err }, 'metrics: database-derived gauges unavailable');
      db =
        '# HELP omnihub_db_metrics_up Whether the database-derived metrics could be read\n# TYPE omnihub_db_metrics_up gauge\nomnihub_db_metrics_up 0\n';
    }
    return c.body(deps.registry.render() + db, 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
  });
  return app;
}
