// Turns an account's pending inbox events into core changes, oldest first: the connector
// says what an event means (interpret is pure), core applies it once (orders upsert under a
// row lock and ignore stale payloads; returns apply once per return id), and the event is
// marked processed. A pointer event is resolved by fetching the order and storing it as a new
// event (inbox-fetch.ts). An event that cannot be applied is never dropped out of sight: each
// failure is treated by its kind (inbox-failures.ts) and ends, when nothing else can be tried,
// as an open exception a person can replay; its message never carries a credential.
import { authRefusedAt } from '../core/accounts/auth-status.ts';
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import { markProcessed, noteWaiting, pendingEvents, type StoredEvent } from '../core/inbox/inbox.ts';
import type { Logger } from '../core/log.ts';
import type { HubMetrics } from '../core/metrics/hub-metrics.ts';
import { resolveChannelLocation } from '../core/accounts/channel-locations.ts';
import { recordReturn } from '../core/orders/returns.ts';
import type { AccountContext, ChannelConnector, InboundEvent, InterpretedEvent } from '../connectors/connector.ts';
import { withBoundedWaits } from './account-services.ts';
import { type AccountCache, type AccountSource, type ConnectorRegistry, openAccount } from './connectors.ts';
import { ordersToRead, resolvePointer } from './inbox-fetch.ts';
import { batchOrderFetcher, type FetchOrderOnce } from './order-fetcher.ts';
import { type AuthGate, describeError, handleFailure, type Outcome, permanentFailure } from './inbox-failures.ts';
import { applyCounts } from './inbox-counts.ts';
import { applyOrder } from './inbox-orders.ts';

export interface InboxDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  accountCache?: AccountCache;
  /** Completes a loaded account (in-memory tokens, shared rate limiter, mid-run refresh). */
  decorate?: AccountSource['decorate'];
  logger: Logger;
  clock: Clock;
  /** Counts the oversells the orders reveal (omnihub_oversells_total). */
  metrics?: Pick<HubMetrics, 'oversells'>;
}

export interface InboxRun {
  processed: number;
  failed: number;
  /** Left pending without spending an attempt: returns whose order has not arrived yet, events that need the channel while it refuses the account's credentials. */
  waiting: number;
  /** The run stopped at its limit: more events are pending. */
  more: boolean;
  /** The channel was unavailable (a fetch failed retryably): run again later. */
  retryAfterMs: number | null;
}

/**
 * Longest wait for a channel's rate limit within an inbox run. Past it a read counts as throttled:
 * it waits for the run's retry while the rest of the inbox is applied. Waiting in the run instead
 * held the account's inbox for as long as the quota took (Amazon's getOrder: 2 s a read, so a
 * backlog of 1,000 pointers held the poll's full reads for half an hour).
 */
export const INBOX_RATE_WAIT_MS = 1000;

/** A return may arrive before its order; after this long (on the hub's clock) without the order it counts as failed. */
export const WAIT_FOR_ORDER_MS = 7 * 24 * 3600_000;

