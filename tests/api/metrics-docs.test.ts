// /metrics (Prometheus text: process counters plus database-derived gauges), the OpenAPI
// 3.1 document generated from the route schemas, and the docs page served without a CDN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../core/metrics/registry.ts';
import type { Database } from '../../core/db/database.ts';
import { storeEvents } from '../../core/inbox/inbox.ts';
import type { StockUpdate } from '../../connectors/connector.ts';
import type { AccountContext } from '../../core/accounts/accounts.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, listing, product, sell, shown, start, world } from '../sync/helpers.ts';
import { seedShop, shipOrderFixture } from './fixtures.ts';
import { buildHarness, type Harness } from './harness.ts';

describe('metrics registry', () => {
  it('renders counters, gauges and histograms in Prometheus text format', () => {
    const r = new MetricsRegistry();
    const c = r.counter('t_requests_total', 'Requests\nby path', ['path']);
    c.inc({ path: '/a"b\\c' });
    c.inc({ path: '/a"b\\c' }, 2);
    r.gauge('t_depth', 'Depth').set(undefined, 7);
    const h = r.histogram('t_seconds', 'Latency', ['ch'], [0.1, 1]);
    h.observe({ ch: 'x' }, 0.05);
    h.observe({ ch: 'x' }, 0.5);
    h.observe({ ch: 'x' }, 5);
    expect(r.render()).toBe(
      [
        '# HELP t_depth Depth',
        '# TYPE t_depth gauge',
        't_depth 7',
        '# HELP t_requests_total Requests\\nby path',
        '# TYPE t_requests_total counter',
        't_requests_total{path="/a\\"b\\\\c"} 3',
        '# HELP t_seconds Latency',
        '# TYPE t_seconds histogram',
        't_seconds_bucket{ch="x",le="0.1"} 1',
        't_seconds_bucket{ch="x",le="1"} 2',
        't_seconds_bucket{ch="x",le="+Inf"} 3',
        't_seconds_sum{ch="x"} 5.55',
        't_seconds_count{ch="x"} 3',
        '',
      ].join('\n'),
    );
    expect(() => c.inc({ path: 'x' }, -1)).toThrow(/only goes up/);
    expect(() => c.inc({})).toThrow(/missing label path/);
    expect(r.counter('t_requests_total', 'again', ['path'])).toBe(c);
    expect(() => r.gauge('t_requests_total', 'clash')).toThrow(/already registered/);
  });
});

