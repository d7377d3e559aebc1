// Token refresh and cleanup: the two schedules that keep an account usable and the tables small.
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import { purgeProcessed } from '../core/inbox/inbox.ts';
import type { Logger } from '../core/log.ts';
import type { AccountCache, ConnectorRegistry } from './connectors.ts';
import type { CredentialRefresher } from './credentials-refresh.ts';

export interface MaintenanceDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  accountCache?: AccountCache;
  logger: Logger;
  clock: Clock;
  refresher: CredentialRefresher;
}

/**
 * The `token.refresh` schedule: lets a connector that implements refreshCredentials renew the
 * account's tokens (credentials-refresh.ts: one refresh across processes, compare-and-set).
 * False when there is nothing to refresh.
 */
export async function refreshAccountToken(
  deps: Pick<MaintenanceDeps, 'refresher'>,
  accountId: string,
): Promise<boolean> {
  return (await deps.refresher.refresh(accountId, null)) !== null;
}

export interface CleanupResult {
  inbox: number;
  outbox: number;
}

/**
 * Deletes processed inbox rows and dispatched outbox rows older than their retention, by the
 * app clock: processed_at and dispatched_at are stamped from the same injected clock.
 */
export async function cleanup(
  deps: Pick<MaintenanceDeps, 'prisma' | 'logger' | 'clock'>,
  opts: { inboxRetentionDays: number; outboxRetentionDays: number },
): Promise<CleanupResult> {
  const now = deps.clock.now();
  const inbox = await purgeProcessed(deps.prisma, new Date(now.getTime() - opts.inboxRetentionDays * 86_400_000));
  const outbox = await deps.prisma.$executeRaw`
    DELETE FROM outbox_events WHERE dispatched_at IS NOT NULL
       AND dispatched_at < ${new Date(now.getTime() - opts.outboxRetentionDays * 86_400_000)}`;
  deps.logger.info({ inbox, outbox }, 'old inbox and outbox rows deleted');
  return { inbox, outbox };
}
