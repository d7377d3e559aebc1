// Decrypted app credentials per channel type, kept briefly in memory like accounts
// (account-cache.ts): every app-level webhook needs them. PUT /api/v1/channel-apps/{type}
// invalidates the type in this process; other processes see a change within the TTL.
import type { ChannelType } from '../../core/accounts/accounts.ts';
import { type AccountRows, appCredentialsFrom } from '../../core/accounts/account-rows.ts';
import type { Clock } from '../../core/clock.ts';

export class AppCache {
  private readonly entries = new Map<ChannelType, { value: Promise<Record<string, string> | null>; expires: number }>();

  constructor(
    private readonly rows: AccountRows,
    private readonly secretKey: Uint8Array,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}

  /** The app's credentials, or null when none are set for the type. */
  get(type: ChannelType): Promise<Record<string, string> | null> {
    const now = this.clock.nowMs();
    const hit = this.entries.get(type);
    if (hit && hit.expires > now) return hit.value;
    const value = appCredentialsFrom(this.rows, this.secretKey, type);
    if (this.ttlMs > 0) {
      const entry = { value, expires: now + this.ttlMs };
      this.entries.set(type, entry);
      // Absent apps and failures are not remembered: setting them takes effect at once.
      value.then(
        (v) => {
          if (v === null && this.entries.get(type) === entry) this.entries.delete(type);
        },
        () => {
          if (this.entries.get(type) === entry) this.entries.delete(type);
        },
      );
    }
    return value;
  }

  invalidate(type: ChannelType): void {
    this.entries.delete(type);
  }
}
