// A stock policy changed through the API (an account's buffer; a SKU's allocation mode) reaches
// the channels at once: the change writes a stock.recompute outbox row in its own transaction,
// so the very next dispatch recomputes the targets and asks for a push, with no stock moving
// and no reconciliation in between (sync/README.md, "The path of a stock change").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { type DispatchIntents, dispatchOnce } from '../../sync/outbox/dispatcher.ts';
import { buildHarness, type Harness } from '../api/harness.ts';
import { testDatabases } from '../support/databases.ts';
import { listing, product, quietLogger, type World, world } from './helpers.ts';

describe.each(testDatabases())('stock policy changes push at once on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  let h: Harness;
  const enqueued: DispatchIntents[] = [];
  const dispatch = () =>
    dispatchOnce({
      prisma: db.prisma,
      logger: quietLogger(),
      clock: systemClock,
      unitsPerChannel: 5,
      batchSize: 100,
      enqueue: async (i) => void enqueued.push(i),
    });
  const targets = async () => [(await listing(w, 0, 'POL-1')).targetQty, (await listing(w, 1, 'POL-1')).targetQty];

  beforeAll(async () => {
    db = await open();
    w = await world(db);
    h = await buildHarness(db);
    await product(w, 'POL-1', 10);
    while ((await dispatch()) > 0); // the receipt's own change
    enqueued.length = 0;
  });
  afterAll(() => db?.close());

  it("an account's stock buffer lowers its channel's target in the next dispatch", async () => {
    const [before] = await targets();
    expect(before).toBe(10);
    const r = await h.call('PATCH', '/api/v1/channel-accounts/shop-0', { body: { stockBuffer: 4 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await dispatch()).toBeGreaterThan(0);
    expect(await targets()).toEqual([6, 10]);
    expect(enqueued.flatMap((i) => [...i.push.keys()])).toContain('shop-0');
  });

  it("a SKU's allocation mode re-splits its stock across channels in the next dispatch", async () => {
    enqueued.length = 0;
    const r = await h.call('PATCH', '/api/v1/skus/POL-1', { body: { allocationMode: 'strict' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await dispatch()).toBeGreaterThan(0);
    const [a, b] = await targets();
    // Strict: what all channels advertise together never exceeds what can be sold (10).
    expect((a ?? 0) + (b ?? 0)).toBeLessThanOrEqual(10);
    expect(enqueued.flatMap((i) => [...i.push.keys()]).sort()).toEqual(expect.arrayContaining(['shop-1']));
  });

  it('a change that does not touch stock policy writes nothing', async () => {
    const r = await h.call('PATCH', '/api/v1/channel-accounts/shop-1', { body: { name: 'Renamed' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await db.prisma.outboxEvent.count({ where: { dispatchedAt: null } })).toBe(0);
  });
});
