// A store with a generic till next to a Shopify web shop that also sells the store's stock:
// every till event enters through the signed HTTP door and runs through the synchronizer.
// - a counter sale takes the units off the store's shelf and the shop advertises fewer;
// - a count sets the store's on hand (a count adjustment in the ledger);
// - units held for a click-and-collect are not sold by the counter in the books: the sale is
//   recorded, the held units stay on hand for the pickup, and a person is asked to settle it;
// - an order taken at the till for delivery is reserved at the warehouse, shipped through the
//   normal flow, and the till is told (again after its endpoint failed once);
// - a store purchase returned by post is restocked at the warehouse and the till told of the refund;
// - a web order returned at the store is restocked at the store and Shopify refunds the buyer once
//   (its refunds/create for that refund is recognised, not a second return);
// - duplicated and reordered deliveries change the ledger once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { returnOrder, shipOrder } from '../../core/orders/actions.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, product, sell, shown } from '../sync/helpers.ts';
import { level, type StoreWorld, stockStore, storeWorld } from './helpers.ts';

describe.each(testDatabases())('store flows with a generic till on $kind', ({ open }) => {
  let db: Database;
  let sw: StoreWorld;

  beforeAll(async () => {
    db = await open();
    sw = await storeWorld(db);
  });
  afterAll(async () => {
    await sw?.stop();
    await db?.close();
  });

  const flush = () => sw.s.runtime.flush();
  const order = (externalId: string) => db.prisma.order.findFirst({ where: { externalId }, include: { lines: true } });
  const accepted = (d: { status: number }[]) => expect(d.map((x) => x.status)).toEqual(d.map(() => 200));

  it('a counter sale takes units off the store shelf and the web shop advertises fewer', async () => {
    const { w, till } = sw;
    const sku = await product(w, 'CS-1', 10, { shown: 0 });
    await stockStore(w, sku, 5);
    await eventually(async () => {
      await flush();
      return shown(w, 'CS-1', 0) === 15;
    }, 'shop advertises warehouse + store');
    accepted(await till.sale([{ sku: 'CS-1', quantity: 2, unitPrice: 2500 }], { receipt: 'CS-R1' }));
    await eventually(async () => {
      await flush();
      return shown(w, 'CS-1', 0) === 13;
    }, 'shop advertises 13 after the counter sale');
    expect(await level(w, sku, 'store')).toEqual({ onHand: 3, reserved: 0 });
    expect(await level(w, sku, 'wh')).toEqual({ onHand: 10, reserved: 0 });
    const o = await order('CS-R1');
    expect(o?.status).toBe('shipped');
    expect(o?.total).toBe(5000n);
  });

  it('a store count becomes a count adjustment at the store', async () => {
    const { w, till } = sw;
    const sku = await product(w, 'CT-1', 4, { shown: 0 });
    await stockStore(w, sku, 6);
    // Counted after the receipt: a count is applied as of its time, against the ledger's stamps
    // (the database's clock), so the till's clock is put past the receipt.
    w.clock.set(Math.max(w.clock.nowMs(), Date.now()) + 1000);
    accepted(await till.count([{ sku: 'CT-1', onHand: 2 }]));
    await eventually(async () => {
      await flush();
      return (await level(w, sku, 'store')).onHand === 2;
    }, 'count applied');
    const mv = await db.prisma.inventoryMovement.findFirst({
      where: { skuId: sku, locationId: 'store', reason: { startsWith: 'count' } },
    });
    expect(mv?.onHandDelta).toBe(-4);
    expect(mv?.reference).toMatch(/^count:till:/);
    await eventually(async () => {
      await flush();
      return shown(w, 'CT-1', 0) === 6;
    }, 'shop advertises warehouse + counted');
  });

  it('units held for a click-and-collect stay held when the counter sells them; a person is asked to settle', async () => {
    const { w, till } = sw;
    const sku = await product(w, 'CC-1', 0, { shown: 0 });
    await stockStore(w, sku, 2);
    await eventually(async () => {
      await flush();
      return shown(w, 'CC-1', 0) === 2;
    }, 'shop advertises the store units');
    const pickup = await sell(w, 0, 'CC-1', 2, { pickupLocationId: sw.shopStoreLocation, shippingAddress: null });
    await eventually(async () => {
      await flush();
      return (await level(w, sku, 'store')).reserved === 2;
    }, 'pickup reserved at the store');
    accepted(await till.sale([{ sku: 'CC-1', quantity: 1 }], { receipt: 'CC-R1' }));
    const ex = await (async () => {
      let found = null;
      await eventually(async () => {
        await flush();
        found = await db.prisma.exceptionItem.findFirst({ where: { kind: 'held_units_sold', skuId: sku } });
        return found !== null;
      }, 'held units exception');
      return found as unknown as { message: string; orderId: string };
    })();
    const sale = await order('CC-R1');
    expect(sale?.status).toBe('shipped');
    expect(ex.orderId).toBe(sale?.id);
    expect(ex.message).toContain('1 unit(s) held');
    // The pickup keeps its units in the books, and no channel is offered them.
    expect(await level(w, sku, 'store')).toEqual({ onHand: 2, reserved: 2 });
    const held = await order(pickup.id);
    expect(held?.status).not.toBe('on_hold');
    await flush();
    expect(shown(w, 'CC-1', 0)).toBe(0);
  });

  it('an order taken at the till for delivery ships from the warehouse and the till is told', async () => {
    const { w, till } = sw;
    const sku = await product(w, 'EA-1', 3, { shown: 0 });
    accepted(
      await till.deliveryOrder(
        [{ sku: 'EA-1', quantity: 1 }],
        { line1: '1 Rue A', city: 'Lyon', countryCode: 'FR' },
        {
          receipt: 'EA-D1',
          shipping: 500,
        },
      ),
    );
    let o = null as Awaited<ReturnType<typeof order>>;
    await eventually(async () => {
      await flush();
      o = await order('EA-D1');
      return o?.status === 'allocated';
    }, 'delivery order allocated');
    expect(await level(w, sku, 'wh')).toEqual({ onHand: 3, reserved: 1 });
    // The till's endpoint is down for the first try: the notification is sent again, once.
    till.faults.notifyOutages = 1;
    await shipOrder(db.prisma, o!.id, { tracking: { company: 'DHL', number: 'EA-TRK-1' } }, 'key:test', w.clock);
    await eventually(async () => {
      await flush();
      return till.notifications.some((n) => n.kind === 'ship' && n.receipt === 'EA-D1');
    }, 'till told of the shipment');
    expect(await level(w, sku, 'wh')).toEqual({ onHand: 2, reserved: 0 });
    expect(till.faults.notifyOutages).toBe(0);
    expect(till.notifications.filter((x) => x.receipt === 'EA-D1')).toHaveLength(1);
    const n = till.notifications.find((x) => x.receipt === 'EA-D1');
    expect(n?.tracking?.number).toBe('EA-TRK-1');
    expect(n?.lines).toEqual([{ sku: 'EA-1', quantity: 1 }]);
  });

  it('a store purchase returned by post is restocked at the warehouse and the till learns of the refund', async () => {
    const { w, till } = sw;
    const sku = await product(w, 'RP-1', 0, { shown: 0 });
    await stockStore(w, sku, 3);
    accepted(await till.sale([{ sku: 'RP-1', quantity: 2 }], { receipt: 'RP-R1' }));
    let o = null as Awaited<ReturnType<typeof order>>;
    await eventually(async () => {
      await flush();
      o = await order('RP-R1');
      return o?.status === 'shipped';
    }, 'sale recorded');
    const line = o!.lines[0]!;
    // A refund in another currency than the order's is refused naming the field, nothing changed.
    const wrong = await sw.h.call('POST', `/api/v1/orders/${o!.id}/return`, {
      body: { lines: [{ orderLineId: line.id, quantity: 1, restock: true }], refund: { amount: 1, currency: 'USD' } },
    });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('refund.currency');
    await returnOrder(
      db.prisma,
      o!.id,
      {
        lines: [{ orderLineId: line.id, quantity: 1, restock: true }],
        locationId: 'wh',
        refund: { amount: 1000, currency: 'EUR' },
        idempotencyKey: 'rp-1',
      },
      'key:test',
      w.clock,
    );
    expect(await level(w, sku, 'wh')).toEqual({ onHand: 1, reserved: 0 });
    expect(await level(w, sku, 'store')).toEqual({ onHand: 1, reserved: 0 });
    await eventually(async () => {
      await flush();
      return till.notifications.some((n) => n.kind === 'refund' && n.receipt === 'RP-R1');
    }, 'till told of the refund');
    const refund = till.notifications.find((n) => n.kind === 'refund');
    expect(refund?.lines).toEqual([{ sku: 'RP-1', quantity: 1 }]);
    expect(refund?.refund).toEqual({ amount: 1000, currency: 'EUR' });
    expect((await order('RP-R1'))?.status).toBe('partially_returned');
  });

  it('a web order returned at the store is restocked at the store and Shopify refunds the buyer once', async () => {
    const { w, till } = sw;
    const shop = w.shops[0]!;
    const sku = await product(w, 'WR-1', 2, { shown: 2 });
    const web = await sell(w, 0, 'WR-1', 1);
    let o = null as Awaited<ReturnType<typeof order>>;
    await eventually(async () => {
      await flush();
      o = await order(web.id);
      return o?.status === 'allocated';
    }, 'web order allocated');
    await shipOrder(db.prisma, o!.id, { tracking: { number: 'WR-TRK' } }, 'key:test', w.clock);
    expect(await level(w, sku, 'wh')).toEqual({ onHand: 1, reserved: 0 });
    accepted(
      await till.returnGoods({ accountId: 'shop-0', externalId: web.id }, [{ sku: 'WR-1', quantity: 1 }], {
        returnId: 'WR-RET-1',
        refund: 1500,
        currency: 'USD',
      }),
    );
    await eventually(async () => {
      await flush();
      return (await order(web.id))?.status === 'returned';
    }, 'web order returned');
    expect(await level(w, sku, 'store')).toEqual({ onHand: 1, reserved: 0 });
    expect(await level(w, sku, 'wh')).toEqual({ onHand: 1, reserved: 0 });
    const ret = await db.prisma.return.findFirst({ where: { orderId: o!.id } });
    expect(ret?.refundAmount).toBe(1500n);
    // The shop refunds the buyer through the web payment, without restocking on its side.
    await eventually(async () => {
      await flush();
      return shop.sim.store.refundsOf(web.id).length === 1;
    }, 'Shopify refunded');
    const refund = shop.sim.store.refundsOf(web.id)[0]!;
    expect(refund.amount).toBe(1500);
    expect(refund.transactions.map((t) => t.amount)).toEqual([1500]);
    expect(refund.lines.map((l) => [l.quantity, l.restockType])).toEqual([[1, 'NO_RESTOCK']]);
    // Shopify's webhooks for that refund come back: the hub knows it as its own.
    await storeEvents(db.prisma, shop.accountId, [
      {
        externalEventId: `wh-${refund.id}`,
        topic: 'refunds/create',
        occurredAt: new Date(refund.createdAt).toISOString(),
        payload: shop.sim.refundWebhookBody(refund.id),
      },
      {
        externalEventId: `wh-${web.id}-refunded`,
        topic: 'orders/updated',
        occurredAt: new Date(refund.createdAt).toISOString(),
        payload: shop.sim.orderWebhookBody(web.id),
      },
    ]);
    await eventually(async () => {
      await flush();
      return (await db.prisma.inboxEvent.count({ where: { accountId: shop.accountId, processedAt: null } })) === 0;
    }, 'webhooks processed');
    expect(await db.prisma.return.count({ where: { orderId: o!.id } })).toBe(1);
    expect((await order(web.id))?.status).toBe('returned');
    expect(await level(w, sku, 'store')).toEqual({ onHand: 1, reserved: 0 });
    expect(await level(w, sku, 'wh')).toEqual({ onHand: 1, reserved: 0 });
    expect(shop.sim.store.refundsOf(web.id)).toHaveLength(1);
    expect(await db.prisma.exceptionItem.count({ where: { orderId: o!.id } })).toBe(0);
  });

  /** A web order of `code` sold on the shop and shipped from the warehouse. */
  async function shippedWebOrder(code: string, tracking: string) {
    const { w } = sw;
    const sku = await product(w, code, 2, { shown: 2 });
    const web = await sell(w, 0, code, 1);
    let o = null as Awaited<ReturnType<typeof order>>;
    await eventually(async () => {
      await flush();
      o = await order(web.id);
      return o?.status === 'allocated';
    }, 'web order allocated');
    await shipOrder(db.prisma, o!.id, { tracking: { number: tracking } }, 'key:test', w.clock);
    return { sku, web, o: o! };
  }

  it('a web order taken back at the store through the API is refunded on Shopify at its price', async () => {
    const { w } = sw;
    const shop = w.shops[0]!;
    const { sku, web, o } = await shippedWebOrder('WA-1', 'WA-TRK');
    const line = o.lines[0]!;
    const res = await sw.h.call('POST', `/api/v1/orders/${o.id}/return`, {
      body: { lines: [{ orderLineId: line.id, quantity: 1, restock: true }], locationId: 'store' },
    });
    expect(res.status).toBe(200);
    expect(await level(w, sku, 'store')).toEqual({ onHand: 1, reserved: 0 });
    await eventually(async () => {
      await flush();
      return (
        (await db.prisma.auditLog.count({
          where: { action: 'fulfilment.pushed', data: { path: ['kind'], equals: 'refund' } },
        })) > 0 && shop.sim.store.refundsOf(web.id).length === 1
      );
    }, 'Shopify refunded');
    // No amount given: Shopify's own price for the line (the product's 1,500).
    expect(shop.sim.store.refundsOf(web.id).map((r) => r.amount)).toEqual([1500]);
    expect(await db.prisma.exceptionItem.count({ where: { orderId: o.id } })).toBe(0);
  });

  it('a refund Shopify refuses becomes an open exception naming the reason', async () => {
    const { w, till } = sw;
    const shop = w.shops[0]!;
    const { web, o } = await shippedWebOrder('WX-1', 'WX-TRK');
    accepted(
      await till.returnGoods({ accountId: 'shop-0', externalId: web.id }, [{ sku: 'WX-1', quantity: 1 }], {
        returnId: 'WX-RET-1',
        refund: 9900,
        currency: 'USD',
      }),
    );
    let ex = null as { message: string; resolvedAt: Date | null } | null;
    await eventually(async () => {
      await flush();
      ex = await db.prisma.exceptionItem.findFirst({ where: { orderId: o.id, kind: 'fulfilment_push_refused' } });
      return ex !== null;
    }, 'exception filed');
    expect(ex!.resolvedAt).toBeNull();
    expect(ex!.message).toContain('"refund"');
    expect(ex!.message).toMatch(/refundCreate: Refund amount 99\.00 is greater than the 15\.00 USD/);
    expect(shop.sim.store.refundsOf(web.id)).toHaveLength(0);
  });

  it('duplicated and reordered deliveries change the ledger once each', async () => {
    const { w, till } = sw;
    const sku = await product(w, 'DU-1', 0, { shown: 0 });
    await stockStore(w, sku, 10);
    till.faults.duplicates = 2;
    till.faults.reorder = true;
    await till.sale([{ sku: 'DU-1', quantity: 1 }], { receipt: 'DU-R1' });
    await till.sale([{ sku: 'DU-1', quantity: 2 }], { receipt: 'DU-R2' });
    till.faults.reorder = false;
    accepted(await till.release());
    accepted(await till.sale([{ sku: 'DU-1', quantity: 3 }], { receipt: 'DU-R3' }));
    till.faults.duplicates = 0;
    await eventually(async () => {
      await flush();
      return (await db.prisma.order.count({ where: { externalId: { startsWith: 'DU-R' } } })) === 3;
    }, 'three sales');
    await flush();
    expect(await level(w, sku, 'store')).toEqual({ onHand: 4, reserved: 0 });
  });
});
