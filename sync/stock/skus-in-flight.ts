// Which SKUs a channel may have sold in orders the hub holds but has not applied yet: the
// account's pending inbox events, read through the connector's pure interpret(). Reconcile
// leaves a lower channel value of those SKUs alone (their sale is on its way) and repairs the
// others, so that a busy account — one whose inbox is never empty — still gets its repairs.
import type { AccountContext, ChannelConnector } from '../../connectors/connector.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { pendingEvents } from '../../core/inbox/inbox.ts';
import { pendingDraft } from './pending-drafts.ts';

/** Beyond this many pending events, reading them costs more than waiting: every SKU counts as in flight. */
export const MAX_EVENTS_READ = 500;

/** SKU codes named by pending events, or 'all' when some event cannot say (a pure pointer, too many events). */
export async function skusInFlight(
  prisma: PrismaClient,
  connector: ChannelConnector,
  account: AccountContext,
): Promise<Set<string> | 'all'> {
  const events = await pendingEvents(prisma, { accountId: account.id, limit: MAX_EVENTS_READ + 1 });
  if (events.length > MAX_EVENTS_READ) return 'all';
  const codes = new Set<string>();
  for (const event of events) {
    const draft = pendingDraft(connector, account, event);
    if (draft === 'pointer') return 'all'; // only points at an order: any SKU
    for (const line of draft?.lines ?? []) {
      if (line.sku !== null) codes.add(line.sku);
      // Matched later by the channel's item id (core/orders/line-skus.ts): it may be any SKU.
      else if (line.externalVariantId || line.externalProductId) return 'all';
      // Neither: a custom item, never stock.
    }
  }
  return codes;
}
