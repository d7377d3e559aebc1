// Token refresh and cleanup: the two schedules that keep an account usable and the tables small.
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import { purgeProcessed } from '../core/inbox/inbox.ts';
import type { Logger } from '../core/log.ts';
import { applyRetention, DEFAULT_PERSONAL_DATA_RETENTION_DAYS } from '../core/privacy/retention.ts';
import { type AccountCache, type ConnectorRegistry, personalKeysOf } from './connectors.ts';
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
  /** Orders whose buyer's personal data the retention erased in this run. */
  erased: number;
}

/**
 * Erases the personal data of orders closed longer ago than the retention, then deletes processed inbox rows and dispatched outbox rows older than their retention, by the
 * app clock: processed_at and dispatched_at are stamped from the same injected clock.
 */
export async function cleanup(
  deps: Pick<MaintenanceDeps, 'prisma' | 'logger' | 'clock' | 'connectors'>,
  opts: { inboxRetentionDays: number; outboxRetentionDays: number; personalDataRetentionDays?: number },
): Promise<CleanupResult> {
  const now = deps.clock.now();
  const { erased } = await applyRetention(deps.prisma, {
    retentionDays: opts.personalDataRetentionDays ?? DEFAULT_PERSONAL_DATA_RETENTION_DAYS,
    clock: deps.clock,
    personalKeys: personalKeysOf(deps.connectors),
  });
  const inbox = await purgeProcessed(deps.prisma, new Date(now.getTime() - opts.inboxRetentionDays * 86_400_000));
  const outbox = await deps.prisma.$executeRaw`
    DELETE FROM outbox_events WHERE dispatched_at IS NOT NULL
       AND dispatched_at < ${new Date(now.getTime() - opts.outboxRetentionDays * 86_400_000)}`;
  deps.logger.info({ inbox, outbox, erased }, 'old inbox and outbox rows deleted, personal data past retention erased');
  return { inbox, outbox, erased };
}
