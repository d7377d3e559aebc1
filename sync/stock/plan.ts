// Decides what one stock.push run sends for an account: its listings whose target the
// channel lacks (oversold SKUs first), at most one connector batch. Targets are recomputed
// from the current stock under the SKU locks, so the latest absolute value always wins,
// however many changes were coalesced. Strict listings are raised only as far as the other
// channels' bounds allow. What is sent is recorded as in flight in the same transaction.
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { listingIdsLocked } from '../../core/db/listing-locks.ts';
import { planWrite, withUnlandedSales } from '../../core/inventory/allocation.ts';
import type { StockUpdate } from '../../connectors/connector.ts';
import { writeJournal } from './journal.ts';
import type { Doubt } from './record.ts';
import { loadStock, saveTargets, targetsOf } from './state.ts';
import { inFlight, NEEDS_PUSH_SQL, needsPush } from './status.ts';

export interface PushPlan {
  updates: StockUpdate[];
  /** SKUs of the updates that are in strict mode (their confirmations may unblock other channels). */
  strictSkus: Set<string>;
  skuOf: Map<string, string>;
  /** Strict raises that must wait for other channels' decreases. */
  deferred: number;
  /** More listings wait beyond this batch. */
  more: boolean;
  /** Listings that cannot be pushed: the account has no channel location for stock. */
  noLocation: number;
  /** Value recorded as in flight per listing (last_sent_qty until confirmed). */
  inFlight: Map<string, number>;
  /** Two-phase strict writes: the claim to write once the first write (0) is confirmed (its belief is in beliefAt). */
  twoPhase: Map<string, { claim: number }>;
  /**
   * Listings sent while an earlier write's outcome was unknown, with what the channel showed
   * before that doubt (null: not known) and that write: their answer is recorded from them (shownBefore).
   */
  doubt: Map<string, Doubt>;
  /** The target each update was planned for (an asynchronous submission holds the listing while it does). */
  targetOf: Map<string, number | null>;
  /** Per listing sent, its in-flight stamp before this plan: put back if the channel refuses the write (unstamp). */
  before: Map<string, StampBefore>;
  /** The journal entry of this push (journal.ts), when the connector can replay a lost one. */
  pushId: string | null;
  /** Each listing's belief as planned: the record tells orders that landed since from unseen sales. */
  beliefAt: Map<string, number | null>;
}

/** What planPush overwrites when it stamps a listing in flight. */
export interface StampBefore {
  lastSentQty: number | null;
  /** Whether a write was in flight (unconfirmed) already. */
  inFlight: boolean;
  /** Whether any write was ever sent (last_sent_at set). */
  sent: boolean;
  doubtFromQty: number | null;
}

