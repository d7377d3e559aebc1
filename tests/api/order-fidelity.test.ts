// What a Shopify order carries reaches the API whole: the buyer's phone, tips, per-line tax
// lines and discounts, the discount codes, the tracking of fulfilments made on Shopify, the
// lines in Shopify's order, and the test flag (filterable, left out of the landing figures).
// Fixture: tests/fixtures/shopify/rest-order-450789469.json, Shopify's REST Order reference
// example (provenance in tests/fixtures/shopify/README.md). What a test needs to differ (a tip,
// the line order, `test`) is changed here in the test code, visibly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landingSnapshot } from '../../api/landing/snapshot.ts';
import { mapGraphqlOrder, mapRestOrder } from '../../connectors/shopify/mapping.ts';
import type { GqlOrder, RestOrder } from '../../connectors/shopify/payloads.ts';
import type { Database } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { fixture } from '../shopify/helpers.ts';
import { seedShop, shipOrderFixture } from './fixtures.ts';
import { buildHarness, type Harness, type Json } from './harness.ts';

const order450 = () => fixture<RestOrder>('rest-order-450789469.json');

describe.each(testDatabases())('Shopify order fidelity through the API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  let orderId: string;

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
    await seedShop(db.prisma);
    const body = order450();
    // A tip of 5.00 (the example has 0.00), and the lines in an order their ids do not sort in.
    body.total_tip_received = '5.00';
    body.line_items = [...body.line_items].reverse();
    orderId = (await ingestOrder(db.prisma, 'shop', mapRestOrder(body))).orderId;
  });
  afterAll(() => db?.close());

  const detail = async (id: string): Promise<Json> => {
    const r = await h.call('GET', `/api/v1/orders/${id}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  it("exposes the buyer's phone, in the list and in the order", async () => {
    expect((await detail(orderId)).customer).toEqual({
      name: 'Bob Norman',
      email: 'bob.norman@mail.example.com',
      phone: '+557734881234',
    });
    const listed = await h.call('GET', '/api/v1/orders?q=%231001');
    expect(listed.body.data[0].customer.phone).toBe('+557734881234');
  });

  it('keeps the tip as its own amount and the discount codes', async () => {
    const o = await detail(orderId);
    expect(o.tipTotal).toEqual({ amount: 500, currency: 'USD' });
    expect(o.discountCodes).toEqual(['TENOFF']);
  });

  it('lists the lines as Shopify sent them, each with its tax lines and discounts', async () => {
    const o = await detail(orderId);
    expect(o.lines.map((l: Json) => [l.position, l.channelLineId])).toEqual([
      [0, 'gid://shopify/LineItem/703073504'],
      [1, 'gid://shopify/LineItem/518995019'],
      [2, 'gid://shopify/LineItem/466157049'],
    ]);
    expect(o.lines[1]).toMatchObject({
      taxLines: [{ title: 'State Tax', rate: '0.06', amount: { amount: 398, currency: 'USD' } }],
      discounts: [{ code: 'TENOFF', title: null, amount: { amount: 333, currency: 'USD' } }],
      taxTotal: { amount: 398, currency: 'USD' },
    });
  });

  it('keeps the tracking of fulfilments made on Shopify, also when a later read does not carry them', async () => {
    const expected = [
      {
        externalId: 'gid://shopify/Fulfillment/255858046',
        status: 'failure',
        tracking: [
          {
            company: 'USPS',
            number: '1Z1234512345123456',
            url: 'https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=1Z1234512345123456',
          },
        ],
        lines: [{ channelLineId: 'gid://shopify/LineItem/466157049', quantity: 1 }],
        createdAt: '2025-04-02T11:29:59-05:00',
      },
    ];
    expect((await detail(orderId)).channelFulfilments).toEqual(expected);

    // A GraphQL read of a later version (the poll safety net) says nothing of fulfilments.
    const later: GqlOrder = {
      id: 'gid://shopify/Order/450789469',
      name: '#1001',
      createdAt: '2008-01-10T11:00:00-05:00',
      updatedAt: '2008-01-11T11:00:00-05:00',
      displayFinancialStatus: 'PARTIALLY_REFUNDED',
      currencyCode: 'USD',
      currentTotalPriceSet: { shopMoney: { amount: '11.94', currencyCode: 'USD' } },
      lineItems: { nodes: [] },
    };
    await ingestOrder(db.prisma, 'shop', mapGraphqlOrder(later));
    expect((await detail(orderId)).channelFulfilments).toEqual(expected);
  });

  it('flags test orders, filters on the flag and leaves them out of the landing figures', async () => {
    const before = await landingSnapshot(db.prisma);
    const shopBefore = before.channels.find((c) => c.accountId === 'shop');
    const real = (await shipOrderFixture(db.prisma, 'REAL-1')).orderId;
    const trial = (await shipOrderFixture(db.prisma, 'TEST-1', { test: true })).orderId;

    expect((await detail(trial)).test).toBe(true);
    expect((await detail(real)).test).toBe(false);
    const ids = async (qs: string) =>
      (await h.call('GET', `/api/v1/orders${qs}`)).body.data.map((o: Json) => o.id as string);
    expect(await ids('?test=true')).toEqual([trial]);
    expect(await ids('?test=false')).toContain(real);
    expect(await ids('?test=false')).not.toContain(trial);
    expect(await ids('')).toEqual(expect.arrayContaining([real, trial]));

    const after = await landingSnapshot(db.prisma);
    const shopAfter = after.channels.find((c) => c.accountId === 'shop');
    expect(shopAfter?.orders).toBe((shopBefore?.orders ?? 0) + 1);
    expect(after.totals.orders).toBe(before.totals.orders + 1);
  });

  it("documents its subtotal against Shopify's: before discounts, Shopify's current_subtotal_price after them", async () => {
    const body = order450();
    const { totals } = mapRestOrder(body);
    expect(body.current_subtotal_price_set?.shop_money.amount).toBe('195.67');
    expect(totals.subtotal).toBe(19900);
    expect(totals.subtotal - totals.discountTotal).toBe(19567);
    const doc = (await h.call('GET', '/openapi.json')).body;
    const detailPart = doc.components.schemas.Order.allOf.find((p: Json) => p.properties?.subtotal);
    expect(JSON.stringify(detailPart.properties.subtotal)).toContain('BEFORE discounts');
  });

  it('maps Shopify `test: true` onto the flag', () => {
    const body = { ...order450(), test: true };
    expect(mapRestOrder(body).test).toBe(true);
    expect(mapRestOrder(order450()).test).toBe(false);
  });
});
