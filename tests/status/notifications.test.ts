// Customer notifications by e-mail, through the outbox and a real SMTP conversation with the
// development sink: each sent exactly once — also when the job dies after the SMTP server took
// the message and before the hub recorded it (the rule: the retry sends the same Message-ID and
// the receiver keeps one copy) — and the delayed-order notice fires once past the promised date
// on the hub's (manual) clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { saveSmtpSettings } from '../../core/notifications/settings.ts';
import { shipOrder } from '../../core/orders/actions.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { hashStatusToken } from '../../core/status/token.ts';
import { type MailSink, startMailSink } from '../../sync/notifications/dev-sink.ts';
import { type SyncRuntime, startSync } from '../../sync/runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { quietLogger } from '../sync/helpers.ts';
import { ACCOUNT, pickupOrder, seedWorld, shippedOrder, shortOrder } from './helpers.ts';

async function until<T>(get: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(testDatabases())('customer notifications on $kind', ({ open }) => {
  let db: Database;
  let sink: MailSink;
  let sync: SyncRuntime;
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  const key = generateSecretKey();
  /** Notification ids whose first send "crashes" after SMTP accepted the message. */
  const crashOnce = new Set<string>();
  const crashed = new Set<string>();
  /** While set, every notification's first send "crashes" after SMTP accepted it. */
  let crashEvery = false;

  beforeAll(async () => {
    db = await open();
    await seedWorld(db.prisma);
    sink = await startMailSink();
    await saveSmtpSettings(db.prisma, key, {
      host: sink.host,
      port: sink.port,
      secure: false,
      user: 'shop',
      password: 'smtp-password-123',
      from: 'Müller & Söhne <orders@shop.example>',
      enabled: true,
    });
    sync = await startSync({
      db,
      secretKey: key,
      connectors: {},
      logger: quietLogger(),
      clock,
      roles: { schedules: false },
      statusBaseUrl: 'https://hub.example',
      tuning: { backoff: { baseMs: 20, maxMs: 100 }, sweepIntervalMs: 60_000 },
      notifications: {
        hooks: {
          afterAccepted(id) {
            if ((crashEvery || crashOnce.has(id)) && !crashed.has(id)) {
              crashed.add(id);
              throw new Error('process died after SMTP accepted the message');
            }
          },
        },
      },
    });
  });
  afterAll(async () => {
    await sync?.stop();
    await sink?.stop();
    await db?.close();
  });

  const notification = (orderId: string, kind: string) =>
    db.prisma.customerNotification.findFirst({ where: { orderId, kind }, orderBy: { createdAt: 'asc' } });
  const settled = (orderId: string, kind: string) =>
    until(async () => {
      await sync.flush();
      const n = await notification(orderId, kind);
      return n && n.status !== 'pending' ? n : undefined;
    }, `${kind} notification of ${orderId} settled`);
  const mailsTo = (orderNumber: string) => sink.messages().filter((m) => m.subject.includes(orderNumber));

  it('keeps the SMTP password encrypted at rest', async () => {
    const row = await db.prisma.notificationSettings.findUniqueOrThrow({ where: { id: 'default' } });
    expect(row.smtpPasswordEnc).toMatch(/^v1\./);
    expect(row.smtpPasswordEnc).not.toContain('smtp-password-123');
  });

  it('mails "shipped" once, even when the job dies after SMTP accepted it and is retried', async () => {
    const o = await shippedOrder(db.prisma, clock, 'en');
    const n = await notification(o.id, 'shipped');
    expect(n?.status).toBe('pending');
    crashOnce.add(n?.id as string);
    const done = await settled(o.id, 'shipped');
    expect(crashed.has(done.id)).toBe(true); // the first run did die after the SMTP server took it
    expect(done.status).toBe('sent');
    expect(done.attempts).toBe(2);
    const mails = mailsTo(`#${o.ext}`);
    expect(mails).toHaveLength(1);
    // Delivered twice by SMTP, kept once: the same Message-ID both times.
    const copies = sink.deliveries();
    expect(copies).toBeGreaterThanOrEqual(2);
    const mail = mails[0]!;
    expect(mail.messageId).toBe(`<${done.id}@shop.example>`);
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.subject).toBe(`Your order #${o.ext} has shipped`);
    const link = /https:\/\/hub\.example\/o\/([A-Za-z0-9_-]{43})/.exec(mail.text);
    expect(link).not.toBeNull();
    const order = await db.prisma.order.findUniqueOrThrow({ where: { id: o.id } });
    expect(order.statusTokenHash).toBe(hashStatusToken(link?.[1] as string));
    // Another run of the same job (a duplicate dispatch) sends nothing.
    await sync.queue.add('notification.send', { notificationId: done.id }, { jobId: `again-${done.id}` });
    await sync.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.deliveries()).toBe(copies);
  });

  it('mails "shipped" once per parcel, naming its lines and tracking, across a retried job', async () => {
    const ext = `PP-${clock.nowMs()}`;
    const { orderId } = await ingestOrder(
      db.prisma,
      ACCOUNT,
      draft(ext, [
        { sku: 'TEE', quantity: 2, title: 'T-shirt blue' },
        { sku: 'MUG', quantity: 1, title: 'Mug' },
      ]),
      { now: clock.now() },
    );
    const [tee, mug] = await db.prisma.orderLine.findMany({ where: { orderId }, orderBy: { position: 'asc' } });
    if (!tee || !mug) throw new Error('lines');
    const parcel = (line: string, quantity: number, company: string, number: string) =>
      shipOrder(
        db.prisma,
        orderId,
        {
          lines: [{ orderLineId: line, quantity }],
          tracking: { company, number, url: `https://track.example/${number}` },
        },
        'test',
        clock,
      );
    crashEvery = true; // each first send dies after the SMTP server took the message
    await parcel(tee.id, 2, 'DHL', 'JJD0001');
    await parcel(mug.id, 1, 'UPS', '1Z999');
    const notices = await until(async () => {
      await sync.flush();
      const all = await db.prisma.customerNotification.findMany({ where: { orderId, kind: 'shipped' } });
      return all.length === 2 && all.every((n) => n.status !== 'pending') ? all : undefined;
    }, 'both parcel notices settled');
    crashEvery = false;
    expect(notices.map((n) => n.status)).toEqual(['sent', 'sent']);
    // Keyed by the parcel: one notice per fulfilment, each retried after its crash.
    const parcels = await db.prisma.fulfilment.findMany({ where: { orderId } });
    expect(notices.map((n) => n.subject).sort()).toEqual(parcels.map((f) => f.id).sort());
    expect(notices.map((n) => [crashed.has(n.id), n.attempts])).toEqual([
      [true, 2],
      [true, 2],
    ]);
    // A duplicate run of each job sends nothing more.
    const copies = sink.deliveries();
    for (const n of notices)
      await sync.queue.add('notification.send', { notificationId: n.id }, { jobId: `dup-${n.id}` });
    await sync.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.deliveries()).toBe(copies);

    const mails = mailsTo(`#${ext}`);
    expect(mails).toHaveLength(2);
    const byTracking = (n: string) => mails.filter((m) => m.text.includes(n));
    const [dhl] = byTracking('DHL JJD0001');
    const [ups] = byTracking('UPS 1Z999');
    expect(byTracking('DHL JJD0001')).toHaveLength(1);
    expect(byTracking('UPS 1Z999')).toHaveLength(1);
    expect(dhl?.text).toContain('2 × T-shirt blue');
    expect(dhl?.text).not.toContain('Mug');
    expect(dhl?.text).toContain('Tracking: DHL JJD0001 https://track.example/JJD0001');
    expect(ups?.text).toContain('1 × Mug');
    expect(ups?.text).not.toContain('T-shirt');
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
  });

  it('mails "shipped" once for the whole order when the channel shipped it (no parcel of the hub\'s own)', async () => {
    const ext = `CH-${clock.nowMs()}`;
    const { orderId } = await ingestOrder(
      db.prisma,
      ACCOUNT,
      draft(ext, [{ sku: 'TEE', quantity: 1, title: 'T-shirt blue', fulfilledQuantity: 1 }], {
        state: { cancelled: false, payment: 'paid', fulfilment: 'fulfilled', restock: true },
      }),
      { now: clock.now() },
    );
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('shipped');
    expect((await settled(orderId, 'shipped')).status).toBe('sent');
    const notices = await db.prisma.customerNotification.findMany({ where: { orderId } });
    expect(notices.map((n) => [n.kind, n.subject])).toEqual([['shipped', '']]);
    expect(mailsTo(`#${ext}`).map((m) => m.subject)).toEqual([`Your order #${ext} has shipped`]);
  });

  it('mails "ready for pickup" in the customer\'s language (de)', async () => {
    const o = await pickupOrder(db.prisma, clock, 'de-DE');
    expect((await settled(o.id, 'ready_for_pickup')).status).toBe('sent');
    const [mail] = mailsTo(`#${o.ext}`);
    expect(mail?.subject).toBe(`Ihre Bestellung #${o.ext} ist abholbereit`);
    expect(mail?.text).toContain('Abholcode und Öffnungszeiten finden Sie auf Ihrer Bestellseite.');
  });

  it('mails "waiting for stock" once for an order held short of stock', async () => {
    const o = await shortOrder(db.prisma, clock);
    const order = await db.prisma.order.findUniqueOrThrow({ where: { id: o.id } });
    expect([order.status, order.holdReason]).toEqual(['on_hold', 'insufficient_stock']);
    expect((await settled(o.id, 'short_of_stock')).status).toBe('sent');
    expect(mailsTo(`#${o.ext}`).map((m) => m.subject)).toEqual([`Your order #${o.ext} is waiting for stock`]);
  });

  it('mails "delayed" once when the clock passes the promised date, not before', async () => {
    const o = await shortOrder(db.prisma, clock);
    await db.prisma.order.update({
      where: { id: o.id },
      data: { promisedAt: new Date(clock.nowMs() + 3_600_000) },
    });
    let run = 0;
    const check = async () => {
      await sync.queue.add('notifications.delayed', {}, { jobId: `delayed-check-${++run}` });
      await until(async () => {
        const c = await sync.queue.counts('notifications.delayed');
        return c.waiting + c.active + c.delayed === 0 ? true : undefined;
      }, 'delayed check done');
      await sync.flush();
    };
    await check();
    expect(await notification(o.id, 'delayed')).toBeNull();
    clock.advance(3_600_000 + 1);
    await check();
    await check();
    expect((await settled(o.id, 'delayed')).status).toBe('sent');
    await check();
    expect(await db.prisma.customerNotification.count({ where: { orderId: o.id, kind: 'delayed' } })).toBe(1);
    expect(mailsTo(`#${o.ext}`).filter((m) => m.subject.endsWith('is delayed'))).toHaveLength(1);
  });
});
