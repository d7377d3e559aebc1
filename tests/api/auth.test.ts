// Authentication and roles: bearer API keys (hashed at rest, shown once), the admin token,
// read-only keys that cannot write, and staff keys that see and act on their own stores only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, hashApiKey, looksLikeApiKey, touchApiKey } from '../../core/auth/api-keys.ts';
import { ensureFirstAdminKey } from '../../core/auth/first-admin.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedLocation, stock } from '../support/seed.ts';
import { buildHarness, type Harness } from './harness.ts';
import { pickupOrderFixture, seedShop, STORE_A, STORE_B } from './fixtures.ts';

const ADMIN_TOKEN = 'env-admin-token-0123456789abcdef';

describe.each(testDatabases())('API auth on $kind', ({ open }) => {
  let db: Database & { url?: string };
  let h: Harness;
  let staffA: string;
  let orderA: string;
  let orderB: string;

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, { config: { adminToken: ADMIN_TOKEN } });
    await seedShop(db.prisma);
    staffA = await h.staffKey([STORE_A]);
    orderA = (await pickupOrderFixture(db.prisma, 'P-A', STORE_A)).orderId;
    orderB = (await pickupOrderFixture(db.prisma, 'P-B', STORE_B)).orderId;
  });
  afterAll(() => db?.close());

  describe('authentication', () => {
    it('refuses a request without a key with 401, a JSON error and WWW-Authenticate', async () => {
      const r = await h.call('GET', '/api/v1/locations', { key: null });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'unauthorized', requestId: expect.any(String) });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('refuses an unknown key, a malformed header and a non-bearer scheme', async () => {
      for (const authorization of [`Bearer ohk_aaaaaaaa_${'A'.repeat(43)}`, 'Bearer', 'Basic dXNlcjpwYXNz']) {
        const r = await h.call('GET', '/api/v1/locations', { key: null, headers: { authorization } });
        expect(r.status, authorization).toBe(401);
      }
    });

    it('accepts OMNIHUB_ADMIN_TOKEN as it is, as an admin', async () => {
      expect((await h.call('GET', '/api/v1/channel-accounts', { key: ADMIN_TOKEN })).status).toBe(200);
      expect((await h.call('GET', '/api/v1/channel-accounts', { key: `${ADMIN_TOKEN}x` })).status).toBe(401);
    });

    it('stores only the SHA-256 of a key, in the ohk_<prefix>_<secret> format', async () => {
      const { key, record } = await createApiKey(db.prisma, { name: 'fmt', role: 'readonly' });
      expect(looksLikeApiKey(key)).toBe(true);
      expect(key.startsWith(`ohk_${record.prefix}_`)).toBe(true);
      const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: record.id } });
      expect(row.keyHash).toBe(await hashApiKey(key));
      // The secret may itself hold '_' (base64url): everything after the prefix's separator.
      const secret = key.slice(`ohk_${record.prefix}_`.length);
      expect(secret.length).toBeGreaterThan(16);
      expect(JSON.stringify(row)).not.toContain(secret);
    });

    it('creates keys through the API, shows a key once, lists them without it, and revokes', async () => {
      const created = await h.call('POST', '/api/v1/api-keys', { body: { name: 'ci', role: 'readonly' } });
      expect(created.status).toBe(201);
      expect(looksLikeApiKey(created.body.key)).toBe(true);
      const list = await h.call('GET', '/api/v1/api-keys');
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
      expect(list.body.data.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({ role: 'readonly' });
      expect((await h.call('GET', '/api/v1/locations', { key: created.body.key })).status).toBe(200);
      const revoked = await h.call('DELETE', `/api/v1/api-keys/${created.body.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      expect((await h.call('GET', '/api/v1/locations', { key: created.body.key })).status).toBe(401);
      expect((await h.call('DELETE', '/api/v1/api-keys/nope')).status).toBe(404);
    });

    it('validates new keys field by field', async () => {
      const staffNoStore = await h.call('POST', '/api/v1/api-keys', { body: { name: 's', role: 'staff' } });
      expect(staffNoStore.status).toBe(400);
      expect(staffNoStore.body.error.fields).toEqual([
        { path: 'locationIds', message: expect.stringMatching(/store/) },
      ]);
      const badRole = await h.call('POST', '/api/v1/api-keys', { body: { name: 's', role: 'root' } });
      expect(badRole.body.error.fields[0].path).toBe('role');
      const warehouse = await h.call('POST', '/api/v1/api-keys', {
        body: { name: 's', role: 'staff', locationIds: ['wh'] },
      });
      expect(warehouse.status).toBe(400);
      expect(warehouse.body.error.fields[0].path).toBe('locationIds.0');
      const unknown = await h.call('POST', '/api/v1/api-keys', {
        body: { name: 's', role: 'staff', locationIds: ['nope'] },
      });
      expect(unknown.body.error.fields[0]).toMatchObject({ path: 'locationIds.0', message: 'unknown location nope' });
    });

    it('records the last use of a key when it is used', async () => {
      const { key, record } = await createApiKey(db.prisma, { name: 'touch', role: 'readonly' });
      expect(record.lastUsedAt).toBeNull();
      expect((await h.call('GET', '/api/v1/locations', { key })).status).toBe(200);
      await expect
        .poll(async () => (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt)
        .not.toBeNull();
    });

    it('writes the last use at most once a minute, however many clients race to record it', async () => {
      const { record } = await createApiKey(db.prisma, { name: 'touch-race', role: 'readonly' });
      // Several processes: one connection pool each on PostgreSQL; PGlite has one connection only.
      const others = db.url
        ? await Promise.all([1, 2, 3].map(() => openDatabase({ url: db.url, migrate: false, poolSize: 3 })))
        : [];
      const clients = [db, ...others];
      const race = async (at: Date) => {
        const written = await Promise.all(
          clients.flatMap((c) => [1, 2, 3].map(() => touchApiKey(c.prisma, record.id, at))),
        );
        const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: record.id } });
        return { writes: written.filter(Boolean).length, lastUsedAt: row.lastUsedAt?.getTime() };
      };
      try {
        const t0 = new Date();
        expect(await race(t0)).toEqual({ writes: 1, lastUsedAt: t0.getTime() });
        const within = new Date(t0.getTime() + 59_000);
        expect(await race(within)).toEqual({ writes: 0, lastUsedAt: t0.getTime() });
        const after = new Date(t0.getTime() + 61_000);
        expect(await race(after)).toEqual({ writes: 1, lastUsedAt: after.getTime() });
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });
  });

  describe('readonly keys', () => {
    it('read everything and write nothing (403)', async () => {
      expect((await h.call('GET', '/api/v1/orders', { key: h.readonly })).status).toBe(200);
      expect((await h.call('GET', '/api/v1/inventory/levels', { key: h.readonly })).status).toBe(200);
      expect((await h.call('GET', '/metrics', { key: h.readonly })).status).toBe(200);
      const writes: [string, string, unknown][] = [
        ['POST', '/api/v1/locations', { code: 'X', name: 'X', kind: 'store' }],
        ['POST', '/api/v1/inventory/adjustments', { sku: 'TEE', locationId: STORE_A, delta: 1, reason: 'receipt' }],
        ['POST', `/api/v1/orders/${orderA}/cancel`, {}],
        ['PATCH', `/api/v1/locations/${STORE_A}`, { name: 'renamed' }],
        ['DELETE', '/api/v1/api-keys/whatever', undefined],
        ['POST', '/api/v1/api-keys', { name: 'x', role: 'admin' }],
      ];
      for (const [method, path, body] of writes) {
        const r = await h.call(method, path, { key: h.readonly, body });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.body.error.code).toBe('forbidden');
      }
      const level = await db.prisma.inventoryLevel.findFirstOrThrow({
        where: { locationId: STORE_A, sku: { code: 'TEE' } },
      });
      expect(level.onHand).toBe(10);
      expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderA } })).status).not.toBe('cancelled');
    });
  });

  describe('staff keys', () => {
    it("see their store's pickups and never another store's", async () => {
      const mine = await h.call('GET', '/api/v1/pickups', { key: staffA });
      expect(mine.status).toBe(200);
      expect(mine.body.data.map((o: { id: string }) => o.id)).toEqual([orderA]);
      const other = await h.call('GET', `/api/v1/pickups?locationId=${STORE_B}`, { key: staffA });
      expect(other.status).toBe(404);
      expect(JSON.stringify(other.body)).not.toContain(orderB);
      expect((await h.call('GET', `/api/v1/orders/${orderA}`, { key: staffA })).status).toBe(200);
      const b = await h.call('GET', `/api/v1/orders/${orderB}`, { key: staffA });
      expect(b.status).toBe(404);
      expect(JSON.stringify(b.body)).not.toContain('P-B');
    });

    it("see their store's stock only", async () => {
      const levels = await h.call('GET', '/api/v1/inventory/levels', { key: staffA });
      expect(levels.status).toBe(200);
      expect(new Set(levels.body.data.map((l: { locationId: string }) => l.locationId))).toEqual(new Set([STORE_A]));
      expect((await h.call('GET', `/api/v1/inventory/levels?locationId=${STORE_B}`, { key: staffA })).status).toBe(404);
      const ledger = await h.call('GET', '/api/v1/skus/TEE/ledger', { key: staffA });
      expect(ledger.status).toBe(200);
      expect(ledger.body.data.length).toBeGreaterThan(0);
      expect(ledger.body.data.every((m: { locationId: string }) => m.locationId === STORE_A)).toBe(true);
      expect((await h.call('GET', `/api/v1/skus/TEE/ledger?locationId=${STORE_B}`, { key: staffA })).status).toBe(404);
      const locations = await h.call('GET', '/api/v1/locations', { key: staffA });
      expect(locations.body.data.map((l: { id: string }) => l.id)).toEqual([STORE_A]);
      expect((await h.call('GET', `/api/v1/locations/${STORE_B}`, { key: staffA })).status).toBe(404);
    });

    it("cannot act on another store's pickups or stock, and nothing changes", async () => {
      const before = await db.prisma.inventoryLevel.findFirstOrThrow({
        where: { locationId: STORE_B, sku: { code: 'TEE' } },
      });
      for (const [path, body] of [
        [`/api/v1/orders/${orderB}/ready-for-pickup`, undefined],
        [`/api/v1/orders/${orderB}/refuse-pickup`, {}],
        [`/api/v1/orders/${orderB}/collect`, { code: 'ABCDEF' }],
        ['/api/v1/inventory/adjustments', { sku: 'TEE', locationId: STORE_B, delta: -1, reason: 'damage' }],
        ['/api/v1/inventory/counts', { sku: 'TEE', locationId: STORE_B, counted: 0 }],
      ] as const) {
        const r = await h.call('POST', path, { key: staffA, body });
        expect(r.status, path).toBe(404);
        expect(r.body.error.code).toBe('not_found');
      }
      const after = await db.prisma.inventoryLevel.findFirstOrThrow({
        where: { locationId: STORE_B, sku: { code: 'TEE' } },
      });
      expect(after).toEqual(before);
      const b = await db.prisma.order.findUniqueOrThrow({ where: { id: orderB } });
      expect(b.status).not.toMatch(/ready_for_pickup|cancelled/);
    });

    it('act on their own store: pickups and stock changes', async () => {
      const ready = await h.call('POST', `/api/v1/orders/${orderA}/ready-for-pickup`, { key: staffA });
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ready_for_pickup',
        pickupCode: expect.stringMatching(/^[A-Z0-9]{6}$/),
      });
      const collected = await h.call('POST', `/api/v1/orders/${orderA}/collect`, {
        key: staffA,
        body: { code: ready.body.pickupCode },
      });
      expect(collected.status).toBe(200);
      expect(collected.body.status).toBe('collected');
      const adj = await h.call('POST', '/api/v1/inventory/adjustments', {
        key: staffA,
        body: { sku: 'CAP', locationId: STORE_A, delta: 2, reason: 'receipt' },
      });
      expect(adj.status).toBe(201);
      expect(adj.body).toMatchObject({ locationId: STORE_A, onHand: 7 });
      const mv = await db.prisma.inventoryMovement.findFirstOrThrow({
        where: { locationId: STORE_A },
        orderBy: { id: 'desc' },
      });
      expect(mv.actor).toMatch(/^key:/);
    });

    it('scoped to two stores see and act on both, and nothing of a third store or the warehouse', async () => {
      await seedLocation(db.prisma, 'store-c', 'store');
      await db.prisma.channelLocation.create({
        data: { accountId: 'shop', locationId: 'store-c', externalLocationId: 'gid://shopify/Location/4' },
      });
      await stock(db.prisma, 'sku-TEE', 'store-c', 10);
      const pickupAt = (id: string, location: string) =>
        ingestOrder(
          db.prisma,
          'shop',
          draft(id, [{ sku: 'TEE', quantity: 1 }], {
            fulfilmentMethod: 'pickup',
            pickupLocation: { externalId: `gid://shopify/Location/${location}` },
          }),
        );
      const [inA, inB, inC] = [
        (await pickupAt('P2-A', '2')).orderId,
        (await pickupAt('P2-B', '3')).orderId,
        (await pickupAt('P2-C', '4')).orderId,
      ];
      const both = await h.staffKey([STORE_A, STORE_B]);

      const pickups = await h.call('GET', '/api/v1/pickups', { key: both });
      expect(pickups.status).toBe(200);
      const seen = pickups.body.data.map((o: { id: string }) => o.id);
      expect(seen).toEqual(expect.arrayContaining([inA, inB]));
      expect(seen).not.toContain(inC);
      expect((await h.call('GET', '/api/v1/pickups?locationId=store-c', { key: both })).status).toBe(404);
      for (const id of [inA, inB])
        expect((await h.call('GET', `/api/v1/orders/${id}`, { key: both })).status).toBe(200);
      expect((await h.call('GET', `/api/v1/orders/${inC}`, { key: both })).status).toBe(404);

      const levels = await h.call('GET', '/api/v1/inventory/levels', { key: both });
      expect(new Set(levels.body.data.map((l: { locationId: string }) => l.locationId))).toEqual(
        new Set([STORE_A, STORE_B]),
      );
      for (const loc of ['store-c', 'wh'])
        expect((await h.call('GET', `/api/v1/inventory/levels?locationId=${loc}`, { key: both })).status).toBe(404);
      const locations = await h.call('GET', '/api/v1/locations', { key: both });
      expect(locations.body.data.map((l: { id: string }) => l.id).sort()).toEqual([STORE_A, STORE_B]);

      const adjust = (locationId: string) =>
        h.call('POST', '/api/v1/inventory/adjustments', {
          key: both,
          body: { sku: 'CAP', locationId, delta: 1, reason: 'receipt' },
        });
      expect((await adjust(STORE_B)).status).toBe(201);
      expect((await adjust('store-c')).status).toBe(404);
      expect((await h.call('POST', `/api/v1/orders/${inB}/ready-for-pickup`, { key: both })).status).toBe(200);
      expect((await h.call('POST', `/api/v1/orders/${inC}/ready-for-pickup`, { key: both })).status).toBe(404);
      expect((await db.prisma.order.findUniqueOrThrow({ where: { id: inC } })).status).toBe('allocated');
    });

    it('cannot use anything else (403)', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/channel-accounts'],
        ['GET', '/api/v1/orders'],
        ['GET', '/api/v1/exceptions'],
        ['GET', '/api/v1/api-keys'],
        ['POST', '/api/v1/inventory/transfers'],
        ['POST', `/api/v1/orders/${orderA}/cancel`],
        ['PUT', `/api/v1/locations/${STORE_A}/staff-pin`],
        ['GET', '/metrics'],
      ]) {
        const r = await h.call(method as string, path as string, {
          key: staffA,
          body: method === 'GET' ? undefined : {},
        });
        expect(r.status, `${method} ${path}`).toBe(403);
      }
    });
  });
});

