// A pickup whose buyer asked to cancel stays on the store's board with the question instead of
// the picking actions; staff decline it (the channel is told, picking comes back) or approve
// it (cancelled, stock released, the channel told).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { getLevel } from '../../core/inventory/ledger.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import {
  Client,
  laneNumbers,
  pickupOrder,
  pushes,
  type Store,
  seedShop,
  seedStore,
  staffApp,
  statusOf,
} from './helpers.ts';

describe.each(testDatabases())('staff pages and cancel requests on $kind', ({ open }) => {
  let db: Database;
  let a: Store;
  let c: Client;
  const clock = new ManualClock('2026-11-21T09:00:00Z');

  beforeAll(async () => {
    db = await open();
    a = await seedStore(db.prisma, 'store-a', { name: 'Store A' });
    await seedShop(db.prisma, 'shop', [a], { MUG: 20 });
    c = new Client(staffApp(db.prisma, { clock }));
    expect((await c.signIn(a)).status).toBe(303);
  });
  afterAll(() => db?.close());

  /** A pickup order, then the channel's later version saying the buyer asked to cancel. */
  async function requested(externalId: string) {
    const id = await pickupOrder(db.prisma, 'shop', a, externalId, [{ sku: 'MUG', quantity: 2 }]);
    await ingestOrder(
      db.prisma,
      'shop',
      draft(externalId, [{ sku: 'MUG', quantity: 2 }], {
        fulfilmentMethod: 'pickup',
        pickupLocation: { externalId: a.externalId },
        channelUpdatedAt: '2026-11-20T12:00:00Z',
        cancelRequest: { requestedAt: '2026-11-20T12:00:00Z', reason: null },
      }),
    );
    return id;
  }

  it('shows the request on the board and the pickup, without picking actions', async () => {
    const id = await requested('CR-S1');
    const board = await c.get('/staff');
    expect(laneNumbers(board.html, 'to-pick')).toContain('#CR-S1');
    const card = board.html.slice(board.html.indexOf('data-order="#CR-S1"'));
    const next = card.indexOf('<li class="card', 1);
    const own = next > 0 ? card.slice(0, next) : card.slice(0, card.indexOf('</section>'));
    expect(own).toContain('data-testid="cancel-requested"');
    expect(own).toContain('data-testid="cancel-decline"');
    expect(own).not.toContain('data-testid="mark-ready"');
    const page = await c.get(`/staff/orders/${id}`);
    expect(page.html).toContain('Buyer asked to cancel');
    expect(page.html).not.toContain('data-testid="start-picking"');
  });

  it('declines: the channel is told and the pickup can be picked again', async () => {
    const id = await requested('CR-S2');
    await c.get('/staff');
    expect((await c.post(`/staff/orders/${id}/cancel-decline`)).status).toBe(303);
    expect(await statusOf(db.prisma, id)).toBe('allocated');
    expect(await pushes(db.prisma, id, 'cancel_request_declined')).toHaveLength(1);
    const page = await c.get(`/staff/orders/${id}`);
    expect(page.html).toContain('data-testid="start-picking"');
  });

  it('approves: cancelled, stock released, the channel told', async () => {
    const before = await getLevel(db.prisma, 'sku-MUG', a.id);
    const id = await requested('CR-S3');
    await c.get('/staff');
    expect((await c.post(`/staff/orders/${id}/cancel-approve`)).status).toBe(303);
    expect(await statusOf(db.prisma, id)).toBe('cancelled');
    expect(await getLevel(db.prisma, 'sku-MUG', a.id)).toMatchObject({ reserved: before?.reserved });
    expect(await pushes(db.prisma, id, 'cancel_request_approved')).toHaveLength(1);
  });
});
