// A small world for the customer's status page and notifications: a warehouse, a store with
// opening hours that offers pickup, one channel account, and orders taken through the real
// paths (ingestion, ship, ready for pickup, invoice).
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { AppEnv } from '../../api/app.ts';
import { createStatusRoutes } from '../../api/status/routes.tsx';
import type { ManualClock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { archiveStores } from '../../core/documents/archive/stores.ts';
import { issueInvoice } from '../../core/documents/issue.ts';
import { shipOrder } from '../../core/orders/actions.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { markReadyForPickup } from '../../core/orders/pickup-actions.ts';
import { seedMerchant } from '../documents/helpers.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedLocation, seedSku, stock } from '../support/seed.ts';

export const ACCOUNT = 'shop-status';
export const STORE_HOURS = {
  mon: [{ open: '09:00', close: '18:00' }],
  sat: [{ open: '10:00', close: '16:00' }],
};

export async function seedWorld(prisma: PrismaClient) {
  await seedLocation(prisma, 'wh');
  await seedLocation(prisma, 'store-b', 'store');
  await prisma.location.update({
    where: { id: 'store-b' },
    data: { name: 'Berlin Mitte', timezone: 'Europe/Berlin', openingHours: STORE_HOURS },
  });
  await seedAccount(prisma, ACCOUNT, [{ locationId: 'wh' }, { locationId: 'store-b', externalLocationId: 'STORE-B' }]);
  for (const code of ['TEE', 'MUG']) {
    const sku = await seedSku(prisma, code);
    await stock(prisma, sku.id, 'wh', 50);
    await stock(prisma, sku.id, 'store-b', 50);
  }
  await seedSku(prisma, 'RARE');
  await seedMerchant(prisma);
}

async function orderId(prisma: PrismaClient, externalId: string): Promise<string> {
  const o = await prisma.order.findUniqueOrThrow({
    where: { accountId_externalId: { accountId: ACCOUNT, externalId } },
  });
  return o.id;
}

/** An order shipped in one parcel with tracking, invoiced. */
export async function shippedOrder(prisma: PrismaClient, clock: ManualClock, language: string) {
  const ext = `S-${randomUUID().slice(0, 8)}`;
  await ingestOrder(prisma, ACCOUNT, draft(ext, [{ sku: 'TEE', quantity: 2, title: 'T-shirt blue' }]), {
    now: clock.now(),
  });
  const id = await orderId(prisma, ext);
  await prisma.order.update({ where: { id }, data: { language } });
  await shipOrder(
    prisma,
    id,
    { tracking: { company: 'DHL', number: 'JJD000390007', url: 'https://track.example/JJD000390007' } },
    'key:test',
    clock,
  );
  const { document } = await issueInvoice({ prisma, store: archiveStores(prisma, undefined).active, clock }, id);
  return { id, ext, invoiceId: document.id, invoiceNumber: document.number };
}

/** A click-and-collect order at the Berlin store, made ready (pickup code issued). */
export async function pickupOrder(prisma: PrismaClient, clock: ManualClock, language: string) {
  const ext = `P-${randomUUID().slice(0, 8)}`;
  await ingestOrder(
    prisma,
    ACCOUNT,
    draft(ext, [{ sku: 'MUG', quantity: 1, title: 'Mug' }], {
      fulfilmentMethod: 'pickup',
      pickupLocation: { externalId: 'STORE-B' },
    }),
    { now: clock.now() },
  );
  const id = await orderId(prisma, ext);
  await prisma.order.update({ where: { id }, data: { language } });
  const ready = await markReadyForPickup(prisma, id, 'key:test', clock);
  return { id, ext, pickupCode: ready.pickupCode };
}

/** An order for a SKU with no stock: held, short of stock. */
export async function shortOrder(prisma: PrismaClient, clock: ManualClock) {
  const ext = `H-${randomUUID().slice(0, 8)}`;
  await ingestOrder(prisma, ACCOUNT, draft(ext, [{ sku: 'RARE', quantity: 1 }]), { now: clock.now() });
  return { id: await orderId(prisma, ext), ext };
}

/** The status routes mounted as the hub mounts them. */
export function statusApp(prisma: PrismaClient, clock: ManualClock) {
  const app = new Hono<AppEnv>();
  app.route(
    '/o',
    createStatusRoutes({
      prisma,
      clock,
      logger: { info() {}, warn() {}, error() {} },
      documentStores: archiveStores(prisma, undefined),
    }),
  );
  return app;
}
