// Authentic webhooks whose content the hub cannot use as it is. Shopify redelivers anything
// but a 2xx (8 times over 4 hours, then may drop the subscription), so a correctly signed
// delivery is never answered 500 for its content; it is kept, and what is wrong with it is
// where a person looks (an open exception), never dropped in silence:
// - a NUL (U+0000) or an unpaired surrogate, which PostgreSQL cannot store, is replaced and the
//   paths are reported;
// - a date out of range ("+275760-…", "-001000-…") does not order the event, and the order is
//   given up at once as a content error;
// - valid JSON that is not the topic's shape ([1,2,3], {}) is given up at once, naming the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_ALTERED } from '../../api/webhooks/content-guard.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { createShopifySimulator, type ShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { MAX_ATTEMPTS } from '../../core/inbox/failures.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { quietLogger } from '../sync/helpers.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness, type Json } from './harness.ts';

const SHOP = 'content-test.myshopify.com';
const SECRET = 'content-webhook-secret';
// Shopify's published REST Order example (provenance: tests/fixtures/shopify/README.md).
const ORDER: Json = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'shopify', 'rest-order-450789469.json'), 'utf8'),
);

describe.each(testDatabases())('webhook content on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  let sim: ShopifySimulator;
  const connector = createShopifyConnector();

  beforeAll(async () => {
    db = await open();
    sim = createShopifySimulator({ shop: SHOP, apiSecret: SECRET });
    h = await buildHarness(db, { connectors: { shopify: connector } });
    const credentials = { shop: SHOP, accessToken: 'shpat_x', apiSecretKey: SECRET };
    const r = await h.call('POST', '/api/v1/channel-accounts', {
      body: { id: 'shop', type: 'shopify', name: 'shop', credentials },
    });
    expect(r.status).toBe(201);
    sim.webhooks.target = async (req) => h.app.request(new Request('http://hub.test/webhooks/shop', req));
  });
  afterAll(() => db?.close());

  const send = async (topic: string, payload: unknown, webhookId: string, times = 1) => {
    sim.webhooks.log.length = 0;
    await sim.webhooks.send(topic, payload, { webhookId, times, triggeredAt: '2026-11-20T10:00:00.000Z' });
    return sim.webhooks.log.map((l) => l.status);
  };
  const row = (id: string) => db.prisma.inboxEvent.findFirstOrThrow({ where: { externalEventId: id } });
  const runInbox = () =>
    processInbox(
      {
        prisma: db.prisma,
        secretKey: h.secretKey,
        connectors: { shopify: connector },
        logger: quietLogger(),
        clock: systemClock,
      },
      'shop',
    );
  const failure = async (id: string) => {
    const e = await row(id);
    const ex = await db.prisma.exceptionItem.findUnique({ where: { dedupeKey: `inbox_event:${e.id}` } });
    return { attempts: e.attempts, processedAt: e.processedAt, lastError: e.lastError, exception: ex };
  };

  it('keeps an order with NUL characters: 200, stored with U+FFFD, the paths in an open exception, once', async () => {
    const body = structuredClone(ORDER);
    body.note = 'leave at\u0000door';
    body.line_items[0].title = 'IPod\u0000Nano';
    body.note_attributes = [{ name: 'gift\u0000', value: 'half an emoji \uD83D' }];
    body['weird\u0000key'] = 1;
    expect(await send('orders/create', body, 'nul-1', 2)).toEqual([200, 200]);
    expect(await db.prisma.inboxEvent.count({ where: { externalEventId: 'nul-1' } })).toBe(1);
    const stored = (await row('nul-1')).payload as Json;
    expect(stored.note).toBe('leave at\uFFFDdoor');
    expect(stored.line_items[0].title).toBe('IPod\uFFFDNano');
    expect(stored['weird\uFFFDkey']).toBe(1);
    const altered = await db.prisma.exceptionItem.findMany({ where: { kind: CONTENT_ALTERED } });
    expect(altered).toHaveLength(1);
    const [ex] = altered as [(typeof altered)[number]];
    expect(ex).toMatchObject({ accountId: 'shop', resolvedAt: null });
    expect(ex.message).toContain('nul-1');
    expect((ex.data as Json).paths.sort()).toEqual(
      ['line_items.0.title', 'note', 'note_attributes.0.name', 'note_attributes.0.value', 'weird\uFFFDkey'].sort(),
    );
    // Nothing is lost: the order is applied like any other.
    await runInbox();
    expect(await row('nul-1')).toMatchObject({ processedAt: expect.any(Date) });
    const order = await db.prisma.order.findFirstOrThrow({
      where: { externalId: 'gid://shopify/Order/450789469' },
      include: { lines: true },
    });
    expect(order.lines.map((l) => l.title)).toContainEqual(expect.stringContaining('IPod\uFFFDNano'));
  });

  it('answers 200 to dates out of range, orders the event by its delivery, and gives the order up at once', async () => {
    for (const [id, created, updated] of [
      ['far-1', '2026-11-01T10:00:00Z', '+275760-09-13T00:00:00.000Z'],
      ['far-2', '-001000-01-01T00:00:00Z', '-001000-01-01T00:00:00Z'],
      ['far-3', '0000-01-01T00:00:00Z', '2026-11-01T10:00:00Z'],
    ] as const) {
      const body = { ...structuredClone(ORDER), id: `9${id.slice(-1)}`, admin_graphql_api_id: null };
      body.created_at = created;
      body.updated_at = updated;
      expect(await send('orders/updated', body, id)).toEqual([200]);
      const stored = await row(id);
      if (id !== 'far-3') expect(stored.occurredAt?.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    }
    await runInbox();
    for (const id of ['far-1', 'far-2', 'far-3']) {
      const f = await failure(id);
      expect(f).toMatchObject({ attempts: MAX_ATTEMPTS, processedAt: null });
      expect(f.lastError).toMatch(/channel(Created|Updated)At.*1970-01-01 and 9999-12-31|1970-01-01 and 9999-12-31/);
      expect(f.exception).toMatchObject({ kind: 'inbox_event_failed', resolvedAt: null });
    }
  });

  it('gives up at once a body that is valid JSON but not the topic’s shape, naming the field', async () => {
    const cases = [
      ['shape-1', 'orders/create', [1, 2, 3], /expected object/],
      ['shape-2', 'orders/create', {}, /line_items/],
      [
        'shape-3',
        'orders/updated',
        { ...structuredClone(ORDER), line_items: [{ id: 1 }] },
        /line_items\.0\.quantity|line_items\[0\]\.quantity/,
      ],
      ['shape-4', 'refunds/create', {}, /order_id/],
      ['shape-5', 'refunds/create', [], /expected object/],
    ] as const;
    for (const [id, topic, body] of cases) expect(await send(topic, body, id)).toEqual([200]);
    await runInbox();
    for (const [id, , , why] of cases) {
      const f = await failure(id);
      expect(f, id).toMatchObject({ attempts: MAX_ATTEMPTS, processedAt: null });
      expect(f.lastError, id).toMatch(why);
      expect(f.exception, id).toMatchObject({ kind: 'inbox_event_failed', resolvedAt: null });
    }
  });
});
