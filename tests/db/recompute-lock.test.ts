// An order arriving while the dispatcher computes stock targets for its SKU is not held up by
// it: the target computation locks the SKU against other computations only. Its reservation's
// foreign key takes a KEY SHARE lock on the SKU row; a FOR UPDATE lock there queued every
// ingestion behind the computation, and the computation behind every open ingestion (seen in
// bench:sync as dispatcher transactions waiting on skus). PostgreSQL only: PGlite runs one
// transaction at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { loadStock } from '../../sync/stock/state.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

describe.each(testDatabases().filter((d) => d.kind === 'postgres'))('stock target lock on $kind', ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seedLocation(db.prisma, 'wh');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh', externalLocationId: 'gid://shopify/Location/1' }]);
    await seedSku(db.prisma, 'RL1');
    await stock(db.prisma, 'sku-RL1', 'wh', 10);
  });
  afterAll(() => db?.close());

  /** A target computation for RL1 (the dispatcher's), open until released; resolves once it holds its lock. */
  async function openComputation(): Promise<{ release(): void; done: Promise<void> }> {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => {
      locked = r;
    });
    const done = db.prisma.$transaction(
      async (tx) => {
        await loadStock(tx, ['sku-RL1'], { lock: true });
        locked();
        await held;
      },
      { timeout: 60_000 },
    );
    await lockTaken;
    return { release, done };
  }

  /** What settles first: `work`, or `ms` passing. */
  const within = <T>(work: Promise<T>, ms: number) =>
    Promise.race([
      work.then(() => 'done' as const),
      new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms)),
    ]);

  it('an order for a SKU whose targets are being computed is reserved before that computation ends', async () => {
    const computation = await openComputation();
    const ingest = ingestOrder(db.prisma, 'shop', draft('5001', [{ sku: 'RL1', quantity: 2 }]));
    // Generous: the order needs milliseconds; blocked, it waits for the computation forever.
    const outcome = await within(ingest, 15_000);
    computation.release();
    await computation.done;
    await ingest;
    expect(outcome).toBe('done');
    const level = await db.prisma.inventoryLevel.findUniqueOrThrow({
      where: { skuId_locationId: { skuId: 'sku-RL1', locationId: 'wh' } },
    });
    expect(level.reserved).toBe(2);
  }, 60_000);

  it('two computations for the same SKU still take turns', async () => {
    const first = await openComputation();
    const second = db.prisma.$transaction(async (tx) => loadStock(tx, ['sku-RL1'], { lock: true }), {
      timeout: 60_000,
    });
    const before = await within(second, 1_000);
    first.release();
    await first.done;
    await second;
    expect(before).toBe('still waiting');
  }, 60_000);
});
