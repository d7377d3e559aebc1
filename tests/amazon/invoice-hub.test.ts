// Invoices of Amazon orders reach Amazon by themselves: issuing one writes an outbox row in the
// same transaction, the synchronizer uploads it once (a sweep after the job was lost does not
// upload it again), and an order Amazon ships itself gets nothing uploaded, with the reason kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmazonConnector } from '../../connectors/amazon/connector.ts';
import { type AmazonSimulator, createAmazonSimulator } from '../../connectors/amazon/simulator/index.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { setAppCredentials } from '../../core/accounts/channel-apps.ts';
import type { Database } from '../../core/db/database.ts';
import { issueInvoice } from '../../core/documents/issue.ts';
import { archiveStores } from '../../core/documents/archive/stores.ts';
import { ConnectorError } from '../../connectors/connector.ts';
import { replayException } from '../../core/exceptions/replay.ts';
import { DocumentIssuedPayload, pushDocument } from '../../sync/document-push.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { pollAccountOrders } from '../../sync/orders-poll.ts';
import { seedMerchant } from '../documents/helpers.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, start, type World, world } from '../sync/helpers.ts';

const pglite = testDatabases().find((d) => d.kind === 'pglite');
const AMZ = 'amz-eu';
const DE = 'A1PA6795UKMFR9';

