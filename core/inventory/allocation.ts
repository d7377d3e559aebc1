// Strict allocation: while stock is scarce, the units that can be sold are split between
// the channels of a pool so that what they advertise together never exceeds them.
// Pure functions; the synchronizer (sync/stock) feeds them from the database.
//
// Why it is safe while pushes are in flight (the model, tested with fast-check in
// tests/unit/allocation-model.test.ts):
// - A channel takes a sold unit off its own stock at once; the order reaches the hub later.
//   So a sale never raises what is advertised, and when it lands the hub's sellable and
//   the channel's claim fall together.
// - The hub knows each channel's claim ("belief": what it confirmed, minus units sold there
//   since). A push that lowers a channel is always safe. A push that raises one is sent only
//   if it fits beside the *bounds* of the others: max(belief, value in flight), unknown = ∞.
// - Raises therefore wait until the decreases they depend on are confirmed.
// The trade-off: each channel sees only its share, so a buyer on one channel may be told
// "sold out" while another channel still holds units; and rebalancing costs pushes.

export type AllocationMode = 'shared' | 'strict' | 'auto';

/** auto switches to strict when a pool holds fewer than this many units per channel. */
export const DEFAULT_STRICT_UNITS_PER_CHANNEL = 5;

export function parseAllocationMode(value: unknown): AllocationMode | null {
  return value === 'shared' || value === 'strict' || value === 'auto' ? value : null;
}

/**
 * shared or strict for one pool. A single channel needs no split; auto turns strict when the
 * pool is below `unitsPerChannel` × channels, where a few sales during one propagation window
 * could sell the same units twice.
 */
export function effectiveMode(
  mode: AllocationMode,
  pool: number,
  channels: number,
  unitsPerChannel = DEFAULT_STRICT_UNITS_PER_CHANNEL,
): 'shared' | 'strict' {
  if (channels < 2 || mode === 'shared') return 'shared';
  if (mode === 'strict') return 'strict';
  return pool < channels * unitsPerChannel ? 'strict' : 'shared';
}

