// The customer's status page in Chromium on a phone: a shipped order (en) with its parcel and
// invoice, a click-and-collect order (de) with its pickup code and store hours, and a wrong link.
// Screenshots go to artifacts/status-*.png.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { type RunningServer, startServer } from '../../api/server.ts';
import { createStatusRoutes } from '../../api/status/routes.tsx';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { archiveStores } from '../../core/documents/archive/stores.ts';
import { ensureStatusToken, newStatusToken } from '../../core/status/token.ts';
import { silentLogger } from '../staff/helpers.ts';
import { pickupOrder, seedWorld, shippedOrder } from '../status/helpers.ts';
import { chromiumAvailable, launchChromium, PHONE, screenshot } from '../support/browser.ts';

describe.runIf(chromiumAvailable())('status page in Chromium', () => {
  let db: Database;
  let server: RunningServer;
  let browser: Browser;
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  const key = generateSecretKey();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await seedWorld(db.prisma);
    const app = createApp({ health: async () => ({ status: 'ok' }) as never, version: 'test', logger: silentLogger });
    app.route(
      '/o',
      createStatusRoutes({
        prisma: db.prisma,
        clock,
        logger: silentLogger,
        documentStores: archiveStores(db.prisma, undefined),
      }),
    );
    server = await startServer(app, { port: 0, host: '127.0.0.1' }, silentLogger);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close(1000);
    await db?.close();
  });

  it('a shipped order in English: status, parcel with tracking link, invoice download', async () => {
    const o = await shippedOrder(db.prisma, clock, 'en');
    const token = await ensureStatusToken(db.prisma, key, o.id);
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/o/${token}`);
      expect(await page.title()).toBe(`Order #${o.ext}`);
      expect((await page.getByTestId('status').innerText()).trim()).toBe('Shipped');
      const track = page.getByRole('link', { name: 'Track parcel' });
      expect(await track.getAttribute('href')).toBe('https://track.example/JJD000390007');
      expect(await page.getByTestId('parcels').innerText()).toContain('JJD000390007');
      const invoice = page.getByRole('link', { name: `Invoice ${o.invoiceNumber}` });
      const download = page.waitForEvent('download');
      await invoice.click();
      expect((await download).suggestedFilename()).toBe(`${o.invoiceNumber}.pdf`);
      await screenshot(page, 'status-shipped-en-phone');
    } finally {
      await context.close();
    }
  });

  it('a click-and-collect order in German: pickup code, store, opening hours', async () => {
    const o = await pickupOrder(db.prisma, clock, 'de');
    const token = await ensureStatusToken(db.prisma, key, o.id);
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/o/${token}`);
      expect((await page.getByTestId('status').innerText()).trim()).toBe('Abholbereit');
      expect((await page.getByTestId('pickup-code').innerText()).trim()).toBe(o.pickupCode);
      const hours = await page.getByTestId('opening-hours').innerText();
      expect(hours).toMatch(/Montag\s+09:00–18:00/);
      expect(hours).toMatch(/Sonntag\s+geschlossen/);
      await screenshot(page, 'status-pickup-de-phone');
    } finally {
      await context.close();
    }
  });

  it('a wrong link: 404 page in both languages', async () => {
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      const res = await page.goto(`${server.url}/o/${newStatusToken()}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('h1').allInnerTexts()).toEqual(['Order not found', 'Bestellung nicht gefunden']);
      await screenshot(page, 'status-not-found-phone');
    } finally {
      await context.close();
    }
  });
});
