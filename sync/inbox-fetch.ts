// An event that only points at an order, or lacks something core needs (a Shopify webhook
// body does not say whether the order is a local pickup): the order is read from the channel
// and stored as a new inbox event. When it cannot be read — the channel is down, refuses the
// credentials, or does not know the order — the order the event itself describes is recorded
// provisionally (what it cannot say marked unconfirmed), so that it is never missing from the
// hub; the event stays to be read again and completes the order then.
import { markProcessed, pendingEvent, type StoredEvent, storeEvents } from '../core/inbox/inbox.ts';
import type { AccountContext, InboundEvent, InterpretedEvent } from '../connectors/connector.ts';
import type { FetchOrderOnce } from './order-fetcher.ts';
import type { InboxDeps } from './inbox-processor.ts';
import { type AuthGate, type Outcome, permanentFailure, waitForCredentials } from './inbox-failures.ts';
import { recordProvisional } from './inbox-orders.ts';
import { heldOrderVersions } from './orders-poll.ts';

type FetchMeaning = Extract<InterpretedEvent, { kind: 'fetch' }>;

export async function resolvePointer(
  deps: InboxDeps,
  account: AccountContext,
  /** The batch's reader (order-fetcher.ts): one read per order, however many events point at it. */
  fetchOrder: FetchOrderOnce,
  gate: AuthGate,
  event: StoredEvent,
  meaning: FetchMeaning,
  now: Date,
  /**
   * The versions the hub held when the batch began (ordersToRead's answer), for an event no
   * earlier event of its order in this batch may have moved on; without it, asked afresh.
   */
  heldAtStart?: ReadonlyMap<string, string>,
): Promise<Outcome & { read?: StoredEvent | null }> {
  const have = heldAtStart
    ? heldAtStart.get(meaning.externalOrderId)
    : (await heldOrderVersions(deps.prisma, account.id)([meaning.externalOrderId])).get(meaning.externalOrderId);
  if (covers(have, meaning)) {
    // A late delivery (the shop retries for hours) of a version the hub already holds whole, or
    // a pointer to a change a full read (the poll's) has brought since: the read would cost a
    // full order query (Amazon: 0.5 a second) and bring nothing the hub lacks. Newer versions
    // come with their own webhook or the poll; refunds are read by the poll (orders.ts).
    await markProcessed(deps.prisma, event.id, now);
    return { outcome: 'processed', retryAfterMs: null };
  }
  if (gate.unavailable) return { outcome: 'waiting', retryAfterMs: null }; // read at the run's retry
  if (gate.refused) {
    await provisionally(deps, account, meaning, now);
    return waitForCredentials(deps.prisma, event);
  }
  let fetched: InboundEvent | null;
  try {
    fetched = await fetchOrder(meaning.externalOrderId);
  } catch (error) {
    await provisionally(deps, account, meaning, now);
    throw error;
  }
  if (!fetched) {
    await provisionally(deps, account, meaning, now);
    throw permanentFailure(`the channel does not know order ${meaning.externalOrderId}`);
  }
  await deps.prisma.$transaction(async (tx) => {
    await storeEvents(tx, account.id, [fetched]);
    await markProcessed(tx, event.id, now);
  });
  // The order read is applied now, in this run: left for a later one, it waited behind every
  // pointer still unread, and when the channel's quota ran out each run stopped at the first of
  // those (the full multi drill's Amazon orders: read, stored, never applied). The read may be
  // a version already stored and still pending (the poll read it first): that event is applied.
  const read = await pendingEvent(deps.prisma, account.id, fetched.externalEventId);
  return { outcome: 'processed', retryAfterMs: null, read };
}

/** Whether the hub holds the order confirmed (not provisionally) at the event's version or newer; the poll's rule. */
function covers(have: string | undefined, meaning: FetchMeaning): boolean {
  const version = meaning.provisional?.channelUpdatedAt ?? meaning.changedAt;
  if (!version) return false; // a pure pointer says nothing of its version: read it
  return have !== undefined && Date.parse(have) >= Date.parse(version);
}

/**
 * The orders a batch's pointer events will read (covers' rule, one query for the batch): what
 * order-fetcher.ts groups; and the versions held, which the batch's first event of each order reuses.
 */
export async function ordersToRead(
  deps: InboxDeps,
  accountId: string,
  meanings: FetchMeaning[],
): Promise<{ toRead: string[]; held: ReadonlyMap<string, string> }> {
  if (!meanings.length) return { toRead: [], held: new Map() };
  const held = await heldOrderVersions(deps.prisma, accountId)([...new Set(meanings.map((m) => m.externalOrderId))]);
  const toRead = [
    ...new Set(meanings.filter((m) => !covers(held.get(m.externalOrderId), m)).map((m) => m.externalOrderId)),
  ];
  return { toRead, held };
}

async function provisionally(
  deps: InboxDeps,
  account: AccountContext,
  meaning: FetchMeaning,
  now: Date,
): Promise<void> {
  if (!meaning.provisional) return;
  try {
    await recordProvisional(deps, account, meaning.provisional, now);
  } catch (error) {
    // The event stays pending either way: the read, when it works, records the order.
    deps.logger.warn(
      {
        accountId: account.id,
        externalOrderId: meaning.externalOrderId,
        error: String((error as Error)?.message ?? error),
      },
      'provisional order could not be recorded',
    );
  }
}