export async function processInbox(
  deps: InboxDeps,
  accountId: string,
  opts: { limit?: number; concurrency?: number } = {},
): Promise<InboxRun> {
  const run: InboxRun = { processed: 0, failed: 0, waiting: 0, more: false, retryAfterMs: null };
  const handle = await openAccount(deps, accountId);
  if (!handle) return run;
  const { connector } = handle;
  const account = withBoundedWaits(handle.account, INBOX_RATE_WAIT_MS);
  const gate: AuthGate = { refused: (await authRefusedAt(deps.prisma, accountId)) !== null };
  const limit = opts.limit ?? 500;
  const tried = new Set<bigint>();
  // Once the channel cannot be read (throttled, down), events that need a read wait for the
  // retry, and so do the topics they came in (Amazon's ORDER_CHANGE): the rest of the account's
  // inbox goes on. Stopping the run at the first such event held back, behind a backlog of
  // pointers, the full orders the poll had read meanwhile (the full multi drill's Amazon).
  const waitingTopics = new Set<string>();
  let spent = 0;
  // Pointer topics the connector declares are read after the rest, newest first (ConnectorLimits.pointerTopics).
  const pointerTopics = connector.limits.pointerTopics ?? [];
  let pointersPass = false;
  for (;;) {
    const events = await pendingEvents(deps.prisma, {
      accountId,
      limit: 100,
      skipIds: [...tried],
      skipTopics: pointersPass ? [...waitingTopics] : [...waitingTopics, ...pointerTopics],
      ...(pointersPass ? { newestOf: pointerTopics } : {}),
    });
    if (events.length === 0) {
      if (pointersPass || pointerTopics.length === 0) return run;
      pointersPass = true;
      continue;
    }
    const batch = events.slice(0, Math.max(0, limit - spent));
    for (const e of batch) tried.add(e.id);
    // Events of one order keep their order, except that reads come last: a full version of the
    // order in the same batch may cover them (inbox-fetch.ts covers()), and an order is never
    // moved backwards by applying a newer version first (orders keep the latest). Different
    // orders are applied side by side (core serialises what must be: an order's row, a stock
    // level's row).
    const groups = new Map<string, { event: StoredEvent; meaning: InterpretedEvent | Error }[]>();
    for (const event of batch) {
      const meaning = interpretSafely(connector, account, event);
      const key = orderKey(meaning) ?? `event:${event.id}`;
      groups.set(key, [...(groups.get(key) ?? []), { event, meaning }]);
    }
    for (const group of groups.values()) group.sort((a, b) => Number(isRead(a.meaning)) - Number(isRead(b.meaning)));
    // Each order the batch's pointers name is read once (several per call where the channel allows).
    const pointers = [...groups.values()].flatMap((g) =>
      g.flatMap(({ meaning }) => (isRead(meaning) ? [meaning] : [])),
    );
    const { toRead, held } = await ordersToRead(deps, accountId, pointers);
    const fetchOrder = batchOrderFetcher(connector, account, toRead);
    await eachLimit([...groups.values()], opts.concurrency ?? 4, async (group) => {
      for (const [i, { event, meaning }] of group.entries()) {
        // The channel is unavailable: a read waits for the retry, unless what the hub holds covers it.
        if (run.retryAfterMs !== null && isRead(meaning)) waitingTopics.add(event.topic);
        spent += 1;
        // Only the first event of an order finds it as the batch began; a later one asks again.
        const reader = {
          fetchOrder,
          heldAtStart: i === 0 ? held : undefined,
          interpret: (e: StoredEvent) => interpretSafely(connector, account, e),
          tried,
        };
        const { outcome, retryAfterMs, also } = await processOne(
          deps,
          account,
          reader,
          gate,
          event,
          meaning,
          deps.clock.now(),
        );
        run[outcome] += 1;
        // The order read for a pointer, applied at once (and marked tried): counted.
        for (const a of also ?? []) run[a.outcome] += 1;
        if (retryAfterMs !== null) {
          run.retryAfterMs = retryAfterMs;
          gate.unavailable = true;
          waitingTopics.add(event.topic);
        }
      }
    });
    if (spent >= limit) {
      run.more = true;
      return run;
    }
  }
}

/** Whether applying the event needs the channel (a pointer read). */
function isRead(meaning: InterpretedEvent | Error): meaning is Extract<InterpretedEvent, { kind: 'fetch' }> {
  return !(meaning instanceof Error) && meaning.kind === 'fetch';
}

export function toInbound(
  event: Pick<StoredEvent, 'externalEventId' | 'topic' | 'occurredAt' | 'payload'>,
): InboundEvent {
  return {
    externalEventId: event.externalEventId,
    topic: event.topic,
    occurredAt: event.occurredAt ? event.occurredAt.toISOString() : null,
    payload: event.payload,
  };
}

