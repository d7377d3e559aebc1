// Property: whatever a client or a channel sends, the hub never answers 5xx, and a refusal
// changes nothing. Requests are drawn from the API's own OpenAPI document (every operation,
// its path, query and body schemas) and signed webhooks from the Shopify payload shapes and
// Shopify's published order example, with hostile values mixed in (tests/support/schema-arbitrary.ts).
// A signed webhook is always kept (2xx), and processing it ends processed, waiting, or given up
// at once as a content error — never a retried failure, which is what a 5xx-like fault looks like.
// Bounded runs keep it to seconds; fast-check's default random seed is printed on failure
// (replay with { seed, path } in fc.assert's options).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { RestOrderShape, RestRefundShape } from '../../connectors/shopify/payload-shapes.ts';
import { createShopifySimulator, type ShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { ORDER_TOPICS, REFUND_TOPIC } from '../../connectors/shopify/webhooks.ts';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { MAX_ATTEMPTS } from '../../core/inbox/failures.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { quietLogger } from '../sync/helpers.ts';
import { testDatabases } from '../support/databases.ts';
import { fuzzString, HOSTILE, hostile, schemaArbitrary } from '../support/schema-arbitrary.ts';
import { seedShop, shipOrderFixture } from './fixtures.ts';
import { buildHarness, type Harness, type Json } from './harness.ts';

// CI runs stay at seconds; OMNIHUB_FUZZ_RUNS=2000 searches deeper on a workstation.
const DEEP = Number(process.env.OMNIHUB_FUZZ_RUNS) || 0;
const API_RUNS = DEEP || 150;
const WEBHOOK_RUNS = Math.ceil(DEEP / 3) || 60;
const SHOP = 'fuzz.myshopify.com';
const ORDER: Json = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'shopify', 'rest-order-450789469.json'), 'utf8'),
);

/** Percent-encoded as a client would; a lone surrogate (no UTF-8 form) as its replacement character. */
function encodeSegment(s: string): string {
  if (s.startsWith('raw:')) return s.slice(4);
  return [...new TextEncoder().encode(s)]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

/** Segments sent as they are: bytes that are not UTF-8, a NUL, broken escapes. */
const rawSegment = fc.constantFrom('raw:%ED%A0%80', 'raw:%FF%FE', 'raw:%00', 'raw:a%2', 'raw:%', 'raw:..');

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Json }[];
  body: Json | null;
}

