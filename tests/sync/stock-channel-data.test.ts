// A listing's channel data (owned by the connector, opaque to core) reaches the connector with
// every stock value pushed for that listing: Amazon needs the product type and marketplace ids
// to patch a listing, eBay the offer id, Square the catalog variation id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import type { ChannelConnector, StockUpdate } from '../../connectors/connector.ts';
import { pushAccountStock } from '../../sync/stock/push.ts';
import { testDatabases } from '../support/databases.ts';
import { product, quietLogger, shown, type World, world } from './helpers.ts';

describe.each(testDatabases())('channel data in stock pushes on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'HAT', 7);
  });
  afterAll(() => db?.close());

  it('passes the listing channel data to pushStock, unchanged', async () => {
    const data = { productType: 'HAT', marketplaceIds: ['A1F83G8C2ARO7P'] };
    await db.prisma.listing.update({ where: { id: 'shop-0:HAT' }, data: { channelData: data } });
    const seen: StockUpdate[] = [];
    const connector: ChannelConnector = {
      ...w.connector,
      pushStock: (account, updates) => {
        seen.push(...updates);
        return w.connector.pushStock(account, updates);
      },
    };
    await pushAccountStock(
      {
        prisma: db.prisma,
        secretKey: w.key,
        connectors: { shopify: connector },
        logger: quietLogger(),
        unitsPerChannel: 1,
        requestPush: async () => {},
      },
      'shop-0',
      ['sku-HAT'],
    );
    expect(seen.map((u) => [u.listingId, u.quantity, u.channelData])).toEqual([['shop-0:HAT', 7, data]]);
    expect(shown(w, 'HAT', 0)).toBe(7);
  });
});
