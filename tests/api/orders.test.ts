// Orders through the API: the list (filters, search, cursor paging), one order in full, and
// the actions (confirm, hold/release, pick, pack, ship with tracking, return with restock,
// cancel, pickups) with their errors: 400 by field, 404, 409 illegal_transition, 422.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { mapRestOrder } from '../../connectors/shopify/mapping.ts';
import type { RestOrder } from '../../connectors/shopify/payloads.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { pickupOrderFixture, seedShop, shipOrderFixture, STORE_A, WH } from './fixtures.ts';
import { buildHarness, type Harness } from './harness.ts';

describe.each(testDatabases())('orders API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
    await seedShop(db.prisma);
    for (const [n, at, email] of [
      ['1001', '2026-11-01T10:00:00Z', 'Ada@Example.com'],
      ['1002', '2026-11-02T10:00:00Z', 'grace@example.com'],
      ['1003', '2026-11-03T10:00:00Z', 'alan@example.org'],
    ] as const) {
      ids[n] = (
        await shipOrderFixture(db.prisma, n, {
          channelCreatedAt: at,
          channelUpdatedAt: at,
          customer: { name: n, email },
        })
      ).orderId;
    }
    ids.pickup = (await pickupOrderFixture(db.prisma, 'P-1', STORE_A)).orderId;
  });
  afterAll(() => db?.close());

  const list = async (qs: string) => {
    const r = await h.call('GET', `/api/v1/orders${qs}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.data.map((o: { displayNumber: string }) => o.displayNumber);
  };

  it('lists orders newest first, with money as integer minor units', async () => {
    const r = await h.call('GET', '/api/v1/orders');
    expect(r.body.data.map((o: { displayNumber: string }) => o.displayNumber)).toEqual([
      '#P-1',
      '#1003',
      '#1002',
      '#1001',
    ]);
    expect(r.body.data[1]).toMatchObject({
      channel: 'shopify',
      status: 'allocated',
      total: { amount: 3000, currency: 'EUR' },
    });
  });

  it('filters by status, account, location and created range', async () => {
    expect(await list('?status=allocated,on_hold&accountId=shop&limit=2')).toEqual(['#P-1', '#1003']);
    expect(await list('?accountId=other')).toEqual([]);
    expect(await list(`?locationId=${STORE_A}`)).toEqual(['#P-1']);
    expect(await list(`?locationId=${WH}`)).toEqual(['#1003', '#1002', '#1001']);
    expect(await list('?createdFrom=2026-11-02T00:00:00Z&createdTo=2026-11-03T00:00:00Z')).toEqual(['#1002']);
  });

  it('searches by display number, channel id or e-mail', async () => {
    expect(await list('?q=%231002')).toEqual(['#1002']);
    expect(await list('?q=1002')).toEqual(['#1002']);
    expect(await list('?q=ADA@example.com')).toEqual(['#P-1', '#1001']);
    expect(await list('?q=alan%40example.o')).toEqual(['#1003']);
    expect(await list('?q=%25')).toEqual([]);
    expect(await list('?q=grace')).toEqual(['#1002']);
    expect(await list('?q=nobody@example.com')).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const first = await h.call('GET', '/api/v1/orders?limit=3');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await h.call('GET', `/api/v1/orders?limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.data.map((o: { displayNumber: string }) => o.displayNumber)).toEqual(['#1001']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('names the query parameter at fault', async () => {
    const r = await h.call('GET', '/api/v1/orders?status=lost&createdFrom=yesterday&limit=500');
    expect(r.status).toBe(400);
    expect(r.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'createdFrom',
      'limit',
      'status.0',
    ]);
  });

  it('shows one order with lines, events and reservations', async () => {
    const r = await h.call('GET', `/api/v1/orders/${ids['1001']}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      displayNumber: '#1001',
      subtotal: { amount: 3000, currency: 'EUR' },
      customer: { name: '1001', email: 'Ada@Example.com' },
    });
    expect(
      r.body.lines.map((l: { skuCode: string; quantity: number; unitPrice: { amount: number } }) => [
        l.skuCode,
        l.quantity,
        l.unitPrice.amount,
      ]),
    ).toEqual([
      ['TEE', 2, 1000],
      ['CAP', 1, 1000],
    ]);
    expect(r.body.events.at(-1)).toMatchObject({ toStatus: 'allocated', actor: 'channel:shop' });
    expect(r.body.reservations).toEqual(
      expect.arrayContaining([expect.objectContaining({ locationId: WH, quantity: 2, status: 'active' })]),
    );
    expect(r.body).not.toHaveProperty('pickupCode');
    expect((await h.call('GET', '/api/v1/orders/nope')).status).toBe(404);
  });

  it('holds and releases, validating the hold reason', async () => {
    const bad = await h.call('POST', `/api/v1/orders/${ids['1001']}/hold`, { body: { reason: 'bored' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('reason');
    const held = await h.call('POST', `/api/v1/orders/${ids['1001']}/hold`, {
      body: { reason: 'fraud', note: 'address mismatch' },
    });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ status: 'on_hold', holdReason: 'fraud' });
    const released = await h.call('POST', `/api/v1/orders/${ids['1001']}/release`);
    expect(released.body).toMatchObject({ status: 'allocated', holdReason: null });
    const defaulted = await h.call('POST', `/api/v1/orders/${ids['1002']}/hold`);
    expect(defaulted.body).toMatchObject({ status: 'on_hold', holdReason: 'manual' });
    await h.call('POST', `/api/v1/orders/${ids['1002']}/release`);
    const events = (await h.call('GET', `/api/v1/orders/${ids['1001']}`)).body.events;
    expect(events.at(-2)).toMatchObject({ toStatus: 'on_hold', actor: expect.stringMatching(/^key:/) });
  });

  it('confirms a captured order, and refuses an illegal transition with 409', async () => {
    const illegal = await h.call('POST', `/api/v1/orders/${ids['1003']}/confirm`);
    expect(illegal.status).toBe(409);
    expect(illegal.body.error).toMatchObject({
      code: 'illegal_transition',
      message: 'order cannot go from allocated to confirmed',
    });
    const captured = await shipOrderFixture(db.prisma, '1004');
    await db.prisma.order.update({ where: { id: captured.orderId }, data: { status: 'captured' } });
    const ok = await h.call('POST', `/api/v1/orders/${captured.orderId}/confirm`);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('confirmed');
    expect((await h.call('POST', '/api/v1/orders/nope/confirm')).status).toBe(404);
  });

  it('picks, packs and ships in two parcels with tracking, once per idempotency key', async () => {
    const id = ids['1001'] as string;
    expect((await h.call('POST', `/api/v1/orders/${id}/pick`)).body.status).toBe('picking');
    expect((await h.call('POST', `/api/v1/orders/${id}/pack`)).body.status).toBe('packed');
    const detail = (await h.call('GET', `/api/v1/orders/${id}`)).body;
    const tee = detail.lines.find((l: { skuCode: string }) => l.skuCode === 'TEE').id;
    const badQty = await h.call('POST', `/api/v1/orders/${id}/ship`, {
      body: { lines: [{ orderLineId: tee, quantity: 0 }] },
    });
    expect(badQty.status).toBe(400);
    expect(badQty.body.error.fields[0].path).toBe('lines.0.quantity');
    const tooMany = await h.call('POST', `/api/v1/orders/${id}/ship`, {
      body: { lines: [{ orderLineId: tee, quantity: 5 }] },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields[0]).toMatchObject({ path: 'lines.0.quantity' });
    const unknown = await h.call('POST', `/api/v1/orders/${id}/ship`, {
      body: { lines: [{ orderLineId: 'x', quantity: 1 }] },
    });
    expect(unknown.body.error.fields[0].path).toBe('lines.0.orderLineId');
    const badUrl = await h.call('POST', `/api/v1/orders/${id}/ship`, { body: { tracking: { url: 'not a url' } } });
    expect(badUrl.body.error.fields[0].path).toBe('tracking.url');

    const parcel = { lines: [{ orderLineId: tee, quantity: 2 }], tracking: { company: 'DHL', number: 'JD0001' } };
    const first = await h.call('POST', `/api/v1/orders/${id}/ship`, {
      body: parcel,
      headers: { 'Idempotency-Key': 'parcel-1' },
    });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('partially_shipped');
    const again = await h.call('POST', `/api/v1/orders/${id}/ship`, {
      body: parcel,
      headers: { 'Idempotency-Key': 'parcel-1' },
    });
    expect(again.status).toBe(200);
    const rest = await h.call('POST', `/api/v1/orders/${id}/ship`, {
      body: { tracking: { number: 'JD0002' }, idempotencyKey: 'parcel-2' },
    });
    expect(rest.body.status).toBe('shipped');
    const after = (await h.call('GET', `/api/v1/orders/${id}`)).body;
    expect(after.fulfilments.map((f: { tracking: { number: string } }) => f.tracking.number)).toEqual([
      'JD0001',
      'JD0002',
    ]);
    const teeLevel = await db.prisma.inventoryLevel.findFirstOrThrow({
      where: { locationId: WH, sku: { code: 'TEE' } },
    });
    expect(teeLevel.onHand).toBe(8);
  });

  it('takes a return back with restock, and refuses to cancel a shipped order (409)', async () => {
    const id = ids['1001'] as string;
    const tee = (await h.call('GET', `/api/v1/orders/${id}`)).body.lines.find(
      (l: { skuCode: string }) => l.skuCode === 'TEE',
    ).id;
    const empty = await h.call('POST', `/api/v1/orders/${id}/return`, { body: { lines: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('lines');
    const r = await h.call('POST', `/api/v1/orders/${id}/return`, {
      body: { lines: [{ orderLineId: tee, quantity: 1, restock: true }], reason: 'too small', idempotencyKey: 'ret-1' },
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('partially_returned');
    const teeLevel = await db.prisma.inventoryLevel.findFirstOrThrow({
      where: { locationId: WH, sku: { code: 'TEE' } },
    });
    expect(teeLevel.onHand).toBe(9);
    const cancel = await h.call('POST', `/api/v1/orders/${id}/cancel`, { body: { reason: 'late' } });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('illegal_transition');
  });

  it('cancels an open order and releases its stock', async () => {
    const r = await h.call('POST', `/api/v1/orders/${ids['1002']}/cancel`, { body: { reason: 'customer asked' } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
    const reservations = (await h.call('GET', `/api/v1/orders/${ids['1002']}`)).body.reservations;
    expect(reservations.every((x: { status: string }) => x.status !== 'active')).toBe(true);
    expect(
      (await h.call('POST', `/api/v1/orders/${ids['1002']}/cancel`, { body: { reason: 'x'.repeat(501) } })).status,
    ).toBe(400);
  });

  it('runs a pickup: ready with a code, wrong code 422, collected with the right one', async () => {
    const id = ids.pickup as string;
    const shipIt = await h.call('POST', `/api/v1/orders/${id}/ship`);
    expect(shipIt.status).toBe(400);
    const ready = await h.call('POST', `/api/v1/orders/${id}/ready-for-pickup`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready_for_pickup',
      pickupCode: expect.any(String),
      readyForPickupAt: expect.any(String),
    });
    const pickups = await h.call('GET', `/api/v1/pickups?locationId=${STORE_A}&status=ready_for_pickup`);
    expect(pickups.body.data).toHaveLength(1);
    expect(pickups.body.data[0]).toMatchObject({
      id,
      holdUntil: expect.any(String),
      lines: [{ skuCode: 'TEE', quantity: 1 }],
    });
    expect(JSON.stringify(pickups.body)).not.toContain(ready.body.pickupCode);
    const wrong = await h.call('POST', `/api/v1/orders/${id}/collect`, { body: { code: 'ZZZZZZ' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'wrong_pickup_code', fields: [{ path: 'code' }] });
    expect((await h.call('POST', `/api/v1/orders/${id}/collect`, { body: {} })).body.error.fields[0].path).toBe('code');
    const ok = await h.call('POST', `/api/v1/orders/${id}/collect`, {
      body: { code: ready.body.pickupCode.toLowerCase() },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'collected', collectedAt: expect.any(String) });
    expect((await h.call('GET', `/api/v1/pickups?locationId=${STORE_A}`)).body.data).toEqual([]);
    expect((await h.call('GET', `/api/v1/pickups?locationId=${STORE_A}&status=collected`)).body.data).toHaveLength(1);
  });

  it('refuses a pickup: stock released, order cancelled', async () => {
    const { orderId } = await pickupOrderFixture(db.prisma, 'P-2', STORE_A);
    const r = await h.call('POST', `/api/v1/orders/${orderId}/refuse-pickup`, { body: { reason: 'wrong size' } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
    const notPickup = await h.call('POST', `/api/v1/orders/${ids['1003']}/ready-for-pickup`);
    expect(notPickup.status).toBe(400);
  });
});

// Money keeps its currency's real exponent and its size from a Shopify body to the API:
// JPY has no minor unit, KWD has three decimals, and an IDR order passes 2^31 minor units.
describe.each(testDatabases())('order money from a Shopify body to the API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
    await seedShop(db.prisma);
  });
  afterAll(() => db?.close());

  /** A REST order body as Shopify sends it: 2 TEE at `price`, one tax line, one shipping line. */
  const body = (id: number, currency: string, a: { price: string; tax: string; shipping: string; total: string }) => {
    const set = (amount: string) => ({
      shop_money: { amount, currency_code: currency },
      presentment_money: { amount, currency_code: currency },
    });
    const order: RestOrder = {
      id,
      name: `#${id}`,
      created_at: '2026-11-20T10:00:00+09:00',
      updated_at: '2026-11-20T10:00:00+09:00',
      currency,
      presentment_currency: currency,
      financial_status: 'paid',
      fulfillment_status: null,
      shipping_address: { first_name: 'A', last_name: 'B', address1: '1 St', city: 'Kuwait City', country_code: 'KW' },
      line_items: [
        {
          id: id * 10,
          sku: 'TEE',
          title: 'Tee',
          quantity: 2,
          current_quantity: 2,
          price: a.price,
          price_set: set(a.price),
          tax_lines: [{ title: 'VAT', rate: 0.1, price: a.tax, price_set: set(a.tax) }],
          discount_allocations: [],
          requires_shipping: true,
        },
      ],
      shipping_lines: [{ title: 'Courier', code: 'courier', price_set: set(a.shipping) }],
      current_total_discounts_set: set('0'),
      current_total_tax_set: set(a.tax),
      current_shipping_price_set: set(a.shipping),
      current_total_price_set: set(a.total),
    };
    return order;
  };

  it.each([
    // currency, Shopify's decimal strings, the same amounts in minor units
    ['JPY', { price: '1500.0', tax: '300.0', shipping: '500', total: '3800.0' }, [1500, 300, 500, 3800]],
    ['KWD', { price: '12.345', tax: '2.469', shipping: '1.500', total: '28.659' }, [12345, 2469, 1500, 28659]],
    [
      'IDR',
      { price: '25000000.00', tax: '5500000.00', shipping: '50000.00', total: '55550000.00' },
      [2_500_000_000, 550_000_000, 5_000_000, 5_555_000_000],
    ],
  ] as const)('keeps %s amounts exact in minor units', async (currency, decimals, [price, tax, shipping, total]) => {
    const id = 7000 + ['JPY', 'KWD', 'IDR'].indexOf(currency);
    const draft = mapRestOrder(body(id, currency, decimals));
    const { orderId } = await ingestOrder(db.prisma, 'shop', draft);
    const stored = await db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, include: { lines: true } });
    expect([stored.total, stored.taxTotal, stored.lines[0]?.unitPrice]).toEqual([
      BigInt(total),
      BigInt(tax),
      BigInt(price),
    ]);

    const r = await h.call('GET', `/api/v1/orders/${orderId}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      subtotal: { amount: 2 * price, currency },
      taxTotal: { amount: tax, currency },
      shippingTotal: { amount: shipping, currency },
      total: { amount: total, currency },
    });
    expect(r.body.lines[0]).toMatchObject({
      unitPrice: { amount: price, currency },
      taxTotal: { amount: tax, currency },
    });
    const listed = await h.call('GET', `/api/v1/orders?q=${id}`);
    expect(listed.body.data.map((o: { total: unknown }) => o.total)).toEqual([{ amount: total, currency }]);
  });
});
