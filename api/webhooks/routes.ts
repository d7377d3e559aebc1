// The webhook door: POST (and GET, for challenges such as eBay's) /webhooks/:accountId.
// Resolve the account, read the raw bytes under a size cap, let the account's connector
// verify them, store the events in the inbox (a duplicate is a no-op) and answer at once;
// the processing is left to jobs. Nothing is stored unless every check passed.
import { Hono } from 'hono';
import type { ChannelConnector, ChannelType } from '../../connectors/connector.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { AppLogger } from '../app.ts';
import type { HubMetrics } from '../../core/metrics/hub-metrics.ts';
import type { AccountCache } from './account-cache.ts';
import { guardContent, recordAltered } from './content-guard.ts';
import { type Clock, systemClock } from '../../core/clock.ts';
import { readBodyCapped } from './read-body.ts';
import { InboxWriter, type InboxWriterOptions } from './inbox-writer.ts';

export const DEFAULT_WEBHOOK_MAX_BYTES = 5 * 1024 * 1024;

export interface WebhookDeps {
  /** Where inbox rows are written (the database's door client: first in line on PGlite). */
  prisma: PrismaClient;
  connectors: Partial<Record<ChannelType, ChannelConnector>>;
  accounts: AccountCache;
  logger: AppLogger;
  metrics: HubMetrics;
  maxBytes?: number;
  /** Group commit of inbox writes (see inbox-writer.ts). */
  writer?: InboxWriterOptions;
  onInboxEvents?: (accountId: string) => void | Promise<void>;
  /** Dates the exceptions the door opens (content-guard.ts). */
  clock?: Clock;
}

type Env = { Variables: { requestId: string } };

export function webhookRoutes(deps: WebhookDeps): Hono<Env> {
  const app = new Hono<Env>();
  const maxBytes = deps.maxBytes ?? DEFAULT_WEBHOOK_MAX_BYTES;
  const { metrics } = deps;
  const inbox = new InboxWriter(deps.prisma, deps.writer);

  function kick(accountId: string) {
    if (!deps.onInboxEvents) return;
    // Never delays or fails the answer to the channel.
    Promise.resolve()
      .then(() => deps.onInboxEvents?.(accountId))
      .catch((err) => deps.logger.warn({ err, accountId }, 'onInboxEvents hook failed'));
  }

  app.on(['POST', 'GET', 'PUT', 'DELETE', 'PATCH'], '/webhooks/:accountId', async (c) => {
    const accountId = c.req.param('accountId');
    const requestId = c.get('requestId');
    const fail = (status: 400 | 401 | 404 | 405 | 412 | 413 | 500, code: string, message: string) =>
      c.json({ error: { code, message, ...(requestId ? { requestId } : {}) } }, status);

    const account = await deps.accounts.get(accountId);
    const connector = account ? deps.connectors[account.context.type] : undefined;
    if (!account?.active || !connector) {
      metrics.webhookRequests.inc({ channel: account?.context.type ?? 'unknown', outcome: 'unknown_account' });
      return fail(
        404,
        'not_found',
        account && !connector ? `no connector for channel type ${account.context.type}` : 'unknown channel account',
      );
    }
    const channel = account.context.type;
    const done = metrics.webhookDuration.startTimer({ channel });

    const body = await readBodyCapped(c.req.raw, maxBytes);
    if (!body.ok) {
      const tooLarge = body.reason === 'too_large';
      metrics.webhookRequests.inc({ channel, outcome: tooLarge ? 'too_large' : 'bad_request' });
      return tooLarge
        ? fail(413, 'payload_too_large', `webhook bodies are limited to ${maxBytes} bytes`)
        : fail(400, 'invalid_request', 'Content-Length is not a number');
    }

    let result: Awaited<ReturnType<typeof connector.verifyWebhook>>;
    let stored = 0;
    try {
      result = await connector.verifyWebhook(account.context, {
        method: c.req.method,
        url: c.req.url,
        headers: c.req.raw.headers,
        rawBody: body.bytes,
      });
      if (result.ok) {
        // Content PostgreSQL cannot store is made storable and reported, never answered 500 (content-guard.ts).
        const guarded = guardContent(result.events);
        stored = await inbox.write(accountId, guarded.events);
        if (guarded.altered.length > 0) {
          await recordAltered(deps.prisma, accountId, guarded.altered, (deps.clock ?? systemClock).now());
        }
      }
    } catch (err) {
      // A 500 makes the channel deliver again later; nothing was stored.
      metrics.webhookRequests.inc({ channel, outcome: 'error' });
      throw err;
    }
    if (!result.ok) {
      metrics.webhookVerifyFailures.inc({ channel, code: result.code });
      metrics.webhookRequests.inc({ channel, outcome: 'rejected' });
      deps.logger.warn({ accountId, channel, status: result.status, code: result.code, requestId }, 'webhook refused');
      return fail(result.status, result.code, result.message);
    }
    if (stored > 0) {
      metrics.inboxEventsStored.inc({ channel, source: 'webhook' }, stored);
      kick(accountId);
    }
    metrics.webhookRequests.inc({
      channel,
      outcome: stored > 0 || result.events.length === 0 ? 'accepted' : 'duplicate',
    });
    done();
    if (result.reply) {
      return c.body(result.reply.body, result.reply.status as 200, { 'Content-Type': result.reply.contentType });
    }
    return c.json({ received: result.events.length, stored }, 200);
  });

  return app;
}
