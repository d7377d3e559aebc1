// Through the API: a buyer's cancel request shows on the order and in the exceptions, blocks
// picking, and is answered with approve / decline; a buyer's personal data is erased by an
// admin key only (the buyer named in the body, never in the URL), and nothing of them reaches
// the request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { seedShop, shipOrderFixture, STORE_A } from './fixtures.ts';
import { buildHarness, type Harness } from './harness.ts';

const request = { requestedAt: '2026-11-02T09:00:00Z', reason: 'found it cheaper' };
const updated = { channelUpdatedAt: '2026-11-21T09:00:00Z' }; // after the fixture's version

describe.each(testDatabases())('cancel requests and erasure through the API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
    await seedShop(db.prisma);
  });
  afterAll(() => db?.close());

  it('shows the request on the order and in the exceptions, refuses picking, and takes an answer', async () => {
    await shipOrderFixture(db.prisma, 'CR-1');
    const { orderId } = await shipOrderFixture(db.prisma, 'CR-1', { ...updated, cancelRequest: request });
    const order = await h.call('GET', `/api/v1/orders/${orderId}`);
    expect(order.body).toMatchObject({
      status: 'on_hold',
      holdReason: 'cancel_requested',
      cancelRequest: { requestedAt: '2026-11-02T09:00:00.000Z', reason: 'found it cheaper', outcome: null },
    });
    const ex = await h.call('GET', `/api/v1/exceptions?kind=cancel_requested&orderId=${orderId}`);
    expect(ex.body.data).toHaveLength(1);
    expect(ex.body.data[0].data.actions.decline).toBe(`/api/v1/orders/${orderId}/cancel-request/decline`);
    // Resolving the exception would leave the buyer without an answer: refused, pointing at the actions.
    const resolve = await h.call('POST', `/api/v1/exceptions/${ex.body.data[0].id}/resolve`);
    expect(resolve.status).toBe(409);
    expect(resolve.body.error.message).toContain('cancel-request/approve');

    const pick = await h.call('POST', `/api/v1/orders/${orderId}/pick`);
    expect(pick.status).toBe(409);
    // A plain release would resume without telling the channel: refused.
    expect((await h.call('POST', `/api/v1/orders/${orderId}/release`)).status).toBe(409);
    // A person cannot set the channel's hold reason by hand.
    const manual = await h.call('POST', `/api/v1/orders/${orderId}/hold`, { body: { reason: 'cancel_requested' } });
    expect(manual.status).toBe(400);

    // Read-only keys cannot answer.
    const ro = await h.call('POST', `/api/v1/orders/${orderId}/cancel-request/decline`, { key: h.readonly });
    expect(ro.status).toBe(403);
    const declined = await h.call('POST', `/api/v1/orders/${orderId}/cancel-request/decline`, {
      body: { note: 'already with the carrier' },
    });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body.status).toBe('allocated');
    expect((await h.call('POST', `/api/v1/orders/${orderId}/pick`)).status).toBe(200);
    const again = await h.call('POST', `/api/v1/orders/${orderId}/cancel-request/approve`);
    expect(again.status).toBe(409);
    const after = await h.call('GET', `/api/v1/exceptions?kind=cancel_requested&orderId=${orderId}`);
    expect(after.body.data).toHaveLength(0);
  });

  it('approves through the API: the order is cancelled', async () => {
    await shipOrderFixture(db.prisma, 'CR-2');
    const { orderId } = await shipOrderFixture(db.prisma, 'CR-2', { ...updated, cancelRequest: request });
    const r = await h.call('POST', `/api/v1/orders/${orderId}/cancel-request/approve`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
  });

  it('erases a buyer by e-mail for admin keys only, naming the field on bad input', async () => {
    const email = 'Erase.Me@Example.net';
    const { orderId } = await shipOrderFixture(db.prisma, 'ER-1', {
      customer: { name: 'Hedy Erasable', email, phone: '+43 1 555 0199' },
    });
    const staff = await h.staffKey([STORE_A]);
    for (const key of [h.readonly, staff]) {
      expect((await h.call('DELETE', '/api/v1/customers', { key, body: { email } })).status).toBe(403);
    }
    const neither = await h.call('DELETE', '/api/v1/customers', { body: {} });
    expect(neither.status).toBe(400);
    expect(JSON.stringify(neither.body.error)).toContain('email');

    const r = await h.call('DELETE', '/api/v1/customers', { body: { email: email.toLowerCase() } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.orderIds).toEqual([orderId]);
    const order = await h.call('GET', `/api/v1/orders/${orderId}`);
    expect(order.body).toMatchObject({ customer: null, total: { amount: 3000, currency: 'EUR' } });
    expect(order.body.personalDataErasedAt).not.toBeNull();
    expect(h.logs().toLowerCase()).not.toContain(email.toLowerCase());
    expect(h.logs()).not.toContain('Hedy Erasable');
  });

  it('erases one order through its action; an unknown order is 404', async () => {
    const { orderId } = await shipOrderFixture(db.prisma, 'ER-2', {
      customer: { name: 'Only This Order', email: 'one@example.net' },
    });
    expect((await h.call('POST', '/api/v1/orders/nope/erase-personal-data')).status).toBe(404);
    const r = await h.call('POST', `/api/v1/orders/${orderId}/erase-personal-data`, {
      body: { reason: 'asked by phone' },
    });
    expect(r.status).toBe(200);
    const order = await h.call('GET', `/api/v1/orders/${orderId}`);
    expect(order.body.customer).toBeNull();
    expect(order.body.events.at(-1)).toMatchObject({ reason: 'personal data erased (asked by phone)' });
  });
});