function interpretSafely(
  connector: ChannelConnector,
  account: AccountContext,
  event: StoredEvent,
): InterpretedEvent | Error {
  try {
    return connector.interpret(account, toInbound(event));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function orderKey(meaning: InterpretedEvent | Error): string | null {
  const id = meaning instanceof Error ? null : orderIdOf(meaning);
  return id === null ? null : `order:${id}`;
}

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

const done = (outcome: Outcome['outcome']): Outcome => ({ outcome, retryAfterMs: null });

async function processOne(
  deps: InboxDeps,
  account: AccountContext,
  reader: {
    fetchOrder: FetchOrderOnce;
    heldAtStart: ReadonlyMap<string, string> | undefined;
    interpret(event: StoredEvent): InterpretedEvent | Error;
    /** Events this run has tried: an order read twice (two pointers) is applied once. */
    tried: Set<bigint>;
  },
  gate: AuthGate,
  event: StoredEvent,
  meaning: InterpretedEvent | Error,
  now: Date,
): Promise<Outcome & { also?: { id: bigint; outcome: Outcome['outcome'] }[] }> {
  try {
    // interpret() is pure: what it cannot map now it never will.
    if (meaning instanceof Error) throw permanentFailure(`does not map: ${describeError(meaning)}`, meaning);
    switch (meaning.kind) {
      case 'order':
        await applyOrder(deps, account, meaning.draft, now);
        break;
      case 'return': {
        const r = await applyReturn(deps, account, meaning, now);
        if (r.skipped === 'unknown_order') {
          const patience = meaning.waitForOrderMs ?? WAIT_FOR_ORDER_MS;
          if (event.occurredAt && now.getTime() - event.occurredAt.getTime() > patience) {
            throw permanentFailure(`order ${meaning.externalOrderId} never arrived`);
          }
          // Not a failure: the order is on its way (webhooks arrive in any order). No attempt is spent.
          await noteWaiting(deps.prisma, event.id, `waiting for order ${meaning.externalOrderId}`);
          return done('waiting');
        }
        break;
      }
      case 'fetch': {
        const resolved = await resolvePointer(
          deps,
          account,
          reader.fetchOrder,
          gate,
          event,
          meaning,
          now,
          reader.heldAtStart,
        );
        if (!resolved.read || reader.tried.has(resolved.read.id)) return resolved;
        // The order just read: applied at once (its own outcome; it stays pending if that fails).
        const read = resolved.read;
        reader.tried.add(read.id);
        const applied = await processOne(deps, account, reader, gate, read, reader.interpret(read), now);
        return {
          outcome: resolved.outcome,
          retryAfterMs: resolved.retryAfterMs,
          also: [{ id: read.id, outcome: applied.outcome }],
        };
      }
      case 'count':
        await applyCounts(deps, account.id, meaning.counts, meaning.receipts);
        break;
      case 'ignored':
        break;
    }
    await markProcessed(deps.prisma, event.id, now);
    return done('processed');
  } catch (error) {
    return handleFailure(deps, account, gate, event, error, meaning instanceof Error ? null : orderIdOf(meaning));
  }
}

/**
 * A return the channel reported: on an order of its own, or of another account (a web order
 * brought back to a store's till), which the hub then restocks and tells of the refund. The goods
 * go back on hand where they arrived (the draft's restockLocation, a location of the reporting
 * account), else where they left from.
 */
async function applyReturn(
  deps: InboxDeps,
  account: AccountContext,
  meaning: Extract<InterpretedEvent, { kind: 'return' }>,
  now: Date,
) {
  const ref = meaning.draft.restockLocation;
  const restockLocationId = ref ? await resolveChannelLocation(deps.prisma, account.id, ref.externalId) : null;
  if (ref && !restockLocationId) {
    throw permanentFailure(`location ${ref.externalId} is not linked to account ${account.id} (externalLocationId)`);
  }
  const orderAccountId = meaning.orderAccountId ?? account.id;
  return recordReturn(deps.prisma, orderAccountId, meaning.externalOrderId, meaning.draft, {
    now,
    actor: `channel:${account.id}`,
    byHub: orderAccountId !== account.id,
    restockLocationId,
    clock: account.id,
  });
}

function orderIdOf(meaning: InterpretedEvent): string | null {
  if (meaning.kind === 'order') return meaning.draft.externalId;
  if (meaning.kind === 'return' || meaning.kind === 'fetch') return meaning.externalOrderId;
  return null;
}
