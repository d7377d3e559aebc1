// Reads the orders a batch of inbox events points at, once each. eBay sends one pointer per
// line item and the inbox groups a batch's events by order, so without this each event of an
// order would read it again. When the connector reads many orders in one call (fetchOrders,
// at most limits.fetchOrdersMax ids), the batch's ids are read in ceil(ids / max) calls; else
// one fetchOrder() per order. A chunk is read when the first of its orders is asked for, and
// every event of the batch asking for that order gets the same answer (or the same error).
import type { AccountContext, ChannelConnector, InboundEvent } from '../connectors/connector.ts';

export type FetchOrderOnce = (externalOrderId: string) => Promise<InboundEvent | null>;

export function batchOrderFetcher(
  connector: ChannelConnector,
  account: AccountContext,
  /** The order ids the batch's pointer events name (duplicates are fine). */
  externalOrderIds: readonly string[],
): FetchOrderOnce {
  const reads = new Map<string, Promise<InboundEvent | null>>();
  const fetchOrders = connector.fetchOrders?.bind(connector);
  const max = Math.max(1, Math.floor(connector.limits.fetchOrdersMax ?? 1));
  const chunkOf = new Map<string, string[]>();
  if (fetchOrders) {
    const ids = [...new Set(externalOrderIds)];
    for (let i = 0; i < ids.length; i += max) {
      const chunk = ids.slice(i, i + max);
      for (const id of chunk) chunkOf.set(id, chunk);
    }
  }
  return (id) => {
    const known = reads.get(id);
    if (known) return known;
    const chunk = chunkOf.get(id);
    if (!fetchOrders || !chunk) {
      const one = connector.fetchOrder(account, id);
      reads.set(id, one);
      return one;
    }
    const many = fetchOrders(account, chunk);
    for (const c of chunk) {
      const read = many.then((found) => found.get(c) ?? null);
      // An order of the chunk no event asks for any more (the run stopped early) must not
      // surface its failure as an unhandled rejection; the askers still get it.
      read.catch(() => {});
      reads.set(c, read);
    }
    return reads.get(id) as Promise<InboundEvent | null>;
  };
}
