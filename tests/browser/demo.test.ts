// The demo's landing page in a real browser (Debian Chromium through playwright-core): the
// demo runs in process on random ports with simulated traffic, the page is opened once and
// must show orders arriving by itself (its script refreshes the live part every 2 s), with
// no script error and nothing blocked by its Content-Security-Policy.
// Screenshots: artifacts/demo-landing.png (desktop) and artifacts/demo-landing-phone.png.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../../api/demo/run.ts';
import { chromiumAvailable, DESKTOP, launchChromium, PHONE, screenshot } from '../support/browser.ts';

describe.skipIf(!chromiumAvailable())('demo landing page in Chromium', () => {
  let demo: Demo;
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omnihub-demo-browser-'));
    const [started, launched] = await Promise.all([
      startDemo({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        seedDir: null,
        ratePerMinute: 150,
        logLevel: 'warn',
        logDestination: new Writable({ write: (_c, _e, cb) => cb() }),
        trafficSeed: 5,
        staffDelayMs: 4_000,
        housekeepingMs: 1_000,
      }),
      launchChromium(),
    ]);
    demo = started;
    browser = launched;
  }, 90_000); // an embedded PostgreSQL to migrate: slow on a busy machine

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens the landing page, collecting script errors and CSP violations. */
  async function open(options: typeof DESKTOP): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(demo.landingUrl);
    return { page, problems };
  }

  const ordersShown = (page: Page) =>
    page
      .locator('[data-k="orders-total"]')
      .textContent()
      .then((t) => Number((t ?? '').trim()));

  it('shows orders arriving without a reload', async () => {
    const { page, problems } = await open(DESKTOP);
    expect(await page.locator('h1').textContent()).toBe('omnihub demo');
    const first = await ordersShown(page);
    const loadedAt = await page.evaluate(() => performance.timeOrigin);

    // The page's own refresh brings the new orders in: same document, higher count.
    await page.waitForFunction(
      (before) => Number(document.querySelector('[data-k="orders-total"]')?.textContent?.trim()) > before,
      first,
      { timeout: 30_000, polling: 250 },
    );
    const second = await ordersShown(page);
    expect(second).toBeGreaterThan(first);
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt);

    // Let a few more arrive so that every section has something to show (each shop's count among
    // them: on a busy machine the first orders may all come from the marketplaces), then keep a picture.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="feed"] li[data-order]').length >= 6 &&
        ['web-shop', 'flagship-shop'].every(
          (a) => Number(document.querySelector(`[data-k="orders-${a}"]`)?.textContent?.trim()) > 0,
        ) &&
        Number(document.querySelector('[data-k="pickups-waiting"]')?.textContent?.trim()) > 0 &&
        Number(document.querySelector('[data-k^="counter-"]')?.textContent?.trim()) > 0,
      undefined,
      { timeout: 30_000, polling: 250 },
    );
    // The default demo: the two Shopify shops, then the Amazon seller, the eBay seller and the Square till.
    expect(demo.channels.map((c) => c.key).sort()).toEqual(['amazon', 'ebay', 'square']);
    expect(await page.locator('article.channel').count()).toBe(2 + demo.channels.length);
    for (const account of ['web-shop', 'flagship-shop']) {
      const n = Number((await page.locator(`[data-k="orders-${account}"]`).textContent())?.trim());
      expect(n).toBeGreaterThan(0);
    }
    expect(await page.locator('[data-testid="hot-skus"] tbody tr').count()).toBe(demo.setup.hotCodes.length);
    await page.waitForTimeout(300); // let the newest rows' highlight show in the picture
    await screenshot(page, 'demo-landing');
    expect(problems).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const { page, problems } = await open(PHONE);
    expect(await page.locator('[data-testid="hot-skus"]').isVisible()).toBe(true);
    // Nothing wider than the screen: the stock table turns into one card per SKU.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'demo-landing-phone');
    expect(problems).toEqual([]);
  });
});
