// The inventory ledger against a real database (PGlite, and PostgreSQL when present):
// every movement keeps 0 <= reserved <= on_hand, refused movements change nothing,
// and the append-only movements always explain the level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import type { Sql } from '../../core/db/sql.ts';
import {
  adjust,
  commit,
  getLevel,
  ledgerTotals,
  MAX_ON_HAND,
  OnHandLimitError,
  release,
  reserve,
  reserveUpTo,
  setOnHand,
  transfer,
} from '../../core/inventory/ledger.ts';
import { testDatabases } from '../support/databases.ts';
import { seedLocation, seedSku } from '../support/seed.ts';

describe.each(testDatabases())('inventory ledger on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedLocation(db.prisma, 'store', 'store');
  });
  afterAll(() => db?.close());

  async function expectExplained(skuId: string, locationId: string) {
    const level = await getLevel(db.prisma, skuId, locationId);
    const totals = await ledgerTotals(db.prisma, skuId, locationId);
    expect({ onHand: totals.onHand, reserved: totals.reserved }).toEqual({
      onHand: level?.onHand,
      reserved: level?.reserved,
    });
  }

  it('receives, reserves, releases and commits, each movement recorded', async () => {
    const { id } = await seedSku(db.prisma, 'A-1');
    expect(await adjust(db.prisma, id, 'wh', 10, 'receipt')).toMatchObject({ onHand: 10, reserved: 0 });
    expect(await reserve(db.prisma, id, 'wh', 4, { orderId: 'o1' })).toMatchObject({ onHand: 10, reserved: 4 });
    expect(await release(db.prisma, id, 'wh', 1)).toMatchObject({ onHand: 10, reserved: 3 });
    expect(await commit(db.prisma, id, 'wh', 3)).toMatchObject({ onHand: 7, reserved: 0 });
    const kinds = await db.prisma.inventoryMovement.findMany({ where: { skuId: id }, orderBy: { id: 'asc' } });
    expect(kinds.map((m) => m.kind)).toEqual(['adjust', 'reserve', 'release', 'commit']);
    expect(kinds[1]?.orderId).toBe('o1');
    await expectExplained(id, 'wh');
  });

  it('refuses to reserve more than is free and changes nothing', async () => {
    const { id } = await seedSku(db.prisma, 'A-2');
    await adjust(db.prisma, id, 'wh', 3, 'receipt');
    const before = await db.prisma.inventoryMovement.count();
    const outboxBefore = await db.prisma.outboxEvent.count();
    expect(await reserve(db.prisma, id, 'wh', 4)).toBeNull();
    expect(await getLevel(db.prisma, id, 'wh')).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await db.prisma.inventoryMovement.count()).toBe(before);
    expect(await db.prisma.outboxEvent.count()).toBe(outboxBefore);
  });

  it('refuses to release or commit more than is reserved', async () => {
    const { id } = await seedSku(db.prisma, 'A-3');
    await adjust(db.prisma, id, 'wh', 5, 'receipt');
    await reserve(db.prisma, id, 'wh', 2);
    expect(await release(db.prisma, id, 'wh', 3)).toBeNull();
    expect(await commit(db.prisma, id, 'wh', 3)).toBeNull();
    expect(await getLevel(db.prisma, id, 'wh')).toMatchObject({ onHand: 5, reserved: 2 });
  });

  it('refuses an adjustment that would take on hand below what is reserved', async () => {
    const { id } = await seedSku(db.prisma, 'A-4');
    await adjust(db.prisma, id, 'wh', 5, 'receipt');
    await reserve(db.prisma, id, 'wh', 4);
    expect(await adjust(db.prisma, id, 'wh', -2, 'damage')).toBeNull();
    expect(await adjust(db.prisma, id, 'wh', -1, 'damage')).toMatchObject({ onHand: 4, reserved: 4 });
    const last = await db.prisma.inventoryMovement.findFirst({ where: { skuId: id }, orderBy: { id: 'desc' } });
    expect(last?.reason).toBe('damage');
  });

  it('reserves up to what is free when asked for a partial reservation', async () => {
    const { id } = await seedSku(db.prisma, 'A-5');
    await adjust(db.prisma, id, 'wh', 3, 'receipt');
    expect(await reserveUpTo(db.prisma, id, 'wh', 5)).toBe(3);
    expect(await reserveUpTo(db.prisma, id, 'wh', 5)).toBe(0);
    expect(await getLevel(db.prisma, id, 'wh')).toMatchObject({ onHand: 3, reserved: 3 });
    await expectExplained(id, 'wh');
  });

  it('sets a counted quantity and records the difference', async () => {
    const { id } = await seedSku(db.prisma, 'A-6');
    await adjust(db.prisma, id, 'wh', 10, 'receipt');
    await reserve(db.prisma, id, 'wh', 2);
    expect(await setOnHand(db.prisma, id, 'wh', 7)).toMatchObject({ onHand: 7, reserved: 2 });
    expect(await setOnHand(db.prisma, id, 'wh', 1)).toBeNull();
    const last = await db.prisma.inventoryMovement.findFirst({ where: { skuId: id }, orderBy: { id: 'desc' } });
    expect(last).toMatchObject({ kind: 'adjust', onHandDelta: -3, reason: 'count' });
    await expectExplained(id, 'wh');
  });

  it('transfers free stock between locations, both legs or neither', async () => {
    const { id } = await seedSku(db.prisma, 'A-7');
    await adjust(db.prisma, id, 'wh', 6, 'receipt');
    await reserve(db.prisma, id, 'wh', 4);
    expect(await db.prisma.$transaction((tx) => transfer(tx, id, 'wh', 'store', 3))).toBe(false);
    expect(await db.prisma.$transaction((tx) => transfer(tx, id, 'wh', 'store', 2))).toBe(true);
    expect(await getLevel(db.prisma, id, 'wh')).toMatchObject({ onHand: 4, reserved: 4 });
    expect(await getLevel(db.prisma, id, 'store')).toMatchObject({ onHand: 2, reserved: 0 });
    await expectExplained(id, 'wh');
    await expectExplained(id, 'store');
  });

  it('announces every accepted change in the outbox, in the same statement', async () => {
    const { id } = await seedSku(db.prisma, 'A-8');
    await adjust(db.prisma, id, 'wh', 2, 'receipt');
    const announced = () =>
      db.prisma.outboxEvent.count({ where: { kind: 'inventory.changed', payload: { path: ['skuId'], equals: id } } });
    const before = await announced();
    // The statements a reservation sends, counted on their way to the database.
    let statements = 0;
    const counted: Sql = {
      $queryRaw: ((...args: Parameters<Sql['$queryRaw']>) => {
        statements += 1;
        return db.prisma.$queryRaw(...args);
      }) as Sql['$queryRaw'],
      $executeRaw: ((...args: Parameters<Sql['$executeRaw']>) => {
        statements += 1;
        return db.prisma.$executeRaw(...args);
      }) as Sql['$executeRaw'],
    };
    expect(await reserve(counted, id, 'wh', 1)).toMatchObject({ reserved: 1 });
    expect(statements).toBe(1);
    expect(await announced()).toBe(before + 1);
    expect(await reserve(db.prisma, id, 'wh', 5)).toBeNull(); // refused: no outbox row
    expect(await announced()).toBe(before + 1);
    const last = await db.prisma.outboxEvent.findFirstOrThrow({
      where: { kind: 'inventory.changed' },
      orderBy: { id: 'desc' },
    });
    expect(last.payload).toEqual({ skuId: id, locationId: 'wh' });

    // One statement is all or nothing: when the announcement cannot be written, the change is not made.
    await db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION test_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'outbox refused'; END $$`);
    await db.prisma.$executeRawUnsafe(
      'CREATE TRIGGER test_refuse_outbox BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION test_refuse_outbox()',
    );
    try {
      await expect(reserve(db.prisma, id, 'wh', 1)).rejects.toThrow(/outbox refused/);
    } finally {
      await db.prisma.$executeRawUnsafe('DROP TRIGGER test_refuse_outbox ON outbox_events');
      await db.prisma.$executeRawUnsafe('DROP FUNCTION test_refuse_outbox()');
    }
    expect(await getLevel(db.prisma, id, 'wh')).toMatchObject({ onHand: 2, reserved: 1 });
    await expectExplained(id, 'wh');
  });

  it('is guarded by the database itself: a direct write breaking the invariant fails', async () => {
    const { id } = await seedSku(db.prisma, 'A-9');
    await adjust(db.prisma, id, 'wh', 1, 'receipt');
    await expect(
      db.prisma.inventoryLevel.update({
        where: { skuId_locationId: { skuId: id, locationId: 'wh' } },
        data: { reserved: 2 },
      }),
    ).rejects.toThrow(/inventory_levels_reserved_range|check constraint/i);
    await expect(
      db.prisma.inventoryLevel.update({
        where: { skuId_locationId: { skuId: id, locationId: 'wh' } },
        data: { reserved: -1 },
      }),
    ).rejects.toThrow(/inventory_levels_reserved_range|check constraint/i);
  });

  it('rejects quantities that are not positive integers before touching the database', async () => {
    const { id } = await seedSku(db.prisma, 'A-10');
    await expect(reserve(db.prisma, id, 'wh', 0)).rejects.toThrow(RangeError);
    await expect(reserve(db.prisma, id, 'wh', 1.5)).rejects.toThrow(/positive integer/);
    await expect(adjust(db.prisma, id, 'wh', 0, 'count')).rejects.toThrow(/non-zero integer/);
  });

  it('bounds on hand: an adjustment, a count or a transfer past MAX_ON_HAND is refused and changes nothing', async () => {
    const { id } = await seedSku(db.prisma, 'A-11');
    await adjust(db.prisma, id, 'wh', MAX_ON_HAND - 5, 'receipt');
    await expect(adjust(db.prisma, id, 'wh', 6, 'receipt')).rejects.toThrow(OnHandLimitError);
    await expect(setOnHand(db.prisma, id, 'wh', MAX_ON_HAND + 1)).rejects.toMatchObject({ field: 'counted' });
    await adjust(db.prisma, id, 'store', 10, 'receipt');
    const into = db.prisma.$transaction((tx) => transfer(tx, id, 'store', 'wh', 6));
    await expect(into).rejects.toMatchObject({ name: 'OnHandLimitError', field: 'quantity' });
    expect(await getLevel(db.prisma, id, 'wh')).toMatchObject({ onHand: MAX_ON_HAND - 5 });
    expect(await getLevel(db.prisma, id, 'store')).toMatchObject({ onHand: 10 }); // the out leg rolled back
    expect(await adjust(db.prisma, id, 'wh', 5, 'receipt')).toMatchObject({ onHand: MAX_ON_HAND });
    await expectExplained(id, 'wh');
    await expectExplained(id, 'store');
    // The database backs the bound up for any other writer.
    await expect(
      db.prisma.inventoryLevel.update({
        where: { skuId_locationId: { skuId: id, locationId: 'wh' } },
        data: { onHand: MAX_ON_HAND + 1 },
      }),
    ).rejects.toThrow(/inventory_levels_on_hand_max|check constraint/i);
  });
});
