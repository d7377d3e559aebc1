// The staff pages with a NUL, which PostgreSQL cannot store, in an address, a query or a form:
// a 400 page that says so, never a 500, and nothing changes. (A form or an address carries
// UTF-8, so an unpaired surrogate cannot arrive: the browser sends U+FFFD.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, type Store, seedShop, seedStore, staffApp } from './helpers.ts';

describe.each(testDatabases())('staff pages with unstorable characters on $kind', ({ open }) => {
  let db: Database;
  let a: Store;
  let c: Client;
  beforeAll(async () => {
    db = await open();
    a = await seedStore(db.prisma, 'store-a', { name: 'Store A' });
    await seedShop(db.prisma, 'shop', [a], { MUG: 10 });
    c = new Client(staffApp(db.prisma));
  });
  afterAll(() => db?.close());

  it('refuses them in the sign-in form with 400', async () => {
    await c.get('/staff/login');
    for (const form of [
      { store: `${a.code}\u0000`, pin: a.pin, name: 'Sam' },
      { store: a.code, pin: a.pin, name: 'Sa\u0000m' },
    ]) {
      const r = await c.post('/staff/login', form);
      expect(r.status).toBe(400);
    }
  });

  it('refuses them in an address, a query or the pickup code with 400', async () => {
    expect((await c.signIn(a)).status).toBe(303);
    await c.get('/staff');
    for (const path of ['/staff/orders/a%00b', '/staff?o=a%00b&done=ready', '/staff/orders/x?o%00=1']) {
      const r = await c.get(path);
      expect(r.status, path).toBe(400);
    }
    const events = await db.prisma.orderEvent.count();
    const code = await c.post('/staff/find', { code: '12\u00003' });
    expect(code.status).toBe(400);
    expect(await db.prisma.orderEvent.count()).toBe(events);
  });
});
