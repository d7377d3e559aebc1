// The webhook doors: POST (and GET, for challenges such as eBay's) /webhooks/:accountId for
// webhooks signed per account, and /webhooks/channel/:type for webhooks sent to the channel's
// application (signed with the app's secret, routed by the merchant id in the payload).
// Read the raw bytes under a size cap, let the connector verify them, store the events in the
// account's inbox (a duplicate is a no-op) and answer at once; the processing is left to jobs.
// Nothing is stored unless every check passed. Both doors store through one function.
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ChannelType, InboundEvent, WebhookDoor } from '../../connectors/connector.ts';
import { CHANNEL_TYPES } from '../../core/accounts/accounts.ts';
import type { RawSql } from '../../core/db/sql.ts';
import type { AppLogger } from '../app.ts';
import type { HubMetrics } from '../../core/metrics/hub-metrics.ts';
import type { AccountCache } from './account-cache.ts';
import type { AppCache } from './app-cache.ts';
import { guardContent, recordAltered } from './content-guard.ts';
import { type Clock, systemClock } from '../../core/clock.ts';
import { readBodyCapped } from './read-body.ts';
import { InboxWriter, type InboxWriterOptions } from './inbox-writer.ts';
import { accountsWithIdentity } from './route-by-identity.ts';
import { recordUnrouted } from './unrouted.ts';

export const DEFAULT_WEBHOOK_MAX_BYTES = 5 * 1024 * 1024;

export interface WebhookDeps {
  /** Where inbox rows and the door's exceptions are written (the database's door client: first in line on PGlite). */
  sql: RawSql;
  /** The channels' doors (a full connector is one; the edge passes connectors/webhook-doors.ts). */
  connectors: Partial<Record<ChannelType, WebhookDoor>>;
  accounts: AccountCache;
  /** App-level credentials per channel type (the /webhooks/channel/:type door); absent: that door answers 404. */
  apps?: AppCache;
  /** OMNIHUB_PUBLIC_URL: the origin channels call, over which URL-covering signatures are computed. */
  publicUrl?: string | undefined;
  logger: AppLogger;
  metrics: HubMetrics;
  maxBytes?: number;
  /** Group commit of inbox writes (see inbox-writer.ts). */
  writer?: InboxWriterOptions;
  /**
   * How verified events reach the inbox; default: an InboxWriter on `sql` (group commit across
   * requests). The edge stores each request's events on that request's own connection.
   */
  inbox?: { write(accountId: string, events: InboundEvent[]): Promise<number> };
  /**
   * Erases a buyer's personal data when a channel says so (eBay's account deletion notice);
   * absent (the edge: erasure is a long transaction through Prisma), such a notice is answered
   * 503 and nothing is stored, so the channel delivers it again, to the origin's door.
   */
  erase?: (type: ChannelType, door: WebhookDoor, person: { externalBuyerId: string; reason: string }) => Promise<void>;
  onInboxEvents?: (accountId: string) => void | Promise<void>;
  /** Dates the exceptions the door opens (content-guard.ts). */
  clock?: Clock;
}

type Env = { Variables: { requestId: string } };
type Reply = { status: number; contentType: string; body: string } | null | undefined;
type FailStatus = 400 | 401 | 404 | 405 | 412 | 413 | 500 | 503;

/** The address of a channel type's app door as the channel calls it. */
export function appWebhookAddress(base: string, type: ChannelType): string {
  return `${base.replace(/\/+$/, '')}/webhooks/channel/${type}`;
}

