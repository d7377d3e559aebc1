// The hub's in-process metrics, by name, for the layers that count them. DB-derived values
// (queue depths, oversells, orders per channel) are computed on scrape in db-gauges.ts.
import { type MetricsRegistry, metrics } from './registry.ts';

export function hubMetrics(registry: MetricsRegistry = metrics) {
  return {
    /** Webhook deliveries by outcome: accepted, duplicate, rejected, too_large, bad_request, unknown_account, unrouted (app-level, no account has the merchant), error. */
    webhookRequests: registry.counter(
      'omnihub_webhook_requests_total',
      'Webhook deliveries received, by channel and outcome',
      ['channel', 'outcome'],
    ),
    /** Deliveries whose signature or shape the connector refused (its code: invalid_hmac, ...). */
    webhookVerifyFailures: registry.counter(
      'omnihub_webhook_verify_failures_total',
      'Webhook deliveries refused by the channel connector, by channel and reason code',
      ['channel', 'code'],
    ),
    /** Channel events stored in the inbox for the first time (webhooks and polls): "orders in". */
    inboxEventsStored: registry.counter(
      'omnihub_inbox_events_stored_total',
      'Channel events stored in the inbox (duplicates excluded), by channel and source',
      ['channel', 'source'],
    ),
    webhookDuration: registry.histogram(
      'omnihub_webhook_duration_seconds',
      'Time to verify and store one webhook delivery',
      ['channel'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    ),
    /** For sync/: one observation per stock push call to a channel. */
    stockPushDuration: registry.histogram(
      'omnihub_stock_push_duration_seconds',
      'Duration of one stock push call to a channel, by channel and result',
      ['channel', 'result'],
    ),
    /** For sync/ and core callers: oversells seen by this process (the DB-derived total is omnihub_oversold_orders). */
    oversells: registry.counter('omnihub_oversells_total', 'Oversells detected by this process, by channel', [
      'channel',
    ]),
  };
}

export type HubMetrics = ReturnType<typeof hubMetrics>;
