// Stock out: absolute "available" quantities with inventorySetQuantities, keyed by
// inventory item x location, in batches of 250 (shopify.dev/docs/api/usage/limits#input-limits:
// "Input arguments that accept an array have a maximum size of 250").
// Compare-and-swap: each quantity carries the value the hub last saw (changeFromQuantity from
// 2026-04, compareQuantity before). When Shopify's value moved meanwhile
// (CHANGE_FROM_QUANTITY_STALE), we re-read the current values and send the hub's target again
// from them: the hub is the source of truth, but we never write blind.
import {
  ConnectorError,
  type StockJournal,
  type StockPushResult,
  type StockRequest,
  type StockUpdate,
} from '../connector.ts';
import type { ShopifyClient } from './client.ts';
import { versionAtLeast } from './config.ts';
import type { UserError } from './payloads.ts';
import {
  INVENTORY_LEVELS_AT_LOCATION_QUERY,
  INVENTORY_SET_QUANTITIES_LEGACY_MUTATION,
  INVENTORY_SET_QUANTITIES_MUTATION,
  OP,
} from './queries.ts';

export const STOCK_BATCH_SIZE = 250;
/** Items per re-read query: about 3 points each, so 100 stay well under the 1,000-point limit. */
const REREAD_BATCH = 100;
/** Rounds of re-read + resend before a batch is handed back as retryable. */
const MAX_STALE_ROUNDS = 3;

/** One item x location to set, after coalescing every update for it in this push. */
interface Entry {
  itemId: string;
  locationId: string;
  quantity: number;
  /** Value to compare against (null = unconditional). */
  from: number | null;
  listingIds: string[];
  /** Set when a re-read found Shopify's value different from what the hub expected. */
  channelPrevious?: number;
}

/**
 * Several updates for the same item x location in one push collapse into one quantity:
 * the last value wins, compared against the first update's previous value (what Shopify
 * should hold before this push). Shopify also refuses duplicate pairs in one call
 * (NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR).
 */