/** One hash of every table's rows: equal before and after means nothing was stored or changed. */
async function fingerprint(db: Database): Promise<string> {
  const tables = await db.prisma.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
     ORDER BY table_name`;
  // A key's last use is bookkeeping of a successful authentication, not something the request stored.
  const parts = tables.map(
    ({ name }) =>
      `(SELECT count(*)::text || md5(coalesce(string_agg(r, '|' ORDER BY r), '')) FROM (SELECT (to_jsonb(x) - 'last_used_at')::text AS r FROM "${name}" x) s)`,
  );
  const rows = await db.prisma.$queryRawUnsafe<{ h: string }[]>(`SELECT md5(concat(${parts.join(', ')})) AS h`);
  return rows[0]?.h ?? '';
}

describe.each(testDatabases())('fuzzing the API and the webhook door on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  let sim: ShopifySimulator;
  let operations: Operation[];
  let ids: string[];
  let doc: Json;

  beforeAll(async () => {
    db = await open();
    sim = createShopifySimulator({ shop: SHOP, apiSecret: 'fuzz-secret' });
    const connector = createShopifyConnector({ transport: (req) => sim.fetch(req) });
    // A sync runtime that takes every request, so "sync now" is exercised rather than answered 503.
    const sync = { syncNow: async () => ({ queued: true }) };
    h = await buildHarness(db, { connectors: { shopify: connector }, sync });
    await seedShop(db.prisma);
    await shipOrderFixture(db.prisma, 'O-1');
    const credentials = { shop: SHOP, accessToken: sim.accessToken, apiSecretKey: 'fuzz-secret' };
    const r = await h.call('POST', '/api/v1/channel-accounts', {
      body: { id: 'hooks', type: 'shopify', name: 'hooks', credentials },
    });
    expect(r.status).toBe(201);
    // The seeded account's credentials, encrypted under this hub's key (the seed writes a placeholder).
    const patched = await h.call('PATCH', '/api/v1/channel-accounts/shop', {
      body: { credentials: { shop: SHOP, accessToken: 'shpat_wrong', apiSecretKey: 'other-secret' } },
    });
    expect(patched.status).toBe(200);
    doc = (await h.call('GET', '/openapi.json')).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, Json>>)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          params: op.parameters ?? [],
          body: op.requestBody?.content?.['application/json']?.schema ?? null,
        })),
      );
    expect(operations.length).toBeGreaterThan(40);
    // Real ids, so that requests reach past "not found" into the handlers (never the admin key's
    // own, nor the webhook account the second property needs intact).
    const adminKeyId = (await h.call('GET', '/api/v1/api-keys')).body.data.find(
      (k: Json) => k.name === 'test admin',
    )?.id;
    const [orders, skus, exceptions, listings] = await Promise.all([
      db.prisma.order.findMany({ select: { id: true } }),
      db.prisma.sku.findMany({ select: { id: true, code: true } }),
      db.prisma.exceptionItem.findMany({ select: { id: true } }),
      db.prisma.listing.findMany({ select: { id: true } }),
    ]);
    ids = [
      'wh',
      'store-a',
      'shop',
      ...orders.map((o) => o.id),
      ...skus.flatMap((s) => [s.id, s.code]),
      ...exceptions.map((e) => e.id),
      ...listings.map((l) => l.id),
    ].filter((id) => id !== adminKeyId);
  });
  afterAll(() => db?.close());

  it(`answers every generated API request below 500, and a refusal changes nothing (${API_RUNS} runs)`, async () => {
    const request = fc.constantFrom(...operations).chain((op) =>
      fc.record({
        op: fc.constant(op),
        path: fc.record(
          Object.fromEntries(
            op.params
              .filter((p) => p.in === 'path')
              .map((p) => [p.name, fc.oneof(fc.constantFrom(...ids), fuzzString(), hostile.map(String), rawSegment)]),
          ),
        ),
        query: fc.record(
          Object.fromEntries(
            op.params
              .filter((p) => p.in === 'query')
              .map((p) => [p.name, fc.oneof(schemaArbitrary(p.schema, doc), fuzzString()).map(String)]),
          ),
          { requiredKeys: [] },
        ),
        body: op.body ? schemaArbitrary(op.body, doc) : fc.constant(undefined),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ op, path, query, body }) => {
        let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(String(path[name])));
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        if (qs) url += `?${qs}`;
        const before = await fingerprint(db);
        const r = await h.call(op.method, url, body === undefined ? {} : { body });
        // A 502 is the channel's own refusal or failure passed on (documented per route), not the hub's.
        const channelRefused = r.status === 502 && r.body?.error?.code === 'channel_error';
        if (!channelRefused) {
          expect(r.status, `${op.method} ${url} ${JSON.stringify(body)} -> ${JSON.stringify(r.body)}`).toBeLessThan(
            500,
          );
        }
        if (r.status !== 204) expect(r.headers.get('content-type') ?? '').toContain('application/json');
        if (r.status >= 400) {
          expect(r.body?.error?.code, JSON.stringify(r.body)).toEqual(expect.any(String));
          expect(await fingerprint(db), `${op.method} ${url} refused with ${r.status} but changed data`).toBe(before);
        }
      }),
      { numRuns: API_RUNS },
    );
  });

  it(`answers every signed webhook below 500, keeps what it accepts, and processing never fails in a retryable way (${WEBHOOK_RUNS} runs)`, async () => {
    // Shopify's published order, with one field anywhere replaced by a hostile value.
    const leaves: string[][] = [];
    const collect = (v: unknown, path: string[]) => {
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, [...path, k]);
      else leaves.push(path);
    };
    collect(ORDER, []);
    const mutatedOrder = fc
      .tuple(fc.constantFrom(...leaves), fc.constantFrom(...HOSTILE), fc.integer())
      .map(([path, value, n]) => {
        const body = structuredClone(ORDER);
        body.id = 1_000_000 + (Math.abs(n) % 1_000_000);
        body.admin_graphql_api_id = null;
        let node = body;
        for (const k of path.slice(0, -1)) node = node[k];
        node[path[path.length - 1] as string] = value;
        return body;
      });
    const json = fc.oneof(
      mutatedOrder,
      schemaArbitrary(z.toJSONSchema(RestOrderShape, { io: 'input', unrepresentable: 'any' })),
      schemaArbitrary(z.toJSONSchema(RestRefundShape, { io: 'input', unrepresentable: 'any' })),
      fc.jsonValue({ maxDepth: 3 }),
    );
    // The body as sent: JSON text mostly, sometimes text that is not JSON (or not UTF-8-clean).
    const payload = fc.oneof(
      { weight: 9, arbitrary: json.map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fuzzString() },
    );
    const topic = fc.constantFrom(...ORDER_TOPICS, REFUND_TOPIC, 'products/update');
    // X-Shopify-Triggered-At orders an event when its body has no usable date: hostile too.
    const triggeredAt = fc.constantFrom(
      '2026-11-20T10:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      '-001000-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      'yesterday',
      '',
    );
    let n = 0;
    sim.webhooks.target = async (req) => h.app.request(new Request('http://hub.test/webhooks/hooks', req));
    await fc.assert(
      fc.asyncProperty(topic, payload, triggeredAt, async (t, p, at) => {
        const webhookId = `fuzz-${++n}-${Date.now()}`;
        sim.webhooks.log.length = 0;
        await sim.webhooks.send(t, p, { webhookId, triggeredAt: at });
        const status = sim.webhooks.log[0]?.status ?? 0;
        const what = `${t} at ${at}: ${JSON.stringify(p).slice(0, 400)}`;
        expect(status, what).toBeLessThan(500);
        const stored = await db.prisma.inboxEvent.count({ where: { accountId: 'hooks', externalEventId: webhookId } });
        // Refused (a body that is not JSON at all): nothing kept. Accepted: kept once.
        expect(stored, what).toBe(status >= 200 && status < 300 ? 1 : 0);
        if (stored === 0) return;
        await processInbox(
          {
            prisma: db.prisma,
            secretKey: h.secretKey,
            connectors: { shopify: createShopifyConnector({ transport: (req) => sim.fetch(req) }) },
            logger: quietLogger(),
            clock: systemClock,
          },
          'hooks',
        );
        const e = await db.prisma.inboxEvent.findFirstOrThrow({
          where: { accountId: 'hooks', externalEventId: webhookId },
        });
        // Processed, waiting (no attempt spent), or given up at once: a spent attempt short of the
        // maximum is a failure the hub expects to go away, which content never does.
        expect([0, MAX_ATTEMPTS], `${e.lastError} ${what}`).toContain(e.attempts);
      }),
      { numRuns: WEBHOOK_RUNS },
    );
  });
});
