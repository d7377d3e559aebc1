// What people do to orders: ship (whole, partial, repeated), cancel, hold and release,
// take returns, and click-and-collect at the counter. Stock follows every action and
// every repeat is a no-op.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { getLevel, ledgerTotals } from '../../core/inventory/ledger.ts';
import {
  cancelOrder,
  collectPickup,
  expirePickups,
  holdOrder,
  markPacked,
  markPicking,
  markReadyForPickup,
  OrderActionError,
  refusePickup,
  releaseHold,
  returnOrder,
  shipOrder,
} from '../../core/orders/actions.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

const ACTOR = 'key:test';

describe.each(testDatabases())('order actions on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedLocation(db.prisma, 'store', 'store');
    await seedAccount(db.prisma, 'shop', [
      { locationId: 'wh', externalLocationId: 'L-wh' },
      { locationId: 'store', externalLocationId: 'L-store' },
    ]);
  });
  afterAll(() => db?.close());

  const level = (sku: string, loc = 'wh') => getLevel(db.prisma, `sku-${sku}`, loc);
  const pushes = async (orderId: string) =>
    (await db.prisma.outboxEvent.findMany({ where: { kind: 'fulfilment.push' }, orderBy: { id: 'asc' } }))
      .map((e) => e.payload as { orderId: string; kind: string; lines: unknown[] })
      .filter((p) => p.orderId === orderId);
  async function newOrder(sku: string, qty: number, onHand: number, over: Parameters<typeof draft>[2] = {}) {
    await seedSku(db.prisma, sku);
    await stock(db.prisma, `sku-${sku}`, over?.fulfilmentMethod === 'pickup' ? 'store' : 'wh', onHand);
    const r = await ingestOrder(db.prisma, 'shop', draft(sku, [{ sku, quantity: qty }], over));
    const lines = await db.prisma.orderLine.findMany({ where: { orderId: r.orderId } });
    return { orderId: r.orderId, lineId: lines[0]!.id };
  }
  const expectActionError = async (p: Promise<unknown>, code: string) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(OrderActionError);
    expect((e as OrderActionError).code).toBe(code);
  };

  it('ships part of an order, then the rest, committing stock and telling the channel each time', async () => {
    const { orderId, lineId } = await newOrder('S1', 3, 5);
    await markPicking(db.prisma, orderId, ACTOR);
    await markPacked(db.prisma, orderId, ACTOR);
    const part = await shipOrder(
      db.prisma,
      orderId,
      {
        lines: [{ orderLineId: lineId, quantity: 1 }],
        tracking: { company: 'DHL', number: 'JD01', url: 'https://t/JD01' },
        idempotencyKey: 'p1',
      },
      ACTOR,
    );
    expect(part.status).toBe('partially_shipped');
    expect(await level('S1')).toMatchObject({ onHand: 4, reserved: 2 });
    // A retried request with the same key ships nothing more.
    await shipOrder(db.prisma, orderId, { lines: [{ orderLineId: lineId, quantity: 1 }], idempotencyKey: 'p1' }, ACTOR);
    expect(await level('S1')).toMatchObject({ onHand: 4, reserved: 2 });
    const rest = await shipOrder(db.prisma, orderId, { idempotencyKey: 'p2' }, ACTOR);
    expect(rest.status).toBe('shipped');
    expect(await level('S1')).toMatchObject({ onHand: 2, reserved: 0 });
    const f = await db.prisma.fulfilment.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } });
    expect(f.map((x) => x.trackingNumber)).toEqual(['JD01', null]);
    expect((await pushes(orderId)).map((p) => p.kind)).toEqual(['ship', 'ship']);
  });

  it('refuses to ship more than is open, naming the field', async () => {
    const { orderId, lineId } = await newOrder('S2', 1, 5);
    const e = await shipOrder(db.prisma, orderId, { lines: [{ orderLineId: lineId, quantity: 2 }] }, ACTOR).catch(
      (x) => x,
    );
    expect(e).toMatchObject({ code: 'invalid_input', field: 'lines.0.quantity', status: 400 });
    expect(await level('S2')).toMatchObject({ onHand: 5, reserved: 1 });
  });

  it('cancels: releases the reservation once, tells the channel once', async () => {
    const { orderId } = await newOrder('S3', 2, 5);
    expect((await cancelOrder(db.prisma, orderId, { reason: 'customer asked' }, ACTOR)).status).toBe('cancelled');
    await cancelOrder(db.prisma, orderId, {}, ACTOR);
    expect(await level('S3')).toMatchObject({ onHand: 5, reserved: 0 });
    expect((await pushes(orderId)).map((p) => p.kind)).toEqual(['cancel']);
    await expectActionError(shipOrder(db.prisma, orderId, {}, ACTOR), 'conflict');
  });

  it('lets exactly one of a shipment and a cancellation racing on one order win, and stock follows the winner', async () => {
    const orders = 8;
    await seedSku(db.prisma, 'RACE');
    await stock(db.prisma, 'sku-RACE', 'wh', orders * 2);
    const outcomes = await Promise.all(
      Array.from({ length: orders }, async (_, i) => {
        const { orderId } = await ingestOrder(db.prisma, 'shop', draft(`race-${i}`, [{ sku: 'RACE', quantity: 2 }]));
        const [ship, cancel] = await Promise.allSettled([
          shipOrder(db.prisma, orderId, {}, ACTOR),
          cancelOrder(db.prisma, orderId, { reason: 'customer asked' }, ACTOR),
        ]);
        return { orderId, ship, cancel };
      }),
    );
    let shipped = 0;
    for (const { orderId, ship, cancel } of outcomes) {
      // One wins; the other is refused as a conflict or an illegal move, never half-applied.
      expect([ship.status, cancel.status].sort()).toEqual(['fulfilled', 'rejected']);
      const loser = (ship.status === 'rejected' ? ship : cancel) as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(OrderActionError);
      const order = await db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, include: { lines: true } });
      expect(order.status).toBe(ship.status === 'fulfilled' ? 'shipped' : 'cancelled');
      expect(order.lines[0]?.fulfilledQty).toBe(ship.status === 'fulfilled' ? 2 : 0);
      expect((await pushes(orderId)).map((p) => p.kind)).toEqual([ship.status === 'fulfilled' ? 'ship' : 'cancel']);
      expect(await db.prisma.reservation.count({ where: { orderId, status: 'active' } })).toBe(0);
      if (ship.status === 'fulfilled') shipped++;
    }
    expect(await level('RACE')).toEqual({
      skuId: 'sku-RACE',
      locationId: 'wh',
      onHand: orders * 2 - shipped * 2,
      reserved: 0,
    });
    const totals = await ledgerTotals(db.prisma, 'sku-RACE', 'wh');
    expect({ onHand: totals.onHand, reserved: totals.reserved }).toEqual({
      onHand: orders * 2 - shipped * 2,
      reserved: 0,
    });
  });

  it('holds and releases; a release while stock is short keeps the hold and says why', async () => {
    const { orderId } = await newOrder('S4', 2, 5);
    expect((await holdOrder(db.prisma, orderId, { reason: 'fraud', note: 'address mismatch' }, ACTOR)).status).toBe(
      'on_hold',
    );
    expect((await releaseHold(db.prisma, orderId, ACTOR)).status).toBe('allocated');

    const short = await newOrder('S5', 3, 1);
    const e = await releaseHold(db.prisma, short.orderId, ACTOR).catch((x) => x);
    expect(e).toMatchObject({ code: 'conflict', status: 409 });
    expect(e.message).toMatch(/2 unit\(s\) still short/);
    await stock(db.prisma, 'sku-S5', 'wh', 2);
    expect((await releaseHold(db.prisma, short.orderId, ACTOR)).status).toBe('allocated');
    expect(await level('S5')).toMatchObject({ onHand: 3, reserved: 3 });
  });

  it('takes a return back into stock', async () => {
    const { orderId, lineId } = await newOrder('S6', 2, 2);
    await shipOrder(db.prisma, orderId, {}, ACTOR);
    const r = await returnOrder(
      db.prisma,
      orderId,
      { lines: [{ orderLineId: lineId, quantity: 1, restock: true }], idempotencyKey: 'r1' },
      ACTOR,
    );
    expect(r.status).toBe('partially_returned');
    await returnOrder(
      db.prisma,
      orderId,
      { lines: [{ orderLineId: lineId, quantity: 1, restock: true }], idempotencyKey: 'r1' },
      ACTOR,
    );
    expect(await level('S6')).toMatchObject({ onHand: 1, reserved: 0 });
    await expectActionError(
      returnOrder(db.prisma, orderId, { lines: [{ orderLineId: lineId, quantity: 5, restock: true }] }, ACTOR),
      'invalid_input',
    );
  });

  const pickup = { fulfilmentMethod: 'pickup' as const, pickupLocation: { externalId: 'L-store' } };

  it('click-and-collect: ready issues one code, the wrong code is refused, the right one hands over once', async () => {
    const { orderId } = await newOrder('P1', 2, 3, pickup);
    const ready = await markReadyForPickup(db.prisma, orderId, 'staff:store');
    expect(ready.status).toBe('ready_for_pickup');
    expect(ready.pickupCode).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    const again = await markReadyForPickup(db.prisma, orderId, 'staff:store');
    expect(again.pickupCode).toBe(ready.pickupCode);
    await expectActionError(collectPickup(db.prisma, orderId, { code: 'WRONG1' }, 'staff:store'), 'wrong_pickup_code');
    expect(await level('P1', 'store')).toMatchObject({ onHand: 3, reserved: 2 });
    const code = `${ready.pickupCode.slice(0, 3).toLowerCase()}-${ready.pickupCode.slice(3)}`;
    const [a, b] = await Promise.all([
      collectPickup(db.prisma, orderId, { code }, 'staff:store'),
      collectPickup(db.prisma, orderId, { code }, 'staff:store'),
    ]);
    expect([a.status, b.status]).toEqual(['collected', 'collected']);
    expect(await level('P1', 'store')).toMatchObject({ onHand: 1, reserved: 0 });
    expect((await pushes(orderId)).map((p) => p.kind)).toEqual(['pickup_ready', 'pickup_collected']);
  });

  it('hands over part of a pickup and keeps the rest ready', async () => {
    const { orderId, lineId } = await newOrder('P2', 3, 3, pickup);
    const { pickupCode } = await markReadyForPickup(db.prisma, orderId, 'staff:store');
    const form = { code: pickupCode, lines: [{ orderLineId: lineId, quantity: 1 }], idempotencyKey: 'form-1' };
    const part = await collectPickup(db.prisma, orderId, form, 'staff:store');
    expect(part.status).toBe('ready_for_pickup');
    // The same partial form submitted again hands over nothing more.
    await collectPickup(db.prisma, orderId, form, 'staff:store');
    expect(await level('P2', 'store')).toMatchObject({ onHand: 2, reserved: 2 });
    expect((await collectPickup(db.prisma, orderId, { code: pickupCode }, 'staff:store')).status).toBe('collected');
    expect(await level('P2', 'store')).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it('a refused pickup releases its stock and tells the channel', async () => {
    const { orderId } = await newOrder('P3', 1, 1, pickup);
    await markReadyForPickup(db.prisma, orderId, 'staff:store');
    expect((await refusePickup(db.prisma, orderId, { reason: 'wrong size' }, 'staff:store')).status).toBe('cancelled');
    expect(await level('P3', 'store')).toMatchObject({ onHand: 1, reserved: 0 });
    expect((await pushes(orderId)).map((p) => p.kind)).toEqual(['pickup_ready', 'cancel']);
  });

  it('flags a pickup nobody collected within the hold period, then releases it after the grace period', async () => {
    const { orderId } = await newOrder('P4', 1, 1, pickup);
    await markReadyForPickup(db.prisma, orderId, 'staff:store');
    const ready = await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    const day = 24 * 3600 * 1000;
    const t0 = ready.readyForPickupAt!.getTime();
    expect(await expirePickups(db.prisma, new Date(t0 + 6 * day))).toEqual({ flagged: 0, released: 0 });
    expect(await expirePickups(db.prisma, new Date(t0 + 7 * day + 1))).toEqual({ flagged: 1, released: 0 });
    expect(await db.prisma.exceptionItem.count({ where: { orderId, kind: 'pickup_expired' } })).toBe(1);
    // Flagged once, not again; released a grace day after the hold period ran out.
    expect(await expirePickups(db.prisma, new Date(t0 + 7 * day + 2))).toEqual({ flagged: 0, released: 0 });
    expect(await expirePickups(db.prisma, new Date(t0 + 8 * day + 1))).toEqual({ flagged: 0, released: 1 });
    const after = await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    expect(after.status).toBe('cancelled');
    expect(await level('P4', 'store')).toMatchObject({ reserved: 0 });
  });

  it('refuses actions on unknown orders and illegal moves with stable codes', async () => {
    await expectActionError(markPicking(db.prisma, 'nope', ACTOR), 'not_found');
    const { orderId } = await newOrder('S7', 1, 1);
    await cancelOrder(db.prisma, orderId, {}, ACTOR);
    await expectActionError(markPicking(db.prisma, orderId, ACTOR), 'illegal_transition');
    await expectActionError(markReadyForPickup(db.prisma, orderId, ACTOR), 'invalid_input');
  });
});