export function webhookRoutes(deps: WebhookDeps): Hono<Env> {
  const app = new Hono<Env>();
  const maxBytes = deps.maxBytes ?? DEFAULT_WEBHOOK_MAX_BYTES;
  const { metrics } = deps;
  const inbox = deps.inbox ?? new InboxWriter(deps.sql, deps.writer);
  const clock = deps.clock ?? systemClock;

  function kick(accountId: string) {
    if (!deps.onInboxEvents) return;
    // Never delays or fails the answer to the channel.
    Promise.resolve()
      .then(() => deps.onInboxEvents?.(accountId))
      .catch((err) => deps.logger.warn({ err, accountId }, 'onInboxEvents hook failed'));
  }

  const failWith = (c: Context<Env>) => (status: FailStatus, code: string, message: string) => {
    const requestId = c.get('requestId');
    return c.json({ error: { code, message, ...(requestId ? { requestId } : {}) } }, status);
  };

  /** Reads the body under the cap; a refusal is answered (and counted) here. */
  async function readBody(c: Context<Env>, channel: string) {
    const body = await readBodyCapped(c.req.raw, maxBytes);
    if (body.ok) return { bytes: body.bytes };
    const tooLarge = body.reason === 'too_large';
    metrics.webhookRequests.inc({ channel, outcome: tooLarge ? 'too_large' : 'bad_request' });
    return {
      refused: tooLarge
        ? failWith(c)(413, 'payload_too_large', `webhook bodies are limited to ${maxBytes} bytes`)
        : failWith(c)(400, 'invalid_request', 'Content-Length is not a number'),
    };
  }

  /** Stores verified events in an account's inbox: the one write path of both doors. Returns how many were new. */
  async function store(accountId: string, channel: string, events: InboundEvent[]): Promise<number> {
    // Content PostgreSQL cannot store is made storable and reported, never answered 500 (content-guard.ts).
    const guarded = guardContent(events);
    const stored = await inbox.write(accountId, guarded.events);
    if (guarded.altered.length > 0) await recordAltered(deps.sql, accountId, guarded.altered, clock.now());
    if (stored > 0) {
      metrics.inboxEventsStored.inc({ channel, source: 'webhook' }, stored);
      kick(accountId);
    }
    return stored;
  }

  function refused(
    c: Context<Env>,
    channel: string,
    r: { status: FailStatus; code: string; message: string },
    log: object,
  ) {
    metrics.webhookVerifyFailures.inc({ channel, code: r.code });
    metrics.webhookRequests.inc({ channel, outcome: 'rejected' });
    deps.logger.warn(
      { ...log, channel, status: r.status, code: r.code, requestId: c.get('requestId') },
      'webhook refused',
    );
    return failWith(c)(r.status, r.code, r.message);
  }

  function answer(c: Context<Env>, channel: string, received: number, stored: number, reply: Reply) {
    metrics.webhookRequests.inc({ channel, outcome: stored > 0 || received === 0 ? 'accepted' : 'duplicate' });
    // A 204 carries no body at all (a Response with one is refused).
    if (reply?.status === 204) return c.body(null, 204);
    if (reply) return c.body(reply.body, reply.status as 200, { 'Content-Type': reply.contentType });
    return c.json({ received, stored }, 200);
  }

  /** Runs a step that may throw: a 500 makes the channel deliver again later; nothing was stored. */
  async function guarded<T>(channel: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      metrics.webhookRequests.inc({ channel, outcome: 'error' });
      throw err;
    }
  }

  // Registered before /webhooks/:accountId (which has one segment less and never matches it).
  app.on(['POST', 'GET'], '/webhooks/channel/:type', async (c) => {
    const fail = failWith(c);
    const type = c.req.param('type') as ChannelType;
    const connector = (CHANNEL_TYPES as readonly string[]).includes(type) ? deps.connectors[type] : undefined;
    if (!connector?.verifyAppWebhook) {
      metrics.webhookRequests.inc({ channel: connector ? type : 'unknown', outcome: 'unknown_account' });
      return fail(404, 'not_found', `no app-level webhooks for channel type ${type}`);
    }
    const credentials = await guarded(type, async () => (deps.apps ? deps.apps.get(type) : null));
    if (!credentials) {
      metrics.webhookRequests.inc({ channel: type, outcome: 'unknown_account' });
      deps.logger.warn({ channel: type }, 'app webhook for a channel type without app credentials');
      return fail(404, 'app_not_configured', `no app credentials for ${type}: PUT /api/v1/channel-apps/${type}`);
    }
    const done = metrics.webhookDuration.startTimer({ channel: type });
    const body = await readBody(c, type);
    if (body.refused) return body.refused;

    // The URL the channel signed is the one it was given: the public address, not what a proxy forwards to us.
    const requestUrl = new URL(c.req.url);
    const notificationUrl = deps.publicUrl ? appWebhookAddress(deps.publicUrl, type) : null;
    const url = notificationUrl ? notificationUrl + requestUrl.search : c.req.url;
    const result = await guarded(type, () =>
      connector.verifyAppWebhook!(
        { type, credentials, notificationUrl },
        { method: c.req.method, url, headers: c.req.raw.headers, rawBody: body.bytes },
      ),
    );
    if (!result.ok) return refused(c, type, result, {});
    const erase = deps.erase;
    if ((result.erase ?? []).length > 0 && !erase) {
      metrics.webhookRequests.inc({ channel: type, outcome: 'error' });
      return fail(503, 'erasure_unavailable', 'this door cannot erase personal data: the channel delivers again');
    }
    for (const person of result.erase ?? []) {
      await guarded(type, () => (erase as NonNullable<typeof erase>)(type, connector, person));
    }

    let stored = 0;
    if (result.identity !== null) {
      const identity = result.identity;
      const targets = await guarded(type, () => accountsWithIdentity(deps.accounts, connector, type, identity));
      if (targets.length === 0) {
        // Answered 2xx on purpose: the door is shared by all of the app's merchants, and vendors
        // retry (Square for 24-72 h) or mark the application down (eBay) when deliveries keep failing.
        // Nothing is stored; the exception says which id to give an account (polling catches up).
        metrics.webhookRequests.inc({ channel: type, outcome: 'unrouted' });
        deps.logger.warn(
          { channel: type, events: result.events.length, requestId: c.get('requestId') },
          'app webhook for no account',
        );
        await guarded(type, () => recordUnrouted(deps.sql, type, identity, result.events, clock.now()));
        done();
        return c.json({ received: result.events.length, stored: 0, routed: false }, 200);
      }
      for (const accountId of targets) stored += await guarded(type, () => store(accountId, type, result.events));
    } else if (result.events.length > 0) {
      return refused(c, type, { status: 400, code: 'no_identity', message: 'the notification names no merchant' }, {});
    }
    done();
    return answer(c, type, result.events.length, stored, result.reply);
  });

  app.on(['POST', 'GET', 'PUT', 'DELETE', 'PATCH'], '/webhooks/:accountId', async (c) => {
    const accountId = c.req.param('accountId');
    const fail = failWith(c);

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
    const body = await readBody(c, channel);
    if (body.refused) return body.refused;

    const result = await guarded(channel, () =>
      connector.verifyWebhook(account.context, {
        method: c.req.method,
        url: c.req.url,
        headers: c.req.raw.headers,
        rawBody: body.bytes,
      }),
    );
    if (!result.ok) return refused(c, channel, result, { accountId });
    const stored = await guarded(channel, () => store(accountId, channel, result.events));
    done();
    return answer(c, channel, result.events.length, stored, result.reply);
  });

  return app;
}
