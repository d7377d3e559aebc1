// A documents.issue job lost between the dispatcher's commit and its enqueue (the process died
// there): the runtime's sweep finds the dispatched documents.due row no documents run served
// once it is a minute old, queues the job again, and the order's documents are issued exactly
// once — one invoice number taken — and a later sweep queues nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { shipOrder } from '../../core/orders/actions.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { dispatchOnce } from '../../sync/outbox/dispatcher.ts';
import { type SyncRuntime, startSync } from '../../sync/runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';
import { eventually, quietLogger } from '../sync/helpers.ts';
import { seedMerchant } from './helpers.ts';

describe.each(testDatabases())('the sweep for lost documents jobs on $kind', ({ open }) => {
  let db: Database;
  let sync: SyncRuntime;
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  const logger = quietLogger();

  beforeAll(async () => {
    db = await open();
    await seedMerchant(db.prisma);
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh' }]);
    await seedSku(db.prisma, 'MUG');
    await stock(db.prisma, 'sku-MUG', 'wh', 10);
    // Workers only: the outbox is dispatched by hand below, so that its jobs can be lost.
    sync = await startSync({
      db,
      secretKey: generateSecretKey(),
      connectors: {},
      logger,
      clock,
      roles: { dispatcher: false, schedules: false },
      tuning: { sweepIntervalMs: 3_600_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await sync?.stop();
    await db?.close();
  });

  const queued = async () => {
    const c = await sync.queue.counts('documents.issue');
    return c.waiting + c.delayed + c.active;
  };
  const year = () => clock.now().getUTCFullYear();

  it('issues the documents of a lost job once, from the sweep, taking one invoice number', async () => {
    const r = await ingestOrder(db.prisma, 'shop', draft('LOST-1', [{ sku: 'MUG', quantity: 1, title: 'Mug' }]), {
      now: clock.now(),
    });
    await shipOrder(db.prisma, r.orderId, {}, 'test', clock);
    // The dispatcher commits the rows, then the process dies before the jobs are queued.
    const dropped = await dispatchOnce({
      prisma: db.prisma,
      logger,
      clock,
      unitsPerChannel: 5,
      batchSize: 500,
      enqueue: async () => {},
    });
    expect(dropped).toBeGreaterThan(0);
    const documents = () => db.prisma.document.findMany({ where: { orderId: r.orderId } });

    clock.advance(30_000);
    await sync.sweep();
    expect(await queued()).toBe(0); // half a minute: its job may still be on its way
    expect(await documents()).toEqual([]);

    clock.advance(31_000);
    await sync.sweep();
    await eventually(async () => (await documents()).length === 3, 'documents issued by the swept job');
    await eventually(async () => (await queued()) === 0, 'documents job finished');
    const made = await documents();
    expect(made.map((d) => d.kind).sort()).toEqual(['delivery_note', 'invoice', 'order_confirmation']);
    const invoices = made.filter((d) => d.kind === 'invoice');
    expect(invoices.map((d) => d.number)).toEqual([`INV-${year()}-000001`]);
    expect((await db.prisma.documentSeries.findUnique({ where: { key: `INV-${year()}` } }))?.lastNumber).toBe(1);

    // The run is recorded: later sweeps find nothing lost and queue nothing.
    clock.advance(120_000);
    await sync.sweep();
    expect(await queued()).toBe(0);
    await sync.sweep();
    expect(await queued()).toBe(0);
    expect(await db.prisma.document.count({ where: { orderId: r.orderId } })).toBe(3);
    expect((await db.prisma.documentSeries.findUnique({ where: { key: `INV-${year()}` } }))?.lastNumber).toBe(1);
  });
});
