// Erasing a buyer leaves no trace of them anywhere the hub stores text: every column of
// every table is dumped and searched for the erased strings, and so is the log output of the
// run. The order, its lines and its money stay. Retention erases closed orders once the
// hub's clock is past the setting, and not before.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import { createLogger } from '../../core/log.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { erasePerson } from '../../core/privacy/erase.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { cleanup } from '../../sync/maintenance.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

const DAY = 86_400_000;
const connectors = { shopify: createShopifyConnector() };

/** A buyer whose strings the test searches for after erasure. */
function person(tag: string) {
  return {
    name: `Grace ${tag}hopper`,
    email: `grace.${tag}@example.org`,
    phone: `+1 555 01${tag.length}9 ${tag}`,
    street: `${tag} Navy Lane 12`,
    buyerId: `buyer-${tag}-77`,
    // A VAT id per person; the raw event holds the bare number, as some channels send it.
    vatNumber: [...tag]
      .map((c) => c.charCodeAt(0))
      .join('')
      .padEnd(9, '7')
      .slice(0, 9),
  };
}
type Person = ReturnType<typeof person>;

/** The order draft and the raw Shopify-shaped webhook body the inbox would hold for it. */
function orderOf(p: Person, externalId: string, over: Parameters<typeof draft>[2] = {}) {
  const address = {
    name: p.name,
    line1: p.street,
    city: 'Arlington',
    postalCode: '22201',
    countryCode: 'US',
    phone: p.phone,
  };
  const d = draft(externalId, [{ sku: 'PV', quantity: 1 }], {
    customer: { externalId: p.buyerId, name: p.name, email: p.email, phone: p.phone },
    buyerVatId: `DE${p.vatNumber}`,
    shippingAddress: address,
    billingAddress: address,
    ...over,
  });
  const [first, last] = p.name.split(' ');
  const payload = {
    id: Number(externalId.replace(/\D/g, '')) || 1,
    name: `#${externalId}`,
    email: p.email,
    contact_email: p.email,
    phone: p.phone,
    note: `call ${p.name} before delivery`,
    customer: { id: p.buyerId, first_name: first, last_name: last, email: p.email },
    shipping_address: { first_name: first, last_name: last, address1: p.street, city: 'Arlington', phone: p.phone },
    line_items: [{ id: 1, sku: 'PV', title: 'Privacy mug', quantity: 1, price: '10.00' }],
    note_attributes: [{ name: 'vat_number', value: p.vatNumber }],
  };
  return { d, payload };
}

async function dumpDatabase(db: Database): Promise<string> {
  const tables = await db.prisma.$queryRaw<{ t: string }[]>`
    SELECT table_name AS t FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`;
  const parts: string[] = [];
  for (const { t } of tables) {
    // A row cast to text holds every column of it: text, json, arrays alike.
    const rows = await db.prisma.$queryRawUnsafe<{ r: string }[]>(`SELECT x::text AS r FROM "${t}" x`);
    parts.push(...rows.map((r) => `${t}: ${r.r}`));
  }
  return parts.join('\n').toLowerCase();
}

const traces = (dump: string, p: Person) =>
  [p.name, p.email, p.phone, p.street, p.buyerId, p.name.split(' ')[1] as string, p.vatNumber].filter((s) =>
    dump.includes(s.toLowerCase()),
  );

function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'debug' }, sink), text: () => lines.join('').toLowerCase() };
}