export interface StrictChannel {
  id: string;
  /** Most this channel may advertise under its own policy (its available-to-sell). */
  cap: number;
  /** Relative share of the pool (default 1). */
  weight?: number;
  /** What the channel advertises as far as the hub knows; null when unknown. */
  current: number | null;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The pool split in proportion to the weights, each share capped by the channel's own
 * available-to-sell (what a cap leaves is shared among the others), in whole units:
 * floors first, then one more unit for the largest remainders (ties by id).
 */
export function fairShares(pool: number, channels: readonly StrictChannel[]): Map<string, number> {
  const out = new Map<string, number>();
  const list = [...channels].sort(byId);
  for (const c of list) out.set(c.id, 0);
  let remaining = Math.max(0, Math.floor(pool));
  let open = list.filter((c) => c.cap > 0);
  // Water-filling: channels whose proportional share exceeds their cap get the cap.
  for (;;) {
    const w = open.reduce((s, c) => s + weightOf(c), 0);
    if (w <= 0 || remaining <= 0) break;
    const capped = open.filter((c) => (remaining * weightOf(c)) / w >= c.cap);
    if (capped.length === 0) break;
    for (const c of capped) {
      out.set(c.id, c.cap);
      remaining -= c.cap;
    }
    open = open.filter((c) => !capped.includes(c));
  }
  const w = open.reduce((s, c) => s + weightOf(c), 0);
  if (w > 0 && remaining > 0) {
    const exact = open.map((c) => ({ c, v: (remaining * weightOf(c)) / w }));
    let given = 0;
    for (const { c, v } of exact) {
      out.set(c.id, Math.floor(v));
      given += Math.floor(v);
    }
    const order = exact.sort((a, b) => b.v - Math.floor(b.v) - (a.v - Math.floor(a.v)) || byId(a.c, b.c));
    for (const { c } of order) {
      if (given >= remaining) break;
      if ((out.get(c.id) ?? 0) < c.cap) {
        out.set(c.id, (out.get(c.id) ?? 0) + 1);
        given += 1;
      }
    }
  }
  return out;
}

function weightOf(c: StrictChannel): number {
  return c.weight === undefined ? 1 : Math.max(0, c.weight);
}

/**
 * Shares for a strict pool, sticky to what the channels advertise now so that a sale costs
 * no push: a channel that sold keeps its smaller share (it already shows it). Shares move
 * only when they must:
 * 1. more is claimed than the pool holds (stock left outside the channels): take from the
 *    channels furthest above their fair share;
 * 2. units are free (restock, cancellation): give them to the channels furthest below;
 * 3. a channel fell below half its fair share: move units to it from those above theirs.
 * Stable: fed its own output as `current`, it returns the same shares.
 */
export function allocateStrict(pool: number, channels: readonly StrictChannel[]): Map<string, number> {
  const fair = fairShares(pool, channels);
  const list = [...channels].sort(byId);
  const keep = new Map(list.map((c) => [c.id, clamp(c.current ?? 0, 0, c.cap)]));
  const get = (m: Map<string, number>, id: string) => m.get(id) ?? 0;
  const total = () => list.reduce((s, c) => s + get(keep, c.id), 0);
  const pick = (candidates: StrictChannel[], score: (c: StrictChannel) => number) =>
    candidates.reduce<StrictChannel | null>((best, c) => (best === null || score(c) > score(best) ? c : best), null);
  const limit = Math.max(0, Math.floor(pool));

  let over = total() - limit;
  while (over > 0) {
    const c = pick(
      list.filter((x) => get(keep, x.id) > 0),
      (x) => get(keep, x.id) - get(fair, x.id),
    );
    if (!c) break;
    keep.set(c.id, get(keep, c.id) - 1);
    over -= 1;
  }
  let free = limit - total();
  while (free > 0) {
    const c = pick(
      list.filter((x) => get(keep, x.id) < x.cap),
      (x) => get(fair, x.id) - get(keep, x.id),
    );
    if (!c) break;
    keep.set(c.id, get(keep, c.id) + 1);
    free -= 1;
  }
  for (const starving of list) {
    if (get(keep, starving.id) * 2 >= get(fair, starving.id)) continue;
    while (get(keep, starving.id) < get(fair, starving.id)) {
      const donor = pick(
        list.filter((x) => get(keep, x.id) > get(fair, x.id)),
        (x) => get(keep, x.id) - get(fair, x.id),
      );
      if (!donor) break;
      keep.set(donor.id, get(keep, donor.id) - 1);
      keep.set(starving.id, get(keep, starving.id) + 1);
    }
  }
  return keep;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), Math.max(lo, hi));
}

/** What a channel may be advertising at most: its belief, or a value in flight if higher; unknown = ∞. */
export function channelBound(belief: number | null, inFlight: number | null): number {
  if (belief === null) return Number.POSITIVE_INFINITY;
  return inFlight === null ? belief : Math.max(belief, inFlight);
}

/**
 * The value to push now for a strict listing, or null to wait. Lowering (or setting a channel
 * whose value is unknown) is always safe. A raise is sent only as far as the pool allows beside
 * the other channels' bounds; if that is not above what the channel has, it waits for their
 * decreases to be confirmed. In doubt (`inDoubt`: an earlier write unconfirmed), only what fits
 * beside the others is sent.
 */
export function strictSendValue(
  target: number,
  belief: number | null,
  othersBound: number,
  pool: number,
  inDoubt = false,
): number | null {
  const room = pool - othersBound;
  // A write of this channel whose outcome is unknown (its answer lost): it may show less than the
  // belief (the first write of two is 0), so no value above 0 is sure to be a decrease. What fits
  // beside the others' bounds is safe whatever it shows; 0 when nothing fits. Either resolves the
  // doubt, and frees the bound the lost write holds: waiting instead could leave two channels in
  // doubt each waiting for the other.
  if (inDoubt) return Math.max(0, Math.min(target, room));
  if (belief === null || target <= belief) return target;
  const value = Math.min(target, room);
  return value > belief ? value : null;
}

