// Part of the propagation tail: a push whose only misses were compare-and-set (the shop's value
// moved while we wrote) is tried again at the account's next pacing slot rather than after the
// queue's backoff. Shown with a backoff and a sweep interval of an hour, so that the test can only
// pass through the path under test (the sweep would otherwise re-derive the push); no timing is
// asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockUpdate } from '../../connectors/connector.ts';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, product, shown, start, type World, world } from './helpers.ts';

const HOUR = 3_600_000;

describe.each(testDatabases())('propagation tail on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db);
    await product(w, 'PT-2', 10);
  });
  afterAll(() => db?.close());

  it('a push that only missed compare-and-set goes again at the next pacing slot, not after the backoff', async () => {
    let armed = false;
    let refused = 0;
    const connector = {
      ...w.connector,
      // The first push of PT-2 comes back as the connector hands back a batch whose values kept
      // moving through all its re-read rounds: every listing retryable, code "stale".
      async pushStock(account: Parameters<typeof w.connector.pushStock>[0], updates: StockUpdate[]) {
        if (armed && refused === 0 && updates.some((u) => u.listingId.endsWith(':PT-2'))) {
          refused += 1;
          return {
            confirmed: [],
            pending: [],
            failed: updates.map((u) => ({
              listingId: u.listingId,
              code: 'stale',
              message: 'Shopify value kept changing while we set it; retry later',
              retryable: true,
            })),
          };
        }
        return w.connector.pushStock(account, updates);
      },
    };
    const s = await start(w, 'memory', {
      connectors: { shopify: connector },
      tuning: { backoff: { baseMs: HOUR, maxMs: HOUR }, sweepIntervalMs: HOUR },
    });
    try {
      await eventually(() => shown(w, 'PT-2', 0) === 10 && shown(w, 'PT-2', 1) === 10, 'both shops show 10');
      armed = true;
      await adjust(db.prisma, 'sku-PT-2', 'wh', 5, 'receipt');
      await eventually(
        () => shown(w, 'PT-2', 0) === 15 && shown(w, 'PT-2', 1) === 15,
        'both shops show 15, one of them after a refused push',
      );
      expect(refused).toBe(1);
    } finally {
      await s.stop();
    }
  });
});
