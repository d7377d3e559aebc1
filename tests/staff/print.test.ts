// Printing from the staff pages: the board links to the store's pick list and a pickup's page
// to its packing slip; both download as PDFs with the store's own orders and lines, another
// store's pickup is a 404, and without a session there is nothing to print.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { pdfText, rows } from '../documents/helpers.ts';
import { Client, ORIGIN, pickupOrder, type Store, seedShop, seedStore, staffApp } from './helpers.ts';

describe('staff printouts', () => {
  let db: Database;
  let a: Store;
  let b: Store;
  let app: ReturnType<typeof staffApp>;
  let c: Client;
  let mine: string;
  let theirs: string;
  const clock = new ManualClock();

  /** Fetches a path with the session's cookie and returns the raw response (PDF bytes). */
  const download = (path: string, cookie = c.cookie) =>
    app.request(`${ORIGIN}${path}`, { headers: { cookie } }, { incoming: { socket: { remoteAddress: '10.0.0.1' } } });

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    a = await seedStore(db.prisma, 'store-a', { name: 'Store A' });
    b = await seedStore(db.prisma, 'store-b', { name: 'Store B' });
    await seedShop(db.prisma, 'shop', [a, b], { MUG: 20, TEE: 20 });
    mine = await pickupOrder(db.prisma, 'shop', a, 'S-1', [
      { sku: 'MUG', quantity: 2, title: 'Coffee mug' },
      { sku: 'TEE', quantity: 1, title: 'T-shirt' },
    ]);
    await pickupOrder(db.prisma, 'shop', a, 'S-2', [{ sku: 'MUG', quantity: 1, title: 'Coffee mug' }]);
    theirs = await pickupOrder(db.prisma, 'shop', b, 'S-3', [{ sku: 'TEE', quantity: 5, title: 'T-shirt' }]);
    app = staffApp(db.prisma, { clock });
    c = new Client(app);
    expect((await c.signIn(a)).status).toBe(303);
  }, 120_000);
  afterAll(() => db?.close());

  it("the board's print link downloads the store's pick list as a PDF", async () => {
    const board = await c.get('/staff');
    expect(board.html).toContain('href="/staff/pick-list.pdf"');
    const res = await download('/staff/pick-list.pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = rows(await pdfText(new Uint8Array(await res.arrayBuffer())));
    expect(text).toEqual(
      expect.arrayContaining([
        'Pick list STORE-A',
        'Orders: 2',
        'To pick: 4',
        'MUG MUG 3',
        '#S-1 ×2, #S-2 ×1',
        'TEE TEE 1',
      ]),
    );
    expect(text.join('\n')).not.toContain('#S-3');
  });

  it("a pickup's page links to its packing slip: a PDF of its lines; another store's pickup is a 404", async () => {
    const page = await c.get(`/staff/orders/${mine}`);
    expect(page.html).toContain(`href="/staff/orders/${mine}/packing-slip.pdf"`);
    const res = await download(`/staff/orders/${mine}/packing-slip.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = rows(await pdfText(new Uint8Array(await res.arrayBuffer())));
    expect(text).toEqual(expect.arrayContaining(['Delivery note', 'Order: #S-1', 'Coffee mug 2', 'T-shirt 1']));
    expect((await download(`/staff/orders/${theirs}/packing-slip.pdf`)).status).toBe(404);
  });

  it('without a session: sent to sign in, no PDF', async () => {
    const res = await download('/staff/pick-list.pdf', '');
    expect(res.status).toBe(303);
    expect(res.headers.get('content-type')).not.toBe('application/pdf');
  });
});
