// The customer side of an order through the API: the status link (admin keys only, the same
// link every time, 404 for an unknown order, the key rotated away → a new link), the order's
// notifications, and the SMTP settings (password write-only, encrypted, never returned or logged;
// a bad From: is 400 naming the field).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { ensureStatusToken, hashStatusToken } from '../../core/status/token.ts';
import { seedWorld, shippedOrder } from '../status/helpers.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness } from './harness.ts';

describe('status link and notification settings API on pglite', () => {
  let db: Database;
  let h: Harness;
  const clock = new ManualClock('2026-11-23T09:00:00Z');

  beforeAll(async () => {
    db = await (testDatabases()[0] as ReturnType<typeof testDatabases>[number]).open();
    h = await buildHarness(db, { config: { adminToken: undefined, publicUrl: 'https://hub.example/' } });
    await seedWorld(db.prisma);
  }, 60_000);
  afterAll(() => db?.close());

  it("gives admins the order's status link, the same one each time; others 403, unknown 404", async () => {
    const o = await shippedOrder(db.prisma, clock, 'en');
    const first = await h.call('GET', `/api/v1/orders/${o.id}/status-link`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.path).toMatch(/^\/o\/[A-Za-z0-9_-]{43}$/);
    expect(first.body.url).toBe(`https://hub.example${first.body.path}`);
    expect((await h.call('GET', `/api/v1/orders/${o.id}/status-link`)).body).toEqual(first.body);
    expect((await h.call('GET', `/api/v1/orders/${o.id}/status-link`, { key: h.readonly })).status).toBe(403);
    const missing = await h.call('GET', '/api/v1/orders/no-such-order/status-link');
    expect(missing.status).toBe(404);
    expect(missing.body.error.fields[0].path).toBe('id');
    // The order's notifications: its shipment notice, written with the shipment (no worker runs here).
    const list = await h.call('GET', `/api/v1/orders/${o.id}/notifications`);
    expect(list.body.items).toEqual([expect.objectContaining({ kind: 'shipped', status: 'pending' })]);
  });

  it('replaces a link whose encryption key was rotated away, instead of failing', async () => {
    const o = await shippedOrder(db.prisma, clock, 'en');
    const old = await ensureStatusToken(db.prisma, h.secretKey, o.id);
    const fresh = await ensureStatusToken(db.prisma, generateSecretKey(), o.id);
    expect(fresh).not.toBe(old);
    const row = await db.prisma.order.findUniqueOrThrow({ where: { id: o.id } });
    expect(row.statusTokenHash).toBe(hashStatusToken(fresh as string));
  });

  it('stores the SMTP password encrypted and never shows or logs it', async () => {
    const put = await h.call('PUT', '/api/v1/notifications/smtp', {
      body: {
        host: 'smtp.example.com',
        port: 587,
        user: 'orders@shop.example',
        password: 'pw-Secret-4711',
        from: 'Shop <orders@shop.example>',
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      user: 'orders@shop.example',
      passwordSet: true,
      from: 'Shop <orders@shop.example>',
      enabled: true,
    });
    // A change without a password keeps the stored one.
    const again = await h.call('PUT', '/api/v1/notifications/smtp', {
      body: { host: 'smtp2.example.com', port: 465, secure: true, from: 'orders@shop.example' },
    });
    expect(again.body.passwordSet).toBe(true);
    const get = await h.call('GET', '/api/v1/notifications/smtp');
    expect(get.body.host).toBe('smtp2.example.com');
    expect(JSON.stringify(get.body)).not.toContain('pw-Secret-4711');
    const row = await db.prisma.notificationSettings.findUniqueOrThrow({ where: { id: 'default' } });
    expect(row.smtpPasswordEnc).not.toContain('pw-Secret-4711');
    expect(h.logs()).not.toContain('pw-Secret-4711');
    expect((await h.call('GET', '/api/v1/notifications/smtp', { key: h.readonly })).status).toBe(403);
  });

  it('refuses a bad From: naming the field', async () => {
    const bad = await h.call('PUT', '/api/v1/notifications/smtp', {
      body: { host: 'smtp.example.com', port: 587, from: 'not an address' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toContain('from');
  });
});
