// Square's notifications through the hub's real door, /webhooks/channel/square, with the Square
// connector and the simulator's deliveries: routed to the account of the merchant they name,
// stored once whatever Square redelivers, signed over the public URL, retried by Square as it
// documents when the hub does not answer 2xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { createSquareConnector } from '../../connectors/square/connector.ts';
import { createSquareSimulator } from '../../connectors/square/simulator/index.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness } from '../api/harness.ts';

const PUBLIC = 'https://hub.example.com';
const INTERNAL = 'http://10.0.0.7:8080/webhooks/channel/square';

// PGlite only: the door itself runs on both databases in tests/api/app-webhooks.test.ts.
describe.each(testDatabases().slice(0, 1))('the Square door on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  const clock = new ManualClock();
  const sim = createSquareSimulator({ clock });
  const location = sim.state.addLocation('Flagship');
  const variation = sim.state.addItem('Mug', [{ sku: 'MUG' }]).variations[0]?.id ?? '';
  let down = 0;
  const inbox = () => db.prisma.inboxEvent.findMany({ where: { accountId: 'till' }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, {
      connectors: { square: createSquareConnector({ clock, transport: (r) => sim.fetch(r) }) },
      config: { adminToken: undefined, publicUrl: PUBLIC },
    });
    const created = await h.call('POST', '/api/v1/channel-accounts', {
      body: {
        id: 'till',
        type: 'square',
        name: 'Till',
        credentials: { merchantId: sim.merchantId, accessToken: sim.tokens.access },
      },
    });
    expect(created.status).toBe(201);
    const put = await h.call('PUT', '/api/v1/channel-apps/square', {
      body: { credentials: { signatureKey: 'app-key' } },
    });
    expect(put.status).toBe(200);
    sim.webhooks.signatureKey = 'app-key';
    sim.webhooks.notificationUrl = `${PUBLIC}/webhooks/channel/square`;
    // The hub behind a proxy: Square calls the public URL, the request arrives on another address.
    sim.webhooks.target = async (req) => {
      if (down > 0) {
        down -= 1;
        return new Response('unavailable', { status: 503 });
      }
      return h.app.request(INTERNAL, { method: 'POST', headers: req.headers, body: await req.text() });
    };
    sim.stock(variation, location, 5);
  });
  afterAll(() => db?.close());

  it("stores a counter sale's notifications for the merchant's account, each once", async () => {
    await sim.counterSale(location, [{ variationId: variation, quantity: '1' }]);
    expect(sim.webhooks.log.map((l) => [l.type, l.status])).toEqual([
      ['payment.created', 200],
      ['payment.updated', 200],
      ['inventory.count.updated', 200],
    ]);
    expect((await inbox()).map((e) => e.topic)).toEqual([
      'payment.created',
      'payment.updated',
      'inventory.count.updated',
    ]);
    // Square's at-least-once delivery: the same event twice is stored once.
    await sim.webhooks.send(
      'payment.updated',
      { type: 'payment', id: 'P-X', object: { payment: { id: 'P-X', order_id: 'O-X' } } },
      { times: 3 },
    );
    expect((await inbox()).filter((e) => e.topic === 'payment.updated')).toHaveLength(2);
  });

  it('refuses a notification signed with another key, storing nothing', async () => {
    const before = (await inbox()).length;
    await sim.webhooks.send('order.updated', { type: 'order_updated', id: 'O-1', object: {} }, { key: 'forged' });
    expect(sim.webhooks.log.at(-1)).toMatchObject({ status: 401, ok: false });
    expect((await inbox()).length).toBe(before);
  });

  it('is retried by Square after a failed delivery, with the same event id, and stored once', async () => {
    down = 1;
    const before = (await inbox()).length;
    const n = await sim.webhooks.send('order.updated', { type: 'order_updated', id: 'O-2', object: {} });
    expect(sim.webhooks.log.at(-1)).toMatchObject({ status: 503, retry: 0 });
    expect((await inbox()).length).toBe(before);
    clock.advance(59_000);
    expect(await sim.webhooks.retryDue()).toBe(0);
    clock.advance(1_000);
    expect(await sim.webhooks.retryDue()).toBeGreaterThanOrEqual(1);
    expect(sim.webhooks.log.filter((l) => l.eventId === n.eventId).map((l) => [l.status, l.retry])).toEqual([
      [503, 0],
      [200, 1],
    ]);
    expect((await inbox()).filter((e) => e.externalEventId === n.eventId)).toHaveLength(1);
  });
});
