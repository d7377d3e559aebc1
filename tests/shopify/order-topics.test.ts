// Order topics a merchant may point at the hub besides the ones it subscribes to: orders/paid,
// orders/fulfilled and orders/partially_fulfilled carry the whole order, so they are order
// snapshots applied like orders/updated (ordered by updated_at: a late one never rolls an order
// back); the others are refused with a stated reason (README, Webhooks).
// Fixture: rest-order-450789469.json, Shopify's REST Order reference example
// (tests/fixtures/shopify/README.md); the versions below change updated_at and the statuses in
// the test code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InterpretedEvent } from '../../connectors/connector.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import type { RestOrder } from '../../connectors/shopify/payloads.ts';
import { REFUSED_TOPICS } from '../../connectors/shopify/webhooks.ts';
import type { Database } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { seedShop } from '../api/fixtures.ts';
import { testDatabases } from '../support/databases.ts';
import { account, fixture } from './helpers.ts';

const connector = createShopifyConnector();
const interpret = (topic: string, payload: unknown): InterpretedEvent =>
  connector.interpret(account(), { externalEventId: `${topic}-1`, topic, occurredAt: null, payload });

function version(updatedAt: string, over: Partial<RestOrder>): RestOrder {
  return { ...fixture<RestOrder>('rest-order-450789469.json'), updated_at: updatedAt, ...over };
}

describe.each(testDatabases())('orders/paid, orders/fulfilled, orders/partially_fulfilled on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seedShop(db.prisma);
  });
  afterAll(() => db?.close());

  const apply = async (topic: string, body: RestOrder) => {
    const meaning = interpret(topic, body);
    if (meaning.kind !== 'order') throw new Error(`${topic}: expected an order, got ${meaning.kind}`);
    return ingestOrder(db.prisma, 'shop', meaning.draft);
  };
  const stored = () => db.prisma.order.findFirstOrThrow({ where: { externalId: 'gid://shopify/Order/450789469' } });

  it('each is an order snapshot through the orders/updated path, and a late one does not roll back', async () => {
    await apply('orders/create', version('2026-11-20T10:00:00Z', { financial_status: 'pending' }));
    expect((await stored()).paymentStatus).toBe('pending');

    await apply('orders/paid', version('2026-11-20T10:05:00Z', { financial_status: 'paid' }));
    expect((await stored()).paymentStatus).toBe('paid');

    const fulfilled = version('2026-11-20T10:30:00Z', { financial_status: 'paid', fulfillment_status: 'fulfilled' });
    await apply('orders/fulfilled', fulfilled);
    expect((await stored()).channelUpdatedAt.toISOString()).toBe('2026-11-20T10:30:00.000Z');

    // Delivered late, older than what the hub holds: nothing changes.
    const late = await apply(
      'orders/partially_fulfilled',
      version('2026-11-20T10:10:00Z', { financial_status: 'pending', fulfillment_status: 'partial' }),
    );
    expect(late.stale).toBe(true);
    expect(await stored()).toMatchObject({ paymentStatus: 'paid' });
    expect((await stored()).channelUpdatedAt.toISOString()).toBe('2026-11-20T10:30:00.000Z');
  });
});

describe('topics the hub refuses', () => {
  it('records each as ignored with the reason the README gives', () => {
    for (const [topic, why] of Object.entries(REFUSED_TOPICS)) {
      expect(interpret(topic, { id: 1 })).toEqual({
        kind: 'ignored',
        reason: `topic ${topic} is not acted on: ${why}`,
      });
    }
    expect(Object.keys(REFUSED_TOPICS)).toEqual(expect.arrayContaining(['orders/edited', 'orders/delete']));
  });
});
