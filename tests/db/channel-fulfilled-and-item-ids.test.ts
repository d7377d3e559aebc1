// Two ingestion rules around the merchant's stock:
// - an order the channel fulfils from its own stock (Amazon FBA) is recorded, flagged, and
//   reserves and moves nothing, not even when the channel ships it; the hub never picks it;
// - a line is matched by the channel's product id against a listing keyed by product only
//   (no variant id), and not when that product id names two hub SKUs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { getLevel } from '../../core/inventory/ledger.ts';
import { holdOrder, markPicking, OrderActionError, releaseHold, shipOrder } from '../../core/orders/actions.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

describe.each(testDatabases())('channel-fulfilled orders and item ids on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'amz', [{ locationId: 'wh' }], 'amazon');
    await seedSku(db.prisma, 'FBA1');
    await stock(db.prisma, 'sku-FBA1', 'wh', 5);
  });
  afterAll(() => db?.close());

  const movements = () => db.prisma.inventoryMovement.count({ where: { skuId: 'sku-FBA1' } });

  it('records a channel-fulfilled order without reserving or moving stock, through to shipped', async () => {
    const before = await movements();
    const r = await ingestOrder(
      db.prisma,
      'amz',
      draft('FBA-1', [{ sku: 'FBA1', quantity: 2 }], { fulfilledByChannel: true }),
    );
    expect(r).toMatchObject({ created: true, status: 'confirmed', shortUnits: 0, touchedSkus: [] });
    const order = await db.prisma.order.findUniqueOrThrow({ where: { id: r.orderId }, include: { lines: true } });
    expect(order.fulfilledByChannel).toBe(true);
    expect(order.lines[0]).toMatchObject({ skuCode: 'FBA1', quantity: 2 });
    expect(await db.prisma.reservation.count({ where: { orderId: r.orderId } })).toBe(0);
    expect(await getLevel(db.prisma, 'sku-FBA1', 'wh')).toMatchObject({ onHand: 5, reserved: 0 });

    // The hub never picks or ships it; the channel's shipment closes it without touching stock.
    await expect(markPicking(db.prisma, r.orderId, 'staff:test')).rejects.toBeInstanceOf(OrderActionError);
    await expect(shipOrder(db.prisma, r.orderId, {}, 'staff:test')).rejects.toMatchObject({ code: 'conflict' });
    const shipped = draft('FBA-1', [{ sku: 'FBA1', quantity: 2, fulfilledQuantity: 2 }], {
      fulfilledByChannel: true,
      state: { cancelled: false, payment: 'paid', fulfilment: 'fulfilled', restock: true },
      channelUpdatedAt: '2026-11-20T11:00:00Z',
    });
    expect(await ingestOrder(db.prisma, 'amz', shipped)).toMatchObject({ status: 'shipped', touchedSkus: [] });
    expect(await getLevel(db.prisma, 'sku-FBA1', 'wh')).toMatchObject({ onHand: 5, reserved: 0 });
    expect(await movements()).toBe(before);
  });

  it('reserves the same order when the merchant fulfils it', async () => {
    const before = (await getLevel(db.prisma, 'sku-FBA1', 'wh'))!;
    const r = await ingestOrder(db.prisma, 'amz', draft('MFN-1', [{ sku: 'FBA1', quantity: 2 }]));
    expect(r).toMatchObject({ status: 'allocated', touchedSkus: ['sku-FBA1'] });
    expect(await getLevel(db.prisma, 'sku-FBA1', 'wh')).toMatchObject({
      onHand: before.onHand,
      reserved: before.reserved + 2,
    });
  });

  it('releases what an order held once the channel says it fulfils it, and never lets the hub pick it', async () => {
    const before = await getLevel(db.prisma, 'sku-FBA1', 'wh');
    const first = await ingestOrder(db.prisma, 'amz', draft('LATE-FBA', [{ sku: 'FBA1', quantity: 1 }]));
    expect(first.status).toBe('allocated');
    const flagged = draft('LATE-FBA', [{ sku: 'FBA1', quantity: 1 }], {
      fulfilledByChannel: true,
      channelUpdatedAt: '2026-11-20T12:00:00Z',
    });
    await ingestOrder(db.prisma, 'amz', flagged);
    expect(await getLevel(db.prisma, 'sku-FBA1', 'wh')).toEqual(before);
    expect(await db.prisma.reservation.count({ where: { orderId: first.orderId, status: 'active' } })).toBe(0);
    // Channel facts never move an order back, so it is still "allocated": picking is refused all the same.
    await expect(markPicking(db.prisma, first.orderId, 'staff:test')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('fulfilled by the channel'),
    });
  });

  it('returns a held channel-fulfilled order to confirmed, with nothing reserved', async () => {
    const before = await getLevel(db.prisma, 'sku-FBA1', 'wh');
    const r = await ingestOrder(
      db.prisma,
      'amz',
      draft('FBA-HOLD', [{ sku: 'FBA1', quantity: 1 }], { fulfilledByChannel: true }),
    );
    await holdOrder(db.prisma, r.orderId, { reason: 'manual' }, 'staff:test');
    expect(await releaseHold(db.prisma, r.orderId, 'staff:test')).toMatchObject({ status: 'confirmed' });
    expect(await getLevel(db.prisma, 'sku-FBA1', 'wh')).toEqual(before);
  });

  it('matches a line by product id against a listing keyed by product, never an ambiguous one', async () => {
    await seedSku(db.prisma, 'P1');
    await stock(db.prisma, 'sku-P1', 'wh', 3);
    await db.prisma.listing.create({
      data: { id: 'amz:P1', accountId: 'amz', skuId: 'sku-P1', externalProductId: 'ITEM-1', externalStockId: 'P1' },
    });
    const one = await ingestOrder(
      db.prisma,
      'amz',
      draft('PID-1', [{ sku: null, quantity: 1, externalProductId: 'ITEM-1' }]),
    );
    expect(one.status).toBe('allocated');
    expect(await getLevel(db.prisma, 'sku-P1', 'wh')).toMatchObject({ reserved: 1 });

    // Two hub SKUs under one product id: the id does not say which; the line stays unmapped.
    await seedSku(db.prisma, 'P2A');
    await seedSku(db.prisma, 'P2B');
    for (const code of ['P2A', 'P2B']) {
      await db.prisma.listing.create({
        data: {
          id: `amz:${code}`,
          accountId: 'amz',
          skuId: `sku-${code}`,
          externalProductId: 'ITEM-2',
          externalStockId: code,
        },
      });
    }
    const two = await ingestOrder(
      db.prisma,
      'amz',
      draft('PID-2', [{ sku: 'LEGACY-TEXT', quantity: 1, externalProductId: 'ITEM-2' }]),
    );
    expect(two).toMatchObject({ status: 'on_hold', holdReason: 'unmapped_sku' });
  });
});
