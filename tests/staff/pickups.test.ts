// The pickup lanes and every counter action through the staff pages: picking, ready
// (code issued, channel told once), hand-over with the right code only, partial
// hand-over, refusal, a double submit that acts once, and expiry (flag, then release).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { getLevel } from '../../core/inventory/ledger.ts';
import { expirePickups } from '../../core/orders/actions.ts';
import { testDatabases } from '../support/databases.ts';
import {
  Client,
  laneNumbers,
  pickupOrder,
  pushes,
  type Store,
  seedShop,
  seedStore,
  staffApp,
  statusOf,
} from './helpers.ts';

describe.each(testDatabases())('staff pickup pages on $kind', ({ open }) => {
  let db: Database;
  let a: Store;
  let b: Store;
  let app: ReturnType<typeof staffApp>;
  let c: Client;
  const clock = new ManualClock();

  const level = (sku: string, store: Store) => getLevel(db.prisma, `sku-${sku}`, store.id);
  const codeOf = async (orderId: string) =>
    (await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).pickupCode ?? '';
  const events = (orderId: string, to?: string) =>
    db.prisma.orderEvent.findMany({
      where: { orderId, ...(to ? { toStatus: to as never } : {}) },
      orderBy: { id: 'asc' },
    });
  const commits = (orderId: string) =>
    db.prisma.inventoryMovement.findMany({ where: { orderId, kind: 'commit' }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    db = await open();
    // Tokyo: "collected today" must follow the store's day, not UTC's.
    a = await seedStore(db.prisma, 'store-a', { name: 'Store A', timezone: 'Asia/Tokyo', holdDays: 3 });
    b = await seedStore(db.prisma, 'store-b', { name: 'Store B' });
    await seedShop(db.prisma, 'shop', [a, b], { MUG: 20, TEE: 20, CAP: 20 });
    app = staffApp(db.prisma, { clock });
    c = new Client(app);
    expect((await c.signIn(a)).status).toBe(303);
    await c.get('/staff');
  });
  afterAll(() => db?.close());

  it('shows the three lanes of its store: to pick, ready, collected today (store time zone)', async () => {
    const newOrder = await pickupOrder(db.prisma, 'shop', a, 'L-NEW', [{ sku: 'MUG', quantity: 1 }]);
    const picking = await pickupOrder(db.prisma, 'shop', a, 'L-PICK', [{ sku: 'MUG', quantity: 1 }]);
    const ready = await pickupOrder(db.prisma, 'shop', a, 'L-READY', [{ sku: 'TEE', quantity: 2 }]);
    const today = await pickupOrder(db.prisma, 'shop', a, 'L-TODAY', [{ sku: 'CAP', quantity: 1 }]);
    const yesterday = await pickupOrder(db.prisma, 'shop', a, 'L-YDAY', [{ sku: 'CAP', quantity: 1 }]);
    await pickupOrder(db.prisma, 'shop', b, 'L-OTHER', [{ sku: 'MUG', quantity: 1 }]);

    await c.post(`/staff/orders/${picking}/picking`);
    await c.post(`/staff/orders/${ready}/ready`);
    for (const id of [today, yesterday]) {
      await c.post(`/staff/orders/${id}/ready`);
      await c.post(`/staff/orders/${id}/collect`, { code: await codeOf(id) });
    }
    // 09:00 in Tokyo; one was collected at 08:30 local today, the other at 23:30 local
    // yesterday — the same UTC date (2026-11-21), so only the store's day tells them apart.
    const before = clock.nowMs();
    clock.set('2026-11-21T00:00:00Z');
    // A session lives 12 h on the hub's clock: sign in again at the moved time, and back after.
    await c.signIn(a);
    await db.prisma.order.update({ where: { id: today }, data: { collectedAt: new Date('2026-11-20T23:30:00Z') } });
    await db.prisma.order.update({ where: { id: yesterday }, data: { collectedAt: new Date('2026-11-20T14:30:00Z') } });
    try {
      const board = await c.get('/staff');
      expect(board.status).toBe(200);
      expect(laneNumbers(board.html, 'to-pick')).toEqual(expect.arrayContaining(['#L-NEW', '#L-PICK']));
      expect(laneNumbers(board.html, 'to-pick')).not.toContain('#L-READY');
      expect(laneNumbers(board.html, 'ready')).toEqual(['#L-READY']);
      expect(laneNumbers(board.html, 'collected')).toEqual(['#L-TODAY']);
      expect(board.html).not.toContain('#L-OTHER');
      expect(board.html).toMatch(/data-order="#L-PICK" data-status="picking"/);
      expect(board.html).toMatch(/data-order="#L-NEW" data-status="allocated"/);
      // The customer's code is never shown to staff.
      expect(board.html).not.toContain(await codeOf(ready));
      // The fragment the page polls holds the same lanes.
      const fragment = await c.get('/staff/lanes');
      expect(fragment.html).not.toContain('<html');
      expect(laneNumbers(fragment.html, 'ready')).toEqual(['#L-READY']);
      expect(laneNumbers(fragment.html, 'collected')).toEqual(['#L-TODAY']);
    } finally {
      clock.set(before);
      await c.signIn(a);
    }
    // tidy: later tests count lanes afresh
    for (const id of [newOrder, picking, ready]) await c.post(`/staff/orders/${id}/refuse`, { reason: 'other' });
  });

  it('moves a pickup to pick → picking → ready: the code is issued and the channel told once', async () => {
    const id = await pickupOrder(db.prisma, 'shop', a, 'F-1', [{ sku: 'MUG', quantity: 2 }]);
    const picking = await c.post(`/staff/orders/${id}/picking`);
    expect(picking.status).toBe(303);
    expect(await statusOf(db.prisma, id)).toBe('picking');
    const [ev] = await events(id, 'picking');
    expect(ev?.actor).toBe('staff:STORE-A:Sam');

    const ready = await c.post(`/staff/orders/${id}/ready`);
    expect(ready.status).toBe(303);
    expect(ready.location).toBe(`/staff?done=ready&o=${id}`);
    const order = await db.prisma.order.findUniqueOrThrow({ where: { id } });
    expect(order.status).toBe('ready_for_pickup');
    expect(order.pickupCode).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
    expect(order.readyForPickupAt).toBeInstanceOf(Date);
    expect(await pushes(db.prisma, id, 'pickup_ready')).toHaveLength(1);
    const page = await c.get(ready.location ?? '');
    expect(page.html).toContain('#F-1 is ready for pickup');
    expect(laneNumbers(page.html, 'ready')).toContain('#F-1');

    // Again (a retry): same code, no second push.
    expect((await c.post(`/staff/orders/${id}/ready`)).status).toBe(303);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id } })).pickupCode).toBe(order.pickupCode);
    expect(await pushes(db.prisma, id, 'pickup_ready')).toHaveLength(1);
    // An action the order has moved past changes nothing and says so.
    const late = await c.post(`/staff/orders/${id}/picking`);
    expect(late.location).toBe(`/staff?done=already&o=${id}`);
    expect(await statusOf(db.prisma, id)).toBe('ready_for_pickup');
  });

  it('refuses a wrong code and hands over with the right one: stock leaves the store once', async () => {
    const id = await pickupOrder(db.prisma, 'shop', a, 'F-2', [{ sku: 'TEE', quantity: 3 }]);
    await c.post(`/staff/orders/${id}/ready`);
    const before = await level('TEE', a);
    const code = await codeOf(id);
    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;

    const refused = await c.post(`/staff/orders/${id}/collect`, { code: wrong });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('does not match');
    expect(await statusOf(db.prisma, id)).toBe('ready_for_pickup');
    expect(await level('TEE', a)).toEqual(before);
    expect(await pushes(db.prisma, id, 'pickup_collected')).toHaveLength(0);

    // Typed in lower case with a space: still the customer's code.
    const ok = await c.post(`/staff/orders/${id}/collect`, {
      code: ` ${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`,
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/staff?done=collected&o=${id}`);
    const order = await db.prisma.order.findUniqueOrThrow({ where: { id } });
    expect(order.status).toBe('collected');
    expect(order.collectedAt).toBeInstanceOf(Date);
    expect(await level('TEE', a)).toMatchObject({ onHand: before!.onHand - 3, reserved: before!.reserved - 3 });
    expect(await pushes(db.prisma, id, 'pickup_collected')).toHaveLength(1);
    const board = await c.get(ok.location ?? '');
    expect(board.html).toContain('#F-2 handed over');
    expect(laneNumbers(board.html, 'collected')).toContain('#F-2');

    // A repeat after success is a no-op.
    expect((await c.post(`/staff/orders/${id}/collect`, { code })).status).toBe(303);
    expect(await commits(id)).toHaveLength(1);
    expect(await level('TEE', a)).toMatchObject({ onHand: before!.onHand - 3 });
  });

  it('finds a ready pickup by the customer’s code, within its store only', async () => {
    const id = await pickupOrder(db.prisma, 'shop', a, 'F-3', [{ sku: 'MUG', quantity: 1 }]);
    await c.post(`/staff/orders/${id}/ready`);
    const code = await codeOf(id);
    const found = await c.post('/staff/find', { code: code.toLowerCase() });
    expect(found.status).toBe(200);
    expect(found.html).toContain('data-testid="handover-form"');
    expect(found.html).toContain('#F-3');
    expect(found.html).toContain(`value="${code.toLowerCase()}"`);

    const otherId = await pickupOrder(db.prisma, 'shop', b, 'F-3B', [{ sku: 'MUG', quantity: 1 }]);
    const sb = new Client(app);
    await sb.signIn(b);
    await sb.get('/staff');
    await sb.post(`/staff/orders/${otherId}/ready`);
    const missing = await c.post('/staff/find', { code: await codeOf(otherId) });
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('No pickup is ready at this store');
  });

  it('hands over part of a pickup: the rest stays ready, and a resubmitted form does not hand over more', async () => {
    const id = await pickupOrder(db.prisma, 'shop', a, 'F-4', [
      { sku: 'MUG', quantity: 2 },
      { sku: 'CAP', quantity: 1 },
    ]);
    await c.post(`/staff/orders/${id}/ready`);
    const code = await codeOf(id);
    const detail = await c.get(`/staff/orders/${id}`);
    const lines = await db.prisma.orderLine.findMany({ where: { orderId: id }, orderBy: { channelLineId: 'asc' } });
    const [mug, cap] = lines as [(typeof lines)[0], (typeof lines)[0]];
    const v = /name="v" value="([^"]+)"/.exec(detail.html)?.[1] ?? '';
    expect(v).not.toBe('');
    const form = { code, v, [`qty_${mug.id}`]: '1', [`qty_${cap.id}`]: '1' };
    const mugBefore = await level('MUG', a);

    const partial = await c.post(`/staff/orders/${id}/collect`, form);
    expect(partial.status).toBe(303);
    expect(partial.location).toBe(`/staff/orders/${id}?done=partial&o=${id}`);
    expect(await statusOf(db.prisma, id)).toBe('ready_for_pickup');
    const after = await db.prisma.orderLine.findMany({ where: { orderId: id }, orderBy: { channelLineId: 'asc' } });
    expect(after.map((l) => l.fulfilledQty)).toEqual([1, 1]);
    expect(await level('MUG', a)).toMatchObject({ onHand: mugBefore!.onHand - 1 });

    // The same form again (a double submit or a retry): refused as stale, nothing moves.
    const again = await c.post(`/staff/orders/${id}/collect`, form);
    expect(again.status).toBe(409);
    expect(await level('MUG', a)).toMatchObject({ onHand: mugBefore!.onHand - 1 });
    expect(await commits(id)).toHaveLength(2);

    // The rest, from a fresh page: collected.
    await c.get(`/staff/orders/${id}`);
    const rest = await c.post(`/staff/orders/${id}/collect`, { code });
    expect(rest.location).toBe(`/staff?done=collected&o=${id}`);
    expect(await statusOf(db.prisma, id)).toBe('collected');
    expect(await level('MUG', a)).toMatchObject({ onHand: mugBefore!.onHand - 2 });
    // The partial form once more, now that everything is collected: a no-op that says so.
    const late = await c.post(`/staff/orders/${id}/collect`, form);
    expect(late.location).toBe(`/staff?done=collected&o=${id}`);
    expect(await commits(id)).toHaveLength(3);
  });

  it('refuses a pickup: stock released, cancelled with the reason, channel told; a repeat is a no-op', async () => {
    const id = await pickupOrder(db.prisma, 'shop', a, 'F-5', [{ sku: 'CAP', quantity: 2 }]);
    await c.post(`/staff/orders/${id}/ready`);
    const before = await level('CAP', a);
    const res = await c.post(`/staff/orders/${id}/refuse`, { reason: 'damaged', note: 'box crushed' });
    expect(res.status).toBe(303);
    expect(await statusOf(db.prisma, id)).toBe('cancelled');
    expect(await level('CAP', a)).toMatchObject({ onHand: before!.onHand, reserved: before!.reserved - 2 });
    const [ev] = await events(id, 'cancelled');
    expect(ev?.reason).toBe('Goods damaged: box crushed');
    expect(await pushes(db.prisma, id, 'cancel')).toHaveLength(1);
    const page = await c.get(`/staff/orders/${id}`);
    expect(page.html).toContain('Goods damaged: box crushed');
    expect(page.html).not.toContain('data-testid="handover-form"');

    expect((await c.post(`/staff/orders/${id}/refuse`, { reason: 'damaged' })).status).toBe(303);
    expect(await pushes(db.prisma, id, 'cancel')).toHaveLength(1);
    expect(await level('CAP', a)).toMatchObject({ reserved: before!.reserved - 2 });
  });

  it('acts once on a double submit: two identical POSTs at the same time', async () => {
    const id = await pickupOrder(db.prisma, 'shop', a, 'F-6', [
      { sku: 'MUG', quantity: 2 },
      { sku: 'TEE', quantity: 1 },
    ]);
    const twice = (path: string, form: Record<string, string> = {}) =>
      Promise.all([c.post(path, form), c.post(path, form)]);

    await twice(`/staff/orders/${id}/picking`);
    expect(await events(id, 'picking')).toHaveLength(1);

    await twice(`/staff/orders/${id}/ready`);
    expect(await events(id, 'ready_for_pickup')).toHaveLength(1);
    expect(await pushes(db.prisma, id, 'pickup_ready')).toHaveLength(1);

    const code = await codeOf(id);
    const detail = await c.get(`/staff/orders/${id}`);
    const v = /name="v" value="([^"]+)"/.exec(detail.html)?.[1] ?? '';
    const mug = (await db.prisma.orderLine.findFirstOrThrow({ where: { orderId: id, skuCode: 'MUG' } })).id;
    const mugBefore = await level('MUG', a);
    const [p1, p2] = await twice(`/staff/orders/${id}/collect`, { code, v, [`qty_${mug}`]: '1' });
    expect([p1.status, p2.status].sort()).toEqual([303, 409]);
    expect(await level('MUG', a)).toMatchObject({ onHand: mugBefore!.onHand - 1 });

    await twice(`/staff/orders/${id}/collect`, { code });
    expect(await statusOf(db.prisma, id)).toBe('collected');
    expect(await events(id, 'collected')).toHaveLength(1);
    expect(await commits(id)).toHaveLength(3); // MUG 1, then MUG 1 + TEE 1
    expect(await level('MUG', a)).toMatchObject({ onHand: mugBefore!.onHand - 2 });
    expect(await pushes(db.prisma, id, 'pickup_collected')).toHaveLength(2);
  });

  it('flags a pickup not collected within the hold, then releases it with a reason', async () => {
    const id = await pickupOrder(db.prisma, 'shop', a, 'F-7', [{ sku: 'TEE', quantity: 1 }]);
    await c.post(`/staff/orders/${id}/ready`);
    const before = await level('TEE', a);
    // Ready four days ago at a store that holds pickups three days.
    await db.prisma.order.update({
      where: { id },
      data: { readyForPickupAt: new Date(Date.now() - 4 * 24 * 60 * 60_000) },
    });
    let board = await c.get('/staff');
    expect(board.html).toMatch(/data-order="#F-7"[\s\S]*?data-testid="overdue"/);

    const first = await expirePickups(db.prisma, new Date());
    expect(first.flagged).toBeGreaterThanOrEqual(1);
    board = await c.get('/staff');
    expect(laneNumbers(board.html, 'ready')).toContain('#F-7');
    expect(board.html).toMatch(/data-order="#F-7"[\s\S]*?data-testid="flagged"/);
    expect(await statusOf(db.prisma, id)).toBe('ready_for_pickup');

    const second = await expirePickups(db.prisma, new Date(Date.now() + 25 * 60 * 60_000));
    expect(second.released).toBeGreaterThanOrEqual(1);
    expect(await statusOf(db.prisma, id)).toBe('cancelled');
    expect(await level('TEE', a)).toMatchObject({ reserved: before!.reserved - 1 });
    const [ev] = await events(id, 'cancelled');
    expect(ev?.reason).toMatch(/not collected within 3 day/);
    board = await c.get('/staff');
    expect(laneNumbers(board.html, 'ready')).not.toContain('#F-7');
  });
});
