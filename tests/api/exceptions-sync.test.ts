// Exceptions (list, resolve) and the stock sync status of every listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { seedShop, ACCOUNT } from './fixtures.ts';
import { buildHarness, type Harness } from './harness.ts';

describe.each(testDatabases())('exceptions and sync status on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
    const { tee, cap } = await seedShop(db.prisma);
    const at = (m: number) => new Date(Date.UTC(2026, 10, 20, 10, m));
    for (const [i, kind] of ['oversold', 'unmapped_sku', 'push_failed'].entries()) {
      await db.prisma.exceptionItem.create({
        data: {
          id: `ex-${i}`,
          kind,
          dedupeKey: `k-${i}`,
          accountId: ACCOUNT,
          message: `${kind} happened`,
          createdAt: at(i),
          data: { n: i },
        },
      });
    }
    // The synchronizer stamps sent/confirmed times with the database's clock (sync/stock): so do we.
    const dbClock = await db.prisma.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
    const now = (dbClock[0] as { now: Date }).now.getTime();
    await db.prisma.listing.createMany({
      data: [
        {
          id: 'l-ok',
          accountId: ACCOUNT,
          skuId: tee.id,
          externalStockId: 'inv-1',
          targetQty: 5,
          lastSentQty: 5,
          lastSentAt: new Date(now - 60_000),
          lastConfirmedQty: 5,
          lastConfirmedAt: new Date(now - 60_000),
        },
        {
          id: 'l-err',
          accountId: ACCOUNT,
          skuId: cap.id,
          externalStockId: 'inv-2',
          targetQty: 3,
          lastSentQty: 4,
          lastError: 'NOT_FOUND: inventory item',
        },
      ],
    });
    await db.prisma.sku.create({ data: { id: 'sku-MUG', code: 'MUG', title: 'Mug' } });
    await db.prisma.listing.create({ data: { id: 'l-new', accountId: ACCOUNT, skuId: 'sku-MUG' } });
    await db.prisma.sku.create({ data: { id: 'sku-BAG', code: 'BAG', title: 'Bag' } });
    await db.prisma.listing.create({
      data: {
        id: 'l-pending',
        accountId: ACCOUNT,
        skuId: 'sku-BAG',
        targetQty: 7,
        lastSentQty: 7,
        lastSentAt: new Date(now),
        lastConfirmedQty: 6,
        lastConfirmedAt: new Date(now - 3_600_000),
      },
    });
    // Confirmed at its target once, but a later write's answer never came: the channel may show it.
    await db.prisma.sku.create({ data: { id: 'sku-CUP', code: 'CUP', title: 'Cup' } });
    await db.prisma.listing.create({
      data: {
        id: 'l-doubt',
        accountId: ACCOUNT,
        skuId: 'sku-CUP',
        targetQty: 5,
        lastSentQty: 9,
        lastSentAt: new Date(now),
        lastConfirmedQty: 5,
        lastConfirmedAt: new Date(now - 60_000),
      },
    });
  });
  afterAll(() => db?.close());

  it('lists open exceptions newest first, filtered and paged', async () => {
    const all = await h.call('GET', '/api/v1/exceptions');
    expect(all.status).toBe(200);
    expect(all.body.data.map((e: { kind: string }) => e.kind)).toEqual(['push_failed', 'unmapped_sku', 'oversold']);
    expect(all.body.data[2]).toMatchObject({ accountId: ACCOUNT, data: { n: 0 }, resolvedAt: null, occurrences: 1 });
    expect((await h.call('GET', '/api/v1/exceptions?kind=oversold')).body.data).toHaveLength(1);
    const p1 = await h.call('GET', '/api/v1/exceptions?limit=2');
    const p2 = await h.call('GET', `/api/v1/exceptions?limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body.data.map((e: { id: string }) => e.id)).toEqual(['ex-0']);
    expect((await h.call('GET', '/api/v1/exceptions?state=closed')).body.error.fields[0].path).toBe('state');
  });

  it('resolves an exception once, recording who', async () => {
    const r = await h.call('POST', '/api/v1/exceptions/ex-0/resolve', { body: { note: 'restocked' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ resolvedAt: expect.any(String), resolvedBy: expect.stringMatching(/^key:/) });
    const again = await h.call('POST', '/api/v1/exceptions/ex-0/resolve');
    expect(again.body.resolvedAt).toBe(r.body.resolvedAt);
    expect((await h.call('GET', '/api/v1/exceptions')).body.data.map((e: { id: string }) => e.id)).not.toContain(
      'ex-0',
    );
    expect(
      (await h.call('GET', '/api/v1/exceptions?state=resolved')).body.data.map((e: { id: string }) => e.id),
    ).toEqual(['ex-0']);
    expect((await h.call('POST', '/api/v1/exceptions/nope/resolve')).status).toBe(404);
    expect((await h.call('POST', '/api/v1/exceptions/ex-1/resolve', { body: { note: 'x'.repeat(600) } })).status).toBe(
      400,
    );
    expect(await db.prisma.auditLog.count({ where: { action: 'exception.resolved' } })).toBe(1);
  });

  it('shows the sync status of every listing', async () => {
    const r = await h.call('GET', '/api/v1/sync/listings');
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.data.map((l: { listingId: string }) => [l.listingId, l]));
    expect(byId['l-ok']).toMatchObject({
      state: 'in_sync',
      targetQty: 5,
      lastConfirmedQty: 5,
      skuCode: 'TEE',
      lastError: null,
    });
    expect(byId['l-ok'].ageSeconds).toBeGreaterThanOrEqual(59);
    expect(byId['l-ok'].ageSeconds).toBeLessThan(3600); // measured on the clock that stamped it
    expect(byId['l-err']).toMatchObject({
      state: 'error',
      lastError: 'NOT_FOUND: inventory item',
      lastConfirmedAt: null,
      ageSeconds: null,
    });
    expect(byId['l-new']).toMatchObject({ state: 'never_pushed', targetQty: null });
    expect(byId['l-pending']).toMatchObject({ state: 'pending', targetQty: 7, lastConfirmedQty: 6 });
    // Not in sync while a write's outcome is unknown, even though the last confirmation matched.
    expect(byId['l-doubt']).toMatchObject({ state: 'pending', targetQty: 5, lastConfirmedQty: 5 });
    const expected: Record<string, string[]> = {
      in_sync: ['l-ok'],
      error: ['l-err'],
      never_pushed: ['l-new'],
      pending: ['l-doubt', 'l-pending'],
    };
    for (const [state, ids] of Object.entries(expected)) {
      const f = await h.call('GET', `/api/v1/sync/listings?state=${state}&accountId=${ACCOUNT}`);
      expect(f.body.data.map((l: { listingId: string; state: string }) => [l.listingId, l.state])).toEqual(
        ids.map((id) => [id, state]),
      );
    }
    expect((await h.call('GET', '/api/v1/sync/listings?state=late')).status).toBe(400);
  });
});
