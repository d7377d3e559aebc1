// Pickup codes on the staff pages ("find by code" and the hand-over) go through the same
// throttle as the REST collect: per session and per store, 429 with a clear message on the
// board, each wrong code an audit row, an exception once a limit is hit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, pickupOrder, type Store, seedShop, seedStore, staffApp, statusOf } from './helpers.ts';

const limits = { windowMs: 15 * 60_000, perKey: 3, perStore: 5 };

describe.each(testDatabases())('pickup code throttle on the staff pages on $kind', ({ open }) => {
  let db: Database;
  let a: Store;
  let b: Store;
  const clock = new ManualClock('2026-11-20T09:00:00Z');
  let app: ReturnType<typeof staffApp>;

  beforeAll(async () => {
    db = await open();
    a = await seedStore(db.prisma, 'store-a', { name: 'Store A' });
    b = await seedStore(db.prisma, 'store-b', { name: 'Store B', pin: '730412' });
    await seedShop(db.prisma, 'shop', [a, b], { MUG: 10 });
    app = staffApp(db.prisma, { clock, codeCheckLimits: limits });
  });
  afterAll(() => db?.close());

  const ready = async (c: Client, store: Store, externalId: string) => {
    const id = await pickupOrder(db.prisma, 'shop', store, externalId, [{ sku: 'MUG', quantity: 1 }]);
    await c.get('/staff');
    expect((await c.post(`/staff/orders/${id}/ready`)).status).toBe(303);
    const code = (await db.prisma.order.findUniqueOrThrow({ where: { id } })).pickupCode as string;
    return { id, code };
  };

  it('refuses code look-ups after too many misses in one session, with a clear message, and records them', async () => {
    const c = new Client(app, '10.1.0.1');
    await c.signIn(a);
    const p = await ready(c, a, 'A-T1');
    await c.get('/staff');
    for (let i = 0; i < limits.perKey; i++)
      expect((await c.post('/staff/find', { code: `WRONG${i}` })).status).toBe(404);
    const limited = await c.post('/staff/find', { code: p.code }); // even the right one is not looked up
    expect(limited.status).toBe(429);
    expect(limited.html).toContain('Too many wrong pickup codes from this session');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await db.prisma.auditLog.count({ where: { action: 'pickup.code_failed', entityId: a.id } })).toBe(
      limits.perKey,
    );
    const ex = await db.prisma.exceptionItem.findMany({ where: { kind: 'pickup_codes_throttled' } });
    expect(ex.map((e) => e.message).join()).toContain('Store A');

    // The hand-over is throttled too: nothing is handed over, even with the right code.
    const collect = await c.post(`/staff/orders/${p.id}/collect`, { code: p.code });
    expect(collect.status).toBe(429);
    expect(await statusOf(db.prisma, p.id)).toBe('ready_for_pickup');

    // Another colleague's session still works until the store's limit.
    const colleague = new Client(app, '10.1.0.2');
    await colleague.signIn(a);
    await colleague.get('/staff');
    const found = await colleague.post('/staff/find', { code: p.code.toLowerCase() });
    expect(found.status).toBe(200);
    expect(found.html).toContain('#A-T1');
  });

  it('counts wrong codes at the hand-over and limits the store as a whole; other stores are not affected', async () => {
    clock.advance(limits.windowMs + 1000);
    const c = new Client(app, '10.1.0.3');
    await c.signIn(a);
    const p = await ready(c, a, 'A-T2');
    await c.get(`/staff/orders/${p.id}`);
    for (let i = 0; i < limits.perKey; i++) {
      expect((await c.post(`/staff/orders/${p.id}/collect`, { code: `WRONG${i}` })).status).toBe(422);
    }
    const d = new Client(app, '10.1.0.4');
    await d.signIn(a);
    await d.get('/staff');
    for (let i = limits.perKey; i < limits.perStore; i++) {
      expect((await d.post('/staff/find', { code: `WRONG${i}` })).status).toBe(404);
    }
    const e = new Client(app, '10.1.0.5');
    await e.signIn(a);
    await e.get('/staff');
    const limited = await e.post('/staff/find', { code: p.code });
    expect(limited.status).toBe(429);
    expect(limited.html).toContain('at this store');

    const inB = new Client(app, '10.1.0.6');
    await inB.signIn(b);
    const q = await ready(inB, b, 'B-T1');
    await inB.get('/staff');
    expect((await inB.post('/staff/find', { code: q.code })).status).toBe(200);

    // After the window the store checks codes again.
    clock.advance(limits.windowMs + 1000);
    expect((await e.post('/staff/find', { code: p.code })).status).toBe(200);
  });
});
