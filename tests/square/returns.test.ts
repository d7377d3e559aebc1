// Goods brought back to the Square till: Square records a return as a return order naming the
// sale (Order.returns[].source_order_id, return_line_items[].source_line_item_uid) and notifies
// the refund (refund.created / refund.updated name the return order). The hub restocks the
// store where the goods came back, once however often the return is read (notifications and the
// safety-net poll), records the refund; a return of a sale the hub never saw, or an unlinked one,
// is an exception a person sees. Inventory moves Square makes for the return are not receipts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import type { AccountContext } from '../../connectors/connector.ts';
import { testDatabases } from '../support/databases.ts';
import { drainTill, level, type Store, storeProduct, storeWorld, TILL } from './helpers.ts';

describe.each(testDatabases())('returns at the Square till on $kind', ({ open }) => {
  let db: Database;
  let s: Store;
  beforeAll(async () => {
    db = await open();
    s = await storeWorld(db);
  });
  afterAll(() => db?.close());

  const orderOf = (externalId: string) => db.prisma.order.findFirstOrThrow({ where: { externalId } });
  const openExceptions = () => db.prisma.exceptionItem.findMany({ where: { accountId: TILL, resolvedAt: null } });
  const tillAccount = (): AccountContext => ({
    id: TILL,
    type: 'square',
    name: 'Flagship till',
    credentials: { merchantId: s.square.merchantId, accessToken: s.square.tokens.access },
    settings: { stockTarget: 'held', locationIds: [s.squareLocation] },
  });

  it('a counter sale brought back restocks the store once, however often Square reports it, and records the refund', async () => {
    const { skuId, variation } = await storeProduct(s, 'MUG', { store: 5 });
    const sale = await s.square.counterSale(s.squareLocation, [{ variationId: variation, quantity: '2' }]);
    await drainTill(s);
    expect((await level(s, 'MUG')).onHand).toBe(3);

    const back = await s.square.counterReturn(sale.id, s.squareLocation, [
      { sourceLineUid: 'li-1', variationId: variation, quantity: '1' },
    ]);
    expect(await drainTill(s)).toMatchObject({ failed: 0, waiting: 0 });
    expect((await level(s, 'MUG')).onHand).toBe(4);
    const order = await orderOf(sale.id);
    expect(order.status).toBe('partially_returned');
    const returns = await db.prisma.return.findMany({ where: { orderId: order.id } });
    expect(returns).toHaveLength(1);
    expect(returns[0]).toMatchObject({ externalId: `${back.id}:ret-1`, refundAmount: 1500n, refundCurrency: 'USD' });
    const restock = await db.prisma.inventoryMovement.findMany({ where: { skuId, reason: { startsWith: 'return' } } });
    expect(restock.map((m) => [m.locationId, m.onHandDelta])).toEqual([['store', 1]]);

    // The safety-net poll finds the return order again, and the refund notifications are
    // redelivered: nothing more comes back on the shelf.
    const poll = await s.squareConnector.pollOrders(tillAccount(), null, systemClock.now());
    expect(poll.events.map((e) => (e.payload as { id: string }).id)).toContain(back.id);
    await storeEvents(
      db.prisma,
      TILL,
      poll.events.map((e) => ({ ...e, externalEventId: `poll:${e.externalEventId}` })),
    );
    for (const d of s.delivered.filter((x) => JSON.parse(x.body).type.startsWith('refund.'))) {
      const body = JSON.parse(d.body);
      await storeEvents(db.prisma, TILL, [
        { externalEventId: `again:${body.event_id}`, topic: body.type, occurredAt: body.created_at, payload: body },
      ]);
    }
    expect(await drainTill(s)).toMatchObject({ failed: 0 });
    expect((await level(s, 'MUG')).onHand).toBe(4);
    expect(await db.prisma.return.count({ where: { orderId: order.id } })).toBe(1);
    // Square's own moves for the return (SOLD → RETURNED_BY_CUSTOMER → IN_STOCK) are not a receipt.
    expect(await db.prisma.inventoryMovement.count({ where: { skuId, reason: { startsWith: 'receipt' } } })).toBe(
      1, // the setup's
    );
    expect(await openExceptions()).toEqual([]);
  });

  it('a return of a sale the hub never saw waits briefly for it, then is an exception a person sees', async () => {
    const { variation } = await storeProduct(s, 'CUP', { store: 5 });
    const target = s.square.webhooks.target;
    if (typeof target !== 'function') throw new Error('no webhook target');
    // The sale's payment notifications are lost (and no poll has run): only the refund's arrive.
    s.square.webhooks.target = async (req) =>
      JSON.parse(await req.clone().text()).type.startsWith('payment.') ? new Response(null) : target(req);
    const sale = await s.square.counterSale(s.squareLocation, [{ variationId: variation, quantity: '1' }]);
    await s.square.counterReturn(sale.id, s.squareLocation, [{ sourceLineUid: 'li-1', variationId: variation }]);
    s.square.webhooks.target = target;
    expect(await drainTill(s)).toMatchObject({ waiting: 1, failed: 0 });
    expect(await openExceptions()).toEqual([]);
    // A quarter of an hour later on the hub's clock the sale has still not come: a person is told.
    const later = new ManualClock(systemClock.nowMs() + 16 * 60_000);
    expect(await drainTill(s, later)).toMatchObject({ waiting: 0 });
    const open = await openExceptions();
    expect(open.map((e) => e.message).join('\n')).toContain(`order ${sale.id} never arrived`);
    expect((await level(s, 'CUP')).onHand).toBe(5);
  });

  it('an unlinked return (no sale named) is an exception at once, nothing restocked', async () => {
    const { variation } = await storeProduct(s, 'JUG', { store: 2 });
    const before = (await openExceptions()).length;
    const back = await s.square.counterReturn(null, s.squareLocation, [{ variationId: variation }]);
    await drainTill(s);
    const open = await openExceptions();
    expect(open).toHaveLength(before + 1);
    expect(open.map((e) => e.message).join('\n')).toContain(`return order ${back.id}: an unlinked return`);
    expect((await level(s, 'JUG')).onHand).toBe(2);
  });
});
