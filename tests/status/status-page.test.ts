// The customer's status page: reached by the order's token alone, refused with one and the
// same 404 for any other token, showing what the customer needs (status, parcels with tracking,
// pickup code and store hours, documents) in their language, and nothing personal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggedPath } from '../../api/app.ts';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { erasePerson } from '../../core/privacy/erase.ts';
import { ensureStatusToken, hashStatusToken, newStatusToken } from '../../core/status/token.ts';
import { testDatabases } from '../support/databases.ts';
import { pickupOrder, seedWorld, shippedOrder, statusApp } from './helpers.ts';

describe.each(testDatabases())('status page on $kind', ({ open }) => {
  let db: Database;
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  const key = generateSecretKey();
  let app: ReturnType<typeof statusApp>;
  beforeAll(async () => {
    db = await open();
    await seedWorld(db.prisma);
    app = statusApp(db.prisma, clock);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('opens a shipped order by its token: status, parcel with carrier, number and link, invoice (en)', async () => {
    const o = await shippedOrder(db.prisma, clock, 'en-GB');
    const token = await ensureStatusToken(db.prisma, key, o.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    // The same link every time it is asked for.
    expect(await ensureStatusToken(db.prisma, key, o.id)).toBe(token);
    const res = await app.request(`/o/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(`Order #${o.ext}`);
    expect(html).toMatch(/data-testid="status">\s*Shipped/);
    expect(html).toContain('DHL');
    expect(html).toContain('JJD000390007');
    expect(html).toContain('href="https://track.example/JJD000390007"');
    expect(html).toContain('2 × T-shirt blue');
    expect(html).toContain(`href="/o/${token}/documents/${o.invoiceId}"`);
    expect(html).toContain(`Invoice ${o.invoiceNumber}`);
    // Nothing personal: the draft's buyer is Ada Lovelace, ada@example.com.
    expect(html).not.toContain('Ada');
    expect(html).not.toContain('example.com"');
    expect(html).not.toContain('ada@');
    const pdf = await app.request(`/o/${token}/documents/${o.invoiceId}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('shows a click-and-collect order in German: pickup code, store, opening hours', async () => {
    const o = await pickupOrder(db.prisma, clock, 'de-AT');
    const token = await ensureStatusToken(db.prisma, key, o.id);
    const html = await (await app.request(`/o/${token}`)).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain(`Bestellung #${o.ext}`);
    expect(html).toMatch(/data-testid="status">\s*Abholbereit/);
    expect(html).toMatch(new RegExp(`data-testid="pickup-code">\\s*${o.pickupCode}`));
    expect(html).toContain('Berlin Mitte');
    expect(html).toContain('Öffnungszeiten');
    expect(html).toContain('<th>Montag</th><td>09:00–18:00</td>');
    expect(html).toContain('<th>Samstag</th><td>10:00–16:00</td>');
    expect(html).toContain('<th>Sonntag</th><td>geschlossen</td>');
    expect(html).not.toContain('Ada');
  });

  it('shows a shipped order in German and a pickup in English', async () => {
    const s = await shippedOrder(db.prisma, clock, 'de');
    const sHtml = await (await app.request(`/o/${await ensureStatusToken(db.prisma, key, s.id)}`)).text();
    expect(sHtml).toMatch(/data-testid="status">\s*Versandt/);
    expect(sHtml).toContain('Sendung verfolgen');
    expect(sHtml).toContain(`Rechnung ${s.invoiceNumber}`);
    const p = await pickupOrder(db.prisma, clock, 'en');
    const pHtml = await (await app.request(`/o/${await ensureStatusToken(db.prisma, key, p.id)}`)).text();
    expect(pHtml).toMatch(/data-testid="status">\s*Ready for pickup/);
    expect(pHtml).toContain('<th>Monday</th><td>09:00–18:00</td>');
    expect(pHtml).toContain('Show this code at the counter.');
  });

  it('refuses every other token with the same 404, looked up by hash only', async () => {
    const o = await shippedOrder(db.prisma, clock, 'en');
    const token = (await ensureStatusToken(db.prisma, key, o.id)) as string;
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const wrong = [
      newStatusToken(),
      `${token.slice(0, -1)}${last}`,
      token.slice(0, 20),
      'x',
      `${token}x`,
      '%27%20OR%201%3D1--',
    ];
    const answers = await Promise.all(
      wrong.map(async (t) => {
        const r = await app.request(`/o/${t}`);
        return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
      }),
    );
    for (const a of answers) {
      expect(a).toEqual(answers[0]);
      expect(a.status).toBe(404);
    }
    expect(answers[0]?.body).toContain('Order not found');
    expect(answers[0]?.body).toContain('Bestellung nicht gefunden');
    // A document of the order through a wrong token: the same answer.
    const doc = await app.request(`/o/${wrong[1]}/documents/${o.invoiceId}`);
    expect(doc.status).toBe(404);
    expect(await doc.text()).toBe(answers[0]?.body);
    // The database holds the token's hash, never the token.
    const row = await db.prisma.order.findUniqueOrThrow({ where: { id: o.id } });
    expect(row.statusTokenHash).toBe(hashStatusToken(token));
    expect(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(token);
    // The access log never carries it either.
    expect(loggedPath(`/o/${token}/documents/${o.invoiceId}`)).toBe(`/o/[token]/documents/${o.invoiceId}`);
  });

  it('shows an erased order without documents (its invoice carries the billing address)', async () => {
    const o = await shippedOrder(db.prisma, clock, 'en');
    const token = await ensureStatusToken(db.prisma, key, o.id);
    await erasePerson(db.prisma, { orderId: o.id }, { clock, actor: 'key:test', reason: 'test', personalKeys: [] });
    const res = await app.request(`/o/${token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('The personal data of this order has been erased.');
    expect(html).not.toContain('/documents/');
    expect(html).not.toContain(o.invoiceNumber);
    expect((await app.request(`/o/${token}/documents/${o.invoiceId}`)).status).toBe(404);
  });
});