describe.each(testDatabases())('personal data erasure on $kind', ({ open }) => {
  let db: Database;
  const clock = new ManualClock('2026-11-21T09:00:00Z');
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh', externalLocationId: 'L-wh' }]);
    await seedSku(db.prisma, 'PV');
    await stock(db.prisma, 'sku-PV', 'wh', 100);
  });
  afterAll(() => db?.close());

  async function place(p: Person, externalId: string, over: Parameters<typeof draft>[2] = {}) {
    const { d, payload } = orderOf(p, externalId, over);
    await storeEvents(db.prisma, 'shop', [
      { externalEventId: `evt-${externalId}`, topic: 'orders/create', occurredAt: null, payload },
    ]);
    const r = await ingestOrder(db.prisma, 'shop', d, { now: clock.now() });
    // Copies outside the order: an exception quoting the buyer, an audit entry, a history note.
    await db.prisma.exceptionItem.create({
      data: {
        id: `ex-${externalId}`,
        kind: 'event_failed',
        dedupeKey: `ex-${externalId}`,
        accountId: 'shop',
        orderId: r.orderId,
        message: `could not deliver to ${p.name} <${p.email}>`,
        data: { payload },
      },
    });
    await db.prisma.auditLog.create({
      data: { actor: 'key:test', action: 'note', entity: 'order', entityId: r.orderId, data: { phone: p.phone } },
    });
    return r.orderId;
  }

  it('erases a buyer by e-mail from orders, raw events, exceptions and history; the order and money stay', async () => {
    const grace = person('g1');
    const ada = person('a1'); // another buyer, who must keep her data
    const o1 = await place(grace, 'PV-1001');
    const o2 = await place(grace, 'PV-1002');
    const other = await place(ada, 'PV-1003');
    expect(traces(await dumpDatabase(db), grace).length).toBeGreaterThan(0);

    const r = await erasePerson(
      db.prisma,
      { email: grace.email.toUpperCase() },
      { clock, actor: 'key:admin', reason: 'buyer asked', personalKeys: connectors.shopify.personalDataKeys },
    );
    expect(r.orderIds.sort()).toEqual([o1, o2].sort());

    expect(traces(await dumpDatabase(db), grace)).toEqual([]);
    expect(traces(await dumpDatabase(db), ada)).toHaveLength(7);

    const kept = await db.prisma.order.findUniqueOrThrow({ where: { id: o1 }, include: { lines: true, events: true } });
    expect(kept).toMatchObject({
      customer: null,
      shippingAddress: null,
      billingAddress: null,
      buyerVatId: null,
      total: 1000n,
    });
    expect(kept.lines).toHaveLength(1);
    expect(kept.personalDataErasedAt?.toISOString()).toBe(clock.now().toISOString());
    expect(kept.events.at(-1)).toMatchObject({ actor: 'key:admin', reason: 'personal data erased (buyer asked)' });
    // The raw event keeps what is not personal (its lines) for the record.
    const evt = await db.prisma.inboxEvent.findFirstOrThrow({ where: { externalEventId: 'evt-PV-1001' } });
    expect(evt.payload).toMatchObject({ customer: null, email: null, line_items: [{ sku: 'PV' }] });
    const untouched = await db.prisma.order.findUniqueOrThrow({ where: { id: other } });
    expect(untouched.customer).toMatchObject({ email: ada.email });
    expect(untouched.buyerVatId).toBe(`DE${ada.vatNumber}`);
  });

  it('keeps an erased order erased when the channel sends a later version of it', async () => {
    const p = person('k1');
    const id = await place(p, 'PV-2001');
    await erasePerson(db.prisma, { orderId: id }, { clock, actor: 'key:admin', reason: 'buyer asked' });
    const { d } = orderOf(p, 'PV-2001', { channelUpdatedAt: '2026-11-20T13:00:00Z' });
    await ingestOrder(db.prisma, 'shop', d, { now: clock.now() });
    const o = await db.prisma.order.findUniqueOrThrow({ where: { id } });
    expect(o.customer).toBeNull();
    expect(o.shippingAddress).toBeNull();
    expect(o.buyerVatId).toBeNull();
  });

  it('retention erases closed orders once the clock is past the setting, and not before', async () => {
    const shipped = person('r1');
    const open = person('r2');
    const closedAt = clock.now();
    const done = await place(shipped, 'PV-3001', {
      state: { cancelled: false, payment: 'paid', fulfilment: 'fulfilled', restock: true },
      lines: [
        {
          channelLineId: 'PV-3001-L1',
          sku: 'PV',
          quantity: 1,
          title: 'Privacy mug',
          unitPrice: 1000,
          fulfilledQuantity: 1,
        },
      ],
    });
    const stillOpen = await place(open, 'PV-3002');
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: done } })).closedAt).toEqual(closedAt);

    const log = capturedLogger();
    const deps = { prisma: db.prisma, secretKey: new Uint8Array(32), connectors, logger: log.logger, clock };
    const opts = { inboxRetentionDays: 7, outboxRetentionDays: 7, personalDataRetentionDays: 30 };
    clock.set(closedAt.getTime() + 29 * DAY);
    expect((await cleanup(deps, opts)).erased).toBe(0);
    expect(traces(await dumpDatabase(db), shipped).length).toBeGreaterThan(0);

    clock.set(closedAt.getTime() + 31 * DAY);
    expect((await cleanup(deps, opts)).erased).toBe(1);
    expect(traces(await dumpDatabase(db), shipped)).toEqual([]);
    expect(traces(log.text(), shipped)).toEqual([]);
    // The open order's buyer is kept: only closed orders age out.
    expect(traces(await dumpDatabase(db), open)).toHaveLength(7);
    const o = await db.prisma.order.findUniqueOrThrow({ where: { id: done }, include: { events: true } });
    expect(o.status).toBe('shipped');
    expect(o.events.at(-1)).toMatchObject({
      actor: 'system:retention',
      reason: 'personal data erased (retention: 30 days after the order closed)',
    });
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: stillOpen } })).personalDataErasedAt).toBeNull();
    // Another run finds nothing left to erase.
    expect((await cleanup(deps, opts)).erased).toBe(0);
  });
});
