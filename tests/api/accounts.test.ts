// Channel accounts: credentials write-only and encrypted at rest, validation by field,
// connection test and listing discovery against the Shopify simulator, sync now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { loadAccountContext } from '../../core/accounts/accounts.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { seedLocation, seedSku } from '../support/seed.ts';
import { buildHarness, type Harness } from './harness.ts';

const SHOP = 'accounts-test.myshopify.com';

describe.each(testDatabases())('channel accounts API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  const synced: string[] = [];
  const changed: string[] = [];
  const sim = createShopifySimulator({ shop: SHOP, accessToken: 'shpat_good', apiSecret: 'whsec' });

  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, {
      connectors: { shopify: createShopifyConnector({ transport: (r) => sim.fetch(r) }) },
      sync: {
        async syncNow(id) {
          synced.push(id);
          return { queued: true };
        },
      },
      onAccountChanged: (id) => {
        changed.push(id);
      },
    });
    await seedLocation(db.prisma, 'wh');
  });
  afterAll(() => db?.close());

  const create = (body: unknown) => h.call('POST', '/api/v1/channel-accounts', { body });

  it('creates an account; credentials are never returned and are encrypted at rest', async () => {
    const r = await create({
      id: 'main',
      type: 'shopify',
      name: 'Main shop',
      credentials: { shop: SHOP, accessToken: 'shpat_good', apiSecretKey: 'whsec' },
      settings: { pollPageSize: 50 },
      stockBuffer: 2,
      locations: [{ locationId: 'wh', externalLocationId: 'gid://shopify/Location/1' }],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: 'main',
      type: 'shopify',
      webhookPath: '/webhooks/main',
      settings: { pollPageSize: 50 },
      stockBuffer: 2,
      stockPercent: 100,
      locations: [{ locationId: 'wh', priority: 0, externalLocationId: 'gid://shopify/Location/1' }],
    });
    expect(JSON.stringify(r.body)).not.toContain('shpat_good');
    expect(r.body).not.toHaveProperty('credentials');
    const row = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'main' } });
    expect(row.credentialsEnc).not.toContain('shpat_good');
    expect((await loadAccountContext(db.prisma, h.secretKey, 'main')).credentials.accessToken).toBe('shpat_good');
    const list = await h.call('GET', '/api/v1/channel-accounts');
    expect(JSON.stringify(list.body)).not.toContain('shpat_good');
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain('main');
  });

  it('names each field at fault', async () => {
    const r = await create({ id: 'Bad Id', type: 'fax', name: '', credentials: { token: 5 }, stockPercent: 101 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_request');
    const paths = r.body.error.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['credentials.token', 'id', 'name', 'stockPercent', 'type']);
    const loc = await create({ type: 'shopify', name: 'x', credentials: {}, locations: [{ locationId: 'nope' }] });
    expect(loc.status).toBe(400);
    expect(loc.body.error.fields).toEqual([{ path: 'locations.0.locationId', message: 'unknown location nope' }]);
    const notJson = await h.call('POST', '/api/v1/channel-accounts', { body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_request');
  });

  it('refuses a duplicate id or name with 409', async () => {
    const credentials = { shop: 'other.myshopify.com', accessToken: 'shpat_o', apiSecretKey: 'o' };
    const r = await create({ id: 'main', type: 'shopify', name: 'Other', credentials });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('conflict');
    expect((await create({ type: 'shopify', name: 'Main shop', credentials })).status).toBe(409);
  });

  it('reads and changes an account; unknown → 404', async () => {
    expect((await h.call('GET', '/api/v1/channel-accounts/main')).body.name).toBe('Main shop');
    expect((await h.call('GET', '/api/v1/channel-accounts/nope')).status).toBe(404);
    const r = await h.call('PATCH', '/api/v1/channel-accounts/main', {
      body: { name: 'Renamed', stockMax: 100, locations: [] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Renamed', stockMax: 100, locations: [] });
    expect(
      (await h.call('PATCH', '/api/v1/channel-accounts/main', { body: { stockPercent: -1 } })).body.error.fields[0]
        .path,
    ).toBe('stockPercent');
    expect((await h.call('PATCH', '/api/v1/channel-accounts/nope', { body: { name: 'x' } })).status).toBe(404);
  });

  it('tests the connection with the stored credentials', async () => {
    const ok = await h.call('POST', '/api/v1/channel-accounts/main/test');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      ok: true,
      detail: expect.stringContaining(SHOP),
      // No OMNIHUB_PUBLIC_URL here: the answer says why no webhook was subscribed.
      webhooks: { skipped: expect.stringContaining('OMNIHUB_PUBLIC_URL') },
    });
    await h.call('PATCH', '/api/v1/channel-accounts/main', {
      body: { credentials: { shop: SHOP, accessToken: 'wrong', apiSecretKey: 'x' } },
    });
    const bad = await h.call('POST', '/api/v1/channel-accounts/main/test');
    expect(bad.body.ok).toBe(false);
    await h.call('PATCH', '/api/v1/channel-accounts/main', {
      body: { credentials: { shop: SHOP, accessToken: 'shpat_good', apiSecretKey: 'whsec' } },
    });
    expect((await h.call('POST', '/api/v1/channel-accounts/nope/test')).status).toBe(404);
  });

  const good = { accessToken: 'shpat_good', apiSecretKey: 'whsec' };
  const accounts = () => db.prisma.channelAccount.count();

  it('stores the shop as name.myshopify.com whatever URL form it was typed in, so its webhooks verify', async () => {
    for (const [id, typed] of [
      ['url-form', 'https://Accounts-Test.myshopify.com/'],
      ['admin-form', 'admin.shopify.com/store/accounts-test'],
      ['path-form', ' accounts-test.MYSHOPIFY.com/admin/orders?x=1 '],
    ] as const) {
      const r = await create({ id, type: 'shopify', name: id, credentials: { shop: typed, ...good } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect((await loadAccountContext(db.prisma, h.secretKey, id)).credentials.shop).toBe(SHOP);
    }
    // The shop signs its webhooks with its myshopify domain: the stored form must be that one.
    sim.webhooks.target = async (req) => h.app.request(new Request('http://hub.test/webhooks/url-form', req));
    sim.webhooks.log.length = 0;
    await sim.webhooks.send('orders/create', { id: 7001, updated_at: '2026-11-20T10:00:00Z' });
    expect(sim.webhooks.log.map((l) => l.status)).toEqual([200]);
  });

  it('warns, in the answer, when another account already points at the same shop', async () => {
    const r = await create({ id: 'twin', type: 'shopify', name: 'Twin', credentials: { shop: SHOP, ...good } });
    expect(r.status).toBe(201);
    expect(r.body.warnings).toHaveLength(4); // main, url-form, admin-form, path-form
    expect(r.body.warnings[0]).toMatch(/^account "[^"]+" \([a-z-]+\) already points at accounts-test\.myshopify\.com/);
    expect(JSON.stringify(r.body)).not.toContain('shpat_good');
    const alone = await create({
      id: 'alone',
      type: 'shopify',
      name: 'Alone',
      credentials: { shop: 'elsewhere.myshopify.com', ...good },
    });
    expect(alone.body.warnings).toEqual([]);
  });

  it('refuses what the connector could never use with 400 naming the field, and stores nothing', async () => {
    const before = await accounts();
    const cases: [Record<string, string>, string][] = [
      [{ shop: 'jsmith.example.com', ...good }, 'credentials.shop'],
      [{ shop: 'https://jsmith.myshopify.com.evil.test/', ...good }, 'credentials.shop'],
      [{ ...good }, 'credentials.shop'],
      [{ shop: SHOP, accessToken: 'shpat_good' }, 'credentials.apiSecretKey'],
      [{ shop: SHOP, apiSecretKey: 'whsec', accessToken: '  ' }, 'credentials.accessToken'],
      [{ shop: SHOP, ...good, apiSecret: 'typo' }, 'credentials.apiSecret'],
    ];
    for (const [credentials, field] of cases) {
      const r = await create({ type: 'shopify', name: `bad ${field}`, credentials });
      expect(r.status, JSON.stringify(credentials)).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.fields.map((f: { path: string }) => f.path)).toEqual([field]);
      expect(JSON.stringify(r.body)).not.toContain('shpat_good');
    }
    const version = await create({
      type: 'shopify',
      name: 'bad version',
      credentials: { shop: SHOP, ...good },
      settings: { apiVersion: 'latest' },
    });
    expect(version.body.error.fields[0].path).toBe('settings.apiVersion');
    expect(await accounts()).toBe(before);
    // A change is held to the same rules, and a refused one changes nothing.
    const patch = await h.call('PATCH', '/api/v1/channel-accounts/alone', {
      body: { credentials: { shop: 'alone.example.com', ...good } },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error.fields[0].path).toBe('credentials.shop');
    expect((await loadAccountContext(db.prisma, h.secretKey, 'alone')).credentials.shop).toBe(
      'elsewhere.myshopify.com',
    );
    const normalised = await h.call('PATCH', '/api/v1/channel-accounts/alone', {
      body: { credentials: { shop: 'https://Elsewhere2.myshopify.com/', ...good } },
    });
    expect(normalised.status).toBe(200);
    expect((await loadAccountContext(db.prisma, h.secretKey, 'alone')).credentials.shop).toBe(
      'elsewhere2.myshopify.com',
    );
  });

  it('with ?test=true calls the shop first: 422 and nothing stored when it refuses', async () => {
    const before = await accounts();
    const refused = await h.call('POST', '/api/v1/channel-accounts?test=true', {
      body: {
        id: 'tested-bad',
        type: 'shopify',
        name: 'Tested bad',
        credentials: { shop: SHOP, accessToken: 'shpat_not_this_one', apiSecretKey: 'whsec' },
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('connection_failed');
    expect(refused.body.error.message).toContain('nothing was stored');
    expect(JSON.stringify(refused.body)).not.toContain('shpat_not_this_one');
    expect(await accounts()).toBe(before);
    const accepted = await h.call('POST', '/api/v1/channel-accounts?test=true', {
      body: { id: 'tested', type: 'shopify', name: 'Tested', credentials: { shop: SHOP, ...good } },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.connectionTest).toEqual({ ok: true, detail: expect.stringContaining(SHOP) });
  });

  it('tells the host when an account was created or changed, so its other caches forget it at once', async () => {
    expect(changed).toEqual(expect.arrayContaining(['main', 'url-form', 'twin', 'alone', 'tested']));
    changed.length = 0;
    await h.call('PATCH', '/api/v1/channel-accounts/twin', { body: { active: false } });
    expect(changed).toEqual(['twin']);
  });

  it('triggers a sync through the sync runtime (202), 404 for an unknown account', async () => {
    const r = await h.call('POST', '/api/v1/channel-accounts/main/sync');
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ queued: true });
    expect(synced).toEqual(['main']);
    expect((await h.call('POST', '/api/v1/channel-accounts/nope/sync')).status).toBe(404);
  });

  it('answers 503 for sync now when no sync runtime runs in the process', async () => {
    const bare = await buildHarness(db);
    const r = await bare.call('POST', '/api/v1/channel-accounts/main/sync');
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('unavailable');
  });

  it('reports unmapped SKUs both ways', async () => {
    await seedSku(db.prisma, 'TEE');
    await seedSku(db.prisma, 'HUB-ONLY');
    const loc = sim.store.addLocation('Warehouse');
    const tee = sim.store.addVariant({ sku: 'TEE', productTitle: 'Tee', price: 1000, stock: { [loc.id]: 1 } });
    sim.store.addVariant({ sku: 'CHANNEL-ONLY', productTitle: 'Mug', price: 900, stock: {} });
    sim.store.addVariant({ sku: null, productTitle: 'Gift wrap', price: 0, stock: {} });
    const r = await h.call('GET', '/api/v1/channel-accounts/main/unmapped-skus');
    expect(r.status).toBe(200);
    expect(r.body.discovered).toBe(true);
    expect(
      r.body.channelItemsWithoutHubSku.map((c: { sku: string | null; reason: string }) => [c.sku, c.reason]),
    ).toEqual([
      ['CHANNEL-ONLY', 'unknown_sku'],
      [null, 'no_sku'],
    ]);
    expect(r.body.hubSkusWithoutListing.map((s: { code: string }) => s.code)).toEqual(['HUB-ONLY', 'TEE']);
    // Linking TEE removes it from the hub side.
    const link = await h.call('POST', '/api/v1/listings', {
      body: { accountId: 'main', sku: 'TEE', externalVariantId: tee.id },
    });
    expect(link.status).toBe(201);
    const after = await h.call('GET', '/api/v1/channel-accounts/main/unmapped-skus?discover=false');
    expect(after.body).toMatchObject({
      discovered: false,
      hubSkusWithoutListing: [{ code: 'HUB-ONLY' }],
      hubSkusWithoutListingTotal: 1,
    });
    expect((await h.call('GET', '/api/v1/channel-accounts/main/unmapped-skus?discover=maybe')).status).toBe(400);
  });
});
