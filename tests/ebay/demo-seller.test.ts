// The demo's eBay seller (api/demo/ebay-seller.ts): the simulator on a local port, the account
// and app pointed at it by endpointOverride, the catalogue linked as listings through the
// connector's discovery, and a buyer's checkout reaching the hub's app door as signed
// notifications that the inbox turns into an order with one read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEbaySeller, EBAY_ACCOUNT_ID, startEbaySeller } from '../../api/demo/ebay-seller.ts';
import { createEbayConnector } from '../../connectors/ebay/connector.ts';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { buildHarness, type Harness } from '../api/harness.ts';
import { testDatabases } from '../support/databases.ts';
import { seedLocation, seedSku, stock } from '../support/seed.ts';
import { quietLogger } from '../sync/helpers.ts';

const [pglite] = testDatabases();

describe('the demo eBay seller', () => {
  let db: Database;
  let h: Harness;
  let seller: DemoEbaySeller;
  const connector = createEbayConnector();

  beforeAll(async () => {
    db = await (pglite?.open() as Promise<Database>);
    h = await buildHarness(db, { connectors: { ebay: connector } });
    await seedLocation(db.prisma, 'wh');
    const skuIds = new Map<string, string>();
    for (const code of ['MUG', 'CAP']) {
      await seedSku(db.prisma, code);
      await stock(db.prisma, `sku-${code}`, 'wh', 5);
      skuIds.set(code, `sku-${code}`);
    }
    const catalogue = ['MUG', 'CAP'].map((code) => ({
      code,
      productId: code,
      productTitle: code,
      variantTitle: null,
      price: 1250,
      stock: { wh: 5 },
      hot: false,
    }));
    seller = await startEbaySeller({
      prisma: db.prisma,
      secretKey: h.secretKey,
      connector,
      host: '127.0.0.1',
      catalogue,
      skuIds,
      locationId: 'wh',
    });
    // The hub's app door, served by hand: the notifications go to a handler, not a port.
    seller.sim.notifications.url = 'http://127.0.0.1/webhooks/channel/ebay';
    seller.sim.notifications.target = (req) => Promise.resolve(h.app.fetch(req));
  });
  afterAll(async () => {
    await seller?.close();
    await db?.close();
  });

  it('links the catalogue as listings and turns a checkout into an order', async () => {
    const listings = await db.prisma.listing.findMany({
      where: { accountId: EBAY_ACCOUNT_ID },
      orderBy: { id: 'asc' },
    });
    expect(listings.map((l) => [l.externalStockId, (l.channelData as { api: string }).api])).toEqual([
      ['CAP', 'inventory'],
      ['MUG', 'inventory'],
    ]);
    // eBay shows what the seller had (0) until the hub pushes; give the listing something to sell.
    await connector.pushStock(await accountOf(), [
      {
        listingId: 'x',
        externalStockId: 'MUG',
        channelData: listings[1]?.channelData as Record<string, unknown>,
        externalLocationId: null,
        quantity: 3,
        previousQuantity: 0,
      },
    ]);
    expect(seller.shows('MUG')).toBe(3);
    const orderId = await seller.sell('MUG', 1);
    expect(seller.shows('MUG')).toBe(2);
    expect(seller.sim.notifications.log.map((d) => d.status)).toEqual([204]);
    await processInbox(
      {
        prisma: db.prisma,
        secretKey: h.secretKey,
        connectors: { ebay: connector },
        logger: quietLogger(),
        clock: systemClock,
      },
      EBAY_ACCOUNT_ID,
    );
    const order = await db.prisma.order.findFirstOrThrow({ where: { externalId: orderId as string } });
    expect(order).toMatchObject({ accountId: EBAY_ACCOUNT_ID, currency: 'GBP', total: 1250n });
  });

  async function accountOf() {
    const { loadAccountContext } = await import('../../core/accounts/accounts.ts');
    return loadAccountContext(db.prisma, h.secretKey, EBAY_ACCOUNT_ID);
  }
});
