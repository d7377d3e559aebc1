// Group commit of webhook events: deliveries that arrive while an insert runs are written
// together in one statement; each caller learns how many of its events were new; a bad
// delivery in a batch fails alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxWriter } from '../../api/webhooks/inbox-writer.ts';
import type { Database } from '../../core/db/database.ts';
import type { Sql } from '../../core/db/sql.ts';
import { testDatabases } from '../support/databases.ts';
import { seedAccount } from '../support/seed.ts';

const ev = (id: string, occurredAt: string | null = '2026-11-20T10:00:00Z') => ({
  externalEventId: id,
  topic: 'orders/create',
  occurredAt,
  payload: { id },
});

describe.each(testDatabases())('inbox writer on $kind', ({ open }) => {
  let db: Database;
  let statements = 0;
  let sql: Sql;
  beforeAll(async () => {
    db = await open();
    await seedAccount(db.prisma, 'a', []);
    await seedAccount(db.prisma, 'b', []);
    sql = {
      $queryRaw: ((...args: Parameters<Sql['$queryRaw']>) => {
        statements += 1;
        return db.prisma.$queryRaw(...args);
      }) as Sql['$queryRaw'],
      $executeRaw: db.prisma.$executeRaw.bind(db.prisma) as Sql['$executeRaw'],
    };
  });
  afterAll(() => db?.close());

  it('writes concurrent deliveries of several accounts in few statements, each event once', async () => {
    statements = 0;
    const w = new InboxWriter(sql, { maxInFlight: 1 });
    const results = await Promise.all([
      w.write('a', [ev('1')]),
      w.write('a', [ev('2'), ev('3')]),
      w.write('b', [ev('1')]),
      w.write('a', [ev('2')]),
      w.write('a', [ev('4'), ev('4')]),
    ]);
    expect(results).toEqual([1, 2, 1, 0, 1]);
    expect(statements).toBe(2);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'a' } })).toBe(4);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'b' } })).toBe(1);
    const announced = await db.prisma.outboxEvent.findMany({
      where: { kind: 'inbox.received' },
      orderBy: { id: 'asc' },
    });
    expect(announced.map((o) => o.payload)).toEqual(
      expect.arrayContaining([{ accountId: 'b', count: 1 }, expect.objectContaining({ accountId: 'a' })]),
    );
    expect(await w.write('a', [])).toBe(0);
  });

  it('fails only the bad delivery of a batch', async () => {
    const w = new InboxWriter(sql, { maxInFlight: 1 });
    const first = w.write('a', [ev('10')]);
    const rest = [w.write('a', [ev('11')]), w.write('a', [ev('12', 'not a time')]), w.write('a', [ev('13')])];
    await expect(first).resolves.toBe(1);
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(
      await db.prisma.inboxEvent.count({ where: { accountId: 'a', externalEventId: { in: ['11', '12', '13'] } } }),
    ).toBe(2);
  });
});
