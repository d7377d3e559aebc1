/**
 * The edge door's webhook routes: the Node door's own routes (webhooks/routes.ts) with
 * Workers-sized parts. Every channel's verification (connectors/webhook-doors.ts), accounts and
 * app credentials read and decrypted by the same code as on Node (core/accounts/account-rows.ts
 * over plain SQL), and the same inbox statement (core/inbox/inbox.ts) on the request's own `pg`
 * connection. The Node workers (`omnihub start --role worker`) process what lands in the inbox:
 * they poll it, so the edge needs no queue.
 *
 * Not here, and why: erasure on a channel's deletion notice (a long Prisma transaction; answered
 * 503 so the channel delivers again to the origin), the group commit of the Node door (it shares
 * one connection between requests, which Workers forbid).
 */
import type { Hono } from 'hono';
import { webhookDoors } from '../connectors/webhook-doors.ts';
import { sqlAccountRows } from '../core/accounts/sql-account-rows.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { RawSql } from '../core/db/sql.ts';
import { storeEvents } from '../core/inbox/inbox.ts';
import { hubMetrics } from '../core/metrics/hub-metrics.ts';
import { MetricsRegistry } from '../core/metrics/registry.ts';
import type { AppLogger } from './app.ts';
import { AccountCache } from './webhooks/account-cache.ts';
import { AppCache } from './webhooks/app-cache.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export interface EdgeWebhookOptions {
  sql: RawSql;
  secretKey: Uint8Array;
  publicUrl?: string | undefined;
  logger: AppLogger;
  clock?: Clock;
  /** How long a decrypted account or app is reused by this isolate (default 60 s, as on Node). */
  cacheTtlMs?: number;
}

export function edgeWebhookRoutes(o: EdgeWebhookOptions): Hono<{ Variables: { requestId: string } }> {
  const clock = o.clock ?? systemClock;
  const rows = sqlAccountRows(o.sql);
  const ttl = o.cacheTtlMs ?? 60_000;
  return webhookRoutes({
    sql: o.sql,
    connectors: webhookDoors({ clock }),
    accounts: new AccountCache(rows, o.secretKey, clock, ttl),
    apps: new AppCache(rows, o.secretKey, clock, ttl),
    publicUrl: o.publicUrl,
    logger: o.logger,
    // Counted per isolate (no /metrics on the edge: Workers Analytics and the access log instead).
    metrics: hubMetrics(new MetricsRegistry()),
    clock,
    // One statement per delivery on the request's own connection.
    inbox: { write: async (accountId, events) => (await storeEvents(o.sql, accountId, events)).length },
  });
}
