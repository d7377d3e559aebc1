// eBay's 250 revisions per listing per calendar day. The hub already coalesces (a push carries
// the latest target of each listing, never the steps in between; sync/README.md, Debounce), so
// revisions track target changes, not sales. This keeps count per eBay listing for the current
// eBay day and decides what may still be sent:
// - below 250 − reserve: anything;
// - in the reserve: only decreases (the lowest safe value: a listing must never advertise more
//   than the hub can sell); raises wait for the next day;
// - at 250: nothing until the day turns (eBay would refuse it anyway).
// Counts live in the connector's memory; after a restart eBay's own refusal (recorded through
// exhausted()) teaches it again.
import { ebayDay, msUntilNextDay, REVISIONS_PER_LISTING_PER_DAY } from './limits.ts';

export type RevisionVerdict =
  | { ok: true }
  | { ok: false; code: 'revision_limit' | 'revision_reserve'; message: string };

export class RevisionBudget {
  private day = '';
  private readonly counts = new Map<string, number>();

  constructor(private readonly reserve: number) {}

  private roll(nowMs: number): void {
    const d = ebayDay(nowMs);
    if (d !== this.day) {
      this.day = d;
      this.counts.clear();
    }
  }

  used(listing: string, nowMs: number): number {
    this.roll(nowMs);
    return this.counts.get(listing) ?? 0;
  }

  /** Whether a write to these eBay listings (the offers of a SKU, or one item) may go out now. */
  check(listings: string[], quantity: number, previous: number | null, nowMs: number): RevisionVerdict {
    const most = Math.max(0, ...listings.map((l) => this.used(l, nowMs)));
    const hours = () => Math.ceil(msUntilNextDay(nowMs) / 3_600_000);
    if (most >= REVISIONS_PER_LISTING_PER_DAY) {
      return {
        ok: false,
        code: 'revision_limit',
        message: `eBay allows ${REVISIONS_PER_LISTING_PER_DAY} revisions of a listing a day; this one has used them (the day turns in about ${hours()} h)`,
      };
    }
    const decrease = quantity === 0 || (previous !== null && quantity < previous);
    if (most >= REVISIONS_PER_LISTING_PER_DAY - this.reserve && !decrease) {
      return {
        ok: false,
        code: 'revision_reserve',
        message: `listing has used ${most} of ${REVISIONS_PER_LISTING_PER_DAY} revisions today: the last ${this.reserve} are kept for decreases, this raise waits for the next eBay day (about ${hours()} h)`,
      };
    }
    return { ok: true };
  }

  record(listings: string[], nowMs: number): void {
    this.roll(nowMs);
    for (const l of new Set(listings)) this.counts.set(l, (this.counts.get(l) ?? 0) + 1);
  }

  /** eBay said the listing has no revisions left today. */
  exhausted(listings: string[], nowMs: number): void {
    this.roll(nowMs);
    for (const l of listings) this.counts.set(l, REVISIONS_PER_LISTING_PER_DAY);
  }

  /** Milliseconds until the counts start again. */
  untilReset(nowMs: number): number {
    return msUntilNextDay(nowMs);
  }
}
