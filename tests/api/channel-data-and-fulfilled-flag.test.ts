// What the API shows of the connector-owned parts: a listing's channel data (stored as the
// connector shaped it, from a person's POST or from discovery, refused by field when the
// connector says so) and an order's fulfilled-by-channel flag (FBA), in the JSON and the
// OpenAPI document; the hub refuses to pick such an order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../core/accounts/accounts.ts';
import type { Database } from '../../core/db/database.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import {
  type ChannelConnector,
  type ChannelData,
  ChannelDataError,
  type ListingCandidate,
} from '../../connectors/connector.ts';
import { testDatabases } from '../support/databases.ts';
import { draft } from '../support/drafts.ts';
import { seedLocation, seedSku } from '../support/seed.ts';
import { buildHarness, type Harness } from './harness.ts';

/** A marketplace connector reduced to what these routes call: discovery and channel-data rules. */
function fakeMarketplace(): ChannelConnector {
  const unused = () => {
    throw new Error('not used by this test');
  };
  const candidates: ListingCandidate[] = [
    {
      externalProductId: 'B00ASIN',
      externalVariantId: null,
      externalStockId: 'SELLER-SKU-9',
      sku: 'NOT-IN-HUB',
      title: 'Lamp',
      levels: [],
      channelData: { productType: 'LAMP', marketplaceIds: ['A1PA6795UKMFR9'] },
    },
  ];
  return {
    type: 'amazon',
    limits: { stockBatchSize: 1, rateLimitModel: 'requests', ordersNeedPolling: true, supportsPickup: false },
    verifyWebhook: unused,
    pollOrders: unused,
    fetchOrder: unused,
    interpret: unused,
    pushStock: unused,
    pushFulfilment: unused,
    testConnection: unused,
    async *discoverListings() {
      yield* candidates;
    },
    normaliseChannelData(data: ChannelData): ChannelData {
      if (typeof data.productType !== 'string' || !data.productType.trim()) {
        throw new ChannelDataError('productType', 'the Amazon product type is required (e.g. LAMP)');
      }
      return { ...data, productType: data.productType.trim().toUpperCase() };
    },
  };
}

describe.each(testDatabases())('channel data and the fulfilled-by-channel flag in the API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db, { connectors: { amazon: fakeMarketplace() } });
    await seedLocation(db.prisma, 'wh');
    await createAccount(db.prisma, h.secretKey, {
      id: 'amz',
      type: 'amazon',
      name: 'Amazon EU',
      credentials: { refreshToken: 'x' },
    });
    await db.prisma.channelLocation.create({ data: { accountId: 'amz', locationId: 'wh' } });
    await seedSku(db.prisma, 'LAMP-1');
    await seedSku(db.prisma, 'LAMP-2');
  });
  afterAll(() => db?.close());

  it('stores the channel data the connector shaped, shows it, and refuses it by field', async () => {
    const r = await h.call('POST', '/api/v1/listings', {
      body: {
        accountId: 'amz',
        sku: 'LAMP-1',
        externalStockId: 'LAMP-1',
        channelData: { productType: ' lamp ', marketplaceIds: ['A1PA6795UKMFR9'] },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.channelData).toEqual({ productType: 'LAMP', marketplaceIds: ['A1PA6795UKMFR9'] });
    const list = await h.call('GET', '/api/v1/listings?accountId=amz');
    expect(list.body.data[0].channelData).toEqual({ productType: 'LAMP', marketplaceIds: ['A1PA6795UKMFR9'] });

    const refused = await h.call('POST', '/api/v1/listings', {
      body: { accountId: 'amz', sku: 'LAMP-2', channelData: { marketplaceIds: [] } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([
      { path: 'channelData.productType', message: 'the Amazon product type is required (e.g. LAMP)' },
    ]);
    const notObject = await h.call('POST', '/api/v1/listings', {
      body: { accountId: 'amz', sku: 'LAMP-2', channelData: ['LAMP'] },
    });
    expect(notObject.status).toBe(400);
    expect(notObject.body.error.fields[0].path).toBe('channelData');
    expect(await db.prisma.listing.count({ where: { skuId: 'sku-LAMP-2' } })).toBe(0);
  });

  it('shows discovered items with their channel data, to link them unchanged', async () => {
    const r = await h.call('GET', '/api/v1/channel-accounts/amz/unmapped-skus');
    expect(r.status).toBe(200);
    expect(r.body.channelItemsWithoutHubSku).toEqual([
      expect.objectContaining({
        sku: 'NOT-IN-HUB',
        externalStockId: 'SELLER-SKU-9',
        channelData: { productType: 'LAMP', marketplaceIds: ['A1PA6795UKMFR9'] },
      }),
    ]);
  });

  it('shows an order fulfilled by the channel as such, and refuses to pick it', async () => {
    const fba = await ingestOrder(
      db.prisma,
      'amz',
      draft('FBA-9', [{ sku: 'LAMP-1', quantity: 1 }], { fulfilledByChannel: true }),
    );
    const own = await ingestOrder(db.prisma, 'amz', draft('MFN-9', [{ sku: 'LAMP-1', quantity: 1 }], {}));
    expect((await h.call('GET', `/api/v1/orders/${fba.orderId}`)).body.fulfilledByChannel).toBe(true);
    expect((await h.call('GET', `/api/v1/orders/${own.orderId}`)).body.fulfilledByChannel).toBe(false);
    const page = await h.call('GET', '/api/v1/orders?limit=10');
    const flags = Object.fromEntries(
      page.body.data.map((o: { externalId: string; fulfilledByChannel: boolean }) => [
        o.externalId,
        o.fulfilledByChannel,
      ]),
    );
    expect(flags).toEqual({ 'FBA-9': true, 'MFN-9': false });
    const pick = await h.call('POST', `/api/v1/orders/${fba.orderId}/pick`);
    expect(pick.status).toBe(409);
    expect(pick.body.error.message).toMatch(/fulfilled by the channel/);
  });

  it('documents both in the OpenAPI document', async () => {
    const doc = (await h.call('GET', '/openapi.json', { key: null })).body;
    expect(doc.components.schemas.Listing.properties.channelData).toBeDefined();
    expect(doc.components.schemas.NewListing.properties.channelData).toBeDefined();
    expect(doc.components.schemas.OrderListItem.properties.fulfilledByChannel.type).toBe('boolean');
  });
});
