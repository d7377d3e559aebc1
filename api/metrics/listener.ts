// The metrics-only listener (OMNIHUB_METRICS_PORT): GET /metrics, the same text as the api's
// /metrics (this process's registry plus the database-derived gauges and queue depths), on a
// port of its own without authentication, for a Prometheus on the private network. Worker and
// scheduler processes have no other /metrics: the counters their jobs keep (stock pushes,
// jobs run, inbox lag) are only in their own registry, so they are scraped here.
import { Hono } from 'hono';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { Logger } from '../../core/log.ts';
import type { MetricsRegistry } from '../../core/metrics/registry.ts';
import { type RunningServer, startServer } from '../server.ts';
import type { QueueDepths } from './db-gauges.ts';
import { metricsRoutes } from './routes.ts';

export interface MetricsListenerOptions {
  port: number;
  host: string;
  prisma: PrismaClient;
  registry: MetricsRegistry;
  logger: Logger;
  queueDepths?: QueueDepths;
}

export async function startMetricsListener(o: MetricsListenerOptions): Promise<RunningServer> {
  const app = new Hono();
  app.route(
    '/',
    metricsRoutes({
      prisma: o.prisma,
      registry: o.registry,
      logger: o.logger,
      ...(o.queueDepths ? { queueDepths: o.queueDepths } : {}),
    }),
  );
  app.notFound((c) => c.json({ error: 'not_found', message: 'this port serves GET /metrics only' }, 404));
  return startServer(app, { port: o.port, host: o.host }, o.logger);
}
