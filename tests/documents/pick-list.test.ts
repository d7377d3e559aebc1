// The pick list of a location for many orders at once: the units reserved there, grouped by bin
// (shelf position, SKUs without one last) or by SKU, each with its quantity and its orders; other
// locations' orders and orders already past picking are left out. Read back with pdftotext.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { loadPickList } from '../../core/documents/pick-list.ts';
import { pickListPdf } from '../../core/documents/printouts.ts';
import { shipOrder } from '../../core/orders/actions.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';
import { pdfText, rows } from './helpers.ts';

describe('pick list per location', () => {
  let db: Database;
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await seedLocation(db.prisma, 'wh');
    await seedLocation(db.prisma, 'wh2');
    await seedAccount(db.prisma, 'shop', [{ locationId: 'wh' }]);
    await seedAccount(db.prisma, 'other', [{ locationId: 'wh2' }]);
    for (const [sku, bin] of [
      ['MUG', 'B-02'],
      ['TEA', 'A-01'],
      ['CUP', 'A-01'],
      ['PEN', null],
    ] as const) {
      await seedSku(db.prisma, sku);
      for (const loc of ['wh', 'wh2']) {
        await stock(db.prisma, `sku-${sku}`, loc, 50);
        await db.prisma.inventoryLevel.update({
          where: { skuId_locationId: { skuId: `sku-${sku}`, locationId: loc } },
          data: { bin },
        });
      }
    }
    const order = (account: string, id: string, lines: [string, number][]) =>
      ingestOrder(
        db.prisma,
        account,
        draft(
          id,
          lines.map(([sku, quantity]) => ({ sku, quantity, title: sku })),
        ),
      );
    await order('shop', 'P-1', [
      ['MUG', 2],
      ['TEA', 1],
    ]);
    await order('shop', 'P-2', [
      ['MUG', 3],
      ['PEN', 1],
      ['CUP', 4],
    ]);
    await order('other', 'P-3', [['MUG', 7]]); // another location's
    const shipped = await order('shop', 'P-4', [['TEA', 9]]); // already shipped: nothing to pick
    await shipOrder(db.prisma, shipped.orderId, {}, 'test', clock);
  }, 120_000);
  afterAll(() => db?.close());

  it('grouped by bin: bins in order, no bin last, a row per SKU with its total and its orders', async () => {
    const list = await loadPickList(db.prisma, 'wh', { groupBy: 'bin' });
    expect(list?.orderCount).toBe(2);
    expect(list?.quantity).toBe(11);
    expect(list?.groups.map((g) => [g.key, g.quantity, g.rows.map((r) => [r.sku, r.quantity, r.orders])])).toEqual([
      [
        'A-01',
        5,
        [
          ['CUP', 4, [{ number: '#P-2', quantity: 4 }]],
          ['TEA', 1, [{ number: '#P-1', quantity: 1 }]],
        ],
      ],
      [
        'B-02',
        5,
        [
          [
            'MUG',
            5,
            [
              { number: '#P-1', quantity: 2 },
              { number: '#P-2', quantity: 3 },
            ],
          ],
        ],
      ],
      [null, 1, [['PEN', 1, [{ number: '#P-2', quantity: 1 }]]]],
    ]);
  });

  it('grouped by SKU, and for the orders named only', async () => {
    const bySku = await loadPickList(db.prisma, 'wh', { groupBy: 'sku' });
    expect(bySku?.groups.map((g) => [g.key, g.quantity])).toEqual([
      ['CUP', 4],
      ['MUG', 5],
      ['PEN', 1],
      ['TEA', 1],
    ]);
    const p1 = await db.prisma.order.findFirstOrThrow({ where: { externalId: 'P-1' } });
    const one = await loadPickList(db.prisma, 'wh', { groupBy: 'sku', orderIds: [p1.id] });
    expect(one?.groups.map((g) => [g.key, g.quantity])).toEqual([
      ['MUG', 2],
      ['TEA', 1],
    ]);
  });

  it('as a PDF in German: the location, the totals, each bin, SKU, quantity and orders as text', async () => {
    const bytes = await pickListPdf(db.prisma, clock, 'wh', { groupBy: 'bin', language: 'de' });
    const text = rows(await pdfText(bytes as Uint8Array));
    expect(text).toEqual(
      expect.arrayContaining([
        'Pickliste WH',
        'Lager: wh (WH)',
        'Bestellungen: 2',
        'Zu picken: 11',
        'A-01 5',
        'CUP CUP 4',
        'B-02 5',
        'MUG MUG 5',
        '#P-1 ×2, #P-2 ×3',
      ]),
    );
    expect(text.join('\n')).not.toContain('#P-3');
    expect(text.join('\n')).not.toContain('#P-4');
    expect(await pickListPdf(db.prisma, clock, 'nowhere', { groupBy: 'bin', language: 'en' })).toBeNull();
  });
});
