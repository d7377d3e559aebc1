// The generic till webhook through the hub's HTTP door (POST /webhooks/{accountId}): a signed,
// fresh, well-formed event is stored once however often it is delivered; a bad signature, a
// timestamp outside ±5 minutes (a captured delivery replayed later) and a malformed body are
// answered 4xx naming what is wrong, and nothing is stored. The published schema is in the
// OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../core/accounts/accounts.ts';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { createTillConnector } from '../../connectors/pos-webhook/connector.ts';
import { createTillSimulator, type TillSimulator } from '../../connectors/pos-webhook/simulator/index.ts';
import { SIGNATURE_HEADER, signTillBody, TIMESTAMP_HEADER } from '../../connectors/pos-webhook/webhooks.ts';
import { buildHarness, type Harness } from '../api/harness.ts';
import { testDatabases } from '../support/databases.ts';

const SECRET = 'door-till-secret-0123456789abcdef';

const sale = (eventId: string, over: Record<string, unknown> = {}) => ({
  kind: 'sale',
  eventId,
  occurredAt: '2026-12-01T10:00:00Z',
  location: 'store-1',
  receipt: `R-${eventId}`,
  currency: 'EUR',
  lines: [{ sku: 'A-1', quantity: 1, unitPrice: 1999 }],
  total: 1999,
  ...over,
});

/** The `{ error }` the door answered with (an empty one when it answered none). */
const errorOf = (d: { body: unknown } | undefined) =>
  (d?.body as { error?: { code: string; message: string } } | undefined)?.error ?? { code: '', message: '' };

describe.each(testDatabases())('till webhook door on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  let till: TillSimulator;
  const clock = new ManualClock();
  const stored = () => db.prisma.inboxEvent.count({ where: { accountId: 'till' } });

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, { connectors: { pos: createTillConnector({ clock }) }, clock });
    await createAccount(db.prisma, h.secretKey, {
      id: 'till',
      type: 'pos',
      name: 'Till',
      credentials: { signingSecret: SECRET },
    });
    till = createTillSimulator({
      webhookUrl: 'http://hub.test/webhooks/till',
      secret: SECRET,
      location: 'store-1',
      clock,
      send: (req) => Promise.resolve(h.app.request(req)),
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores a signed event once, however many times the till delivers it', async () => {
    till.faults.duplicates = 2;
    const d = await till.post(sale('dup-1'));
    till.faults.duplicates = 0;
    expect(d.map((x) => x.status)).toEqual([200, 200, 200]);
    expect(d.map((x) => (x.body as { stored: number }).stored)).toEqual([1, 0, 0]);
    const rows = await db.prisma.inboxEvent.findMany({ where: { accountId: 'till', externalEventId: 'dup-1' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.topic).toBe('till/sale');
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const before = await stored();
    till.faults.badSignatures = 1;
    const [d] = await till.post(sale('forged-1'));
    expect(d?.status).toBe(401);
    expect(errorOf(d).code).toBe('invalid_signature');
    expect(await stored()).toBe(before);
  });

  it('refuses a timestamp more than 5 minutes off with 401 naming it, and a captured delivery replayed later', async () => {
    const before = await stored();
    till.faults.clockSkewSeconds = -301;
    const [old] = await till.post(sale('old-1'));
    till.faults.clockSkewSeconds = 0;
    expect(old?.status).toBe(401);
    const err = errorOf(old);
    expect(err.code).toBe('timestamp_out_of_range');
    expect(err.message).toContain(TIMESTAMP_HEADER);

    // A delivery captured on the wire: accepted now, a no-op within the window, refused after it.
    const raw = new TextEncoder().encode(JSON.stringify(sale('captured-1')));
    const ts = String(Math.floor(clock.nowMs() / 1000));
    const send = () =>
      h.app.request('http://hub.test/webhooks/till', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: signature },
        body: raw,
      });
    const signature = await signTillBody(SECRET, ts, raw);
    expect((await send()).status).toBe(200);
    const again = await send();
    expect(again.status).toBe(200);
    expect(((await again.json()) as { stored: number }).stored).toBe(0);
    clock.advance(6 * 60_000);
    const late = await send();
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('timestamp_out_of_range');
    expect(await stored()).toBe(before + 1);
  });

  it('refuses a malformed body with 400 naming the field, and stores nothing', async () => {
    const before = await stored();
    const cases: [unknown, string][] = [
      [sale('bad-qty', { lines: [{ sku: 'A-1', quantity: 1.5, unitPrice: 100 }] }), 'lines.0.quantity'],
      [sale('bad-money', { total: '19.99' }), 'total'],
      [sale('bad-currency', { currency: 'EURO' }), 'currency'],
      [{ ...sale('bad-kind'), kind: 'layaway' }, 'kind'],
      [
        sale('twice', {
          lines: [
            { sku: 'A', quantity: 1, unitPrice: 1 },
            { sku: 'A', quantity: 2, unitPrice: 1 },
          ],
        }),
        'lines.1.sku',
      ],
    ];
    for (const [body, field] of cases) {
      const [d] = await till.post(body);
      expect(d?.status, field).toBe(400);
      const err = errorOf(d);
      expect(err.code).toBe('invalid_body');
      expect(err.message.startsWith(`${field}:`), err.message).toBe(true);
    }
    const [notJson] = await till.post('not json at all' as unknown as object);
    expect(notJson?.status).toBe(400);
    expect(await stored()).toBe(before);
  });

  it('publishes the event schema in the OpenAPI document', async () => {
    const doc = await h.call('GET', '/openapi.json', { key: null });
    expect(doc.status).toBe(200);
    const schema = doc.body.components.schemas.TillEvent;
    expect(JSON.stringify(schema)).toContain('delivery_order');
    const op = doc.body.paths['/webhooks/{accountId}'].post;
    expect(op.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/TillEvent');
    expect(op.description).toContain(SIGNATURE_HEADER);
  });
});
