// The demo as a newcomer runs it (every channel, the default), in process: a clean embedded
// database in a temporary directory, the two Shopify simulators, the Amazon seller (Amazon.co.uk
// and Amazon.de, some offers FBA), the eBay seller, the Square till and the hub on random ports,
// the demo merchant, Shopify's own sample orders replayed from tests/fixtures/shopify (--seed) and
// fast simulated traffic. Orders must reach the hub the real way (signed webhooks, Amazon's
// EventBridge ORDER_CHANGE, into the inbox), the landing page must count them for every channel,
// and once the traffic stops and the queues drain every channel must show the hub's target.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LandingSnapshot } from '../../api/landing/index.tsx';
import { DEMO_MARKER, type Demo, DemoDataDirError, startDemo, wipeDataDir } from '../../api/demo/run.ts';
import { AMAZON_ACCOUNT_ID, AMAZON_DE, AMAZON_UK, type DemoAmazonSeller } from '../../api/demo/amazon-seller.ts';
import { parseDemoArgs, parseDuration } from '../../api/demo/args.ts';
import { runDemoCommand } from '../../api/demo/command.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { recomputeTargets } from '../../sync/stock/recompute.ts';
import { writeFile, mkdir } from 'node:fs/promises';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'shopify');

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | null | false>,
  seen?: () => unknown,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${seen ? ` (last seen: ${JSON.stringify(seen())})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The accounts a newcomer sees on the landing page, in the order they were connected. */
const ACCOUNTS = ['web-shop', 'flagship-shop', AMAZON_ACCOUNT_ID, 'ebay-seller', 'flagship-till'];

describe('the demo', () => {
  let demo: Demo;
  let dir: string;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omnihub-demo-'));
    demo = await startDemo({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      seedDir: FIXTURES,
      ratePerMinute: 300,
      logLevel: 'warn',
      logDestination: new Writable({
        write(chunk, _e, cb) {
          logs.push(String(chunk));
          cb();
        },
      }),
      trafficSeed: 20261122,
      staffDelayMs: 2_000,
      housekeepingMs: 1_000,
    });
  }, 90_000); // an embedded PostgreSQL to migrate: slow on a busy machine

  afterAll(async () => {
    await demo?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('takes orders from both shops and a Shopify POS counter sale, by webhook', async () => {
    // Generous: on a busy machine the first orders queue behind every channel's first push.
    let seen: unknown = null;
    const counts = await eventually(
      'web orders on both shops and a POS sale',
      80_000,
      async () => {
        const rows = await demo.db.prisma.$queryRaw<{ account_id: string; kind: string; n: bigint }[]>`
        SELECT account_id,
               CASE WHEN channel_ref->>'sourceName' = 'pos' THEN 'pos'
                    WHEN fulfilment_method = 'pickup' THEN 'pickup' ELSE 'web' END AS kind,
               count(*) AS n
          FROM orders WHERE NOT ('replayed' = ANY(tags)) GROUP BY 1, 2`;
        const get = (a: string, k: string) => Number(rows.find((r) => r.account_id === a && r.kind === k)?.n ?? 0);
        const c = {
          web: get('web-shop', 'web'),
          flagshipWeb: get('flagship-shop', 'web'),
          pos: get('flagship-shop', 'pos'),
          pickup: get('web-shop', 'pickup') + get('flagship-shop', 'pickup'),
        };
        seen = c;
        return c.web > 0 && c.flagshipWeb > 0 && c.pos > 0 ? c : null;
      },
      () => seen,
    );
    expect(counts.pos).toBeGreaterThan(0);
    // They came through the webhook door: signed orders/create deliveries stored in the inbox.
    const webhooks = await demo.db.prisma.inboxEvent.groupBy({
      by: ['accountId'],
      where: { topic: 'orders/create' },
      _count: true,
    });
    expect(webhooks.map((w) => w.accountId).sort()).toEqual(['flagship-shop', 'web-shop']);
    // And the simulators saw them answered with 200 (a refused signature would be 401).
    for (const shop of demo.sims.shops) {
      expect(shop.sim.webhooks.log.length).toBeGreaterThan(0);
      expect(shop.sim.webhooks.log.every((d) => d.status === 200)).toBe(true);
    }
  }, 90_000); // on a busy machine the embedded database serialises every channel's work

  it('shows orders per channel on the landing page (JSON and HTML)', async () => {
    const snap = await eventually('per-channel counts on the landing page', 20_000, async () => {
      const res = await fetch(`${demo.url}/landing/state.json`);
      const s = (await res.json()) as LandingSnapshot;
      return s.channels.length === ACCOUNTS.length &&
        s.channels.every((c) => c.orders > 0) &&
        s.channels.some((c) => c.counter > 0)
        ? s
        : null;
    });
    expect(snap.channels.map((c) => c.accountId)).toEqual(ACCOUNTS);
    expect(snap.totals.orders).toBe(snap.channels.reduce((s, c) => s + c.orders, 0));
    expect(snap.hotSkus.map((h) => h.code).sort()).toEqual([...demo.setup.hotCodes].sort());
    // Every hot SKU is listed on every channel, and what each shows is read from its simulator.
    for (const h of snap.hotSkus) {
      expect(h.channels.map((c) => c.accountId)).toEqual(ACCOUNTS);
      expect(h.channels.map((c) => c.source)).toEqual(ACCOUNTS.map(() => 'channel'));
    }
    expect(snap.pickups.map((p) => p.code)).toEqual(['STORE-A', 'STORE-B']);

    const page = await fetch(`${demo.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('Orders per channel');
    for (const name of ['Web shop', 'Amazon seller (UK, DE)', 'eBay seller', 'Covent Garden till (Square)'])
      expect(html).toContain(name);
    expect(html).toContain('/landing/assets/landing.js');
    const fragment = await (await fetch(`${demo.url}/landing/live`)).text();
    expect(fragment.startsWith('<div id="live"')).toBe(true);
    // The landing's headers stay on its own paths: the API keeps its own.
    const api = await fetch(`${demo.url}/api/v1/orders`, { headers: { authorization: `Bearer ${demo.adminKey}` } });
    expect(api.status).toBe(200);
    expect(api.headers.get('content-security-policy')).toBeNull();
  });

  it("takes the Amazon seller's orders from both marketplaces by ORDER_CHANGE; an FBA order reserves nothing", async () => {
    const amazon = demo.channels.find((c) => c.key === 'amazon') as DemoAmazonSeller;
    const hot = new Set(demo.setup.hotCodes);
    const mfnSku = demo.setup.catalogue.find((s) => !hot.has(s.code) && !amazon.fba.includes(s.code))?.code as string;
    const fbaSku = amazon.fba[0] as string;
    // A buyer on Amazon.de buys an FBA offer, one on Amazon.co.uk a merchant-fulfilled one.
    const fbaId = await eventually('an FBA sale on Amazon.de', 10_000, () => amazon.sellIn(AMAZON_DE, fbaSku, 1));
    const mfnId = await eventually('an MFN sale on Amazon.co.uk', 20_000, () => amazon.sellIn(AMAZON_UK, mfnSku, 1));
    const [fba, mfn] = await eventually('both Amazon orders in the hub', 20_000, async () => {
      const rows = await demo.db.prisma.order.findMany({
        where: { accountId: AMAZON_ACCOUNT_ID, externalId: { in: [fbaId, mfnId] } },
        include: { lines: true, reservations: true },
      });
      const byId = (id: string) => rows.find((o) => o.externalId === id);
      const a = byId(fbaId);
      const b = byId(mfnId);
      return a && b && b.reservations.length > 0 ? [a, b] : null;
    });
    // The FBA order is the merchant's sale, of a hub SKU, but Amazon ships it from its own stock.
    expect({ byChannel: fba.fulfilledByChannel, status: fba.status, sku: fba.lines[0]?.skuCode }).toEqual({
      byChannel: true,
      status: 'confirmed',
      sku: fbaSku,
    });
    expect(fba.reservations).toEqual([]);
    expect(fba.channelRef).toMatchObject({ marketplaceId: AMAZON_DE, fulfilledBy: 'AMAZON' });
    // The merchant-fulfilled one holds the unit in the warehouse it ships from.
    expect(mfn.fulfilledByChannel).toBe(false);
    expect(mfn.channelRef).toMatchObject({ marketplaceId: AMAZON_UK, fulfilledBy: 'MERCHANT' });
    expect(mfn.reservations.map((r) => [r.locationId, r.quantity, r.status])).toEqual([['wh', 1, 'active']]);

    // The buyers' orders came from both marketplaces, some of them FBA, through the EventBridge
    // door (Amazon has no order webhooks; polling only sees orders two minutes old).
    // The buyers sell at most once every 4 s, taking turns: on a fast machine this test can run
    // before their second sale, so wait for it rather than for the clock.
    const markets = await eventually("the buyers' orders from both marketplaces", 30_000, async () => {
      const orders = await demo.db.prisma.order.findMany({ where: { accountId: AMAZON_ACCOUNT_ID } });
      const buyers = orders.filter((o) => o.externalId !== fbaId && o.externalId !== mfnId);
      const seen = new Set(buyers.map((o) => (o.channelRef as { marketplaceId: string }).marketplaceId));
      return seen.size >= 2 ? seen : null;
    });
    expect([...markets].sort()).toEqual([AMAZON_UK, AMAZON_DE].sort());
    const all = await demo.db.prisma.order.findMany({ where: { accountId: AMAZON_ACCOUNT_ID } });
    const doors = await demo.db.prisma.inboxEvent.count({
      where: { accountId: AMAZON_ACCOUNT_ID, topic: 'ORDER_CHANGE' },
    });
    expect(doors).toBeGreaterThanOrEqual(all.length);
    expect(amazon.sim.notifications.log.every((d) => d.status === 200)).toBe(true);
  }, 90_000);

  it('replays the --seed files through the simulator like real orders', async () => {
    const report = demo.seedReport;
    expect(report?.orders.map((o) => o.name)).toEqual(['#1001', '#9999']);
    expect(report?.refunds).toBe(2); // 509562969 (in the order and in its own file: once) and 929361472
    expect(report?.cancellations).toBe(1);
    expect(report?.addedSkus.sort()).toEqual(['IPOD2008BLACK', 'IPOD2008GREEN', 'IPOD2008PINK', 'IPOD2008RED']);
    expect(report?.skipped.map((s) => s.file)).toEqual(['README.md']);

    const seeded = await eventually('the replayed orders in the hub', 20_000, async () => {
      const rows = await demo.db.prisma.order.findMany({
        where: {
          displayNumber: { in: ['#1001', '#9999'] },
          accountId: 'web-shop',
          externalId: { in: report?.orders.map((o) => o.externalId) },
        },
        include: { lines: true, returns: true },
      });
      const cancelled = rows.find((o) => o.displayNumber === '#9999');
      const refunded = rows.find((o) => o.displayNumber === '#1001');
      return cancelled?.status === 'cancelled' && refunded?.returns.length === 2 ? { cancelled, refunded } : null;
    });
    expect(seeded.refunded.lines.map((l) => l.skuCode).sort()).toEqual([
      'IPOD2008BLACK',
      'IPOD2008GREEN',
      'IPOD2008RED',
    ]);
    // Nothing of the refunded or cancelled orders is still held in the ledger.
    const held = await demo.db.prisma.reservation.count({
      where: { orderId: { in: [seeded.cancelled.id, seeded.refunded.id] }, status: 'active' },
    });
    expect(held).toBe(0);
  });

  it('after the traffic stops and the queues drain, every channel shows the hub target for every hot SKU', async () => {
    await demo.stopTraffic();
    expect(demo.traffic.stats.errors).toBe(0);
    // Every channel ends at the hub's target (the listings still behind, if any, name themselves).
    expect((await demo.settle(45_000)) ? [] : await demo.behind()).toEqual([]);

    const hotIds = demo.setup.hotCodes.map((c) => demo.setup.skuIds.get(c) as string);
    // The stored targets are current: recomputing them from the ledger changes nothing.
    const { changedTargets } = await demo.db.prisma.$transaction((tx) =>
      recomputeTargets(tx, hotIds, demo.hub.sync.tuning.strictUnitsPerChannel),
    );
    expect(changedTargets).toBe(0);

    const listings = await demo.db.prisma.listing.findMany({
      where: { skuId: { in: hotIds } },
      include: { sku: true },
    });
    expect(listings).toHaveLength(hotIds.length * ACCOUNTS.length);
    for (const l of listings) {
      expect({
        sku: l.sku.code,
        account: l.accountId,
        shows: demo.shows(l.accountId, l.externalStockId ?? ''),
      }).toEqual({
        sku: l.sku.code,
        account: l.accountId,
        shows: l.targetQty,
      });
    }
    // Scarce stock is split: what the two shops offer together never exceeds what can be sold.
    // Whatever the traffic left, the merchant counts each hot SKU down to 3 sellable units (2 in
    // the warehouse, 1 in a store), well inside strict allocation, and the shops follow.
    const want: Record<string, number> = { wh: 2, 'store-a': 1, 'store-b': 0 };
    for (const skuId of hotIds) {
      for (const [locationId, units] of Object.entries(want)) {
        const level = await demo.db.prisma.inventoryLevel.findUniqueOrThrow({
          where: { skuId_locationId: { skuId, locationId } },
        });
        const delta = units - Math.max(0, level.onHand - level.reserved - level.safetyStock);
        if (delta !== 0) expect(await adjust(demo.db.prisma, skuId, locationId, delta, 'count')).not.toBeNull();
      }
    }
    expect((await demo.settle(45_000)) ? [] : await demo.behind()).toEqual([]);
    const snap = (await (await fetch(`${demo.url}/landing/state.json`)).json()) as LandingSnapshot;
    expect(snap.hotSkus.map((h) => h.code).sort()).toEqual([...demo.setup.hotCodes].sort());
    for (const h of snap.hotSkus) {
      expect({ sku: h.code, sellable: h.sellable, inSync: h.inSync }).toEqual({
        sku: h.code,
        sellable: 3,
        inSync: true,
      });
      expect(h.advertisedTotal, h.code).toBeLessThanOrEqual(3);
    }
    // Every push was accepted by the shops (a refused one is filed as an exception).
    const refused = await demo.db.prisma.exceptionItem.findMany({ where: { kind: 'stock_push_refused' } });
    expect(refused.map((e) => e.message)).toEqual([]);
    const errors = logs.filter((l) => /"level":50/.test(l));
    expect(errors).toEqual([]);
  }, 120_000); // on a busy machine the embedded database serialises every channel's work
});

