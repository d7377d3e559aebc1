// The running hub (startHub: API + synchronizer in one process) applies an account change made
// through its API at once, in every cache: the webhook door's and the synchronizer's. The hub's
// clock is the world's virtual clock, so no cache entry expires by itself during the test: only
// the API's change can make the hub use the new credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../api/hub.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, product, shown, type World, world } from '../sync/helpers.ts';

const TOKEN = 'account-changes-admin-token';

describe.each(testDatabases())('account changes on a running hub ($kind)', ({ open }) => {
  let db: Database;
  let w: World;
  let hub: RunningHub;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const idle = async () => {
    await hub.sync.flush();
    for (const name of ['stock.push', 'inbox.process'] as const) {
      const c = await hub.sync.queue.counts(name);
      if (c.waiting + c.active + c.delayed > 0) return false;
    }
    return true;
  };

  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'TEE', 5);
    hub = await startHub({
      db,
      secretKey: w.key,
      connectors: { shopify: w.connector },
      logger: w.logger,
      host: '127.0.0.1',
      port: 0,
      adminToken: TOKEN,
      clock: w.clock,
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await db?.close();
  });

  it('uses credentials changed through the API for the very next push', async () => {
    await eventually(async () => (await idle()) && shown(w, 'TEE', 0) === 5, 'the shop shows 5');
    const shop = w.shops[0];
    if (!shop) throw new Error('no shop');
    // The merchant revokes the token in Shopify and types the new one... into the wrong field.
    const r = await api('PATCH', `/channel-accounts/${shop.accountId}`, {
      credentials: { shop: shop.sim.shop, accessToken: 'shpat_revoked', apiSecretKey: shop.sim.apiSecret },
    });
    expect(r.status).toBe(200);
    w.clock.advance(1_000); // a new push window; far inside the synchronizer's cache lifetime
    await adjust(db.prisma, 'sku-TEE', 'wh', 3, 'receipt');
    // The next push must use what the API was just told: the shop refuses it, instead of a
    // cached copy of the old token pushing on as if nothing had changed.
    const listing = () => db.prisma.listing.findUniqueOrThrow({ where: { id: `${shop.accountId}:TEE` } });
    await eventually(async () => (await idle()) && (await listing()).lastSentQty === 8, 'the push of 8 was tried');
    expect((await listing()).lastError).toMatch(/unauthorized/);
    expect(shop.sim.stats.unauthorized).toBe(1);
    expect(shown(w, 'TEE', 0)).toBe(5);
  });
});
