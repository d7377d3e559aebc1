// The landing page's "Counter" figure: a sale the channel made over a store's counter (it names
// the store it sold in) counts there whatever the till calls its source — Square ('square-pos'),
// a generic till ('till') or Shopify POS ('pos') — and an order the same till took for delivery
// counts as online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landingSnapshot } from '../../api/landing/snapshot.ts';
import type { Database } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

describe.each(testDatabases())('counter sales on the landing page on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedLocation(db.prisma, 'store', 'store');
    await seedAccount(db.prisma, 'till', [
      { locationId: 'store', externalLocationId: 'L-STORE' },
      { locationId: 'wh', externalLocationId: 'L-WH' },
    ]);
    const sku = await seedSku(db.prisma, 'MUG');
    await stock(db.prisma, sku.id, 'store', 5);
    await stock(db.prisma, sku.id, 'wh', 5);
  });
  afterAll(() => db?.close());

  it('counts a till sale under Counter and its delivery order as online', async () => {
    const line = [{ sku: 'MUG', quantity: 1 }];
    await ingestOrder(
      db.prisma,
      'till',
      draft('SALE-1', line, { sourceName: 'square-pos', originLocation: { externalId: 'L-STORE' } }),
    );
    await ingestOrder(db.prisma, 'till', draft('DELIVERY-1', line, { sourceName: 'square-pos' }));
    const snap = await landingSnapshot(db.prisma);
    expect(snap.channels.find((c) => c.accountId === 'till')).toMatchObject({ orders: 2, counter: 1, online: 1 });
    const kinds = Object.fromEntries(snap.recentOrders.map((o) => [o.number, o.kind]));
    expect(kinds).toMatchObject({ '#SALE-1': 'counter', '#DELIVERY-1': 'online' });
  });
});