describe.runIf(pglite)('Amazon invoice upload from the hub (pglite)', () => {
  let db: Database;
  let w: World;
  let sim: AmazonSimulator;
  let connector: ReturnType<typeof createAmazonConnector>;
  let deps: Parameters<typeof pollAccountOrders>[0] & Parameters<typeof processInbox>[0];

  beforeAll(async () => {
    db = await (pglite as NonNullable<typeof pglite>).open();
    w = await world(db, 0);
    sim = createAmazonSimulator({
      clock: w.clock,
      sellerId: 'A3EUSELLER01',
      refreshToken: 'Atzr|eu',
      marketplaceIds: [DE],
    });
    connector = createAmazonConnector({ clock: w.clock, transport: (req) => sim.fetch(req) });
    await setAppCredentials(
      db.prisma,
      w.key,
      'amazon',
      { lwaClientId: sim.clientId, lwaClientSecret: sim.clientSecret },
      'test',
    );
    await createAccount(db.prisma, w.key, {
      id: AMZ,
      type: 'amazon',
      name: 'Amazon.de',
      credentials: { sellerId: 'A3EUSELLER01', refreshToken: 'Atzr|eu' },
      settings: { marketplaceIds: [DE], region: 'eu' },
    });
    await db.prisma.channelLocation.create({
      data: { accountId: AMZ, locationId: 'wh', externalLocationId: 'DEFAULT' },
    });
    await db.prisma.sku.create({ data: { id: 'sku-LAMP', code: 'LAMP', title: 'Lamp', allocationMode: 'shared' } });
    await adjust(db.prisma, 'sku-LAMP', 'wh', 20, 'receipt');
    sim.addListing({ sku: 'LAMP', productType: 'LAMP', price: '59.50' });
    await seedMerchant(db.prisma);
    deps = { prisma: db.prisma, secretKey: w.key, connectors: { amazon: connector }, logger: w.logger, clock: w.clock };
  });
  afterAll(() => db?.close());

  async function orderFromAmazon(fulfilledBy: 'MERCHANT' | 'AMAZON') {
    const placed = sim.placeOrder({ marketplaceId: DE, fulfilledBy, items: [{ sku: 'LAMP', quantity: 2 }] });
    w.clock.advance(3 * 60_000);
    await pollAccountOrders(deps, AMZ);
    await processInbox(deps, AMZ);
    const order = await db.prisma.order.findFirstOrThrow({ where: { externalId: placed.orderId } });
    return { placed, order };
  }

  it("uploads a merchant-fulfilled order's invoice once, with its number and totals; a lost job's sweep does not upload it again", async () => {
    const { placed, order } = await orderFromAmazon('MERCHANT');
    const store = databaseStore(db.prisma);
    const { document } = await issueInvoice({ prisma: db.prisma, store, clock: w.clock }, order.id);
    const s = await start(w, 'memory', { connectors: { amazon: connector }, clock: w.clock });
    try {
      await eventually(() => sim.seller.vatInvoices.uploads.length === 1, 'the invoice uploaded');
      const [upload] = sim.seller.vatInvoices.uploads;
      expect(upload).toMatchObject({
        orderId: placed.orderId,
        marketplaceId: DE,
        invoiceNumber: document.number,
        documentType: 'Invoice',
        totalAmount: '119.00',
        status: 'Accepted',
      });
      const archived = await store.get(document.id);
      expect(Buffer.from(upload?.pdf ?? []).equals(Buffer.from(archived ?? []))).toBe(true);
      await eventually(
        async () =>
          (await db.prisma.auditLog.count({ where: { entity: 'document_push', entityId: document.id } })) === 1,
        'the upload recorded',
      );
      // A process that never saw the job (its queue is new) sweeps after the row got old enough
      // to count as lost: it must find the outcome recorded and upload nothing.
      await s.stop();
      w.clock.advance(5 * 60_000);
      const later = await start(w, 'memory', { connectors: { amazon: connector }, clock: w.clock });
      await later.runtime.sweep();
      await new Promise((r) => setTimeout(r, 500));
      await later.stop();
      expect(sim.seller.vatInvoices.uploads).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });

  it('an order Amazon ships itself: nothing uploaded, the reason recorded; the same invoice issued again is not sent again', async () => {
    const { order } = await orderFromAmazon('AMAZON');
    const before = sim.seller.vatInvoices.uploads.length;
    const docDeps = { prisma: db.prisma, store: databaseStore(db.prisma), clock: w.clock };
    const { document } = await issueInvoice(docDeps, order.id);
    const s = await start(w, 'memory', { connectors: { amazon: connector }, clock: w.clock });
    try {
      await eventually(
        async () =>
          (await db.prisma.auditLog.count({
            where: { entity: 'document_push', entityId: document.id, action: 'document.push_not_applicable' },
          })) === 1,
        'the reason recorded',
      );
      const again = await issueInvoice(docDeps, order.id);
      expect(again.created).toBe(false);
      expect(
        await db.prisma.outboxEvent.count({
          where: { kind: 'document.issued', payload: { path: ['documentId'], equals: document.id } },
        }),
      ).toBe(1);
      expect(sim.seller.vatInvoices.uploads.length).toBe(before);
    } finally {
      await s.stop();
    }
  });

  it('a refusal for good becomes an open exception naming the invoice, recorded so it is not retried', async () => {
    const { order } = await orderFromAmazon('MERCHANT');
    const store = databaseStore(db.prisma);
    const { document } = await issueInvoice({ prisma: db.prisma, store, clock: w.clock }, order.id);
    const refusing = {
      ...connector,
      uploadDocument: async () => {
        throw new ConnectorError('http_400', 'createFeed: InvalidInput: feedOptions rejected', { retryable: false });
      },
    };
    const payload = DocumentIssuedPayload.parse(
      (
        await db.prisma.outboxEvent.findFirstOrThrow({
          where: { kind: 'document.issued', payload: { path: ['documentId'], equals: document.id } },
        })
      ).payload,
    );
    const pushDeps = { ...deps, connectors: { amazon: refusing }, documentStores: archiveStores(db.prisma, undefined) };
    expect(await pushDocument(pushDeps, payload)).toBe('refused');
    const open = await db.prisma.exceptionItem.findMany({ where: { kind: 'document_push_refused', resolvedAt: null } });
    expect(open.map((e) => [e.orderId, e.message.includes(document.number)])).toEqual([[order.id, true]]);
    expect(await pushDocument(pushDeps, payload)).toBe('already_done');

    // The merchant fixed the cause and replays: the next run uploads it and the exception closes.
    const [ex] = open;
    expect(await replayException(db.prisma, ex as NonNullable<typeof ex>, 'staff:anna', w.clock.now())).toBe('queued');
    const uploads = sim.seller.vatInvoices.uploads.length;
    w.clock.advance(5_000);
    expect(await pushDocument({ ...pushDeps, connectors: { amazon: connector } }, payload)).toBe('pushed');
    expect(sim.seller.vatInvoices.uploads.length).toBe(uploads + 1);
    expect(await db.prisma.exceptionItem.count({ where: { kind: 'document_push_refused', resolvedAt: null } })).toBe(0);
    expect(await pushDocument({ ...pushDeps, connectors: { amazon: connector } }, payload)).toBe('already_done');
  });
});
