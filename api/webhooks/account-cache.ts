// Decrypted account contexts, kept briefly in memory: decrypting credentials (AES-GCM
// through WebCrypto) and reading the row on every webhook would dominate the request.
// The REST routes invalidate an account when they change it; other processes pick up a
// change within the TTL. Concurrent misses for one account share one load.
import { accountContextFrom, type AccountRows } from '../../core/accounts/account-rows.ts';
import type { AccountContext } from '../../core/accounts/accounts.ts';
import type { Clock } from '../../core/clock.ts';

export interface CachedAccount {
  context: AccountContext;
  active: boolean;
}

export class AccountCache {
  private readonly entries = new Map<string, { value: Promise<CachedAccount | null>; expires: number }>();

  constructor(
    readonly rows: AccountRows,
    private readonly secretKey: Uint8Array,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** The account with decrypted credentials, or null when it does not exist. */
  get(accountId: string): Promise<CachedAccount | null> {
    const now = this.clock.nowMs();
    const hit = this.entries.get(accountId);
    if (hit && hit.expires > now) return hit.value;
    const value = this.load(accountId);
    if (this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      const entry = { value, expires: now + this.ttlMs };
      this.entries.set(accountId, entry);
      // Unknown accounts and failures are not remembered: the next request asks again.
      value.then(
        (v) => {
          if (v === null && this.entries.get(accountId) === entry) this.entries.delete(accountId);
        },
        () => {
          if (this.entries.get(accountId) === entry) this.entries.delete(accountId);
        },
      );
    }
    return value;
  }

  invalidate(accountId: string): void {
    this.entries.delete(accountId);
  }

  clear(): void {
    this.entries.clear();
  }

  private load(accountId: string): Promise<CachedAccount | null> {
    return accountContextFrom(this.rows, this.secretKey, accountId);
  }
}
