// The Square till in the store, end to end through the synchronizer: Square simulator (signed
// notifications, Orders, Inventory) and the Shopify web shop selling the same store's units.
// A counter sale lowers what the web shop advertises; a count made in the store lands in the
// ledger, while the hub's own inventory writes are never read back as counts; units held for a
// web click-and-collect order are kept out of the counter's sellable stock and leave Square's
// count when handed over; a Square pickup order follows the staff's steps both ways; duplicate
// and replayed notifications change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { collectPickup, markReadyForPickup } from '../../core/orders/pickup-actions.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, shown, type Started, start } from '../sync/helpers.ts';
import { level, receive, type Store, storeProduct, storeWorld, TILL } from './helpers.ts';

describe.each(testDatabases())('a Square till beside the web shop on $kind', ({ open }) => {
  let db: Database;
  let s: Store;
  let run: Started;

  const settle = async (check: () => Promise<boolean> | boolean, what: string) =>
    eventually(async () => {
      await run.runtime.flush();
      return check();
    }, what);
  const orderOf = (externalId: string) => db.prisma.order.findFirst({ where: { externalId } });
  const counts = (code: string) => {
    const v = s.variations.get(code) ?? '';
    return {
      inStock: s.square.count(v, s.squareLocation, 'IN_STOCK'),
      held: s.square.count(v, s.squareLocation, 'RESERVED_FOR_SALE'),
      sold: s.square.count(v, s.squareLocation, 'SOLD'),
    };
  };
  const countMovements = (code: string) =>
    db.prisma.inventoryMovement.count({ where: { skuId: `sku-${code}`, reason: { startsWith: 'count' } } });

  beforeAll(async () => {
    db = await open();
    s = await storeWorld(db);
    run = await start(s, 'memory', { connectors: { shopify: s.connector, square: s.squareConnector } });
  });
  afterAll(async () => {
    await run?.stop();
    await db?.close();
  });

  it('a counter sale reaches the ledger and lowers what the web shop advertises', async () => {
    await storeProduct(s, 'MUG', { store: 5, wh: 3 });
    await settle(() => shown(s, 'MUG', 0) === 8, 'the web shop shows warehouse + store');
    const sale = await s.square.counterSale(s.squareLocation, [
      { variationId: s.variations.get('MUG') ?? '', quantity: '2' },
    ]);
    await settle(async () => (await level(s, 'MUG')).onHand === 3, 'the counter sale in the ledger');
    const order = await orderOf(sale.id);
    expect(order).toMatchObject({ accountId: TILL });
    expect(
      await db.prisma.orderLine.findMany({
        where: { orderId: order?.id },
        select: { skuCode: true, fulfilledQty: true },
      }),
    ).toEqual([{ skuCode: 'MUG', fulfilledQty: 2 }]);
    await settle(() => shown(s, 'MUG', 0) === 6, 'the web shop lowered to 6');
    // The sale took nothing from what the till holds back: nothing was written to Square's inventory.
    expect(s.square.stats.byPath['/v2/inventory/changes/batch-create'] ?? 0).toBe(0);
    expect(counts('MUG')).toEqual({ inStock: 3, held: 0, sold: 2 });
  });

  it('a count made in the store becomes a count adjustment in the ledger', async () => {
    await s.square.physicalCount(s.variations.get('MUG') ?? '', s.squareLocation, 2);
    await settle(async () => (await level(s, 'MUG')).onHand === 2, 'the store count in the ledger');
    expect(await countMovements('MUG')).toBe(1);
    await settle(() => shown(s, 'MUG', 0) === 5, 'the web shop follows the count');
  });

  it("holds a web click-and-collect unit out of the counter's stock, without reading the hub's write back as a count", async () => {
    await storeProduct(s, 'VASE', { store: 3 });
    const shop = s.shops[0];
    if (!shop) throw new Error('no shop');
    const web = await shop.sim.placeOrder({
      lines: [{ sku: 'VASE', quantity: 1 }],
      pickupLocationId: s.shopifyStoreLocation,
    });
    await storeEvents(db.prisma, shop.accountId, [
      {
        externalEventId: `wh-${web.id}`,
        topic: 'orders/create',
        occurredAt: new Date(web.updatedAt).toISOString(),
        payload: shop.sim.orderWebhookBody(web.id),
      },
    ]);
    await settle(async () => (await level(s, 'VASE')).reserved === 1, 'the pickup reserved at the store');
    await settle(() => counts('VASE').held === 1, 'Square holds the unit back');
    expect(counts('VASE')).toEqual({ inStock: 2, held: 1, sold: 0 });
    // Square notified inventory.count.updated for the hub's own write; it was read and not taken as a count.
    await settle(
      async () =>
        (await db.prisma.inboxEvent.count({
          where: { accountId: TILL, topic: 'inventory.count.updated', processedAt: null },
        })) === 0,
      'the echo processed',
    );
    expect(await countMovements('VASE')).toBe(0);
    expect((await level(s, 'VASE')).onHand).toBe(3);
    // The counter sells what it has; the held unit is not among it.
    await s.square.counterSale(s.squareLocation, [{ variationId: s.variations.get('VASE') ?? '', quantity: '2' }]);
    await settle(async () => (await level(s, 'VASE')).onHand === 1, 'counter sale landed');
    expect(counts('VASE')).toEqual({ inStock: 0, held: 1, sold: 2 });
    expect((await level(s, 'VASE')).reserved).toBe(1);

    // Handed over at the store: the held unit leaves Square's count, it does not go back on the
    // counter. (Had the counter's own sale above lowered what the hub believes Square holds, the
    // hub would now think Square already held nothing and never release it.)
    const hubOrder = await orderOf(web.id);
    if (!hubOrder) throw new Error('web order not in the hub');
    const ready = await markReadyForPickup(db.prisma, hubOrder.id, 'staff:test', s.clock);
    await collectPickup(db.prisma, hubOrder.id, { code: ready.pickupCode }, 'staff:test', s.clock);
    await settle(() => counts('VASE').held === 0, 'Square releases the handed-over unit');
    expect(counts('VASE')).toEqual({ inStock: 0, held: 0, sold: 3 });
    expect(await level(s, 'VASE')).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it('a Square pickup order follows the staff steps to Square, and Square staff steps reach the hub', async () => {
    await storeProduct(s, 'BOWL', { store: 4 });
    const v = s.variations.get('BOWL') ?? '';
    const placed = await s.square.pickupOrder(s.squareLocation, [{ variationId: v, quantity: '1' }]);
    await settle(
      async () => (await orderOf(placed.id))?.status !== undefined && (await level(s, 'BOWL')).reserved === 1,
      'pickup reserved',
    );
    const order = await orderOf(placed.id);
    expect(order).toMatchObject({ fulfilmentMethod: 'pickup', pickupLocationId: 'store' });
    // Square already took its own order's unit off the counter: the hub holds nothing more back.
    const tillListing = () => db.prisma.listing.findUniqueOrThrow({ where: { id: `${TILL}:BOWL` } });
    await settle(async () => {
      const l = await tillListing();
      return (
        l.targetQty !== null &&
        l.lastConfirmedQty === l.targetQty &&
        (l.lastSentAt === null || (l.lastConfirmedAt ?? 0) >= l.lastSentAt)
      );
    }, 'the till listing settled');
    expect((await tillListing()).targetQty).toBe(0);
    expect(counts('BOWL')).toEqual({ inStock: 3, held: 0, sold: 1 });

    const ready = await markReadyForPickup(db.prisma, order?.id ?? '', 'staff:test', s.clock);
    await settle(
      () => s.square.state.orders.get(placed.id)?.fulfillments?.[0]?.state === 'PREPARED',
      'Square shows PREPARED',
    );
    await collectPickup(db.prisma, order?.id ?? '', { code: ready.pickupCode }, 'staff:test', s.clock);
    await settle(
      () => s.square.state.orders.get(placed.id)?.fulfillments?.[0]?.state === 'COMPLETED',
      'Square shows COMPLETED',
    );
    await settle(async () => (await level(s, 'BOWL')).onHand === 3, 'handed over in the ledger');
    // Square's own notifications of those steps come back and change nothing more.
    await settle(
      async () => (await db.prisma.inboxEvent.count({ where: { accountId: TILL, processedAt: null } })) === 0,
      'inbox drained',
    );
    expect(await level(s, 'BOWL')).toMatchObject({ onHand: 3, reserved: 0 });

    // The other way: the store's staff complete a pickup in Square's own app.
    const second = await s.square.pickupOrder(s.squareLocation, [{ variationId: v, quantity: '1' }]);
    await settle(async () => (await level(s, 'BOWL')).reserved === 1, 'second pickup reserved');
    await s.square.staffPickup(second.id, 'COMPLETED');
    await settle(
      async () => (await level(s, 'BOWL')).onHand === 2 && (await level(s, 'BOWL')).reserved === 0,
      'collected in Square, out of the ledger',
    );
  });

  it('duplicate and replayed notifications change nothing', async () => {
    await storeProduct(s, 'SPOON', { store: 6 });
    const v = s.variations.get('SPOON') ?? '';
    await s.square.counterSale(s.squareLocation, [{ variationId: v, quantity: '1' }]);
    await settle(async () => (await level(s, 'SPOON')).onHand === 5, 'first sale landed');
    // Square redelivers (at-least-once) and an attacker replays a captured notification: same event_id.
    const stored = (eventId: string) =>
      db.prisma.inboxEvent.count({ where: { accountId: TILL, externalEventId: eventId } });
    const replayed = s.delivered.slice(-4);
    for (const d of replayed) expect((await receive(s, d.headers, d.body)).status).toBe(200);
    for (const d of replayed) expect(await stored(JSON.parse(d.body).event_id)).toBe(1);
    // The sale's payment notified again under a new event id, twice: stored once, and the order read again changes nothing.
    const payment = [...s.delivered].reverse().find((d) => JSON.parse(d.body).type === 'payment.updated');
    const again = await s.square.webhooks.send('payment.updated', JSON.parse(payment?.body ?? '{}').data, { times: 2 });
    expect(await stored(again.eventId)).toBe(1);
    await settle(
      async () => (await db.prisma.inboxEvent.count({ where: { accountId: TILL, processedAt: null } })) === 0,
      'inbox drained',
    );
    expect((await level(s, 'SPOON')).onHand).toBe(5);
    expect(await db.prisma.order.count({ where: { accountId: TILL, lines: { some: { skuCode: 'SPOON' } } } })).toBe(1);
  });

  it('a quantity in fractions is an exception a person sees, never a rounded sale', async () => {
    await storeProduct(s, 'ROPE', { store: 10 });
    const sale = await s.square.counterSale(s.squareLocation, [
      { variationId: s.variations.get('ROPE') ?? '', quantity: '1.5' },
    ]);
    await settle(
      async () =>
        (await db.prisma.exceptionItem.count({
          where: { kind: 'inbox_event_failed', message: { contains: 'whole number' } },
        })) > 0,
      'exception filed',
    );
    expect(await orderOf(sale.id)).toBeNull();
    expect((await level(s, 'ROPE')).onHand).toBe(10);
  });
});
