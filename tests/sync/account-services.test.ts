// The sync runtime hands connectors accounts completed with its services: `acquire` on the
// shared rate limiter for the operations the connector declares (PGlite: memory, PostgreSQL:
// the rate_buckets table), and `refreshCredentials` for a connector that can refresh. Driven
// through a real orders.poll job of a fake poll-only connector, on PGlite and PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { createAccount, loadAccountContext } from '../../core/accounts/accounts.ts';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import type { AccountContext, ChannelConnector } from '../../connectors/connector.ts';
import { startSync, type SyncRuntime } from '../../sync/runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, quietLogger } from './helpers.ts';

describe.each(testDatabases())('account services in the runtime on $kind', ({ open }) => {
  let db: Database | null = null;
  let runtime: SyncRuntime | null = null;
  afterEach(async () => {
    await runtime?.stop();
    await db?.close();
  });

  it('a poll waits on the declared bucket and can refresh its credentials mid-run', async () => {
    db = await open();
    const key = generateSecretKey();
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    await createAccount(db.prisma, key, {
      id: 'seller',
      type: 'amazon',
      name: 'Seller',
      credentials: { refreshToken: 'refresh-0' },
    });
    const seen: { refreshed?: AccountContext } = {};
    const connector = {
      type: 'amazon',
      limits: {
        stockBatchSize: 1,
        rateLimitModel: 'requests',
        ordersNeedPolling: true,
        supportsPickup: false,
        operations: { getOrders: { ratePerSecond: 1, burst: 5 } },
      },
      async pollOrders(account: AccountContext) {
        // Seven calls against a burst of five at one a second: two one-second waits.
        for (let i = 0; i < 7; i++) await account.acquire!('getOrders');
        seen.refreshed = await account.refreshCredentials!();
        return { events: [], cursor: null, hasMore: false };
      },
      async refreshCredentials(account: AccountContext) {
        return { stored: { refreshToken: `${account.credentials.refreshToken}-next` } };
      },
    } as unknown as ChannelConnector;
    runtime = await startSync({
      db,
      secretKey: key,
      connectors: { amazon: connector },
      logger: quietLogger(),
      clock,
      roles: { schedules: false, dispatcher: false },
    });
    await runtime.queue.add('orders.poll', { accountId: 'seller' });
    await eventually(() => seen.refreshed !== undefined, 'poll ran');
    expect(clock.slept).toBe(2000);
    expect(seen.refreshed?.credentials.refreshToken).toBe('refresh-0-next');
    expect((await loadAccountContext(db.prisma, key, 'seller')).credentials).toEqual({
      refreshToken: 'refresh-0-next',
    });
  });
});
