// The delayed-order mail from a channel's own promise, end to end: an Amazon order (simulator,
// real connector) polled into the hub carries its deliver-by date into orders.promised_at; the
// hub's clock passes it with the order unshipped, the delayed check (the job the schedule
// enqueues) runs again and again, and the buyer gets exactly one "delayed" mail in the sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmazonConnector } from '../../connectors/amazon/connector.ts';
import { type AmazonSimulator, createAmazonSimulator } from '../../connectors/amazon/simulator/index.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { setAppCredentials } from '../../core/accounts/channel-apps.ts';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { saveSmtpSettings } from '../../core/notifications/settings.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { type MailSink, startMailSink } from '../../sync/notifications/dev-sink.ts';
import { pollAccountOrders } from '../../sync/orders-poll.ts';
import { type SyncRuntime, startSync } from '../../sync/runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { quietLogger } from '../sync/helpers.ts';

const AMZ = 'amz-promise';
const US = 'ATVPDKIKX0DER';

async function until<T>(get: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(testDatabases())('a channel promise passed unshipped on $kind', ({ open }) => {
  let db: Database;
  let sink: MailSink;
  let sync: SyncRuntime;
  let sim: AmazonSimulator;
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  const key = generateSecretKey();
  const logger = quietLogger();
  const connector = createAmazonConnector({ clock, transport: (req) => sim.fetch(req) });

  beforeAll(async () => {
    db = await open();
    sim = createAmazonSimulator({ clock, sellerId: 'A3PROMISE01', refreshToken: 'Atzr|p', marketplaceIds: [US] });
    await setAppCredentials(
      db.prisma,
      key,
      'amazon',
      { lwaClientId: sim.clientId, lwaClientSecret: sim.clientSecret },
      'test',
    );
    await createAccount(db.prisma, key, {
      id: AMZ,
      type: 'amazon',
      name: 'Amazon US',
      credentials: { sellerId: 'A3PROMISE01', refreshToken: 'Atzr|p' },
      settings: { marketplaceIds: [US], region: 'na' },
    });
    await db.prisma.location.create({ data: { id: 'wh', code: 'WH', name: 'wh', kind: 'warehouse' } });
    await db.prisma.channelLocation.create({
      data: { accountId: AMZ, locationId: 'wh', externalLocationId: 'DEFAULT' },
    });
    await db.prisma.sku.create({ data: { id: 'sku-LAMP', code: 'LAMP', title: 'Lamp' } });
    await adjust(db.prisma, 'sku-LAMP', 'wh', 10, 'receipt');
    sim.addListing({ sku: 'LAMP', productType: 'HOME' });
    sink = await startMailSink();
    await saveSmtpSettings(db.prisma, key, {
      host: sink.host,
      port: sink.port,
      secure: false,
      from: 'Shop <orders@shop.example>',
      enabled: true,
    });
    sync = await startSync({
      db,
      secretKey: key,
      connectors: { amazon: connector },
      logger,
      clock,
      roles: { schedules: false },
      statusBaseUrl: 'https://hub.example',
      tuning: { backoff: { baseMs: 20, maxMs: 100 }, sweepIntervalMs: 60_000 },
    });
  });
  afterAll(async () => {
    await sync?.stop();
    await sink?.stop();
    await db?.close();
  });

  let run = 0;
  /** What the schedule does on each tick: enqueue the delayed check; then let its mails go. */
  const delayedCheck = async () => {
    await sync.queue.add('notifications.delayed', {}, { jobId: `promise-check-${++run}` });
    await until(async () => {
      const c = await sync.queue.counts('notifications.delayed');
      return c.waiting + c.active + c.delayed === 0 ? true : undefined;
    }, 'delayed check done');
    await sync.flush();
  };

  it('stores the deliver-by date and mails "delayed" once when the clock passes it unshipped', async () => {
    const placed = sim.placeOrder({ items: [{ sku: 'LAMP', quantity: 1 }], deliverBy: '2026-11-27T23:59:59Z' });
    clock.advance(3 * 60_000); // past the two minutes searchOrders keeps out of reach
    const deps = { prisma: db.prisma, secretKey: key, connectors: { amazon: connector }, logger, clock };
    expect((await pollAccountOrders(deps, AMZ)).stored).toBe(1);
    await processInbox(deps, AMZ);
    const order = await db.prisma.order.findFirstOrThrow({ where: { accountId: AMZ, externalId: placed.orderId } });
    expect(order.promisedAt?.toISOString()).toBe('2026-11-27T23:59:59.000Z');
    expect(order.status).not.toBe('shipped');

    await delayedCheck();
    expect(await db.prisma.customerNotification.count({ where: { orderId: order.id } })).toBe(0);

    clock.set('2026-11-28T00:00:00Z');
    await delayedCheck();
    await delayedCheck();
    const sent = await until(async () => {
      await sync.flush();
      const n = await db.prisma.customerNotification.findUnique({
        where: { orderId_kind_subject: { orderId: order.id, kind: 'delayed', subject: '' } },
      });
      return n && n.status !== 'pending' ? n : undefined;
    }, 'delayed notification settled');
    expect(sent.status).toBe('sent');
    await delayedCheck();
    const delayedMails = sink.messages().filter((m) => m.subject.includes(placed.orderId));
    expect(delayedMails.map((m) => m.subject)).toEqual([`Your order ${placed.orderId} is delayed`]);
    expect(delayedMails[0]?.to).toEqual([placed.buyer?.buyerEmail]);
    expect(await db.prisma.customerNotification.count({ where: { orderId: order.id, kind: 'delayed' } })).toBe(1);
  });

  it('keeps a known promise when a later version of the order states none, and takes a new one when stated', async () => {
    const at = (m: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + m * 60_000).toISOString();
    const ext = 'HAND-SET-1';
    const version = (m: number, promisedAt?: string) =>
      draft(ext, [{ sku: 'LAMP', quantity: 1 }], {
        channelCreatedAt: at(0),
        channelUpdatedAt: at(m),
        ...(promisedAt ? { promisedAt } : {}),
      });
    await ingestOrder(db.prisma, AMZ, version(0), { now: clock.now() });
    const where = { accountId_externalId: { accountId: AMZ, externalId: ext } };
    await db.prisma.order.update({ where, data: { promisedAt: new Date('2026-12-24T12:00:00Z') } });
    await ingestOrder(db.prisma, AMZ, version(1), { now: clock.now() });
    expect((await db.prisma.order.findUniqueOrThrow({ where })).promisedAt?.toISOString()).toBe(
      '2026-12-24T12:00:00.000Z',
    );
    await ingestOrder(db.prisma, AMZ, version(2, '2026-12-02T08:00:00+01:00'), { now: clock.now() });
    expect((await db.prisma.order.findUniqueOrThrow({ where })).promisedAt?.toISOString()).toBe(
      '2026-12-02T07:00:00.000Z',
    );
  });
});
