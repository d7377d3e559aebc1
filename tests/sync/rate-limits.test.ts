// Channel rate limits shared across processes: two workers, each with its own limiter and its
// own store client (as two processes would have), acquire through accounts completed by the
// sync runtime's decorator for a connector that declares "burst 5, 1 per second". A fake
// channel enforcing that limit refuses nothing, and the 20 calls take at least the 15 s of
// simulated time the limit demands (5 at once, then one per second). On Redis (one Lua
// script), PostgreSQL and PGlite (one conditional upsert), and in memory (one process).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { AccountContext, ChannelConnector } from '../../connectors/connector.ts';
import { openDatabase } from '../../core/db/database.ts';
import { accountDecorator } from '../../sync/account-services.ts';
import { MemoryRateStore, RateLimiter, type RateStore } from '../../sync/rate/bucket.ts';
import { PostgresRateStore } from '../../sync/rate/postgres-store.ts';
import { RedisRateStore } from '../../sync/rate/redis-store.ts';
import { testDatabases } from '../support/databases.ts';
import { SimClock } from '../support/sim-clock.ts';
import { REDIS_URL } from './helpers.ts';

const START = Date.parse('2026-03-01T00:00:00Z');
const LIMIT = { ratePerSecond: 1, burst: 5 };

/** The vendor's side: its own bucket; a call without a token is refused (a 429). */
function fakeChannel(clock: SimClock) {
  let tokens = LIMIT.burst;
  let at = clock.nowMs();
  const calls = { served: 0, refused: 0 };
  return {
    calls,
    call() {
      const now = clock.nowMs();
      tokens = Math.min(LIMIT.burst, tokens + ((now - at) / 1000) * LIMIT.ratePerSecond);
      at = now;
      if (tokens + 1e-9 < 1) calls.refused += 1;
      else {
        tokens -= 1;
        calls.served += 1;
      }
    },
  };
}

const connector = {
  type: 'amazon',
  limits: {
    stockBatchSize: 1,
    rateLimitModel: 'requests',
    ordersNeedPolling: true,
    supportsPickup: false,
    operations: { getOrders: LIMIT },
  },
} as unknown as ChannelConnector;

const account: AccountContext = { id: 'seller-1', type: 'amazon', name: 'Seller', credentials: {}, settings: {} };

/** Two workers with a store each (from `stores`), 10 calls each; returns what the channel saw and the time taken. */
async function twoWorkers(stores: [RateStore, RateStore]) {
  const clock = new SimClock(START, 2);
  const channel = fakeChannel(clock);
  const worker = async (store: RateStore) => {
    const ctx = accountDecorator({ limiter: new RateLimiter(store, clock), refresher: null })(account, connector);
    try {
      for (let i = 0; i < 10; i++) {
        await ctx.acquire!('getOrders');
        channel.call();
      }
    } finally {
      clock.done();
    }
  };
  await Promise.all(stores.map(worker));
  return { ...channel.calls, elapsedMs: clock.nowMs() - START };
}

function expectShared(r: { served: number; refused: number; elapsedMs: number }) {
  expect(r.refused).toBe(0);
  expect(r.served).toBe(20);
  expect(r.elapsedMs).toBeGreaterThanOrEqual(15_000);
}

describe('shared rate limits on Redis', () => {
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients) await c.quit();
  });

  it('two workers with their own Redis clients share one bucket per account and operation', async () => {
    const prefix = `omnihub-ratetest-${randomBytes(4).toString('hex')}`;
    const store = () => {
      const c = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      clients.push(c);
      return new RedisRateStore(c, prefix);
    };
    const stores: [RateStore, RateStore] = [store(), store()];
    expectShared(await twoWorkers(stores));
    const keys = await clients[0]!.keys(`${prefix}:rate:*`);
    expect(keys).toEqual([`${prefix}:rate:seller-1|getOrders`]);
    await clients[0]!.del(...keys);
  });
});

describe.each(testDatabases())('shared rate limits on $kind', ({ kind, open }) => {
  it('two workers with their own database clients share one bucket per account and operation', async () => {
    const db = await open();
    // PGlite is one process with one connection; PostgreSQL gets a second client, as a second process would.
    const url = (db as { url?: string }).url;
    const other = kind === 'postgres' && url ? await openDatabase({ url, migrate: false, poolSize: 2 }) : null;
    try {
      expectShared(await twoWorkers([new PostgresRateStore(db.prisma), new PostgresRateStore((other ?? db).prisma)]));
      const rows = await db.prisma.rateBucket.findMany({ select: { key: true } });
      expect(rows.map((r) => r.key)).toEqual(['seller-1|getOrders']);
    } finally {
      await other?.close();
      await db.close();
    }
  });
});

describe('shared rate limits in memory', () => {
  it('two workers of one process share one bucket', async () => {
    const store = new MemoryRateStore();
    expectShared(await twoWorkers([store, store]));
  });

  it('does not wait for an operation the connector declares no limit for', async () => {
    const clock = new SimClock(START, 1);
    const ctx = accountDecorator({ limiter: new RateLimiter(new MemoryRateStore(), clock), refresher: null })(
      account,
      connector,
    );
    for (let i = 0; i < 50; i++) await ctx.acquire!('getCatalogItem');
    expect(clock.nowMs()).toBe(START);
  });
});
