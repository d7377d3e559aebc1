// Reconciliation counts its repairs and leaves alone a lower channel value that pending
// orders may explain; token refresh uses the connector's hook when it has one and is a no-op
// otherwise; cleanup deletes old processed inbox rows and dispatched outbox rows only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccountContext } from '../../core/accounts/accounts.ts';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import type { AccountContext, ChannelConnector } from '../../connectors/connector.ts';
import type { ConnectorRegistry } from '../../sync/connectors.ts';
import { CredentialRefresher } from '../../sync/credentials-refresh.ts';
import { cleanup, refreshAccountToken } from '../../sync/maintenance.ts';
import { pushAccountStock } from '../../sync/stock/push.ts';
import { reconcileAccount } from '../../sync/stock/reconcile.ts';
import { testDatabases } from '../support/databases.ts';
import { listing, product, quietLogger, sell, shown, type World, world } from './helpers.ts';

describe.each(testDatabases().slice(-1))('maintenance on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  const pushes: string[] = [];
  const deps = () => ({
    prisma: db.prisma,
    secretKey: w.key,
    connectors: { shopify: w.connector },
    logger: quietLogger(),
    clock: w.clock,
    unitsPerChannel: 5,
    requestPush: async (id: string) => void pushes.push(id),
  });
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'REC-A', 8);
    await product(w, 'REC-B', 8);
    await reconcileAccount({ ...deps(), graceMs: 0 }, 'shop-0'); // computes the targets of new listings
    await pushAccountStock(deps(), 'shop-0');
  });
  afterAll(() => db?.close());

  it('repairs and counts drift, and defers a lower value while orders are pending', async () => {
    expect(shown(w, 'REC-A', 0)).toBe(8);
    const sim = w.shops[0]!.sim;
    const [a, b] = [w.items.get('REC-A')![0]!, w.items.get('REC-B')![0]!];
    const loc = w.shops[0]!.location;
    sim.store.levels.set(`${a}|${loc}`, 20); // higher: repaired at once
    // Lower: the shop sold 3, and the order's webhook waits in the inbox.
    const order = await sell(w, 0, 'REC-B', 3);
    expect(sim.available(b, loc)).toBe(5);
    pushes.length = 0;
    const run = await reconcileAccount({ ...deps(), graceMs: 120_000 }, 'shop-0');
    expect(run).toEqual({ checked: 2, repaired: 1, pushed: 1, deferred: 1 });
    expect((await listing(w, 0, 'REC-A')).lastConfirmedQty).toBe(20);
    expect((await listing(w, 0, 'REC-B')).lastConfirmedQty).toBe(8);
    expect(pushes).toEqual(['shop-0']);

    await db.prisma.inboxEvent.updateMany({
      where: { externalEventId: `wh-${order.id}` },
      data: { processedAt: w.clock.now() },
    });
    const again = await reconcileAccount({ ...deps(), graceMs: 120_000 }, 'shop-0');
    expect(again).toMatchObject({ repaired: 1, deferred: 0 }); // REC-B now
    await pushAccountStock(deps(), 'shop-0');
    expect([shown(w, 'REC-A', 0), shown(w, 'REC-B', 0)]).toEqual([8, 8]);
  });

  it('repairs a lower value at once when no pending event names its SKU, even while others wait', async () => {
    const sim = w.shops[0]!.sim;
    const b = w.items.get('REC-B')![0]!;
    const loc = w.shops[0]!.location;
    const believed = (await listing(w, 0, 'REC-B')).lastConfirmedQty!;
    sim.store.levels.set(`${b}|${loc}`, believed - 2); // lowered by hand on the shop
    const other = await sell(w, 0, 'REC-A', 1); // a busy account: an order of another SKU waits
    const run = await reconcileAccount({ ...deps(), graceMs: 120_000 }, 'shop-0');
    expect(run.deferred).toBe(1); // REC-A: its sale is on its way
    expect((await listing(w, 0, 'REC-B')).lastConfirmedQty).toBe(believed - 2);
    await db.prisma.inboxEvent.updateMany({
      where: { externalEventId: `wh-${other.id}` },
      data: { processedAt: w.clock.now() },
    });
  });

  it('waits after a recent sale of the SKU, keyed on when the channel sold, not on later touches', async () => {
    await product(w, 'REC-C', 8);
    await reconcileAccount({ ...deps(), graceMs: 0 }, 'shop-0');
    await pushAccountStock(deps(), 'shop-0');
    const sim = w.shops[0]!.sim;
    const c = w.items.get('REC-C')![0]!;
    const loc = w.shops[0]!.location;
    await sell(w, 0, 'REC-C', 1);
    expect(await processInbox(deps(), 'shop-0')).toMatchObject({ failed: 0 });
    const believed = (await listing(w, 0, 'REC-C')).lastConfirmedQty!;
    // One more unit gone on the shop, its order not here yet: a sale of this SKU just landed,
    // so another may be on its way.
    sim.store.levels.set(`${c}|${loc}`, believed - 1);
    expect((await reconcileAccount({ ...deps(), graceMs: 120_000 }, 'shop-0')).deferred).toBe(1);
    // The same sale ten minutes later, landed just now (the poll recovered it late) and its
    // reservation touched just now by a re-read: that is no new sale, so the lower value is repaired.
    const sku = await db.prisma.sku.findFirstOrThrow({ where: { code: 'REC-C' } });
    await db.prisma.$executeRaw`
      UPDATE orders SET channel_created_at = now() - interval '10 minutes'
       WHERE id IN (SELECT order_id FROM reservations WHERE sku_id = ${sku.id})`;
    await db.prisma
      .$executeRaw`UPDATE reservations SET created_at = now(), updated_at = now() WHERE sku_id = ${sku.id}`;
    const run = await reconcileAccount({ ...deps(), graceMs: 120_000 }, 'shop-0');
    expect(run).toMatchObject({ deferred: 0, repaired: 1 });
    expect((await listing(w, 0, 'REC-C')).lastConfirmedQty).toBe(believed - 1);
  });

  it('refreshes credentials through the connector hook, and does nothing without one', async () => {
    const withRefresher = (connectors: ConnectorRegistry) => {
      const d = { ...deps(), connectors };
      return { ...d, refresher: new CredentialRefresher(d) };
    };
    expect(await refreshAccountToken(withRefresher({ shopify: w.connector }), 'shop-0')).toBe(false);
    const refreshing = {
      ...w.connector,
      async refreshCredentials(account: AccountContext) {
        return { stored: { ...account.credentials, accessToken: 'shpat_rotated' } };
      },
    } as ChannelConnector;
    expect(await refreshAccountToken(withRefresher({ shopify: refreshing }), 'shop-0')).toBe(true);
    const ctx = await loadAccountContext(db.prisma, w.key, 'shop-0');
    expect(ctx.credentials.accessToken).toBe('shpat_rotated');
    const row = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'shop-0' } });
    expect(row.credentialsEnc).not.toContain('shpat_rotated');
  });

  it('deletes only old processed inbox rows and old dispatched outbox rows, by the hub clock', async () => {
    // Rows stamped 5 days ago are past a 7-day retention only on a hub clock 3 days ahead of
    // the world's: cleanup must take its "now" from the clock it is given.
    const day = 86_400_000;
    const stamped = new Date(w.clock.nowMs() - 5 * day);
    const ahead = new ManualClock(w.clock.nowMs() + 3 * day);
    await storeEvents(db.prisma, 'shop-0', [
      { externalEventId: 'old-done', topic: 't', occurredAt: null, payload: {} },
      { externalEventId: 'old-pending', topic: 't', occurredAt: null, payload: {} },
    ]);
    await db.prisma.inboxEvent.updateMany({ where: { externalEventId: 'old-done' }, data: { processedAt: stamped } });
    await db.prisma.outboxEvent.updateMany({ where: { dispatchedAt: null }, data: { dispatchedAt: stamped } });
    await db.prisma.outboxEvent.create({ data: { kind: 'inventory.changed', payload: { skuId: 'x' } } });
    const r = await cleanup({ ...deps(), clock: ahead }, { inboxRetentionDays: 7, outboxRetentionDays: 7 });
    expect(r.inbox).toBe(1); // the sales' webhooks, processed "now" by the world's clock, stay
    expect(r.outbox).toBeGreaterThan(0);
    expect(await db.prisma.inboxEvent.count({ where: { externalEventId: 'old-pending' } })).toBe(1);
    expect(await db.prisma.inboxEvent.count({ where: { externalEventId: { startsWith: 'wh-' } } })).toBe(3);
    expect(await db.prisma.outboxEvent.count({ where: { dispatchedAt: null } })).toBe(1);
  });
});
