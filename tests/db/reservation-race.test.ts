// 200 orders from 4 channels race for 50 units of one SKU at the same moment.
// Exactly 50 units end up reserved, every other order is held for stock, nothing
// goes negative, and the ledger explains the level. Fails if reservation is done
// by reading the level in JS and writing it back (checked by hand: see README).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { getLevel, ledgerTotals, reserve } from '../../core/inventory/ledger.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

const CHANNELS = ['shopify-a', 'shopify-b', 'amazon', 'ebay'];
const STOCK = 50;
const ORDERS = 200;

describe.each(testDatabases())('concurrent reservations on $kind', ({ open }) => {
  let db: Database;
  let skuId: string;
  beforeAll(async () => {
    db = await open({ poolSize: 20 });
    await seedLocation(db.prisma, 'wh');
    for (const c of CHANNELS) await seedAccount(db.prisma, c, [{ locationId: 'wh' }]);
    skuId = (await seedSku(db.prisma, 'HOT')).id;
    await stock(db.prisma, skuId, 'wh', STOCK);
  });
  afterAll(() => db?.close());

  it(`reserves exactly ${STOCK} units for ${ORDERS} racing orders and holds the rest`, async () => {
    const results = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => {
        const account = CHANNELS[i % CHANNELS.length] as string;
        // Every 10th order has the SKU on two lines: their sum is reserved in one step.
        const lines =
          i % 10 === 0
            ? [
                { sku: 'HOT', quantity: 1 },
                { sku: 'HOT', quantity: 1 },
              ]
            : [{ sku: 'HOT', quantity: 1 }];
        return ingestOrder(db.prisma, account, draft(`race-${i}`, lines));
      }),
    );
    const level = await getLevel(db.prisma, skuId, 'wh');
    expect(level).toMatchObject({ onHand: STOCK, reserved: STOCK });

    const reservedRows = await db.prisma.reservation.aggregate({
      _sum: { quantity: true },
      where: { status: 'active' },
    });
    expect(reservedRows._sum.quantity).toBe(STOCK);

    const allocated = results.filter((r) => r.status === 'allocated');
    const held = results.filter((r) => r.status === 'on_hold');
    expect(allocated.length + held.length).toBe(ORDERS);
    expect(held.every((r) => r.holdReason === 'insufficient_stock' && r.shortUnits > 0)).toBe(true);
    // Units reserved per order add up to the stock: nothing counted twice.
    const wanted = results.map((_, i) => (i % 10 === 0 ? 2 : 1));
    const reservedTotal = results.reduce((a, r, i) => a + (wanted[i] as number) - r.shortUnits, 0);
    expect(reservedTotal).toBe(STOCK);

    const totals = await ledgerTotals(db.prisma, skuId, 'wh');
    expect({ onHand: totals.onHand, reserved: totals.reserved }).toEqual({ onHand: STOCK, reserved: STOCK });
    expect(await db.prisma.order.count()).toBe(ORDERS);
  });

  // The ledger call itself, outside any order transaction: on PGlite (one connection)
  // this is where interleaving happens, so a read-then-write would oversell here too.
  it(`lets exactly ${STOCK} of ${ORDERS} concurrent ledger reservations through`, async () => {
    const cold = (await seedSku(db.prisma, 'COLD')).id;
    await stock(db.prisma, cold, 'wh', STOCK);
    const results = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => reserve(db.prisma, cold, 'wh', 1, { reference: `caller-${i % 4}` })),
    );
    expect(results.filter(Boolean)).toHaveLength(STOCK);
    expect(await getLevel(db.prisma, cold, 'wh')).toMatchObject({ onHand: STOCK, reserved: STOCK });
    const totals = await ledgerTotals(db.prisma, cold, 'wh');
    expect(totals).toMatchObject({ onHand: STOCK, reserved: STOCK, entries: STOCK + 1 });
  });
});
