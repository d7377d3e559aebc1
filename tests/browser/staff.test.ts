// The staff pages in a real browser (Debian Chromium through playwright-core), served by
// the hub's app over HTTP (@hono/node-server) from an embedded PGlite database seeded with
// two stores, stock and pickup orders. Screenshots go to artifacts/staff-*.png.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { type RunningServer, startServer } from '../../api/server.ts';
import { createStaffRoutes } from '../../api/staff/index.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { getLevel } from '../../core/inventory/ledger.ts';
import { expirePickups } from '../../core/orders/actions.ts';
import { pickupOrder, pushes, type Store, seedShop, seedStore, silentLogger } from '../staff/helpers.ts';
import { chromiumAvailable, DESKTOP, launchChromium, PHONE, screenshot } from '../support/browser.ts';

const MUG = 'Stoneware mug, ocean blue';
const TEE = 'Organic cotton T-shirt, M';
const CAP = 'Canvas cap, sand';

describe.skipIf(!chromiumAvailable())('staff pages in Chromium', () => {
  let db: Database;
  let server: RunningServer;
  let browser: Browser;
  let store: Store;
  let base: string;
  const orders: Record<string, string> = {};

  const status = async (id: string) => (await db.prisma.order.findUniqueOrThrow({ where: { id } })).status;
  const codeOf = async (id: string) => (await db.prisma.order.findUniqueOrThrow({ where: { id } })).pickupCode ?? '';
  const countEvents = (orderId: string, toStatus: 'ready_for_pickup' | 'collected') =>
    db.prisma.orderEvent.count({ where: { orderId, toStatus } });

  /** Server-side delay of pickup actions, so that a second click lands while the first is in flight. */
  let slowActionsMs = 0;

  /**
   * A person's double click: two clicks ~120 ms apart while the first request is still on
   * its way (the server holds actions for 400 ms here), at the same spot on the screen.
   */
  async function doubleClick(page: Page, selector: string) {
    slowActionsMs = 400;
    try {
      await page.locator(selector).scrollIntoViewIfNeeded();
      const box = await page.locator(selector).boundingBox();
      if (!box) throw new Error(`${selector} is not visible`);
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      await page.mouse.click(x, y);
      await page.waitForTimeout(120);
      await page.mouse.click(x, y);
    } finally {
      slowActionsMs = 0;
    }
  }

  /** POST requests the page sends to paths ending with `suffix`. */
  function recordPosts(page: Page) {
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
    });
    return (suffix: string) => posts.filter((p) => p.endsWith(suffix)).length;
  }

  async function signIn(context: BrowserContext, pin: string, name: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${base}/staff`);
    await page.waitForURL(/\/staff\/login$/);
    await page.selectOption('#store', store.code);
    await page.fill('#pin', pin);
    await page.fill('#name', name);
    await page.click('[data-testid="sign-in"]');
    return page;
  }

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    store = await seedStore(db.prisma, 'rivoli', { name: 'Paris Rivoli', timezone: 'Europe/Paris' });
    const other = await seedStore(db.prisma, 'lyon', { name: 'Lyon Part-Dieu', pin: '730412' });
    await seedShop(db.prisma, 'shopify-fr', [store, other], { MUG: 10, TEE: 10, CAP: 10 });
    const add = async (ext: string, lines: { sku: string; quantity: number; title: string }[], who: string) => {
      orders[ext] = await pickupOrder(db.prisma, 'shopify-fr', store, ext, lines, who);
    };
    await add('1041', [{ sku: 'MUG', quantity: 2, title: MUG }], 'Ada Lovelace');
    await add(
      '1042',
      [
        { sku: 'MUG', quantity: 2, title: MUG },
        { sku: 'TEE', quantity: 1, title: TEE },
      ],
      'Grace Hopper',
    );
    await add('1043', [{ sku: 'CAP', quantity: 1, title: CAP }], 'Alan Turing');
    await pickupOrder(db.prisma, 'shopify-fr', other, '2001', [{ sku: 'CAP', quantity: 1, title: CAP }], 'Lyon Only');

    const app = createApp({ health: async () => ({ status: 'ok' }) as never, version: 'test', logger: silentLogger });
    app.use('/staff/orders/*', async (c, next) => {
      if (c.req.method === 'POST' && slowActionsMs) await new Promise((r) => setTimeout(r, slowActionsMs));
      await next();
    });
    app.route(
      '/staff',
      createStaffRoutes({ prisma: db.prisma, secretKey: new Uint8Array(randomBytes(32)), logger: silentLogger }),
    );
    server = await startServer(app, { port: 0, host: '127.0.0.1' }, silentLogger);
    base = server.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(1000);
    await db?.close();
  });

  it('on a phone: sign in, to pick → ready → collected with the right code; wrong PIN and wrong code refused; double clicks act once', async () => {
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      const posts = recordPosts(page);
      await page.goto(`${base}/staff`);
      await page.waitForURL(/\/staff\/login$/);
      await screenshot(page, 'staff-signin-phone');

      // A wrong PIN: refused, still on the sign-in page.
      await page.selectOption('#store', store.code);
      await page.fill('#pin', '000009');
      await page.click('[data-testid="sign-in"]');
      await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain('Wrong PIN');
      expect(new URL(page.url()).pathname).toBe('/staff/login');
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'omnihub_staff')).toBeUndefined();

      await page.selectOption('#store', store.code);
      await page.fill('#pin', store.pin);
      await page.fill('#name', 'Sam');
      await page.click('[data-testid="sign-in"]');
      await page.waitForURL(`${base}/staff`);
      const session = (await context.cookies()).find((c) => c.name === 'omnihub_staff');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/staff' });
      expect(await page.textContent('[data-testid="store-name"]')).toContain('Paris Rivoli');
      expect(await page.locator('#lanes').textContent()).not.toContain('2001');
      await screenshot(page, 'staff-board-phone');

      // To pick → ready, with a double click on "Ready for pickup".
      const id = orders['1041'] ?? '';
      await doubleClick(page, '#to-pick li[data-order="#1041"] [data-testid="mark-ready"]');
      await page.waitForURL(/done=ready/);
      expect(await page.textContent('[data-testid="notice"]')).toContain('#1041 is ready for pickup');
      await expect.poll(() => page.locator('#ready li[data-order="#1041"]').count()).toBe(1);
      expect(await page.locator('#to-pick li[data-order="#1041"]').count()).toBe(0);
      expect(await countEvents(id, 'ready_for_pickup')).toBe(1);
      expect(await pushes(db.prisma, id, 'pickup_ready')).toHaveLength(1);
      expect(posts('/ready')).toBe(1); // the page sent one request: the second click was dropped
      await screenshot(page, 'staff-ready-phone');

      // Hand-over page: a wrong code is refused and nothing leaves the store.
      await page.locator('#ready li[data-order="#1041"] [data-testid="open-handover"]').click();
      await page.waitForURL(new RegExp(`/staff/orders/${id}$`));
      await screenshot(page, 'staff-handover-phone');
      const code = await codeOf(id);
      const before = await getLevel(db.prisma, 'sku-MUG', store.id);
      await page.fill('[data-testid="code"]', code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ');
      await page.click('[data-testid="hand-over"]');
      await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain('does not match');
      expect(await status(id)).toBe('ready_for_pickup');
      expect(await getLevel(db.prisma, 'sku-MUG', store.id)).toEqual(before);
      await screenshot(page, 'staff-wrong-code-phone');

      // The right code, double-clicked: collected once.
      await page.fill('[data-testid="code"]', code.toLowerCase());
      await doubleClick(page, '[data-testid="hand-over"]');
      await page.waitForURL(/done=collected/);
      expect(await page.textContent('[data-testid="notice"]')).toContain('#1041 handed over');
      expect(await page.locator('#collected li[data-order="#1041"]').count()).toBe(1);
      expect(await status(id)).toBe('collected');
      expect(await countEvents(id, 'collected')).toBe(1);
      expect(await getLevel(db.prisma, 'sku-MUG', store.id)).toMatchObject({
        onHand: before!.onHand - 2,
        reserved: before!.reserved - 2,
      });
      expect(await db.prisma.inventoryMovement.count({ where: { orderId: id, kind: 'commit' } })).toBe(1);
      expect(posts('/collect')).toBe(2); // the wrong code, then one for the right one
      await screenshot(page, 'staff-collected-phone');
    } finally {
      await context.close();
    }
  });

  it('refreshes the lanes live when a pickup arrives, without reloading the page', async () => {
    const context = await browser.newContext(PHONE);
    try {
      const page = await signIn(context, store.pin, 'Kim');
      await page.waitForURL(`${base}/staff`);
      await page.evaluate(() => {
        (window as unknown as { stillSamePage: boolean }).stillSamePage = true;
      });
      expect(await page.locator('#to-pick li[data-order="#1044"]').count()).toBe(0);
      orders['1044'] = await pickupOrder(
        db.prisma,
        'shopify-fr',
        store,
        '1044',
        [{ sku: 'CAP', quantity: 2, title: CAP }],
        'Katherine Johnson',
      );
      await page.locator('#to-pick li[data-order="#1044"]').waitFor({ timeout: 15_000 });
      expect(await page.evaluate(() => (window as unknown as { stillSamePage?: boolean }).stillSamePage)).toBe(true);
      expect(await page.textContent('[data-testid="refresh-status"]')).toContain('Live');
    } finally {
      await context.close();
    }
  });

  it('on a desktop: the board in three columns, a partial hand-over, a refusal, an overdue pickup flagged', async () => {
    const context = await browser.newContext(DESKTOP);
    try {
      const page = await signIn(context, store.pin, 'Lee');
      await page.waitForURL(`${base}/staff`);
      const lanes = await page.locator('.lane').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
      expect(new Set(lanes.map(Math.round)).size).toBe(1); // side by side
      await page.locator('#to-pick li[data-order="#1042"] [data-testid="start-picking"]').click();
      await page.waitForURL(/done=picking/);
      await screenshot(page, 'staff-board-desktop');

      // Picked and ready, then hand over one mug only.
      const id = orders['1042'] ?? '';
      await page.locator('#to-pick li[data-order="#1042"] [data-testid="mark-ready"]').click();
      await page.waitForURL(/done=ready/);
      await page.goto(`${base}/staff/orders/${id}`);
      await page.fill('[data-testid="code"]', await codeOf(id));
      await page.click('summary:has-text("Hand over only some items")');
      await page.fill('[data-testid="qty-MUG"]', '1');
      await page.fill('[data-testid="qty-TEE"]', '0');
      await screenshot(page, 'staff-partial-form-desktop');
      await page.click('[data-testid="hand-over"]');
      await page.waitForURL(/done=partial/);
      expect(await page.textContent('[data-testid="notice"]')).toContain('Part of #1042 handed over');
      const lines = await db.prisma.orderLine.findMany({ where: { orderId: id }, orderBy: { channelLineId: 'asc' } });
      expect(lines.map((l) => l.fulfilledQty)).toEqual([1, 0]);
      expect(await status(id)).toBe('ready_for_pickup');
      await screenshot(page, 'staff-partial-desktop');

      // Refuse another pickup (the page asks for confirmation).
      const refused = orders['1043'] ?? '';
      await page.goto(`${base}/staff/orders/${refused}`);
      await page.click('summary:has-text("Refuse or cancel")');
      await page.selectOption('#reason', 'customer_refused');
      page.once('dialog', (d) => void d.accept());
      await page.click('[data-testid="refuse"]');
      await page.waitForURL(/done=refused/);
      expect(await page.textContent('[data-testid="notice"]')).toContain('#1043 refused');
      expect(await status(refused)).toBe('cancelled');
      expect(await pushes(db.prisma, refused, 'cancel')).toHaveLength(1);
      expect(await page.locator('#lanes li[data-order="#1043"]').count()).toBe(0);
      await screenshot(page, 'staff-refused-desktop');

      // Not collected within the hold: overdue, then flagged by the expiry run (release pending).
      await db.prisma.order.update({
        where: { id },
        data: { readyForPickupAt: new Date(Date.now() - 8 * 24 * 60 * 60_000) },
      });
      await page.goto(`${base}/staff`);
      expect(await page.locator('#ready li[data-order="#1042"] [data-testid="overdue"]').count()).toBe(1);
      expect((await expirePickups(db.prisma, new Date())).flagged).toBe(1);
      await page.locator('#ready li[data-order="#1042"] [data-testid="flagged"]').waitFor({ timeout: 15_000 });
      await screenshot(page, 'staff-flagged-desktop');
    } finally {
      await context.close();
    }
  });
});
