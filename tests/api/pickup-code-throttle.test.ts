// Pickup codes through the REST collect: wrong codes are limited per API key and per store
// (core/pickups/code-checks.ts, 10 and 30 per 15 minutes), answered 429 with the API's JSON
// error and Retry-After, each failure is an audit row, and hitting a limit opens an
// exception. A concurrent burst does not get more tries than the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../core/auth/api-keys.ts';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { DEFAULT_CODE_CHECK_LIMITS } from '../../core/pickups/code-checks.ts';
import { testDatabases } from '../support/databases.ts';
import { pickupOrderFixture, STORE_A, STORE_B, seedShop } from './fixtures.ts';
import { buildHarness, type Harness } from './harness.ts';

const { perKey, perStore, windowMs } = DEFAULT_CODE_CHECK_LIMITS;

describe.each(testDatabases())('pickup code throttle (REST) on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  const clock = new ManualClock('2026-11-20T09:00:00Z');

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, { clock });
    await seedShop(db.prisma);
  });
  afterAll(() => db?.close());

  const readyPickup = async (externalId: string, store: typeof STORE_A | typeof STORE_B = STORE_A) => {
    const { orderId } = await pickupOrderFixture(db.prisma, externalId, store);
    const ready = await h.call('POST', `/api/v1/orders/${orderId}/ready-for-pickup`);
    expect(ready.status).toBe(200);
    return { orderId, code: ready.body.pickupCode as string };
  };
  /** A new staff key of store A (each key has its own per-key allowance). */
  const newStaffKey = async (name: string) =>
    (await createApiKey(db.prisma, { name, role: 'staff', locationIds: [STORE_A] })).key;
  const collect = (orderId: string, code: string, key?: string) =>
    h.call('POST', `/api/v1/orders/${orderId}/collect`, { body: { code }, ...(key ? { key } : {}) });

  it('answers 429 with a JSON error after too many wrong codes from one key, records each, and opens an exception', async () => {
    const { orderId, code } = await readyPickup('T-1');
    const key = await h.staffKey([STORE_A]);
    for (let i = 0; i < perKey; i++) expect((await collect(orderId, `WRONG${i}`, key)).status).toBe(422);
    const limited = await collect(orderId, code, key); // even the right code is not checked now
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('pickup codes'),
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('ready_for_pickup');

    const failed = await db.prisma.auditLog.findMany({ where: { action: 'pickup.code_failed', entityId: STORE_A } });
    expect(failed).toHaveLength(perKey);
    expect(failed.every((r) => (r.data as { orderId?: string }).orderId === orderId)).toBe(true);
    const ex = await h.call('GET', '/api/v1/exceptions?kind=pickup_codes_throttled');
    expect(ex.status).toBe(200);
    expect(JSON.stringify(ex.body)).toContain('too many wrong pickup codes');

    // Another key still works at the same store, and the limit lifts after the window.
    expect((await collect(orderId, 'WRONGX', h.admin)).status).toBe(422);
    clock.advance(windowMs + 1000);
    expect((await collect(orderId, code, key)).status).toBe(200);
  });

  it('limits the store as a whole, across keys, and leaves other stores alone', async () => {
    clock.advance(windowMs + 1000);
    const { orderId } = await readyPickup('T-2');
    const other = await readyPickup('T-3', STORE_B);
    const keys = await Promise.all([0, 1, 2, 3].map((i) => newStaffKey(`spare ${i}`)));
    let wrong = 0;
    for (const key of keys) {
      for (let i = 0; i < perKey && wrong < perStore; i++, wrong++) {
        expect((await collect(orderId, `WRONG${i}`, key)).status).toBe(422);
      }
    }
    const fresh = await newStaffKey('fresh');
    expect((await collect(orderId, 'WRONGZ', fresh)).status).toBe(429);
    expect((await collect(other.orderId, other.code)).status).toBe(200);
  });

  it('holds the limit under a concurrent burst from one key', async () => {
    clock.advance(windowMs + 1000);
    const { orderId } = await readyPickup('T-4');
    const key = await newStaffKey('burst');
    const since = clock.now();
    const replies = await Promise.all(Array.from({ length: 3 * perKey }, (_, i) => collect(orderId, `BURST${i}`, key)));
    expect(replies.every((r) => r.status === 422 || r.status === 429)).toBe(true);
    expect(replies.filter((r) => r.status === 422).length).toBeLessThanOrEqual(perKey);
    const checked = await db.prisma.auditLog.count({
      where: { action: 'pickup.code_failed', entityId: STORE_A, createdAt: { gte: since } },
    });
    expect(checked).toBeLessThanOrEqual(perKey);
  });
});
