// Remembers looked-up API keys for a few seconds, so a burst of requests costs one query.
// Revoking through this process clears it at once; other processes see a revocation
// within the TTL.
import type { ApiKeyRecord } from '../../core/auth/api-keys.ts';
import type { Clock } from '../../core/clock.ts';

export class KeyCache {
  private readonly entries = new Map<string, { record: ApiKeyRecord | null; expires: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 1_000,
  ) {}

  async get(key: string, load: () => Promise<ApiKeyRecord | null>): Promise<ApiKeyRecord | null> {
    const now = this.clock.nowMs();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.record;
    const record = await load();
    // Unknown keys are not cached: a flood of random keys must not evict real ones.
    if (record && this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { record, expires: now + this.ttlMs });
    }
    return record;
  }

  clear(): void {
    this.entries.clear();
  }
}