export function coalesce(updates: StockUpdate[]): { entries: Entry[]; invalid: StockPushResult['failed'] } {
  const byKey = new Map<string, Entry>();
  const invalid: StockPushResult['failed'] = [];
  for (const u of updates) {
    if (!u.externalLocationId) {
      invalid.push({
        listingId: u.listingId,
        code: 'missing_location',
        message: 'Shopify stocks per location: externalLocationId is required',
        retryable: false,
      });
      continue;
    }
    if (!Number.isSafeInteger(u.quantity) || u.quantity < 0) {
      invalid.push({
        listingId: u.listingId,
        code: 'invalid_quantity',
        message: `quantity must be a non-negative integer, got ${u.quantity}`,
        retryable: false,
      });
      continue;
    }
    const key = `${u.externalStockId}|${u.externalLocationId}`;
    const found = byKey.get(key);
    if (found) {
      found.quantity = u.quantity;
      if (!found.listingIds.includes(u.listingId)) found.listingIds.push(u.listingId);
    } else {
      byKey.set(key, {
        itemId: u.externalStockId,
        locationId: u.externalLocationId,
        quantity: u.quantity,
        from: u.previousQuantity,
        listingIds: [u.listingId],
      });
    }
  }
  return { entries: [...byKey.values()], invalid };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface SetPayload {
  inventorySetQuantities: { userErrors: UserError[] } | null;
}

/** The index of the quantity a user error points at (field ["input","quantities","3",...]), or null. */
function quantityIndex(e: UserError): number | null {
  const f = e.field ?? [];
  const at = f.indexOf('quantities');
  const n = at >= 0 ? Number(f[at + 1]) : Number.NaN;
  return Number.isInteger(n) ? n : null;
}

const STALE = new Set(['CHANGE_FROM_QUANTITY_STALE', 'COMPARE_QUANTITY_STALE']);
const TRANSIENT = new Set(['IDEMPOTENCY_CONCURRENT_REQUEST']);

export interface StockDeps {
  client: ShopifyClient;
  /** A fresh idempotency key per distinct request (retries of the same request reuse it inside the client). */
  newKey: () => string;
}

function buildInput(deps: StockDeps, entries: Entry[]) {
  const cfg = deps.client.config;
  const modern = versionAtLeast(cfg.apiVersion, '2026-04');
  const base = { name: 'available', reason: cfg.stockReason, referenceDocumentUri: cfg.referenceDocumentUri };
  if (modern) {
    return {
      op: OP.inventorySet,
      doc: INVENTORY_SET_QUANTITIES_MUTATION,
      variables: {
        idempotencyKey: deps.newKey(),
        input: {
          ...base,
          // changeFromQuantity must be present on every quantity from 2026-04; null opts out.
          quantities: entries.map((e) => ({
            inventoryItemId: e.itemId,
            locationId: e.locationId,
            quantity: e.quantity,
            changeFromQuantity: e.from,
          })),
        },
      },
    };
  }
  // Before 2026-04 the opt-out is one flag for the whole call: if any value is unknown the
  // call is unconditional (callers that care send previousQuantity for every update).
  const ignore = entries.some((e) => e.from === null);
  return {
    op: OP.inventorySetLegacy,
    doc: INVENTORY_SET_QUANTITIES_LEGACY_MUTATION,
    variables: {
      input: {
        ...base,
        ...(ignore ? { ignoreCompareQuantity: true } : {}),
        quantities: entries.map((e) => ({
          inventoryItemId: e.itemId,
          locationId: e.locationId,
          quantity: e.quantity,
          ...(ignore ? {} : { compareQuantity: e.from }),
        })),
      },
    },
  };
}

interface LevelsPayload {
  nodes: ({ id: string; inventoryLevel: { quantities: { name: string; quantity: number }[] } | null } | null)[];
}

/** Current "available" for each entry's item x location; undefined when the item is not stocked there. */
async function reread(deps: StockDeps, entries: Entry[]): Promise<Map<Entry, number | undefined>> {
  const out = new Map<Entry, number | undefined>();
  const byLocation = new Map<string, Entry[]>();
  for (const e of entries) byLocation.set(e.locationId, [...(byLocation.get(e.locationId) ?? []), e]);
  for (const [locationId, group] of byLocation) {
    for (const part of chunk(group, REREAD_BATCH)) {
      const data = await deps.client.request<LevelsPayload>(
        OP.inventoryLevelsAtLocation,
        INVENTORY_LEVELS_AT_LOCATION_QUERY,
        { ids: part.map((e) => e.itemId), locationId },
        { retrySafe: true },
      );
      const now = new Map<string, number>();
      for (const node of data.nodes) {
        const q = node?.inventoryLevel?.quantities.find((x) => x.name === 'available');
        if (node && q) now.set(node.id, q.quantity);
      }
      for (const e of part) out.set(e, now.get(e.itemId));
    }
  }
  return out;
}

function confirm(result: StockPushResult, e: Entry): void {
  for (const listingId of e.listingIds) {
    result.confirmed.push({
      listingId,
      quantity: e.quantity,
      ...(e.channelPrevious !== undefined ? { channelPrevious: e.channelPrevious } : {}),
    });
  }
}

/** `refused`: Shopify answered that it did not apply these (certain); otherwise they may have been applied. */
function failAll(
  result: StockPushResult,
  entries: Entry[],
  code: string,
  message: string,
  retryable: boolean,
  refused = false,
): void {
  for (const e of entries)
    for (const listingId of e.listingIds)
      result.failed.push({ listingId, code, message, retryable, ...(refused ? { refused } : {}) });
}

/**
 * Reads one answer of inventorySetQuantities for the entries it carried: confirms them all, or
 * files what it refused for good or for now, and hands back the compare-and-set misses (stale).
 * Shared by the live send and the replay, which must read an answer the same way.
 */
function readAnswer(
  pending: Entry[],
  data: SetPayload,
  result: StockPushResult,
): { stale: Set<Entry>; resend: Entry[] } {
  const errors = data.inventorySetQuantities?.userErrors ?? [];
  if (errors.length === 0) {
    for (const e of pending) confirm(result, e);
    return { stale: new Set(), resend: [] };
  }
  const stale = new Set<Entry>();
  const settled = new Map<Entry, UserError>();
  let batchError: UserError | null = null;
  for (const err of errors) {
    const i = quantityIndex(err);
    const entry = i === null ? undefined : pending[i];
    if (!entry) batchError ??= err;
    else if (err.code && STALE.has(err.code)) stale.add(entry);
    else settled.set(entry, err);
  }
  if (batchError) {
    const transient = Boolean(batchError.code && TRANSIENT.has(batchError.code));
    // "In progress" under the same key may still be applied by that request: not a refusal.
    failAll(result, pending, batchError.code ?? 'user_error', batchError.message, transient, !transient);
    return { stale: new Set(), resend: [] };
  }
  // Shopify applies a call all or nothing: drop what it refused, resend the rest.
  for (const [e, err] of settled) {
    const transient = Boolean(err.code && TRANSIENT.has(err.code));
    failAll(result, [e], err.code ?? 'user_error', err.message, transient, !transient);
  }
  // Applied all or nothing: the stale entries and the innocent ones beside them go again.
  return { stale, resend: pending.filter((e) => !settled.has(e)) };
}

const giveUpStale = (result: StockPushResult, stale: Entry[]) =>
  failAll(result, stale, 'stale', 'Shopify value kept changing while we set it; retry later', true, true);

/**
 * Sends one batch, and again after a compare-and-set miss. Shopify applies a call all or
 * nothing, so one listing that sold meanwhile sends the whole batch back. The first miss is
 * resent whole, the stale entries from a fresh read (one more write, as before). A batch that
 * misses again is split: its innocent entries go again at once on their own, while the stale
 * ones are re-read and resent in a call of their own. Resent whole every time, a busy account's
 * batch kept missing on whichever of its listings sold next, and after three rounds the push
 * gave up and waited for a backoff while every other value in it was fine. Each split takes
 * at least one entry out of the innocents, so this ends; a stale entry is sent at most
 * MAX_STALE_ROUNDS times before it is handed back as retryable.
 */
async function sendBatch(
  deps: StockDeps,
  batch: Entry[],
  result: StockPushResult,
  journal: StockJournal | undefined,
  misses = 0,
): Promise<void> {
  const { op, doc, variables } = buildInput(deps, batch);
  // Journaled before it leaves: if its answer is lost, the next push replays it (replayStock).
  if (journal && op === OP.inventorySet) await journal.record({ variables });
  // @idempotent (2026-04+) or compare-and-swap (before) makes a repeat after a 5xx harmless.
  const data = await deps.client.request<SetPayload>(op, doc, variables, { retrySafe: true });
  const { stale, resend } = readAnswer(batch, data, result);
  if (resend.length === 0) return;
  const innocent = resend.filter((e) => !stale.has(e));
  if (misses === 0) {
    const again = [...innocent, ...(await refreshStale(deps, [...stale], result))];
    if (again.length) await sendBatch(deps, again, result, journal, 1);
    return;
  }
  // Both halves run to the end before a failure of either is raised: the caller then files
  // every entry that neither settled, and nothing writes to the result after it returned.
  const halves = await Promise.allSettled([
    innocent.length ? sendBatch(deps, innocent, result, journal, misses) : undefined,
    stale.size ? resendStale(deps, [...stale], result, journal, misses + 1) : undefined,
  ]);
  const failed = halves.find((h) => h.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The stale entries sent again on their own, from what Shopify shows now; given up after MAX_STALE_ROUNDS sends. */
async function resendStale(
  deps: StockDeps,
  stale: Entry[],
  result: StockPushResult,
  journal: StockJournal | undefined,
  round: number,
): Promise<void> {
  if (round >= MAX_STALE_ROUNDS) {
    giveUpStale(result, stale);
    return;
  }
  const again = await refreshStale(deps, stale, result);
  if (again.length) await sendBatch(deps, again, result, journal, round);
}

/**
 * Re-reads entries Shopify found stale and takes what it shows now as their compare value;
 * returns those still to send (one already at the target is confirmed without a write).
 */
async function refreshStale(deps: StockDeps, stale: Entry[], result: StockPushResult): Promise<Entry[]> {
  if (stale.length === 0) return [];
  const current = await reread(deps, stale);
  const again: Entry[] = [];
  for (const e of stale) {
    const now = current.get(e);
    if (now === undefined) {
      failAll(result, [e], 'ITEM_NOT_STOCKED_AT_LOCATION', 'the item is not stocked at this location', false, true);
      continue;
    }
    e.channelPrevious = now;
    e.from = now;
    // Already at the target: nothing to send, the channel agrees with the hub.
    if (now === e.quantity) confirm(result, e);
    else again.push(e);
  }
  return again;
}

interface JournaledSet {
  variables: {
    idempotencyKey: string;
    input: { quantities: { inventoryItemId: string; locationId: string; changeFromQuantity: number | null }[] };
  };
}

function isJournaledSet(r: StockRequest): r is StockRequest & JournaledSet {
  const v = (r as Partial<JournaledSet>).variables;
  return typeof v?.idempotencyKey === 'string' && Array.isArray(v.input?.quantities);
}

/**
 * Replays a push whose answer was lost: each journaled request again, byte for byte under its
 * key, so Shopify answers with what it did then (@idempotent). A compare-and-set miss was
 * followed by a re-read and a resend: the next journaled request carries the values that
 * re-read found. Misses with no later request were never resent (the process stopped, or the
 * re-read found the target): refused, which is certain. Null before 2026-04 (no keys).
 */
export async function replayStock(
  deps: StockDeps,
  updates: StockUpdate[],
  requests: StockRequest[],
): Promise<StockPushResult | null> {
  if (!versionAtLeast(deps.client.config.apiVersion, '2026-04') || !requests.every(isJournaledSet)) return null;
  const result: StockPushResult = { confirmed: [], failed: [], pending: [] };
  const { entries, invalid } = coalesce(updates);
  result.failed.push(...invalid);
  const key = (q: { inventoryItemId: string; locationId: string }) => `${q.inventoryItemId}|${q.locationId}`;
  const byKey = new Map(entries.map((e) => [`${e.itemId}|${e.locationId}`, e]));
  /** Carried by an earlier request: refused as stale there, so this one is a resend. */
  const sent = new Set<Entry>();
  /** Sent back by the answer to their last request, and carried again by a later one. */
  const awaitingResend = new Set<Entry>();
  // A batch splits after a miss (sendBatch): its innocent entries and its stale ones go again in
  // different requests, so a resend is any later request that carries the entry, not only the next.
  const lastRequestOf = new Map<string, number>();
  for (const [i, request] of requests.entries())
    for (const q of request.variables.input.quantities) lastRequestOf.set(key(q), i);
  for (const [i, request] of requests.entries()) {
    const carried: Entry[] = [];
    for (const q of request.variables.input.quantities) {
      const e = byKey.get(key(q));
      // Not this push's request, or a request for an entry already settled: leave the doubt as it is.
      if (!e || (sent.has(e) && !awaitingResend.has(e))) return null;
      awaitingResend.delete(e);
      // A resend whose compare value moved: the re-read found that value on the channel.
      if (sent.has(e) && q.changeFromQuantity !== null && q.changeFromQuantity !== e.from)
        e.channelPrevious = q.changeFromQuantity;
      e.from = q.changeFromQuantity;
      carried.push(e);
      sent.add(e);
    }
    const data = await deps.client.request<SetPayload>(
      OP.inventorySet,
      INVENTORY_SET_QUANTITIES_MUTATION,
      request.variables,
      { retrySafe: true },
    );
    // A key Shopify no longer matches with these parameters answers nothing about the original.
    if (data.inventorySetQuantities?.userErrors.some((e) => e.code === 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH'))
      return null;
    const { resend } = readAnswer(carried, data, result);
    const again = (e: Entry) => (lastRequestOf.get(`${e.itemId}|${e.locationId}`) ?? -1) > i;
    for (const e of resend) if (again(e)) awaitingResend.add(e);
    // Never carried again: not resent (the process stopped, or the re-read found the target);
    // the call that carried them applied nothing.
    giveUpStale(
      result,
      resend.filter((e) => !again(e)),
    );
  }
  // Entries no journaled request carried were never sent: refused, nothing applied.
  giveUpStale(
    result,
    entries.filter((e) => !sent.has(e)),
  );
  return result;
}

export async function pushStock(
  deps: StockDeps,
  updates: StockUpdate[],
  journal?: StockJournal,
): Promise<StockPushResult> {
  const result: StockPushResult = { confirmed: [], failed: [], pending: [] };
  const { entries, invalid } = coalesce(updates);
  result.failed.push(...invalid);
  for (const batch of chunk(entries, STOCK_BATCH_SIZE)) {
    try {
      await sendBatch(deps, batch, result, journal);
    } catch (error) {
      // A batch that could not be sent at all goes back whole; later batches still get their chance.
      const e =
        error instanceof ConnectorError ? error : new ConnectorError('unexpected', String(error), { retryable: true });
      const settled = new Set([...result.confirmed, ...result.failed].map((x) => x.listingId));
      failAll(
        result,
        batch.filter((x) => !x.listingIds.some((id) => settled.has(id))),
        e.code,
        e.message,
        e.retryable,
      );
    }
  }
  return result;
}
