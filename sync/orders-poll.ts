// The orders.poll job: reads the channel's changed orders page by page and stores them in the
// inbox. Each page's events and the cursor that follows them are stored in one transaction,
// so a crash never moves the cursor past events that were not kept and re-polls at most the
// page it was reading (a repeat is harmless: the inbox drops events it already has). Each
// committed page asks for an inbox run at once, so recovered orders land while the sweep goes on.
// The connector is told which versions the hub already holds (heldOrderVersions), so it reads
// whole only the orders webhooks did not bring.
import type { HeldOrderVersions } from '../connectors/connector.ts';
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import { storeEvents } from '../core/inbox/inbox.ts';
import type { Logger } from '../core/log.ts';
import { type AccountCache, type AccountSource, type ConnectorRegistry, openAccount } from './connectors.ts';

export interface PollDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  accountCache?: AccountCache;
  /** Completes a loaded account (in-memory tokens, shared rate limiter, mid-run refresh). */
  decorate?: AccountSource['decorate'];
  logger: Logger;
  clock: Clock;
}

export interface PollRun {
  pages: number;
  events: number;
  stored: number;
  /** The sweep stopped at maxPages: poll again soon. */
  more: boolean;
}

/**
 * The channel versions the hub holds of an account's orders, by external id (as the connector
 * stores it: Shopify's gid). An order recorded provisionally (fields the channel has not
 * confirmed, e.g. a pickup order's delivery method while its re-read failed) counts as not
 * held: the poll's read is what completes it.
 */
export function heldOrderVersions(prisma: PrismaClient, accountId: string): HeldOrderVersions {
  return async (externalIds) => {
    const rows = await prisma.order.findMany({
      where: { accountId, externalId: { in: externalIds }, unconfirmed: { isEmpty: true } },
      select: { externalId: true, channelUpdatedAt: true },
    });
    return new Map(rows.map((r) => [r.externalId, r.channelUpdatedAt.toISOString()]));
  };
}

export async function pollAccountOrders(
  deps: PollDeps,
  accountId: string,
  opts: {
    maxPages?: number;
    /** Called after each page that stored new events is committed: process them now, not after the sweep. */
    onStored?: (stored: number) => Promise<void>;
    /** Asked after each committed page: true when the process is stopping (the cursor keeps the rest). */
    stopping?: () => boolean;
  } = {},
): Promise<PollRun> {
  const run: PollRun = { pages: 0, events: 0, stored: 0, more: false };
  const handle = await openAccount(deps, accountId);
  if (!handle) return run;
  const row = await deps.prisma.channelAccount.findUnique({ where: { id: accountId }, select: { cursor: true } });
  let cursor: unknown = row?.cursor ?? null;
  const held = heldOrderVersions(deps.prisma, accountId);
  for (;;) {
    const page = await handle.connector.pollOrders(handle.account, cursor, deps.clock.now(), held);
    const stored = await deps.prisma.$transaction(async (tx) => {
      const ids = await storeEvents(tx, accountId, page.events);
      await tx.$executeRaw`
        UPDATE channel_accounts SET cursor = ${page.cursor === null || page.cursor === undefined ? null : JSON.stringify(page.cursor)}::jsonb,
               updated_at = now()
         WHERE id = ${accountId}`;
      return ids.length;
    });
    cursor = page.cursor;
    run.pages += 1;
    run.events += page.events.length;
    run.stored += stored;
    if (stored && opts.onStored) await opts.onStored(stored);
    if (!page.hasMore) break;
    if (run.pages >= (opts.maxPages ?? 20) || opts.stopping?.()) {
      run.more = true;
      break;
    }
  }
  if (run.stored) deps.logger.info({ accountId, ...run }, 'orders polled');
  return run;
}
