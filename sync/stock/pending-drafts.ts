// What an order event waiting in the inbox says was sold, read through the connector's pure
// interpret() before the inbox processor applies it. Push planning (unlanded.ts: how many
// units) and reconciliation (skus-in-flight.ts: which SKUs) both look ahead this way.
import type { OrderDraft } from '../../core/order/schema.ts';
import type { AccountContext, ChannelConnector } from '../../connectors/connector.ts';
import { toInbound } from '../inbox-processor.ts';

type PendingEvent = { externalEventId: string; topic: string; occurredAt: Date | null; payload: unknown };

/**
 * The order the event describes; 'pointer' when it only points at an order (the channel must be
 * read to know what was sold); null when it is no order (a refund, an ignored topic) or never
 * applies (it does not map: the inbox processor files it as an exception).
 */
export function pendingDraft(
  connector: Pick<ChannelConnector, 'interpret'>,
  account: AccountContext,
  event: PendingEvent,
): OrderDraft | 'pointer' | null {
  try {
    const meaning = connector.interpret(account, toInbound(event));
    if (meaning.kind === 'order') return meaning.draft;
    if (meaning.kind === 'fetch') return meaning.provisional ?? 'pointer';
    return null;
  } catch {
    return null;
  }
}
