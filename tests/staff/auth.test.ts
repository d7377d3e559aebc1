// Staff sign-in and the session: PIN (scrypt, throttled per store and address), the
// cookie's attributes, CSRF (token and Origin), and one store per session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { pinProblem, setStorePin, StorePinError, verifyPin } from '../../core/pickups/pin.ts';
import { testDatabases } from '../support/databases.ts';
import {
  Client,
  laneNumbers,
  ORIGIN,
  pickupOrder,
  type Store,
  seedShop,
  seedStore,
  staffApp,
  statusOf,
} from './helpers.ts';

describe('counter PIN policy', () => {
  it('accepts 6 to 12 digits and refuses trivial ones', () => {
    expect(pinProblem('482915')).toBeNull();
    expect(pinProblem('482915730155')).toBeNull();
    expect(pinProblem('48291')).toMatch(/6 to 12 digits/);
    expect(pinProblem('4829157301551')).toMatch(/6 to 12 digits/);
    expect(pinProblem('48a915')).toMatch(/digits only/);
    expect(pinProblem('111111')).toMatch(/repeated/);
    expect(pinProblem('123456')).toMatch(/consecutive/);
    expect(pinProblem('987654')).toMatch(/consecutive/);
  });
});

describe.each(testDatabases())('staff sign-in and session on $kind', ({ open }) => {
  let db: Database;
  let a: Store;
  let b: Store;
  const clock = new ManualClock();
  let app: ReturnType<typeof staffApp>;

  beforeAll(async () => {
    db = await open();
    a = await seedStore(db.prisma, 'store-a', { name: 'Store A' });
    b = await seedStore(db.prisma, 'store-b', { name: 'Store B', pin: '730412' });
    await seedShop(db.prisma, 'shop', [a, b], { MUG: 10 });
    app = staffApp(db.prisma, {
      clock,
      signInLimits: { windowMs: 15 * 60_000, perAddress: 3, perStore: 5 },
    });
  });
  afterAll(() => db?.close());

  it('stores only a scrypt hash of the PIN, and refuses weak PINs and non-stores', async () => {
    const loc = await db.prisma.location.findUniqueOrThrow({ where: { id: a.id } });
    expect(loc.staffPinHash).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(loc.staffPinHash).not.toContain(a.pin);
    expect(await verifyPin(a.pin, loc.staffPinHash)).toBe(true);
    expect(await verifyPin('482916', loc.staffPinHash)).toBe(false);
    await expect(setStorePin(db.prisma, a.id, '123456')).rejects.toThrow(StorePinError);
    await db.prisma.location.create({ data: { id: 'wh', code: 'WH', name: 'Warehouse', kind: 'warehouse' } });
    await expect(setStorePin(db.prisma, 'wh', '482915')).rejects.toMatchObject({ code: 'not_a_store' });
    await expect(setStorePin(db.prisma, 'nowhere', '482915')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('sends an anonymous visitor to the sign-in page, which lists the stores and nothing else', async () => {
    const c = new Client(app);
    const board = await c.get('/staff');
    expect(board.status).toBe(303);
    expect(board.location).toBe('/staff/login');
    const lanes = await c.get('/staff/lanes');
    expect(lanes.status).toBe(401);
    const login = await c.get('/staff/login');
    expect(login.status).toBe(200);
    expect(login.html).toContain('Store A');
    expect(login.html).toContain('Store B');
    expect(login.html).not.toContain('Warehouse');
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(login.headers.get('cache-control')).toBe('no-store');
  });

  it('signs in with the right PIN: HttpOnly, SameSite=Strict cookie on /staff, Secure on HTTPS', async () => {
    const c = new Client(app);
    const res = await c.signIn(a);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^omnihub_staff=[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/staff');
    expect(cookie).toContain('Max-Age=43200');
    expect(cookie).not.toContain('Secure');
    const board = await c.get('/staff');
    expect(board.status).toBe(200);
    expect(board.html).toContain('Store A');
    expect(board.html).toContain('Sam');

    const https = await app.request('https://hub.test/staff/login', {
      method: 'POST',
      headers: { origin: 'https://hub.test', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ store: a.code, pin: a.pin }),
    });
    expect(https.status).toBe(303);
    expect(https.headers.get('set-cookie')).toContain('Secure');
  });

  it('refuses a wrong PIN without a session, and records the attempt', async () => {
    const c = new Client(app, '10.9.9.9');
    const res = await c.signIn(a, '000001');
    expect(res.status).toBe(401);
    expect(res.html).toContain('Wrong PIN');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await c.get('/staff')).status).toBe(303);
    const failed = await db.prisma.auditLog.findMany({
      where: { action: 'staff.signin_failed', entityId: a.id },
    });
    expect(failed.map((f) => (f.data as { ip: string }).ip)).toContain('10.9.9.9');
  });

  it('rate-limits wrong PINs per address, then per store, and lets them in again after the window', async () => {
    const start = clock.nowMs();
    try {
      clock.set(start + 60 * 60_000); // a fresh window, clear of earlier tests
      const x = new Client(app, '192.0.2.1');
      for (let i = 0; i < 3; i++) expect((await x.signIn(b, '000002')).status).toBe(401);
      const limited = await x.signIn(b); // even the right PIN
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.html).toContain('Too many wrong PINs');
      expect(x.cookie).toBe('');
      // Another address still gets in while only the first is throttled...
      expect((await new Client(app, '192.0.2.2').signIn(b)).status).toBe(303);
      // ...until the store as a whole has seen too many failures.
      const y = new Client(app, '192.0.2.3');
      for (let i = 0; i < 2; i++) expect((await y.signIn(b, '000003')).status).toBe(401);
      expect((await new Client(app, '192.0.2.4').signIn(b)).status).toBe(429);
      // The other store is not affected.
      expect((await new Client(app, '192.0.2.4').signIn(a)).status).toBe(303);
      // After the window, the right PIN works again.
      clock.advance(16 * 60_000);
      expect((await new Client(app, '192.0.2.1').signIn(b)).status).toBe(303);
    } finally {
      clock.set(start);
    }
  });

  it('holds the limits under a burst of concurrent wrong PINs', async () => {
    const start = clock.nowMs();
    const failedNow = () =>
      db.prisma.auditLog.count({ where: { action: 'staff.signin_failed', entityId: b.id, createdAt: clock.now() } });
    try {
      // From one address: 9 guesses at once, 3 allowed.
      clock.set(start + 3 * 60 * 60_000);
      const fromOne = await Promise.all(
        Array.from({ length: 9 }, () => new Client(app, '198.51.100.1').signIn(b, '000004')),
      );
      expect(fromOne.every((r) => r.status === 401 || r.status === 429)).toBe(true);
      expect(fromOne.filter((r) => r.status === 401).length).toBeLessThanOrEqual(3);
      expect(await failedNow()).toBeLessThanOrEqual(3);
      // From 12 addresses at once, in a later window: the store allows 5.
      clock.set(start + 5 * 60 * 60_000);
      const fromMany = await Promise.all(
        Array.from({ length: 12 }, (_, i) => new Client(app, `198.51.100.${10 + i}`).signIn(b, '000005')),
      );
      expect(fromMany.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
      expect(await failedNow()).toBeLessThanOrEqual(5);
    } finally {
      clock.set(start);
    }
  });

  it('refuses a POST without the CSRF token, with another session’s token, or from another origin', async () => {
    const orderId = await pickupOrder(db.prisma, 'shop', a, 'A-CSRF', [{ sku: 'MUG', quantity: 1 }]);
    const c = new Client(app);
    await c.signIn(a);
    await c.get('/staff');
    const other = new Client(app);
    await other.signIn(a);
    await other.get('/staff');
    expect(other.csrf).not.toBe(c.csrf);

    const path = `/staff/orders/${orderId}/picking`;
    expect((await c.post(path, { _csrf: '' })).status).toBe(403);
    expect((await c.post(path, { _csrf: other.csrf })).status).toBe(403);
    expect((await c.post(path, {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await c.post(path, {}, { origin: null })).status).toBe(403); // neither Origin nor Referer
    expect((await c.post(path, {}, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect(await statusOf(db.prisma, orderId)).toBe('allocated');

    // The sign-in form is Origin-checked too (login CSRF).
    const forged = await new Client(app).post(
      '/staff/login',
      { store: a.code, pin: a.pin },
      { origin: 'https://evil.example' },
    );
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();

    // A same-origin Referer stands in for a missing Origin; the right token acts.
    const ok = await c.post(path, {}, { origin: null, headers: { referer: `${ORIGIN}/staff` } });
    expect(ok.status).toBe(303);
    expect(await statusOf(db.prisma, orderId)).toBe('picking');
  });

  it('ignores a forged or expired cookie, and ends sessions when the PIN changes', async () => {
    const c = new Client(app);
    await c.signIn(a);
    expect((await c.get('/staff')).status).toBe(200);
    const good = c.cookie;

    const [name, value] = good.split('=') as [string, string];
    const [payload, sig] = value.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, l: b.id })).toString('base64url');
    c.cookie = `${name}=${forgedPayload}.${sig}`;
    expect((await c.get('/staff')).status).toBe(303);

    c.cookie = good;
    const start = clock.nowMs();
    clock.set(start + 12 * 60 * 60_000 + 1000);
    try {
      const expired = await c.get('/staff');
      expect(expired.status).toBe(303);
      expect(expired.location).toBe('/staff/login?expired=1');
    } finally {
      clock.set(start);
    }

    c.cookie = good;
    expect((await c.get('/staff')).status).toBe(200);
    await setStorePin(db.prisma, a.id, '591730');
    expect((await c.get('/staff')).status).toBe(303);
    await setStorePin(db.prisma, a.id, a.pin);
  });

  it('shows and acts on its own store only: another store’s pickup is a 404 and stays untouched', async () => {
    const mine = await pickupOrder(db.prisma, 'shop', a, 'A-1', [{ sku: 'MUG', quantity: 1 }], 'Mine Customer');
    const theirs = await pickupOrder(db.prisma, 'shop', b, 'B-1', [{ sku: 'MUG', quantity: 1 }], 'Other Customer');
    const c = new Client(app);
    await c.signIn(a);
    const board = await c.get('/staff');
    expect(laneNumbers(board.html, 'to-pick')).toContain('#A-1');
    expect(board.html).not.toContain('#B-1');
    expect(board.html).not.toContain('Other Customer');
    const lanes = await c.get('/staff/lanes');
    expect(lanes.html).toContain('#A-1');
    expect(lanes.html).not.toContain('#B-1');

    expect((await c.get(`/staff/orders/${theirs}`)).status).toBe(404);
    expect((await c.get(`/staff/orders/${mine}`)).status).toBe(200);
    for (const action of ['picking', 'ready', 'refuse']) {
      expect((await c.post(`/staff/orders/${theirs}/${action}`)).status).toBe(404);
    }
    expect((await c.post(`/staff/orders/${theirs}/collect`, { code: 'ABCDEF' })).status).toBe(404);
    expect(await statusOf(db.prisma, theirs)).toBe('allocated');
  });

  it('refuses an oversized form before reading it', async () => {
    const c = new Client(app);
    await c.signIn(a);
    await c.get('/staff');
    const res = await c.post('/staff/find', { code: 'X'.repeat(20_000) });
    expect(res.status).toBe(413);
  });

  it('signs out: the cookie is cleared', async () => {
    const c = new Client(app);
    await c.signIn(a);
    await c.get('/staff');
    const out = await c.post('/staff/logout');
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/omnihub_staff=;.*Max-Age=0/);
    expect((await c.get('/staff')).status).toBe(303);
  });

  it('signs out on the server: a copy of the cookie taken before sign-out is refused, other devices stay in', async () => {
    const c = new Client(app);
    await c.signIn(a);
    await c.get('/staff');
    const copied = c.cookie;
    const colleague = new Client(app, '10.0.0.2');
    await colleague.signIn(a);
    expect((await c.post('/staff/logout')).status).toBe(303);

    const thief = new Client(app, '203.0.113.9');
    thief.cookie = copied;
    const replay = await thief.get('/staff');
    expect(replay.status).toBe(303);
    expect(replay.location).toBe('/staff/login?expired=1');
    expect((await thief.get('/staff/lanes')).status).toBe(401);
    // Only that device's session ended.
    expect((await colleague.get('/staff')).status).toBe(200);
  });

  it('ends every server-side session of the store when its PIN changes, and only that store', async () => {
    const inA = new Client(app);
    await inA.signIn(a);
    const other = await seedStore(db.prisma, 'store-pin-other', { name: 'Other Store', pin: '640213' });
    const inOther = new Client(app);
    expect((await inOther.signIn(other)).status).toBe(303);
    const openBefore = await db.prisma.staffSession.count({ where: { locationId: a.id, endedAt: null } });
    expect(openBefore).toBeGreaterThan(0);
    await setStorePin(db.prisma, a.id, '591730', { now: clock.now() });
    try {
      expect(await db.prisma.staffSession.count({ where: { locationId: a.id, endedAt: null } })).toBe(0);
      const ended = await db.prisma.staffSession.count({
        where: { locationId: a.id, endedWhy: 'pin_changed', endedAt: clock.now() },
      });
      expect(ended).toBe(openBefore);
      expect((await inA.get('/staff')).status).toBe(303);
      expect((await inOther.get('/staff')).status).toBe(200);
    } finally {
      await setStorePin(db.prisma, a.id, a.pin);
    }
  });
});
