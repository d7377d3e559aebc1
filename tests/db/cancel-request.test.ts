// The buyer asks the channel to cancel: the order is held (nothing may be picked), shows in
// the exceptions, and a person approves (cancelled, stock released, the channel told) or
// declines (the channel told, picking resumes). Driven through drafts, as any channel with
// a cancellation workflow would report it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { getLevel } from '../../core/inventory/ledger.ts';
import { markPacked, markPicking, OrderActionError, shipOrder } from '../../core/orders/actions.ts';
import { approveCancelRequest, declineCancelRequest } from '../../core/orders/cancel-request.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

const ACTOR = 'key:test';

describe.each(testDatabases())('buyer cancel requests on $kind', ({ open }) => {
  let db: Database;
  const clock = new ManualClock('2026-11-21T09:00:00Z');
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh', externalLocationId: 'L-wh' }]);
  });
  afterAll(() => db?.close());

  const request = { requestedAt: '2026-11-20T11:00:00Z', reason: 'ordered by mistake' };
  const later = { channelUpdatedAt: '2026-11-20T11:00:00Z' };
  const pushes = async (orderId: string) =>
    (await db.prisma.outboxEvent.findMany({ where: { kind: 'fulfilment.push' }, orderBy: { id: 'asc' } }))
      .map((e) => e.payload as { orderId: string; kind: string })
      .filter((p) => p.orderId === orderId)
      .map((p) => p.kind);
  const openExceptions = (orderId: string) =>
    db.prisma.exceptionItem.findMany({ where: { orderId, kind: 'cancel_requested', resolvedAt: null } });
  const refused = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(OrderActionError);
    expect((e as OrderActionError).code).toBe('conflict');
  };

  /** An allocated order of `qty` units, then the channel's update saying the buyer asked to cancel. */
  async function requested(sku: string, qty: number) {
    await seedSku(db.prisma, sku);
    await stock(db.prisma, `sku-${sku}`, 'wh', 10);
    const first = await ingestOrder(db.prisma, 'shop', draft(sku, [{ sku, quantity: qty }]), { now: clock.now() });
    expect(first.status).toBe('allocated');
    const r = await ingestOrder(
      db.prisma,
      'shop',
      draft(sku, [{ sku, quantity: qty }], { ...later, cancelRequest: request }),
      { now: clock.now() },
    );
    return r;
  }

  it('holds the order, refuses picking and packing, and opens an exception', async () => {
    const r = await requested('H1', 2);
    expect(r).toMatchObject({ status: 'on_hold', holdReason: 'cancel_requested' });
    await refused(markPicking(db.prisma, r.orderId, ACTOR, clock));
    await refused(markPacked(db.prisma, r.orderId, ACTOR, clock));
    await refused(shipOrder(db.prisma, r.orderId, {}, ACTOR, clock));
    const ex = await openExceptions(r.orderId);
    expect(ex).toHaveLength(1);
    expect(ex[0]?.data).toMatchObject({ reason: 'ordered by mistake' });
    // The stock stays reserved while the question is open: a decline must not find it sold.
    expect(await getLevel(db.prisma, 'sku-H1', 'wh')).toMatchObject({ onHand: 10, reserved: 2 });
  });

  it('approve cancels the order, releases its stock and records the push to the channel', async () => {
    const r = await requested('A1', 3);
    const out = await approveCancelRequest(db.prisma, r.orderId, {}, ACTOR, clock);
    expect(out.status).toBe('cancelled');
    expect(await getLevel(db.prisma, 'sku-A1', 'wh')).toMatchObject({ onHand: 10, reserved: 0 });
    expect(await pushes(r.orderId)).toEqual(['cancel_request_approved']);
    expect(await openExceptions(r.orderId)).toHaveLength(0);
    // A repeat does nothing more; the same payload again does not reopen the question.
    await approveCancelRequest(db.prisma, r.orderId, {}, ACTOR, clock);
    expect(await pushes(r.orderId)).toEqual(['cancel_request_approved']);
  });

  it('decline tells the channel and picking resumes; the reported request does not hold it again', async () => {
    const r = await requested('D1', 1);
    const out = await declineCancelRequest(db.prisma, r.orderId, { note: 'already packed' }, ACTOR, clock);
    expect(out.status).toBe('allocated');
    expect(await pushes(r.orderId)).toEqual(['cancel_request_declined']);
    expect(await openExceptions(r.orderId)).toHaveLength(0);
    expect(await getLevel(db.prisma, 'sku-D1', 'wh')).toMatchObject({ onHand: 10, reserved: 1 });
    // The channel keeps reporting the answered request on later versions of the order.
    const again = await ingestOrder(
      db.prisma,
      'shop',
      draft('D1', [{ sku: 'D1', quantity: 1 }], { channelUpdatedAt: '2026-11-20T12:00:00Z', cancelRequest: request }),
      { now: clock.now() },
    );
    expect(again.status).toBe('allocated');
    expect((await markPicking(db.prisma, r.orderId, ACTOR, clock)).status).toBe('picking');
    // Approving after a decline is refused: the channel already heard the answer.
    await refused(approveCancelRequest(db.prisma, r.orderId, {}, ACTOR, clock));
  });
});
