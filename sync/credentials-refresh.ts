// Token refresh without lost writes. Two processes refreshing one account at once would both
// spend the same refresh token — fatal where the channel rotates it (the loser stores a token
// the channel has already replaced) — and the old whole-map overwrite let a slower refresh
// undo a newer set. So a refresh runs:
// - one at a time per account: in this process behind a promise chain, across processes
//   behind a lease on the account row (refresh_lease / refresh_lease_until, a conditional
//   UPDATE, PGlite and PostgreSQL alike);
// - on the newest stored credentials, re-read under the lease: a caller that saw an older
//   version (its call was refused while another process refreshed) gets the newer set without
//   a second call to the channel;
// - stored with compare-and-set on credentials_version (core/accounts), so a set written
//   meanwhile (a person replacing the credentials) is kept whole, never mixed.
// Access tokens a connector marks as short-lived stay in this process's memory only.
import { randomUUID } from 'node:crypto';
import { type AccountContext, loadAccountContext, storeRefreshedCredentials } from '../core/accounts/accounts.ts';
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import type { Logger } from '../core/log.ts';
import { ConnectorError } from '../connectors/connector.ts';
import type { AccountCache, ConnectorRegistry } from './connectors.ts';

export interface RefreshDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  accountCache?: AccountCache;
  logger: Logger;
  clock: Clock;
}

/** Ephemeral values are dropped this long before the channel says they expire. */
const EXPIRY_MARGIN_MS = 60_000;

export class CredentialRefresher {
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly ephemeral = new Map<string, { values: Record<string, string>; untilMs: number }>();

  constructor(
    private readonly deps: RefreshDeps,
    /** How long a lease holds without its holder releasing it (a killed process), and how often a waiter looks. */
    private readonly lease = { holdMs: 30_000, pollMs: 100 },
  ) {}

  /** The account's stored credentials with this process's unexpired short-lived values laid over them. */
  withEphemeral(account: AccountContext): AccountContext {
    const e = this.ephemeral.get(account.id);
    if (!e) return account;
    if (e.untilMs <= this.deps.clock.nowMs()) {
      this.ephemeral.delete(account.id);
      return account;
    }
    return { ...account, credentials: { ...account.credentials, ...e.values } };
  }

  /**
   * Refreshes the account's credentials and returns the account as stored afterwards (without
   * this process's in-memory values: see withEphemeral). `seenVersion`: the version the caller
   * used when the channel refused it — when the stored version has moved since, the newer set
   * is returned without calling the channel; null (the schedule) always refreshes. `refused`:
   * the caller's in-memory token was refused, so it is dropped. Null when the account is gone,
   * inactive, or its connector does not refresh.
   */
  async refresh(
    accountId: string,
    seenVersion: number | null,
    opts: { refused?: boolean } = {},
  ): Promise<AccountContext | null> {
    const before = this.running.get(accountId) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.refreshHeld(accountId, seenVersion, opts));
    this.running.set(accountId, run);
    try {
      return await run;
    } finally {
      if (this.running.get(accountId) === run) this.running.delete(accountId);
    }
  }

  private async refreshHeld(
    accountId: string,
    seenVersion: number | null,
    opts: { refused?: boolean },
  ): Promise<AccountContext | null> {
    const { prisma, secretKey, connectors, clock, logger } = this.deps;
    const row = await prisma.channelAccount.findUnique({
      where: { id: accountId },
      select: { type: true, active: true },
    });
    const connector = row ? connectors[row.type] : undefined;
    if (!row?.active || !connector?.refreshCredentials) return null;
    if (opts.refused) this.ephemeral.delete(accountId);
    const token = randomUUID();
    await this.takeLease(accountId, token);
    try {
      const current = await loadAccountContext(prisma, secretKey, accountId);
      const version = current.credentialsVersion ?? 0;
      if (seenVersion !== null && version !== seenVersion) {
        this.deps.accountCache?.forget(accountId);
        return current;
      }
      const result = await connector.refreshCredentials(this.withEphemeral(current));
      if (!result) return current;
      if (result.ephemeral && Object.keys(result.ephemeral).length) {
        const expires = result.expiresAt ? Date.parse(result.expiresAt) : Number.NaN;
        const untilMs = Number.isFinite(expires) ? expires - EXPIRY_MARGIN_MS : clock.nowMs() + 5 * 60_000;
        this.ephemeral.set(accountId, { values: { ...result.ephemeral }, untilMs });
      }
      if (result.stored) {
        const stored = await storeRefreshedCredentials(
          prisma,
          secretKey,
          accountId,
          version,
          result.stored,
          clock.now(),
        );
        if (!stored) logger.warn({ accountId }, 'credentials changed during the token refresh: the newer set is kept');
      }
      this.deps.accountCache?.forget(accountId);
      logger.info({ accountId }, 'channel credentials refreshed');
      return await loadAccountContext(prisma, secretKey, accountId);
    } finally {
      await this.releaseLease(accountId, token);
    }
  }

  private async takeLease(accountId: string, token: string): Promise<void> {
    const { prisma, clock } = this.deps;
    const giveUpAt = clock.nowMs() + 2 * this.lease.holdMs;
    for (;;) {
      const now = clock.now();
      const taken = await prisma.$executeRaw`
        UPDATE channel_accounts SET refresh_lease = ${token}, refresh_lease_until = ${new Date(now.getTime() + this.lease.holdMs)}
         WHERE id = ${accountId} AND (refresh_lease_until IS NULL OR refresh_lease_until < ${now})`;
      if (taken === 1) return;
      if (clock.nowMs() >= giveUpAt) {
        throw new ConnectorError(
          'refresh_busy',
          `account ${accountId}: another process is refreshing its credentials`,
          {
            retryable: true,
            retryAfterMs: this.lease.holdMs,
          },
        );
      }
      await clock.sleep(this.lease.pollMs);
    }
  }

  private async releaseLease(accountId: string, token: string): Promise<void> {
    await this.deps.prisma.$executeRaw`
      UPDATE channel_accounts SET refresh_lease = NULL, refresh_lease_until = NULL
       WHERE id = ${accountId} AND refresh_lease = ${token}`;
  }
}
