// The connectors the runtime may use, by channel type, handed in by the caller (api/main.ts,
// tests, the benchmark): sync never imports a channel itself.
import { loadAccountContext } from '../core/accounts/accounts.ts';
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import type { AccountContext, ChannelConnector, ChannelType } from '../connectors/connector.ts';
import { PermanentJobError } from './queue/types.ts';

export type ConnectorRegistry = Partial<Record<ChannelType, ChannelConnector>>;

/** Every channel's personal-data keys (erasure blanks them in stored payloads). */
export function personalKeysOf(connectors: ConnectorRegistry): string[] {
  return [...new Set(Object.values(connectors).flatMap((c) => c?.personalDataKeys ?? []))];
}

export interface AccountHandle {
  account: AccountContext;
  connector: ChannelConnector;
}

export interface AccountSource {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  /** Decrypted accounts kept for a few seconds (every job of an account needs one). */
  accountCache?: AccountCache;
  /**
   * Completes a loaded account for its connector (sync/account-services.ts): access tokens held
   * in this process's memory, the shared rate limiter, mid-run credential refresh.
   */
  decorate?: (account: AccountContext, connector: ChannelConnector) => AccountContext;
}

/** Loads an active account with its connector; null when the account is gone or inactive. */
export async function openAccount(src: AccountSource, accountId: string): Promise<AccountHandle | null> {
  const cached = src.accountCache?.get(accountId);
  if (cached !== undefined) return cached;
  const row = await src.prisma.channelAccount.findUnique({
    where: { id: accountId },
    select: { type: true, active: true },
  });
  let handle: AccountHandle | null = null;
  if (row?.active) {
    const connector = src.connectors[row.type];
    if (!connector) throw new PermanentJobError(`no connector registered for channel type ${row.type}`);
    const account = await loadAccountContext(src.prisma, src.secretKey, accountId);
    handle = { account: src.decorate ? src.decorate(account, connector) : account, connector };
  }
  src.accountCache?.set(accountId, handle);
  return handle;
}

/**
 * A short-lived per-process cache: credential changes and deactivation apply within `ttlMs`,
 * or at once when made through this process's API (SyncRuntime.forgetAccount).
 */
export class AccountCache {
  private readonly entries = new Map<string, { handle: AccountHandle | null; until: number }>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 5000,
  ) {}
  get(id: string): AccountHandle | null | undefined {
    const e = this.entries.get(id);
    if (!e || e.until < this.clock.nowMs()) return undefined;
    return e.handle;
  }
  set(id: string, handle: AccountHandle | null): void {
    this.entries.set(id, { handle, until: this.clock.nowMs() + this.ttlMs });
  }
  forget(id: string): void {
    this.entries.delete(id);
  }
}

/**
 * An error as text safe to store or log: the connector's code and message, with every
 * credential value of the account blanked out should one have slipped into a message.
 */
export function safeMessage(error: unknown, account?: AccountContext | null): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  let text = typeof e?.message === 'string' ? e.message : String(error);
  if (typeof e?.code === 'string' && !text.startsWith(e.code)) text = `${e.code}: ${text}`;
  for (const secret of Object.values(account?.credentials ?? {})) {
    if (secret && secret.length >= 4) text = text.split(secret).join('[redacted]');
  }
  return text.slice(0, 1000);
}
