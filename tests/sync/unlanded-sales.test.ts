// The shop's own sale whose order waits in the hub's inbox: the shop already took the unit off,
// so the hub's next write compares against the lowered value and carries the claim's right
// share. One call, no compare-and-set refusal, no re-read, no correcting push; once the order
// lands the listing is in sync and nothing more is pushed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { recomputeTargets } from '../../sync/stock/recompute.ts';
import { pushAccountStock, type StockDeps } from '../../sync/stock/push.ts';
import { testDatabases } from '../support/databases.ts';
import { listing, product, sell, shown, type World, world } from './helpers.ts';

describe.each(testDatabases())('sales waiting in the inbox ($kind)', ({ open }) => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 2);
  });
  afterAll(() => db?.close());

  const deps = (): StockDeps => ({
    prisma: db.prisma,
    secretKey: w.key,
    connectors: { shopify: w.connector },
    logger: w.logger,
    unitsPerChannel: 5,
    requestPush: async () => {},
  });
  const recompute = (code: string) => db.prisma.$transaction((tx) => recomputeTargets(tx, [`sku-${code}`], 5));
  const ops = (i: number) => ({ ...(w.shops[i]?.sim.stats.byOperation ?? {}) });

  it('a write to a shop whose sale has not landed compares against what the shop shows', async () => {
    const code = 'UNLANDED';
    await product(w, code, 50);
    await recompute(code);
    for (const s of w.shops) await pushAccountStock(deps(), s.accountId);
    expect([shown(w, code, 0), shown(w, code, 1)]).toEqual([50, 50]);

    // Shop 0 sells 2; the webhook is stored, not processed. Then 5 units are damaged.
    await sell(w, 0, code, 2);
    await adjust(db.prisma, `sku-${code}`, 'wh', -5, 'damage');
    await recompute(code);
    expect((await listing(w, 0, code)).targetQty).toBe(45);

    const before = ops(0);
    await pushAccountStock(deps(), 'shop-0');
    const after = ops(0);
    expect((after.InventorySetQuantities ?? 0) - (before.InventorySetQuantities ?? 0)).toBe(1);
    expect((after.InventoryLevelsAtLocation ?? 0) - (before.InventoryLevelsAtLocation ?? 0)).toBe(0);
    // 45 claimed: 43 on sale, 2 sold there whose order has not landed.
    expect(shown(w, code, 0)).toBe(43);

    const inbox = { prisma: db.prisma, secretKey: w.key, connectors: { shopify: w.connector }, logger: w.logger };
    expect(await processInbox({ ...inbox, clock: w.clock }, 'shop-0')).toMatchObject({ processed: 1 });
    await recompute(code);
    expect(await listing(w, 0, code)).toMatchObject({ targetQty: 43, lastConfirmedQty: 43, lastError: null });
    const settled = ops(0);
    await pushAccountStock(deps(), 'shop-0');
    expect(ops(0)).toEqual(settled);
    expect(shown(w, code, 0)).toBe(43);
  });

  it('an order the hub already holds is not counted again', async () => {
    const code = 'LANDED';
    await product(w, code, 30);
    await recompute(code);
    for (const s of w.shops) await pushAccountStock(deps(), s.accountId);
    const order = await sell(w, 0, code, 1);
    const inbox = { prisma: db.prisma, secretKey: w.key, connectors: { shopify: w.connector }, logger: w.logger };
    await processInbox({ ...inbox, clock: w.clock }, 'shop-0');
    // The same order delivered again (a webhook retry under another delivery id), not processed yet.
    await db.prisma.inboxEvent.create({
      data: {
        accountId: 'shop-0',
        externalEventId: `again-${order.id}`,
        topic: 'orders/create',
        occurredAt: new Date(order.updatedAt),
        payload: w.shops[0]!.sim.orderWebhookBody(order.id) as object,
      },
    });
    await adjust(db.prisma, `sku-${code}`, 'wh', -3, 'damage');
    await recompute(code);
    const before = ops(0);
    await pushAccountStock(deps(), 'shop-0');
    const after = ops(0);
    expect((after.InventorySetQuantities ?? 0) - (before.InventorySetQuantities ?? 0)).toBe(1);
    expect((after.InventoryLevelsAtLocation ?? 0) - (before.InventoryLevelsAtLocation ?? 0)).toBe(0);
    expect(shown(w, code, 0)).toBe(26);
    expect(await listing(w, 0, code)).toMatchObject({ targetQty: 26, lastConfirmedQty: 26 });
  });
});
