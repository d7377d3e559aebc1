// The read-only REST API at the edge: the Worker under `wrangler dev --local` (workerd) and the
// Node API (createApiRoutes, as `omnihub start` mounts it) on the same fresh PostgreSQL database.
// - every read route the edge serves answers the same status and the same JSON as the Node API
//   for the same rows and the same key: filters, search, paging cursors, detail with lines,
//   events, reservations, fulfilments and returns, levels, exceptions, bad input (400 by field),
//   unknown ids (404), a staff key's scope (403/404), a read-only key;
// - a missing, wrong or revoked key: 401 with the Node API's body, nothing read;
// - a write (POST/PUT/PATCH/DELETE): 501 use_origin naming the origin, key or no key, and the
//   database is unchanged; a GET the edge does not serve: 404 saying the origin serves it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../core/auth/api-keys.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { buildHarness, type Harness, type Json } from '../api/harness.ts';
import { ACCOUNT, pickupOrderFixture, seedShop, shipOrderFixture, STORE_A, STORE_B, WH } from '../api/fixtures.ts';
import { createPostgresCopy, postgresTemplateUrl } from '../support/databases.ts';
import { startWranglerDev, type WranglerDev } from '../support/wrangler-dev.ts';

const templateUrl = postgresTemplateUrl();
if (!templateUrl && process.env.OMNIHUB_TEST_REQUIRE_POSTGRES === '1') {
  throw new Error('PostgreSQL is required (OMNIHUB_TEST_REQUIRE_POSTGRES=1) but the global setup found none');
}

const ADMIN_TOKEN = 'edge-api-admin-token-0123456789abcdef';
const ORIGIN = 'https://hub.example.com';

interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