/**
 * The hub's belief (claim) after a channel confirmed `sent`. The channel shows `sent` now; units
 * sold there and not yet landed are counted in (they are subtracted when their orders land),
 * and units that landed while the push was in flight are kept out:
 * belief = sent + (beliefNow − before), never below 0, evaluated with the belief as it is when
 * the answer is recorded; `before` is what the channel showed before the write (shownBefore).
 *
 * sync/stock/record.ts evaluates the same rule in SQL (BELIEF_AFTER_CONFIRM_SQL); a test runs
 * both on generated cases.
 */
export function beliefAfterConfirm(
  sent: number,
  previousSent: number | null,
  channelPrevious: number | null | undefined,
  beliefNow: number | null,
  doubtFrom: number | null = null,
  lostWrite: number | null = null,
  /**
   * The belief when the write was planned (orders that landed since took their units off
   * beliefNow); null when not known: then sales and landings cannot be told apart from a
   * channel that put units back itself, and the difference counts whole.
   */
  beliefAtPlan: number | null = null,
): number {
  if (beliefNow === null) return sent;
  const before = shownBefore(previousSent, channelPrevious, doubtFrom, lostWrite, beliefNow);
  if (before === null) return sent;
  if (beliefAtPlan === null) return Math.max(0, sent + beliefNow - before);
  const planned = beliefAtPlan;
  // Units the channel sold before the write and we have not seen land: never negative. A channel
  // showing more than the hub believed put units back itself (a cancellation or refund restocked
  // there, an edit): the write replaced them, and they are no sale to take off.
  const unseenSales = Math.max(0, planned - before);
  const landedSince = Math.max(0, planned - beliefNow);
  return Math.max(0, sent + unseenSales - landedSince);
}

/**
 * What the channel showed before a confirmed write, such that belief − before is the units it
 * sold and we have not seen land: normally `channelPrevious` (the channel said so) or
 * `previousSent` (the value compared against).
 *
 * In doubt (`doubtFrom` set: the channel showed doubtFrom when a write was sent whose answer was
 * lost; `lostWrite` is that write, last_sent_qty), the channel's value c may be ours, so its gap
 * to the belief is not all sales. before = doubtFrom − (units sold since the doubt began):
 * - c is doubtFrom or the lost write: a reading with no unseen sale exists and is taken,
 *   before = doubtFrom (selling exactly down to our value is taken for a coincidence, except 0:
 *   a shop selling out is no coincidence, so c = 0 counts as sales);
 * - c is above both: a change not ours (an edit on the channel), before = doubtFrom;
 * - otherwise sales happened, and the channel sold either doubtFrom − c (the write was not
 *   applied) or lostWrite − c (it was). When the lost write was a raise the two differ and
 *   nothing the channel says tells them apart: the larger is counted. A claim too high makes the
 *   channel advertise less than it could until reconcile reads it; too low, it oversells.
 *   (In strict mode last_sent_qty is the claim, at least the value written: again the larger.)
 * And never more than the belief (`claim`, when known): a claim below what the channel showed
 * means orders landed for units sold during the doubt, which the readings without sales missed.
 */
export function shownBefore(
  previousSent: number | null,
  channelPrevious: number | null | undefined,
  doubtFrom: number | null,
  lostWrite: number | null,
  claim: number | null = null,
): number | null {
  if (doubtFrom === null) return previousSent === null ? null : (channelPrevious ?? previousSent);
  const c = channelPrevious ?? previousSent;
  const lost = lostWrite ?? doubtFrom;
  const before =
    c === null || c === doubtFrom || (c === lost && lost > 0) || c > Math.max(doubtFrom, lost)
      ? doubtFrom
      : c - Math.max(0, lost - doubtFrom);
  return claim === null ? before : Math.min(before, claim);
}

/**
 * What the channel shows, as far as the hub knows. The belief is a claim: what the channel
 * shows plus units it sold whose orders have not landed. Right after our write the channel
 * showed the value written, and units it sold before that write (put back on sale by it) are
 * in the claim on top; landed sales bring the claim down to what is shown, then both fall
 * together: shown = min(last value written, claim). With a write in flight (or failed, maybe
 * applied), nothing better than the claim is known.
 */
export function shownEstimate(belief: number | null, lastWritten: number | null, inFlight: boolean): number | null {
  if (belief === null) return null;
  if (lastWritten === null || inFlight) return belief;
  return Math.min(lastWritten, belief);
}