export async function planPush(
  prisma: PrismaClient,
  accountId: string,
  opts: {
    batchSize: number;
    prioritySkuIds: readonly string[];
    unitsPerChannel: number;
    /** Units per SKU the channel sold in orders waiting in the hub's inbox (see unlanded.ts); read only when something is to be sent. */
    unlanded?: () => Promise<ReadonlyMap<string, number>>;
    /** Journal the push (journal.ts): the connector can replay it if its answer is lost. */
    journal?: boolean;
  },
): Promise<PushPlan> {
  const candidates = await prisma.$queryRaw<{ id: string; sku_id: string }[]>`
    SELECT id, sku_id FROM listings l
     WHERE account_id = ${accountId} AND external_stock_id IS NOT NULL
       AND (${NEEDS_PUSH_SQL} OR sku_id = ANY(${[...opts.prioritySkuIds]}::text[]))
     ORDER BY (sku_id = ANY(${[...opts.prioritySkuIds]}::text[])) DESC, sku_id
     LIMIT ${opts.batchSize + 1}`;
  const more = candidates.length > opts.batchSize;
  const batch = candidates.slice(0, opts.batchSize);
  const empty = (): PushPlan => ({
    updates: [],
    strictSkus: new Set(),
    skuOf: new Map(),
    deferred: 0,
    more: false,
    noLocation: 0,
    inFlight: new Map(),
    twoPhase: new Map(),
    doubt: new Map(),
    targetOf: new Map(),
    before: new Map(),
    pushId: null,
    beliefAt: new Map(),
  });
  if (batch.length === 0) return empty();
  const mine = new Set(batch.map((c) => c.id));
  // Before the transaction: on PGlite (one connection) a query beside it would wait for it.
  const unlanded = (await opts.unlanded?.()) ?? new Map<string, number>();
  return prisma.$transaction(
    async (tx) => {
      const snap = await loadStock(
        tx,
        batch.map((c) => c.sku_id),
        { lock: true },
      );
      const targets = targetsOf(snap, opts.unitsPerChannel);
      await saveTargets(tx, targets, snap);
      const account = snap.accounts.get(accountId);
      const plan: PushPlan & { doubtFrom: Map<string, number | null> } = { ...empty(), more, doubtFrom: new Map() };
      for (const sku of snap.skus.values()) {
        for (const l of sku.listings) {
          const t = targets.get(l.id);
          if (!mine.has(l.id) || !t || !needsPush(l, t.target)) continue;
          if (!account?.stockLocation) {
            plan.noLocation += 1;
            continue;
          }
          // Targets and beliefs are claims (shown + sold, not landed); channels take absolute values.
          const input = {
            mode: t.mode,
            target: t.target,
            belief: l.lastConfirmedQty,
            lastWritten: l.lastSentQty,
            inFlight: inFlight(l) !== null,
            othersBound: t.othersBound,
            pool: t.pool,
          };
          // A till's value (units held back) does not move with its own sales: nothing unlanded to take off.
          const sold = account.stockTarget === 'held' ? 0 : (unlanded.get(l.skuId) ?? 0);
          const w = withUnlandedSales(planWrite(input), input, sold);
          if (w.kind === 'defer') plan.deferred += 1;
          if (w.kind !== 'write') continue;
          // An earlier write still unconfirmed: it may have been applied, the channel's value is in doubt.
          const doubt = inFlight(l) !== null;
          if (doubt) plan.doubt.set(l.id, { from: l.doubtFromQty, lost: l.lastSentQty });
          plan.doubtFrom.set(l.id, doubt && l.doubtFromQty !== null ? l.doubtFromQty : w.previous);
          if (t.mode === 'strict') plan.strictSkus.add(l.skuId);
          plan.skuOf.set(l.id, l.skuId);
          plan.targetOf.set(l.id, t.target);
          plan.beliefAt.set(l.id, l.lastConfirmedQty);
          plan.before.set(l.id, {
            lastSentQty: l.lastSentQty,
            inFlight: doubt,
            sent: l.lastSentAt !== null,
            doubtFromQty: l.doubtFromQty,
          });
          // While in flight, a strict listing is bounded by the claim it will hold, and by an earlier
          // unconfirmed write until this one is confirmed (the channel may show that one until then).
          // Shared: in doubt, the highest of the unconfirmed writes, any of which the channel may show
          // (shownBefore counts the sales that brought the channel down from it).
          plan.inFlight.set(l.id, Math.max(t.mode === 'strict' ? w.claim : w.value, doubt ? (inFlight(l) ?? 0) : 0));
          if (w.twoPhase) plan.twoPhase.set(l.id, { claim: w.claim });
          plan.updates.push({
            listingId: l.id,
            externalStockId: l.externalStockId,
            channelData: l.channelData,
            externalLocationId: account.stockLocation,
            quantity: w.value,
            previousQuantity: w.previous,
            ...(account.stockTarget === 'held'
              ? {
                  onHand: sku.levels.reduce(
                    (n, v) => (account.locationIds.includes(v.locationId) ? n + v.onHand : n),
                    0,
                  ),
                }
              : {}),
          });
        }
      }
      if (plan.updates.length) {
        // Stamped before the call: if its answer never comes, the next push knows the value is in doubt.
        const ids = [...plan.inFlight.keys()];
        await tx.$executeRaw`
          ${listingIdsLocked(ids)}
          UPDATE listings l SET last_sent_qty = u.q, last_sent_at = clock_timestamp(), doubt_from_qty = u.f
            FROM locked k, unnest(${ids}::text[], ${ids.map((id) => plan.inFlight.get(id) ?? 0)}::int[],
                        ${ids.map((id) => plan.doubtFrom.get(id) ?? null)}::int[]) AS u(id, q, f)
           WHERE l.id = k.id AND l.id = u.id`;
        if (opts.journal) plan.pushId = await writeJournal(tx, accountId, plan);
      }
      const { doubtFrom: _, ...out } = plan;
      return out;
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
