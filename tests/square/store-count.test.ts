// A count taken in the store applies as of when it was taken: what the ledger recorded at that
// location since (a sale that landed after the count was taken) still counts, what it recorded
// before does not, and a count is applied once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { adjust, commit, reserve } from '../../core/inventory/ledger.ts';
import { applyStoreCount } from '../../core/inventory/store-count.ts';

describe('store counts as of when they were taken', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await db.prisma.location.create({ data: { id: 'store', code: 'ST', name: 'Store', kind: 'store' } });
    await db.prisma.sku.create({ data: { id: 'sku-1', code: 'S1', title: 'S1' } });
    await adjust(db.prisma, 'sku-1', 'store', 10, 'receipt');
  });
  afterAll(() => db?.close());

  const onHand = async () =>
    (
      await db.prisma.inventoryLevel.findUniqueOrThrow({
        where: { skuId_locationId: { skuId: 'sku-1', locationId: 'store' } },
      })
    ).onHand;
  const count = (counted: number, countedAt: Date, reference: string) =>
    db.prisma.$transaction((tx) =>
      applyStoreCount(tx, { skuId: 'sku-1', locationId: 'store', counted, countedAt, reference }),
    );

  it('keeps a sale the ledger recorded after the count was taken', async () => {
    await new Promise((r) => setTimeout(r, 5));
    const takenAt = new Date(); // after the receipt, before the sale
    await new Promise((r) => setTimeout(r, 5));
    await reserve(db.prisma, 'sku-1', 'store', 2);
    await commit(db.prisma, 'sku-1', 'store', 2); // the sale lands after the count was taken: 10 → 8
    expect(await count(7, takenAt, 'count-a')).toMatchObject({ applied: true });
    expect(await onHand()).toBe(5); // 7 counted, 2 sold since
  });

  it('does not take off again a sale recorded before the count, and applies a count once', async () => {
    expect(await count(6, new Date(Date.now() + 1_000), 'count-b')).toMatchObject({ applied: true });
    expect(await onHand()).toBe(6);
    await adjust(db.prisma, 'sku-1', 'store', -1, 'damage');
    expect(await count(6, new Date(Date.now() + 1_000), 'count-b')).toMatchObject({
      applied: false,
      reason: 'duplicate',
    });
    expect(await onHand()).toBe(5);
  });
});
