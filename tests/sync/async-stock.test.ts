// Asynchronous stock submissions (Amazon feeds, eBay bulk jobs) end to end, with a fake channel
// whose submissions complete when the test says: the submission is stored, the sweep leaves it
// alone, stock.confirm records what the channel confirmed and what it rejected (then pushed
// again), a moved target supersedes it, the clock times it out, and strict allocation counts
// the pending value as something the channel may already show.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../core/accounts/accounts.ts';
import type { Database } from '../../core/db/database.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { IN_SYNC_SQL } from '../../sync/stock/status.ts';
import { DEFAULT_SUBMISSION_TIMEOUT_MS } from '../../sync/stock/submissions.ts';
import { testDatabases } from '../support/databases.ts';
import { type FakeAsyncConnector, fakeAsyncConnector } from '../support/fake-async-connector.ts';
import { eventually, product, type Started, shown, start, type World, world } from './helpers.ts';

const AMZ = 'amz';

/** The asynchronous account, serving the hub's warehouse, with a listing per SKU code given. */
async function asyncAccount(w: World, codes: string[]): Promise<void> {
  await createAccount(w.db.prisma, w.key, {
    id: AMZ,
    type: 'amazon',
    name: 'Marketplace',
    credentials: { token: 'fake-secret' },
  });
  await w.db.prisma.channelLocation.create({
    data: { accountId: AMZ, locationId: 'wh', externalLocationId: 'marketplace' },
  });
  for (const code of codes) {
    await w.db.prisma.listing.create({
      data: { id: `${AMZ}:${code}`, skuId: `sku-${code}`, accountId: AMZ, externalStockId: `seller-${code}` },
    });
  }
}

const submissions = (w: World, listingId: string) =>
  w.db.prisma.stockSubmission.findMany({
    where: { listingId },
    orderBy: [{ submittedAt: 'asc' }, { submissionId: 'asc' }],
  });

async function inSync(w: World, listingId: string): Promise<boolean> {
  const rows = await w.db.prisma.$queryRaw<{ in_sync: boolean }[]>`
    SELECT ${IN_SYNC_SQL} AS in_sync FROM listings l WHERE l.id = ${listingId}`;
  return rows[0]?.in_sync === true;
}

/** Sweeps (which queue stock.confirm for open submissions, and pushes for listings the channels lack) and runs what they queued. */
async function sweepAndRun(s: Started): Promise<void> {
  await s.runtime.sweep();
  await s.runtime.flush();
}

