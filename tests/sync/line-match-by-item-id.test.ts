// Order lines the hub matches by the channel's item id when the SKU text does not do it:
// a Shopify line with `sku: null` (or a SKU the hub does not know) whose variant_id is a
// listing's external variant id is that listing's SKU, reserved like any other line. A line
// neither matches stays what it was: unmapped (SKU text) or a custom item (no SKU).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { testDatabases } from '../support/databases.ts';
import { product, quietLogger, type World, world } from './helpers.ts';

type Body = { id: number; line_items: { sku: string | null; variant_id: number | null }[] };

describe.each(testDatabases())('lines matched by the channel item id on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  const deps = () => ({
    prisma: db.prisma,
    secretKey: w.key,
    connectors: { shopify: w.connector },
    logger: quietLogger(),
    clock: w.clock,
  });
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'BOWL', 10);
  });
  afterAll(() => db?.close());

  /** A paid Shopify order for `quantity` BOWLs, its webhook body changed by `edit`, through the inbox. */
  async function deliver(quantity: number, edit: (b: Body) => void) {
    const sim = w.shops[0]!.sim;
    const order = await sim.placeOrder({
      lines: [{ sku: 'BOWL', quantity }],
      shippingAddress: {
        firstName: 'A',
        lastName: 'B',
        address1: '1 St',
        city: 'Ottawa',
        countryCode: 'CA',
        zip: 'K1A 0A1',
      },
    });
    const body = sim.orderWebhookBody(order.id) as Body;
    edit(body);
    await storeEvents(db.prisma, 'shop-0', [
      {
        externalEventId: `wh-${order.id}`,
        topic: 'orders/create',
        occurredAt: w.clock.now().toISOString(),
        payload: body,
      },
    ]);
    expect(await processInbox(deps(), 'shop-0')).toMatchObject({ failed: 0 });
    return db.prisma.order.findFirstOrThrow({
      where: { externalId: order.id },
      include: { lines: true, reservations: { where: { status: 'active' } } },
    });
  }
  const reserved = async () =>
    (
      await db.prisma.inventoryLevel.findUniqueOrThrow({
        where: { skuId_locationId: { skuId: 'sku-BOWL', locationId: 'wh' } },
      })
    ).reserved;

  it('reserves a line with sku null by its variant id', async () => {
    const before = await reserved();
    const order = await deliver(2, (b) => {
      b.line_items[0]!.sku = null;
    });
    expect(order.status).toBe('allocated');
    expect(order.lines[0]).toMatchObject({ skuCode: 'BOWL', quantity: 2 });
    expect(order.reservations.map((r) => [r.skuId, r.quantity])).toEqual([['sku-BOWL', 2]]);
    expect((await reserved()) - before).toBe(2);
  });

  it('reserves a line whose SKU text the hub does not know by its variant id', async () => {
    const before = await reserved();
    const order = await deliver(1, (b) => {
      b.line_items[0]!.sku = 'BOWL-OLD-CODE';
    });
    expect(order.status).toBe('allocated');
    expect(order.reservations.map((r) => [r.skuId, r.quantity])).toEqual([['sku-BOWL', 1]]);
    expect((await reserved()) - before).toBe(1);
  });

  it('still holds a line neither its SKU nor its variant id matches, and keeps a custom item unreserved', async () => {
    const before = await reserved();
    const unmapped = await deliver(1, (b) => {
      b.line_items[0]!.sku = 'NOBODY-KNOWS';
      b.line_items[0]!.variant_id = 987654321;
    });
    expect(unmapped).toMatchObject({ status: 'on_hold', holdReason: 'unmapped_sku' });
    const custom = await deliver(1, (b) => {
      b.line_items[0]!.sku = null;
      b.line_items[0]!.variant_id = null;
    });
    expect(custom.status).toBe('allocated');
    expect(custom.lines[0]?.skuCode).toBeNull();
    expect(custom.reservations).toEqual([]);
    expect(await reserved()).toBe(before);
  });
});
