// Writers of several listings take their row locks in id order (core/db/listing-locks.ts), so
// two of them crossing on the same listings wait for each other instead of deadlocking (which
// PostgreSQL only breaks after its 1 s deadlock timeout, and the push is retried after a backoff).
// The check: while another transaction holds the lower listing, a writer given both listings in
// the opposite order must be waiting for it *without holding the higher one*. Locking in the
// order of its own join, it takes the higher one first and the two would deadlock.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { recordPush } from '../../sync/stock/record.ts';
import { recomputeTargets } from '../../sync/stock/recompute.ts';
import { takeSoldUnits } from '../../sync/stock/beliefs.ts';
import { testDatabases } from '../support/databases.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

const postgres = testDatabases().filter((d) => d.kind === 'postgres');

describe.each(postgres)('multi-listing writes lock in id order on $kind', ({ open }) => {
  let db: Database & { url?: string };
  const clients: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await open({ poolSize: 5 });
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh', externalLocationId: 'loc-1' }]);
    // The higher id first on disk: a join that follows the table or the argument order meets it first.
    for (const [id, code] of [
      ['lst-b', 'B'],
      ['lst-a', 'A'],
    ] as const) {
      const sku = await seedSku(db.prisma, code);
      await stock(db.prisma, sku.id, 'wh', 10);
      await db.prisma.listing.create({
        data: { id, skuId: sku.id, accountId: 'shop', externalStockId: `item-${code}`, lastConfirmedQty: 10 },
      });
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await db?.close();
  });

  const writers: [string, () => Promise<unknown>][] = [
    [
      'recording a push answer',
      () =>
        recordPush(
          db.prisma,
          'shop',
          ['lst-b', 'lst-a'].map((id) => ({
            listingId: id,
            externalStockId: `item-${id}`,
            externalLocationId: 'loc-1',
            quantity: 3,
            previousQuantity: 10,
          })),
          {
            confirmed: [
              { listingId: 'lst-b', quantity: 3 },
              { listingId: 'lst-a', quantity: 3 },
            ],
            failed: [],
            pending: [],
          },
        ),
    ],
    [
      'taking sold units off the belief',
      () =>
        takeSoldUnits(
          db.prisma,
          'shop',
          new Map([
            ['B', 1],
            ['A', 1],
          ]),
        ),
    ],
    ['recomputing targets', () => db.prisma.$transaction((tx) => recomputeTargets(tx, ['sku-B', 'sku-A'], 5))],
  ];

  it.each(writers)('%s waits for the lower listing before it takes the higher one', async (_, write) => {
    // Targets the recomputation will change (both listings get written).
    await db.prisma.listing.updateMany({ data: { targetQty: null } });
    const holder = await connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT id FROM listings WHERE id = 'lst-a' FOR UPDATE`);
    const writing = write();
    const observer = await connect();
    // Until the writer is blocked on a row lock.
    for (let i = 0; ; i++) {
      const { rows } = await observer.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
      );
      if (rows.length) break;
      if (i > 200) throw new Error('the writer never waited for the held listing');
      await new Promise((r) => setTimeout(r, 10));
    }
    const free = await observer.query(`SELECT id FROM listings WHERE id = 'lst-b' FOR UPDATE SKIP LOCKED`);
    await holder.query('COMMIT');
    await writing;
    expect(free.rows.map((r) => r.id)).toEqual(['lst-b']);
  });
});