describe.each(testDatabases())('first admin key on $kind', ({ open }) => {
  let db: Database & { url?: string };
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db?.close());

  it('does nothing when OMNIHUB_ADMIN_TOKEN is set', async () => {
    const printed: string[] = [];
    expect(await ensureFirstAdminKey(db.prisma, { adminToken: ADMIN_TOKEN }, (t) => printed.push(t))).toEqual({
      kind: 'token',
    });
    expect(printed).toEqual([]);
    expect(await db.prisma.apiKey.count()).toBe(0);
  });

  it('creates and prints one admin key once, even when several processes start together', async () => {
    const printed: string[] = [];
    // A process each, with its own connection pool, on PostgreSQL; PGlite is one connection in one process.
    const others = db.url
      ? await Promise.all([1, 2, 3].map(() => openDatabase({ url: db.url, migrate: false, poolSize: 2 })))
      : [];
    const starts = db.url ? others : [db, db, db];
    const results = await Promise.all(
      starts.map((d) => ensureFirstAdminKey(d.prisma, { adminToken: undefined }, (t) => printed.push(t))),
    ).finally(() => Promise.all(others.map((o) => o.close())));
    expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
    expect(await db.prisma.apiKey.count()).toBe(1);
    expect(printed).toHaveLength(1);
    const created = results.find((r) => r.kind === 'created');
    if (created?.kind !== 'created') throw new Error('no key created');
    expect(printed[0]).toContain(created.key);
    expect((await db.prisma.apiKey.findFirstOrThrow()).role).toBe('admin');
    expect((await ensureFirstAdminKey(db.prisma, { adminToken: undefined }, (t) => printed.push(t))).kind).toBe(
      'existing',
    );
    expect(printed).toHaveLength(1);
  });
});
