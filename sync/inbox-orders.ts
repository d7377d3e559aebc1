// Orders from the inbox into core: a confirmed order as it is, and a provisional one (the
// order an event describes while the read that completes it cannot be made) without ever
// overwriting what the hub already knows better.
import type { OrderDraft } from '../core/order/schema.ts';
import { ingestOrder } from '../core/orders/ingest.ts';
import { releaseProvisionalStock } from '../core/orders/provisional.ts';
import type { AccountContext } from '../connectors/connector.ts';
import type { InboxDeps } from './inbox-processor.ts';
import { takeSoldUnits } from './stock/beliefs.ts';

export async function applyOrder(
  deps: Pick<InboxDeps, 'prisma' | 'metrics'>,
  account: AccountContext,
  draft: OrderDraft,
  now: Date,
): Promise<void> {
  const { prisma } = deps;
  // A pickup confirmed for an order first recorded as a provisional shipment: its stock moves to the store.
  if (draft.fulfilmentMethod === 'pickup' && !draft.unconfirmed.includes('fulfilmentMethod')) {
    await releaseProvisionalStock(prisma, account.id, draft.externalId);
  }
  const r = await ingestOrder(prisma, account.id, draft, { now });
  if (r.newOversells.length) deps.metrics?.oversells.inc({ channel: account.type }, r.newOversells.length);
  // A sale from the channel's own stock (FBA) took nothing off what the hub advertises.
  if (r.created && !r.stale && !draft.state.cancelled && !draft.fulfilledByChannel) {
    const units = new Map<string, number>();
    for (const l of draft.lines) {
      const code = r.lineSkuCodes.get(l.channelLineId) ?? l.sku;
      if (code) units.set(code, (units.get(code) ?? 0) + l.quantity);
    }
    await takeSoldUnits(prisma, account.id, units);
  }
}

/**
 * Records the order an event describes when the channel cannot be read to complete it. Skipped
 * when the hub holds this version of the order or a newer one; when the hub already knows how the
 * order is delivered, that knowledge is kept rather than replaced by a provisional value.
 */
export async function recordProvisional(
  deps: Pick<InboxDeps, 'prisma' | 'metrics'>,
  account: AccountContext,
  draft: OrderDraft,
  now: Date,
): Promise<void> {
  const { prisma } = deps;
  const accountId = account.id;
  const stored = await prisma.order.findUnique({
    where: { accountId_externalId: { accountId, externalId: draft.externalId } },
    select: { channelUpdatedAt: true, unconfirmed: true, fulfilmentMethod: true, pickupLocationId: true },
  });
  if (stored && stored.channelUpdatedAt.getTime() >= Date.parse(draft.channelUpdatedAt)) return;
  let d = draft;
  if (stored && !stored.unconfirmed.includes('fulfilmentMethod') && draft.unconfirmed.includes('fulfilmentMethod')) {
    const pickupLocation = stored.pickupLocationId
      ? await prisma.channelLocation.findUnique({
          where: { accountId_locationId: { accountId, locationId: stored.pickupLocationId } },
          select: { externalLocationId: true },
        })
      : null;
    if (stored.fulfilmentMethod === 'ship' || pickupLocation?.externalLocationId) {
      d = {
        ...draft,
        fulfilmentMethod: stored.fulfilmentMethod,
        pickupLocation: pickupLocation?.externalLocationId ? { externalId: pickupLocation.externalLocationId } : null,
        unconfirmed: draft.unconfirmed.filter((f) => f !== 'fulfilmentMethod'),
      };
    }
  }
  await applyOrder(deps, account, d, now);
}