describe.runIf(templateUrl)('the read-only API at the edge (wrangler dev --local) answers as the Node API', () => {
  let db: Database;
  let h: Harness;
  let dev: WranglerDev;
  let logDir: string;
  let staffA = '';
  let revoked = '';
  let edgeOnly = '';
  const ids: Record<string, string> = {};
  let n = 0;

  beforeAll(async () => {
    const url = await createPostgresCopy(templateUrl as string);
    db = await openDatabase({ url, migrate: false, poolSize: 4 });
    h = await buildHarness(db, { config: { adminToken: ADMIN_TOKEN } });
    await seedShop(db.prisma);
    for (const [no, at, email, test] of [
      ['1001', '2026-11-01T10:00:00Z', 'Ada@Example.com', false],
      ['1002', '2026-11-02T10:00:00Z', 'grace@example.com', true],
      ['1003', '2026-11-02T10:00:00Z', 'alan@example.org', false],
      ['1004', '2026-11-03T10:00:00Z', 'edsger@example.net', false],
    ] as const) {
      const o = await shipOrderFixture(db.prisma, no, {
        channelCreatedAt: at,
        channelUpdatedAt: at,
        customer: { name: no, email },
        test,
      });
      ids[no] = o.orderId;
    }
    ids.pickupA = (await pickupOrderFixture(db.prisma, 'P-A', STORE_A)).orderId;
    ids.pickupB = (await pickupOrderFixture(db.prisma, 'P-B', STORE_B)).orderId;
    // An order with everything the detail shows: events, a parcel with tracking, a return.
    const id = ids['1001'] as string;
    for (const step of ['pick', 'pack'])
      expect((await h.call('POST', `/api/v1/orders/${id}/${step}`)).status).toBe(200);
    const detail = (await h.call('GET', `/api/v1/orders/${id}`)).body;
    const tee = detail.lines.find((l: { skuCode: string }) => l.skuCode === 'TEE').id;
    const shipped = await h.call('POST', `/api/v1/orders/${id}/ship`, {
      body: { lines: [{ orderLineId: tee, quantity: 2 }], tracking: { company: 'DHL', number: 'JD0001' } },
    });
    expect(shipped.status).toBe(200);
    const returned = await h.call('POST', `/api/v1/orders/${id}/return`, {
      body: { lines: [{ orderLineId: tee, quantity: 1, restock: true }], reason: 'too small', idempotencyKey: 'r-1' },
    });
    expect(returned.status).toBe(200);
    expect((await h.call('POST', `/api/v1/orders/${ids['1004']}/hold`, { body: { reason: 'fraud' } })).status).toBe(
      200,
    );
    // Exceptions: two at the same instant (the cursor's tie-break), one resolved.
    const at = (m: number) => new Date(Date.UTC(2026, 10, 20, 10, m));
    for (const [i, kind, m] of [
      [0, 'oversold', 0],
      [1, 'unmapped_sku', 1],
      [2, 'inbox_event_failed', 1],
      [3, 'push_failed', 2],
    ] as const) {
      await db.prisma.exceptionItem.create({
        data: {
          id: `ex-${i}`,
          kind,
          dedupeKey: `k-${i}`,
          accountId: ACCOUNT,
          orderId: i === 0 ? id : null,
          message: `${kind} happened`,
          createdAt: at(m),
          updatedAt: at(m),
          data: { n: i, nested: { list: [1, 'two'] } },
        },
      });
    }
    await db.prisma.exceptionItem.update({
      where: { id: 'ex-3' },
      data: { resolvedAt: at(5), resolvedBy: 'key:someone' },
    });
    staffA = await h.staffKey([STORE_A]);
    const r = await createApiKey(db.prisma, { name: 'revoked', role: 'readonly' });
    await revokeApiKey(db.prisma, r.record.id);
    revoked = r.key;
    edgeOnly = (await createApiKey(db.prisma, { name: 'edge only', role: 'readonly' })).key;

    logDir = await mkdtemp(join(tmpdir(), 'omnihub-edge-api-'));
    dev = await startWranglerDev(
      { DATABASE_URL: url, OMNIHUB_ADMIN_TOKEN: ADMIN_TOKEN, OMNIHUB_ORIGIN_URL: ORIGIN },
      logDir,
    );
  }, 90_000);

  afterAll(async () => {
    await dev?.stop();
    await db?.close();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  }, 30_000);

  async function edge(method: string, path: string, key: string | null, requestId?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (requestId) headers['x-request-id'] = requestId;
    const body = method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify({ sku: 'TEE', locationId: WH });
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(`${dev.baseUrl}${path}`, { method, headers, ...(body ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  /** Both doors, same key and request id: the same status and JSON. */
  async function same(path: string, key: string | null = h.admin): Promise<Answer> {
    const requestId = `parity-${++n}`;
    const node = await h.call('GET', path, { key, headers: { 'x-request-id': requestId } });
    const atEdge = await edge('GET', path, key, requestId);
    expect({ path, status: atEdge.status, body: atEdge.body }).toEqual({ path, status: node.status, body: node.body });
    return atEdge;
  }

  it('orders: list (filters, search, test flag, range), every page by cursor, and each order in full', async () => {
    for (const qs of [
      '',
      '?status=allocated,on_hold',
      `?accountId=${ACCOUNT}`,
      '?accountId=other',
      `?locationId=${STORE_A}`,
      `?locationId=${WH}`,
      '?test=true',
      '?test=false',
      '?createdFrom=2026-11-02T00:00:00Z&createdTo=2026-11-03T00:00:00Z',
      '?createdFrom=2026-11-02T01:00:00%2B01:00',
      '?q=%231002',
      '?q=1003',
      '?q=ADA@example.com',
      '?q=%25',
    ]) {
      const r = await same(`/api/v1/orders${qs}`);
      expect(r.status).toBe(200);
    }
    // The full list, and the same orders page by page (1003 and 1002 share a time: the id decides).
    const all = (await same('/api/v1/orders?limit=200')).body.data.map((o: { id: string }) => o.id);
    expect(all).toHaveLength(6);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await same(`/api/v1/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      paged.push(...page.body.data.map((o: { id: string }) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    for (const id of all) {
      const r = await same(`/api/v1/orders/${encodeURIComponent(id)}`);
      expect(r.status).toBe(200);
    }
    // The detail really carries what the Prisma include reads (not just empty lists on both sides).
    const full = (await edge('GET', `/api/v1/orders/${ids['1001']}`, h.admin)).body;
    expect(full.events.length).toBeGreaterThanOrEqual(3);
    expect(full.fulfilments.map((f: Json) => f.tracking)).toEqual([{ company: 'DHL', number: 'JD0001', url: null }]);
    expect(full.returns).toHaveLength(1);
    expect(full.reservations.length).toBeGreaterThan(0);
    expect(full.lines.map((l: Json) => l.unitPrice)).toEqual([
      { amount: 1000, currency: 'EUR' },
      { amount: 1000, currency: 'EUR' },
    ]);
  });

  it('inventory levels and exceptions: filters and every page', async () => {
    for (const qs of ['', `?locationId=${STORE_B}`, '?sku=TEE', '?sku=sku-CAP', '?sku=NOPE', '?limit=4']) {
      expect((await same(`/api/v1/inventory/levels${qs}`)).status).toBe(200);
    }
    let cursor: string | null = null;
    let levels = 0;
    do {
      const page: Answer = await same(
        `/api/v1/inventory/levels?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      levels += page.body.data.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(levels).toBe(6);
    for (const qs of [
      '',
      '?state=resolved',
      '?state=all',
      '?kind=oversold',
      `?orderId=${ids['1001']}`,
      '?accountId=x',
    ]) {
      expect((await same(`/api/v1/exceptions${qs}`)).status).toBe(200);
    }
    const seen: string[] = [];
    cursor = null;
    do {
      const page: Answer = await same(
        `/api/v1/exceptions?state=all&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['ex-3', 'ex-2', 'ex-1', 'ex-0']);
    const ex = (await edge('GET', '/api/v1/exceptions?kind=inbox_event_failed', h.admin)).body.data[0];
    expect(ex).toMatchObject({ id: 'ex-2', replayable: true, data: { n: 2, nested: { list: [1, 'two'] } } });
  });

  it('bad input (400 naming the field) and unknown ids (404), as on Node', async () => {
    for (const path of [
      '/api/v1/orders?limit=0',
      '/api/v1/orders?status=nonsense',
      '/api/v1/orders?cursor=not-a-cursor',
      '/api/v1/orders?createdFrom=yesterday',
      '/api/v1/orders/no-such-order',
      '/api/v1/inventory/levels?limit=201',
      '/api/v1/exceptions?state=maybe',
    ]) {
      const r = await same(path);
      expect([400, 404]).toContain(r.status);
    }
  });

  it('the same keys and roles: read-only and admin token read; a staff key sees only its store', async () => {
    expect((await same('/api/v1/orders', h.readonly)).status).toBe(200);
    expect((await same('/api/v1/exceptions', ADMIN_TOKEN)).status).toBe(200);
    expect((await same(`/api/v1/orders/${ids.pickupA}`, staffA)).status).toBe(200);
    expect((await same(`/api/v1/orders/${ids.pickupB}`, staffA)).status).toBe(404);
    const levels = await same('/api/v1/inventory/levels', staffA);
    expect(new Set(levels.body.data.map((l: { locationId: string }) => l.locationId))).toEqual(new Set([STORE_A]));
    expect((await same(`/api/v1/inventory/levels?locationId=${STORE_B}`, staffA)).status).toBe(404);
    expect((await same('/api/v1/orders', staffA)).status).toBe(403);
    expect((await same('/api/v1/exceptions', staffA)).status).toBe(403);
  });

  it('a missing, wrong or revoked key: 401 with the Node body and challenge', async () => {
    const wrong = `${h.admin.slice(0, -4)}AAAA`;
    for (const key of [null, 'not-a-key', wrong, revoked]) {
      for (const path of [
        '/api/v1/orders',
        `/api/v1/orders/${ids['1001']}`,
        '/api/v1/inventory/levels',
        '/api/v1/exceptions',
      ]) {
        const r = await same(path, key);
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('unauthorized');
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="omnihub"/);
      }
    }
  });

  it('records a key used at the edge (at most once a minute), as the Node API does', async () => {
    const before = await db.prisma.apiKey.findFirstOrThrow({ where: { name: 'edge only' } });
    expect(before.lastUsedAt).toBeNull();
    expect((await edge('GET', '/api/v1/exceptions', edgeOnly)).status).toBe(200);
    await expect
      .poll(async () => (await db.prisma.apiKey.findFirstOrThrow({ where: { name: 'edge only' } })).lastUsedAt, {
        timeout: 5000,
      })
      .not.toBeNull();
  });

  it('writes: 501 use_origin naming the origin, with or without a key, and nothing changes', async () => {
    const levelsBefore = await db.prisma.inventoryLevel.findMany({
      orderBy: [{ skuId: 'asc' }, { locationId: 'asc' }],
    });
    const movementsBefore = await db.prisma.inventoryMovement.count();
    const ordersBefore = await db.prisma.order.findMany({ orderBy: { id: 'asc' } });
    for (const [method, path] of [
      ['POST', '/api/v1/inventory/adjustments'],
      ['PUT', '/api/v1/inventory/safety-stock'],
      ['POST', `/api/v1/orders/${ids['1004']}/cancel`],
      ['PATCH', `/api/v1/orders/${ids['1004']}`],
      ['DELETE', '/api/v1/api-keys/some-key'],
    ] as const) {
      for (const key of [h.admin, null]) {
        const r = await edge(method, path, key, 'write-1');
        expect(r.status, `${method} ${path}`).toBe(501);
        expect(r.body).toEqual({
          error: {
            code: 'use_origin',
            message: `the edge serves the read-only API (GET only): send ${method} ${path} to the origin hub at ${ORIGIN}`,
            requestId: 'write-1',
          },
        });
      }
    }
    expect(await db.prisma.inventoryLevel.findMany({ orderBy: [{ skuId: 'asc' }, { locationId: 'asc' }] })).toEqual(
      levelsBefore,
    );
    expect(await db.prisma.inventoryMovement.count()).toBe(movementsBefore);
    expect(await db.prisma.order.findMany({ orderBy: { id: 'asc' } })).toEqual(ordersBefore);
  });

  it('prints the latency of the read routes at the edge (sequential requests, each a new pg connection)', async () => {
    const figures: string[] = [];
    for (const path of [
      '/api/v1/orders',
      `/api/v1/orders/${ids['1001']}`,
      '/api/v1/inventory/levels',
      '/api/v1/exceptions',
    ]) {
      const ms: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        expect((await edge('GET', path, h.admin)).status).toBe(200);
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      figures.push(
        `${path.replace(/orders\/[^/]+$/, 'orders/{id}')} median ${(ms[10] as number).toFixed(0)} ms, max ${(ms[19] as number).toFixed(0)} ms`,
      );
    }
    console.log(`[edge api] 20 sequential GETs each (wrangler dev --local): ${figures.join('; ')}`);
  });

  it('HEAD reads; a GET the edge does not serve is a 404 that names the origin', async () => {
    const head = await fetch(`${dev.baseUrl}/api/v1/orders`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${h.admin}` },
    });
    expect(head.status).toBe(200);
    const r = await edge('GET', '/api/v1/skus', h.admin);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toMatch(/^GET \/api\/v1\/skus is not served at the edge .*ask the origin hub$/);
    // Still behind the key: an unknown caller learns nothing more than 401.
    expect((await edge('GET', '/api/v1/skus', null)).status).toBe(401);
  });
});
