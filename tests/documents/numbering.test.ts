// Invoice numbers on PostgreSQL under load: 50 orders invoiced at once get 1..50 of the year's
// series with no gap and no duplicate, and invoicing one order again and again (a retried job,
// concurrent requests) never takes a second number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { type DocumentDeps, issueInvoice } from '../../core/documents/issue.ts';
import { testDatabases } from '../support/databases.ts';
import { seedDocumentAccount, seedMerchant, seedOrder } from './helpers.ts';

const postgres = testDatabases().find((d) => d.kind === 'postgres');

describe.skipIf(!postgres)('invoice numbers on PostgreSQL', () => {
  let db: Database;
  let deps: DocumentDeps;
  let account: string;
  const clock = new ManualClock();
  const series = () => `INV-${clock.now().getUTCFullYear()}`;

  beforeAll(async () => {
    db = await (postgres as NonNullable<typeof postgres>).open({ poolSize: 20 });
    deps = { prisma: db.prisma, store: databaseStore(db.prisma), clock };
    await seedMerchant(db.prisma);
    account = await seedDocumentAccount(db.prisma);
  }, 60_000);
  afterAll(() => db?.close());

  it('50 concurrent invoicings get 1..50, no gap, no duplicate', async () => {
    const orders = [];
    for (let i = 0; i < 50; i++) {
      orders.push(
        await seedOrder(db.prisma, account, {
          currency: 'EUR',
          lines: [{ title: `Item ${i}`, quantity: 1, unitPrice: 100 + i }],
        }),
      );
    }
    const made = await Promise.all(orders.map((o) => issueInvoice(deps, o.id)));
    const seqs = made.map((m) => m.document.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(made.map((m) => m.document.number)).size).toBe(50);
    expect(made.every((m) => m.document.number.startsWith(`${series()}-`))).toBe(true);
    const counter = await db.prisma.documentSeries.findUniqueOrThrow({ where: { key: series() } });
    expect(counter.lastNumber).toBe(50);
  }, 120_000);

  it('a retried or repeated invoicing of one order returns the first invoice and takes no number', async () => {
    const order = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      lines: [{ title: 'Retry', quantity: 1, unitPrice: 500 }],
    });
    const before = await db.prisma.documentSeries.findUnique({ where: { key: series() } });
    const attempts = await Promise.all(Array.from({ length: 8 }, () => issueInvoice(deps, order.id)));
    const later = await issueInvoice(deps, order.id);
    const ids = new Set([...attempts, later].map((a) => a.document.id));
    expect(ids.size).toBe(1);
    expect([...attempts, later].filter((a) => a.created)).toHaveLength(1);
    const after = await db.prisma.documentSeries.findUniqueOrThrow({ where: { key: series() } });
    expect(after.lastNumber).toBe((before?.lastNumber ?? 0) + 1);
    expect(await db.prisma.document.count({ where: { orderId: order.id } })).toBe(1);
  }, 60_000);

  it('an invoicing that fails after taking its number gives the number back (no gap)', async () => {
    const good = await seedOrder(db.prisma, account, {
      currency: 'EUR',
      lines: [{ title: 'Good', quantity: 1, unitPrice: 100 }],
    });
    const before = (await db.prisma.documentSeries.findUniqueOrThrow({ where: { key: series() } })).lastNumber;
    // A store that fails after the number was taken, inside the same transaction.
    const failing = { ...deps, store: { ...deps.store, put: async () => Promise.reject(new Error('disk full')) } };
    await expect(issueInvoice(failing, good.id)).rejects.toThrow('disk full');
    const { document } = await issueInvoice(deps, good.id);
    expect(document.seq).toBe(before + 1);
  }, 60_000);
});
