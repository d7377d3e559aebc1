// The channel's own sales the hub has heard of but not applied: new orders waiting in the
// account's inbox (the webhook is stored, the inbox processor has not reached it yet). The
// channel took their units off its stock when it sold them; until the orders land, the hub's
// estimate of what the channel shows is that much too high, and a compare-and-set write from it
// is refused (see withUnlandedSales in core/inventory/allocation.ts). Only fresh events count
// (never tried: one that failed may not land soon) and only orders the hub does not hold yet,
// as the inbox would take their units off the belief when it creates them (beliefs.ts).
// skus-in-flight.ts reads the same events for reconciliation (which SKUs, not how many units).
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { OrderDraft } from '../../core/order/schema.ts';
import type { AccountContext, ChannelConnector } from '../../connectors/connector.ts';
import { pendingDraft } from './pending-drafts.ts';

/** Waiting events looked at per push: the inbox is normally a few events behind. */
const LOOK_AT = 200;

/** Units per SKU id sold in new orders waiting in the account's inbox. */
export async function unlandedSales(
  prisma: PrismaClient,
  account: AccountContext,
  connector: Pick<ChannelConnector, 'interpret'>,
): Promise<Map<string, number>> {
  const events = await prisma.inboxEvent.findMany({
    where: { accountId: account.id, processedAt: null, attempts: 0 },
    orderBy: { id: 'asc' },
    take: LOOK_AT,
    select: { externalEventId: true, topic: true, occurredAt: true, payload: true },
  });
  if (events.length === 0) return new Map();
  const drafts = new Map<string, OrderDraft>();
  for (const e of events) {
    const read = pendingDraft(connector, account, e);
    const draft = read === 'pointer' ? null : read;
    // Several events of one order: its lines once (the first that says what was sold).
    // As applyOrder (inbox-orders.ts): a sale from the channel's own stock (FBA) took nothing off the listing.
    if (draft && !draft.state.cancelled && !draft.fulfilledByChannel && !drafts.has(draft.externalId))
      drafts.set(draft.externalId, draft);
  }
  if (drafts.size === 0) return new Map();
  const known = await prisma.order.findMany({
    where: { accountId: account.id, externalId: { in: [...drafts.keys()] } },
    select: { externalId: true },
  });
  for (const o of known) drafts.delete(o.externalId);
  const byCode = new Map<string, number>();
  for (const d of drafts.values())
    for (const l of d.lines) if (l.sku && l.quantity > 0) byCode.set(l.sku, (byCode.get(l.sku) ?? 0) + l.quantity);
  if (byCode.size === 0) return new Map();
  const skus = await prisma.sku.findMany({
    where: { code: { in: [...byCode.keys()] } },
    select: { id: true, code: true },
  });
  return new Map(skus.map((s) => [s.id, byCode.get(s.code) ?? 0]));
}