describe.each(testDatabases())('metrics and docs on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, { queueDepths: async () => ({ 'stock.push': 3 }) });
    await seedShop(db.prisma);
    await shipOrderFixture(db.prisma, 'M-1');
    await storeEvents(db.prisma, 'shop', [
      { externalEventId: 'e1', topic: 'orders/create', occurredAt: null, payload: {} },
    ]);
    await db.prisma.exceptionItem.create({ data: { id: 'x', kind: 'oversold', dedupeKey: 'x', message: 'm' } });
  });
  afterAll(() => db?.close());

  it('serves /metrics to a key holder, with database-derived gauges computed on scrape', async () => {
    expect((await h.call('GET', '/metrics', { key: null })).status).toBe(401);
    const r = await h.call('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = r.body as string;
    expect(text).toContain('omnihub_orders_total{channel="shopify"} 1');
    expect(text).toContain('omnihub_queue_depth{queue="inbox"} 1');
    expect(text).toContain('omnihub_queue_depth{queue="stock.push"} 3');
    expect(text).toMatch(/omnihub_queue_depth\{queue="outbox"\} \d+/);
    expect(text).toContain('omnihub_oversold_orders_total 1');
    expect(text).toContain('omnihub_exceptions_open{kind="oversold"} 1');
    expect(text).toContain('# TYPE omnihub_stock_push_duration_seconds histogram');
    expect(text).toContain('# TYPE omnihub_webhook_verify_failures_total counter');
  });

  it('can serve /metrics without a key when asked to', async () => {
    const open = await buildHarness(db, { metricsRequireAuth: false });
    expect((await open.call('GET', '/metrics', { key: null })).status).toBe(200);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const r = await h.call('GET', '/openapi.json', { key: null });
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Money.properties.amount.type).toBe('integer');
    expect(doc.components.schemas.Error.properties.error.properties.fields).toBeDefined();
    expect(doc.components.schemas.ChannelAccount.properties).not.toHaveProperty('credentials');
    expect(doc.components.schemas.NewChannelAccount.properties.credentials.writeOnly).toBe(true);
    expect(doc.paths['/webhooks/{accountId}'].post.responses).toHaveProperty('413');
    const ops = Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown; responses: object }>>,
    ).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const api = ops.filter((o) => o.path.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(35);
    for (const { path, method, op } of api) {
      expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      expect(op.responses, `${method} ${path}`).toHaveProperty('400');
      expect(op.responses, `${method} ${path}`).toHaveProperty('401');
    }
    for (const path of [
      '/api/v1/orders',
      '/api/v1/orders/{id}/ship',
      '/api/v1/inventory/adjustments',
      '/api/v1/pickups',
      '/api/v1/sync/listings',
      '/api/v1/exceptions/{id}/resolve',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('serves a docs page that loads nothing from a CDN', async () => {
    const page = await h.call('GET', '/docs', { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = page.body as string;
    expect(html).toContain('/docs/viewer.js');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const viewer = await h.call('GET', '/docs/viewer.js', { key: null });
    expect(viewer.status).toBe(200);
    expect(viewer.body).toContain('/openapi.json');
    expect(viewer.body).not.toMatch(/https?:\/\//);
    expect((await h.call('GET', '/docs/scalar.js', { key: null })).status).toBe(404);
  });

  it('serves the Scalar bundle from this hub when it is installed', async () => {
    const withScalar = await buildHarness(db, {
      docsScript: async () => 'window.Scalar = { createApiReference() {} };',
    });
    const html = (await withScalar.call('GET', '/docs', { key: null })).body as string;
    expect(html).toContain('<script src="/docs/scalar.js"></script>');
    expect(html).toContain("url: '/openapi.json'");
    expect(html).not.toMatch(/(src|href)="https?:/);
    const js = await withScalar.call('GET', '/docs/scalar.js', { key: null });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });
});

describe.each(testDatabases())('metrics counted by real traffic on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db?.close());

  it('counts an oversell when an order lands short on a channel that still advertised, and times every stock push', async () => {
    const w = await world(db, 2);
    const h = await buildHarness(db);
    // The Shopify connector as it is, with its stock push calls counted.
    let pushCalls = 0;
    const shopify = {
      ...w.connector,
      pushStock(account: AccountContext, updates: StockUpdate[]) {
        pushCalls += 1;
        return w.connector.pushStock(account, updates);
      },
    };
    await product(w, 'LAST', 1);
    const s = await start(w, 'memory', { metrics: h.registry, connectors: { shopify } });
    try {
      await eventually(async () => shown(w, 'LAST', 0) === 1 && shown(w, 'LAST', 1) === 1, 'both shops show 1');
      await eventually(async () => (await listing(w, 1, 'LAST')).lastConfirmedQty === 1, 'confirmed');
      // Two buyers take the same last unit on two shops: one order is reserved, the other is short.
      await sell(w, 0, 'LAST', 1);
      await sell(w, 1, 'LAST', 1);
      await eventually(
        async () => (await db.prisma.exceptionItem.count({ where: { kind: 'oversold' } })) === 1,
        'the oversell filed',
      );
      await s.runtime.flush();
      await eventually(async () => shown(w, 'LAST', 0) === 0 && shown(w, 'LAST', 1) === 0, 'both shops show 0');
    } finally {
      await s.stop();
    }
    const text = (await h.call('GET', '/metrics')).body as string;
    expect(text).toContain('omnihub_oversells_total{channel="shopify"} 1');
    expect(text).toContain('omnihub_oversold_orders_total 1'); // the database-derived total agrees
    const count = Number(
      /omnihub_stock_push_duration_seconds_count\{channel="shopify",result="ok"\} (\d+)/.exec(text)?.[1],
    );
    expect(pushCalls).toBeGreaterThanOrEqual(2);
    expect(count).toBe(pushCalls);
    expect(text).toMatch(/omnihub_stock_push_duration_seconds_sum\{channel="shopify",result="ok"\} [0-9.e-]+/);
  });
});