/**
 * The absolute value to write so that the channel's claim becomes `claim`: the units it sold
 * that have not landed stay claimed, so they are taken off what it should show.
 */
export function valueToWrite(claim: number, belief: number | null, shown: number | null): number {
  if (belief === null || shown === null) return claim;
  return Math.max(0, claim - (belief - shown));
}

export interface WriteInput {
  mode: 'shared' | 'strict';
  /** The listing's target claim (its share in strict mode). */
  target: number;
  belief: number | null;
  /** The value last written to the channel (last_sent_qty) and whether it is unconfirmed. */
  lastWritten: number | null;
  inFlight: boolean;
  othersBound: number;
  pool: number;
}

export type WritePlan =
  | { kind: 'defer' }
  | { kind: 'none' }
  | {
      kind: 'write';
      /** The claim this write establishes (what bounds the channel while it is in flight). */
      claim: number;
      /** The absolute value to write now, and the value the channel should hold (compare-and-set). */
      value: number;
      previous: number | null;
      /** Strict: `value` is 0; the claim is written second, from 0 (secondWrite), once the first answer says what the channel held. */
      twoPhase: boolean;
    };

/**
 * What to write to one listing. A strict write that leaves the channel something to sell goes in
 * two steps: connectors write absolute values, and one that meets a value moved by sales we have
 * not seen yet (Shopify re-reads and re-sends) would put those units back on sale. Writing 0
 * cannot raise anything; its answer says what the channel held, so the second write, compared
 * against 0 (the channel cannot sell below it), establishes exactly the planned claim.
 */
export function planWrite(w: WriteInput): WritePlan {
  const claim = w.mode === 'strict' ? strictSendValue(w.target, w.belief, w.othersBound, w.pool, w.inFlight) : w.target;
  if (claim === null) return { kind: 'defer' };
  const shown = shownEstimate(w.belief, w.lastWritten, w.inFlight);
  const value = valueToWrite(claim, w.belief, shown);
  if (value === shown && !w.inFlight) return { kind: 'none' };
  // In doubt the channel may show our lost write, not the estimate: from 0 is the only safe start.
  const twoPhase = w.mode === 'strict' && value > 0 && ((shown !== null && shown > 0) || w.inFlight);
  return { kind: 'write', claim, value: twoPhase ? 0 : value, previous: shown, twoPhase };
}

/**
 * The second write of a two-phase strict write. The plan meant the channel to claim `claim`,
 * from a claim of `beliefAtPlan`; the first write's answer says the channel showed
 * `channelBefore` just before it. Every unit below the belief was sold there — landed since or
 * not, it uses the planned claim (a landing takes it off the pool and the claim together) —
 * so the channel may show claim − (beliefAtPlan − channelBefore).
 */
export function secondWrite(claim: number, beliefAtPlan: number, channelBefore: number): number {
  // A channel showing more than its claim means the belief was stale: nothing was sold there.
  return Math.max(0, claim - Math.max(0, beliefAtPlan - channelBefore));
}

/**
 * A shared-pool write adjusted for the listing's sales the hub has heard of but not applied yet
 * (orders waiting in its inbox): the channel took those units off already, so it shows that much
 * less than the hub's estimate. Without this the compare-and-set value is stale and the channel
 * refuses the whole call (then a re-read and a re-send: two more calls and their latency, the
 * largest part of the propagation tail). Used only where the claim holds no unlanded units yet
 * (belief not above the last value written) and nothing is in flight, so no sale is counted
 * twice; a wrong guess costs what it cost before, a compare-and-set refusal, never a wrong
 * value on the channel. Strict writes are left alone: their two-phase rule needs what the
 * channel really held. Never turns a write into none: only the value and the compared value move.
 */
export function withUnlandedSales(plan: WritePlan, w: WriteInput, unlanded: number): WritePlan {
  if (plan.kind !== 'write' || w.mode !== 'shared' || unlanded <= 0 || w.inFlight || w.belief === null) return plan;
  if (w.lastWritten !== null && w.belief > w.lastWritten) return plan;
  const shown = Math.max(0, w.belief - unlanded);
  return { ...plan, value: valueToWrite(plan.claim, w.belief, shown), previous: shown };
}