describe('demo options and data directory', () => {
  it('parses the command line', () => {
    const a = parseDemoArgs(['demo', '--port', '0', '--rate', '45', '--duration', '90s', '--seed', 'x'], {});
    expect(a).toMatchObject({ port: 0, ratePerMinute: 45, durationMs: 90_000, seedDir: 'x', dataDir: './data/demo' });
    // Every channel by default; --only shopify runs the Shopify shops alone.
    expect(a.channels).toEqual(['amazon', 'ebay', 'square']);
    expect(parseDemoArgs(['--only', 'shopify'], {}).channels).toEqual([]);
    expect(parseDemoArgs(['--only', 'square,Shopify,amazon'], {}).channels).toEqual(['amazon', 'square']);
    expect(() => parseDemoArgs(['--only', 'etsy'], {})).toThrow(/--only takes channels among shopify, amazon/);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('soon')).toBeNull();
    expect(() => parseDemoArgs(['--rate', 'many'], {})).toThrow(/--rate/);
    expect(() => parseDemoArgs(['--colour'], {})).toThrow(/unknown option --colour/);
  });

  it('answers --help and usage mistakes without starting anything', async () => {
    let out = '';
    let err = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {} };
    expect(await runDemoCommand(['demo', '--help'], io)).toBe(0);
    expect(out).toContain('Usage: omnihub demo [options]');
    expect(out).toContain('--seed <dir>');
    expect(await runDemoCommand(['--rate', 'x'], io)).toBe(2);
    expect(err).toContain('--rate must be');
    // Imported by another program (the CLI's in-process tests, here vitest), main.ts starts nothing.
    const before = process.listenerCount('SIGINT');
    await import('../../api/demo/main.ts');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('wipes only a directory it made (or an empty one)', async () => {
    const base = await mkdtemp(join(tmpdir(), 'omnihub-demo-dir-'));
    try {
      const own = join(base, 'own');
      await wipeDataDir(own);
      await writeFile(join(own, 'left-over'), 'x');
      await wipeDataDir(own);
      const { readdir } = await import('node:fs/promises');
      expect(await readdir(own)).toEqual([DEMO_MARKER]);

      const foreign = join(base, 'foreign');
      await mkdir(foreign);
      await writeFile(join(foreign, 'secret.key'), 'do not touch');
      await expect(wipeDataDir(foreign)).rejects.toBeInstanceOf(DemoDataDirError);
      expect(await readdir(foreign)).toEqual(['secret.key']);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