describe.each(testDatabases())('asynchronous stock submissions on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  let fake: FakeAsyncConnector;
  let s: Started;
  beforeEach(async () => {
    db = await open();
    fake = fakeAsyncConnector();
  });
  afterEach(async () => {
    await s?.stop();
    await db?.close();
  });

  const run = (over: Parameters<typeof start>[2] = {}) =>
    start(w, 'memory', {
      connectors: { shopify: w.connector, amazon: fake },
      clock: w.clock,
      tuning: { stockConfirmIntervalMs: 20, debounceMs: 10 },
      ...over,
    });

  it('stores the submission, leaves it to stock.confirm, records a confirmation and a rejection, supersedes it and times it out', async () => {
    w = await world(db, 0);
    const skuA = await product(w, 'A', 10);
    const skuB = await product(w, 'B', 5);
    await asyncAccount(w, ['A', 'B']);
    s = await run();

    // Stored: one submission for both listings, with the value, id and the hub's time.
    await s.runtime.requestPush(AMZ);
    await eventually(async () => (await db.prisma.stockSubmission.count()) === 2, 'the submission stored');
    expect(fake.submissions).toHaveLength(1);
    const [a1] = await submissions(w, `${AMZ}:A`);
    expect(a1).toMatchObject({ submissionId: 'feed-1', quantity: 10, targetQty: 10, status: 'open' });
    expect(a1?.submittedAt.getTime()).toBe(w.clock.nowMs());
    expect(await inSync(w, `${AMZ}:A`)).toBe(false);

    // Sweeps ask the channel about it (still processing) and never submit it again.
    for (let i = 0; i < 3; i++) await sweepAndRun(s);
    expect(fake.checks).toBeGreaterThan(0);
    expect(fake.submissions).toHaveLength(1);
    expect((await submissions(w, `${AMZ}:A`)).map((x) => x.status)).toEqual(['open']);

    // The channel applies A and rejects B with its message: A is confirmed, B recorded and pushed again.
    fake.complete('feed-1', { [`${AMZ}:B`]: 'quantity above the listing limit' });
    await sweepAndRun(s);
    await eventually(async () => (await submissions(w, `${AMZ}:B`)).length === 2, 'B submitted again');
    const a = await db.prisma.listing.findUniqueOrThrow({ where: { id: `${AMZ}:A` } });
    expect(a.lastConfirmedQty).toBe(10);
    expect(await inSync(w, `${AMZ}:A`)).toBe(true);
    expect((await submissions(w, `${AMZ}:A`)).map((x) => x.status)).toEqual(['confirmed']);
    const [b1, b2] = await submissions(w, `${AMZ}:B`);
    expect(b1).toMatchObject({ status: 'rejected', message: 'invalid_value: quantity above the listing limit' });
    expect(b2).toMatchObject({ submissionId: 'feed-2', quantity: 5, status: 'open' });
    const b = await db.prisma.listing.findUniqueOrThrow({ where: { id: `${AMZ}:B` } });
    expect(b.lastError).toContain('quantity above the listing limit');
    expect(fake.submissionsOf(`${AMZ}:A`)).toHaveLength(1);

    // The target moves while feed-2 is open: a new submission supersedes it.
    await adjust(db.prisma, skuB, 'wh', 3, 'receipt');
    await s.runtime.flush();
    await eventually(async () => (await submissions(w, `${AMZ}:B`)).length === 3, 'B superseded');
    expect((await submissions(w, `${AMZ}:B`)).map((x) => [x.status, x.quantity])).toEqual([
      ['rejected', 5],
      ['superseded', 5],
      ['open', 8],
    ]);

    // The channel never finishes feed-3: past the timeout the value is unknown and pushed again.
    await sweepAndRun(s);
    expect(fake.submissionsOf(`${AMZ}:B`)).toHaveLength(3);
    w.clock.advance(DEFAULT_SUBMISSION_TIMEOUT_MS);
    await sweepAndRun(s);
    await eventually(async () => (await submissions(w, `${AMZ}:B`)).length === 4, 'B pushed again after the timeout');
    expect((await submissions(w, `${AMZ}:B`)).map((x) => x.status)).toEqual([
      'rejected',
      'superseded',
      'timed_out',
      'open',
    ]);
    expect(await inSync(w, `${AMZ}:B`)).toBe(false);
    expect(skuA).toBe('sku-A');
  });

  it('counts a pending value as advertised in strict allocation, also once it timed out', async () => {
    w = await world(db, 1);
    const sku = await product(w, 'S', 10, { mode: 'strict' });
    await asyncAccount(w, ['S']);
    s = await run();
    const settle = async () => {
      for (let i = 0; i < 3; i++) await sweepAndRun(s);
    };
    const open = () => db.prisma.stockSubmission.findMany({ where: { listingId: `${AMZ}:S`, status: 'open' } });
    const cap = (accountId: string, stockMax: number | null) =>
      db.prisma.channelAccount.update({ where: { id: accountId }, data: { stockMax } });
    // What the marketplace may show, from the channel's side: its applied value or any value it has not finished.
    const mayShow = () =>
      Math.max(
        fake.shown.get('seller-S') ?? 0,
        ...fake
          .submissionsOf(`${AMZ}:S`)
          .filter((x) => !x.done)
          .flatMap((x) => x.updates.map((u) => u.quantity)),
      );

    // The marketplace starts capped at 0 (confirmed), the shop shows the 10 units.
    await cap(AMZ, 0);
    await s.runtime.requestPush(AMZ);
    await s.runtime.requestPush('shop-0');
    await eventually(async () => (await open()).length === 1, 'the submission stored');
    fake.complete((await open())[0]?.submissionId ?? '');
    await settle();
    await eventually(() => shown(w, 'S', 0) === 10, 'the shop shows everything');

    // The shop is capped at 2 and 2 units arrive; then the marketplace is uncapped: raised to 10, left pending.
    await cap('shop-0', 2);
    await adjust(db.prisma, sku, 'wh', 2, 'receipt');
    await s.runtime.flush();
    await eventually(() => shown(w, 'S', 0) === 2, 'the shop lowered to its cap');
    await cap(AMZ, null);
    await s.runtime.requestPush(AMZ, { prioritySkuIds: [sku] });
    await eventually(async () => (await open())[0]?.quantity === 10, 'the raise pending');

    // The channel never finishes it: timed out, the value is in doubt and may still be shown.
    w.clock.advance(DEFAULT_SUBMISSION_TIMEOUT_MS);
    await eventually(async () => {
      await sweepAndRun(s);
      return (await submissions(w, `${AMZ}:S`)).some((x) => x.status === 'timed_out');
    }, 'the raise timed out');

    // The shop's cap is lifted and a unit arrives (13): beside the 10 the marketplace may show, the shop gets 3 at most.
    await cap('shop-0', null);
    await adjust(db.prisma, sku, 'wh', 1, 'receipt');
    await s.runtime.flush();
    await eventually(() => shown(w, 'S', 0) === 3, 'the shop raised as far as the room allows');
    await settle();
    expect(mayShow()).toBe(10);
    expect(shown(w, 'S', 0)).toBe(3);
  });
});
