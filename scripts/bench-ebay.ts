// eBay stock benchmark, through the eBay connector to its simulator in process (no network,
// no msw), on virtual time. Two figures:
// 1. Calls per 1,000 stock changes: 1,000 changes over 400 Inventory API SKUs and 60 legacy
//    listings (20 of them variations of 10 items), arriving in 10 bursts; each burst is
//    coalesced (the latest value per listing) and pushed. Printed against the minimum eBay's
//    batch sizes allow: per burst, ceil(SKUs / 25) bulkUpdatePriceQuantity calls plus
//    ceil(legacy listings / 4) ReviseInventoryStatus calls.
// 2. Revisions per listing per day: a simulated eBay day (midnight to midnight Pacific) of
//    sales elsewhere (decreases) and restocks (raises) on 60 listings, five of them hot,
//    pushed every minute; against eBay's 250 revisions per listing per day.
// Exits 1 (tests/bench/verdict.ts) when eBay ends with a value the hub did not mean, a call
// carries more than the batch sizes allow, a listing goes past 250 revisions, or eBay refuses
// a revision the connector should have known it had no room for.
// Run: npx tsx scripts/bench-ebay.ts   (npm run bench:ebay)
import type { AccountContext, StockUpdate } from '../connectors/connector.ts';
import { createEbayConnector } from '../connectors/ebay/connector.ts';
import {
  BULK_PRICE_QUANTITY_MAX,
  ebayDay,
  REVISE_INVENTORY_STATUS_MAX,
  REVISIONS_PER_LISTING_PER_DAY,
} from '../connectors/ebay/limits.ts';
import { createEbaySimulator } from '../connectors/ebay/simulator/index.ts';
import { ManualClock } from '../core/clock.ts';
import { exitWithVerdict, Verdict } from '../tests/bench/verdict.ts';

/** Deterministic PRNG (mulberry32) so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Listing {
  id: string;
  data: StockUpdate['channelData'];
  stockId: string;
  legacy: boolean;
  /** What eBay shows, as the simulator holds it. */
  shown: () => number;
  offerId?: string;
}

function world(seedItems: { inventory: number; legacy: number; variationItems: number }, clock: ManualClock) {
  const sim = createEbaySimulator({ clock });
  const connector = createEbayConnector({ clock, transport: (req) => sim.fetch(req) });
  const account: AccountContext = {
    id: 'bench-ebay',
    type: 'ebay',
    name: 'bench',
    credentials: {
      refreshToken: sim.credentials.refreshToken,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      sellerUsername: sim.sellerUsername,
    },
    settings: {},
  };
  const listings: Listing[] = [];
  for (let i = 0; i < seedItems.inventory; i++) {
    const sku = `INV-${i}`;
    const [offer] = sim.state.addInventoryItem(sku, 100);
    const offerId = offer?.offerId as string;
    listings.push({
      id: `l-${sku}`,
      stockId: sku,
      data: { api: 'inventory', sku, offerIds: [offerId] },
      legacy: false,
      offerId,
      shown: () =>
        Math.min(sim.state.items.get(sku)?.quantity ?? 0, sim.state.offers.get(offerId)?.availableQuantity ?? 0),
    });
  }
  for (let i = 0; i < seedItems.legacy; i++) {
    const itemId = String(130000000 + i);
    sim.state.addLegacyItem(itemId, 100);
    listings.push({
      id: `l-${itemId}`,
      stockId: itemId,
      data: { api: 'trading', itemId },
      legacy: true,
      shown: () => sim.state.legacy.get(itemId)?.quantity ?? 0,
    });
  }
  for (let i = 0; i < seedItems.variationItems; i++) {
    const itemId = String(140000000 + i);
    sim.state.addLegacyItem(itemId, 0, { [`V${i}-S`]: 100, [`V${i}-M`]: 100 });
    for (const v of [`V${i}-S`, `V${i}-M`]) {
      listings.push({
        id: `l-${itemId}-${v}`,
        stockId: itemId,
        data: { api: 'trading', itemId, variationSku: v },
        legacy: true,
        shown: () => sim.state.legacy.get(itemId)?.variations?.get(v) ?? 0,
      });
    }
  }
  return { sim, connector, account, listings };
}

const toUpdate = (l: Listing, quantity: number): StockUpdate => ({
  listingId: l.id,
  externalStockId: l.stockId,
  channelData: l.data,
  externalLocationId: null,
  quantity,
  previousQuantity: l.shown(),
});

/**
 * `sliced`: hand the connector at most limits.stockBatchSize (25) updates per pushStock, in
 * listing order, as the sync layer's push job does; otherwise the whole coalesced burst at once.
 */
async function callsPerThousand(verdict: Verdict, sliced: boolean) {
  const clock = new ManualClock('2026-12-01T16:00:00Z');
  const { sim, connector, account, listings } = world({ inventory: 400, legacy: 40, variationItems: 10 }, clock);
  const next = rng(13);
  const target = new Map<string, number>(listings.map((l) => [l.id, 100]));
  const CHANGES = 1_000;
  const BURSTS = 10;
  let minimum = 0;
  let distinct = 0;
  for (let b = 0; b < BURSTS; b++) {
    const touched = new Set<Listing>();
    for (let c = 0; c < CHANGES / BURSTS; c++) {
      const l = listings[Math.floor(next() * listings.length)] as Listing;
      target.set(l.id, Math.max(0, (target.get(l.id) ?? 0) + Math.floor(next() * 11) - 6));
      touched.add(l);
    }
    const updates = [...touched].map((l) => toUpdate(l, target.get(l.id) ?? 0));
    const inv = updates.filter((u) => (u.channelData as { api: string }).api === 'inventory').length;
    const legacy = updates.length - inv;
    minimum += Math.ceil(inv / BULK_PRICE_QUANTITY_MAX) + Math.ceil(legacy / REVISE_INVENTORY_STATUS_MAX);
    distinct += updates.length;
    const size = sliced ? connector.limits.stockBatchSize : updates.length;
    updates.sort((x, y) => x.listingId.localeCompare(y.listingId));
    for (let i = 0; i < updates.length; i += size) {
      const r = await connector.pushStock(account, updates.slice(i, i + size));
      verdict.zero(`burst ${b}${sliced ? ' (sliced)' : ''}: listings not confirmed`, r.failed.length);
    }
    clock.advance(10_000);
  }
  const calls = (sim.stats.calls.bulkUpdatePriceQuantity ?? 0) + (sim.stats.calls.ReviseInventoryStatus ?? 0);
  const wrong = listings.filter((l) => l.shown() !== target.get(l.id)).length;
  if (sliced) {
    console.log(`   in pushStock calls of 25 as the sync job hands them over: ${calls} calls (minimum ${minimum})`);
    verdict.that('sliced calls at or above the minimum', calls >= minimum, `${calls} vs ${minimum}`);
    verdict.zero(
      'listings whose eBay quantity differs from the hub target (sliced)',
      listings.filter((l) => l.shown() !== target.get(l.id)).length,
    );
    return { calls, minimum };
  }
  console.log('1. Calls per 1,000 stock changes (400 Inventory API SKUs, 60 legacy listings, 10 bursts)');
  console.log(`   changes                         ${CHANGES}`);
  console.log(`   listing updates after coalescing ${distinct}`);
  console.log(
    `   calls made                      ${calls} (bulkUpdatePriceQuantity ${sim.stats.calls.bulkUpdatePriceQuantity ?? 0}, ReviseInventoryStatus ${sim.stats.calls.ReviseInventoryStatus ?? 0})`,
  );
  console.log(`   minimum the batch sizes allow   ${minimum}  (25 SKUs / 4 items a call, per burst)`);
  console.log(`   without coalescing or batching  ${CHANGES}`);
  verdict.equal('calls against the minimum', calls, minimum);
  verdict.zero('listings whose eBay quantity differs from the hub target', wrong);
  return { calls, minimum };
}

async function revisionsPerDay(verdict: Verdict) {
  // Midnight Pacific (PST, UTC−8) on 2026-12-01.
  const dayStart = Date.parse('2026-12-01T08:00:00Z');
  const clock = new ManualClock(dayStart);
  const { sim, connector, account, listings } = world({ inventory: 60, legacy: 0, variationItems: 0 }, clock);
  const next = rng(7);
  const target = new Map<string, number>(listings.map((l) => [l.id, 100]));
  // Changes per hour: five hot listings, fifteen warm, forty cold.
  const perHour = (i: number) => (i < 5 ? 40 : i < 20 ? 8 : 1);
  const changes = new Map<string, number>();
  const PASS_MS = 60_000;
  let overAdvertisedMinutes = 0;
  let held = 0;
  for (let t = 0; t < 86_400_000; t += PASS_MS) {
    listings.forEach((l, i) => {
      // Poisson-ish: the expected number of changes this minute.
      let expected = (perHour(i) * PASS_MS) / 3_600_000;
      while (next() < expected) {
        expected -= 1;
        const restock = next() < 0.1;
        const cur = target.get(l.id) ?? 0;
        target.set(l.id, restock ? cur + 10 + Math.floor(next() * 20) : Math.max(0, cur - 1));
        changes.set(l.id, (changes.get(l.id) ?? 0) + 1);
      }
    });
    const due = listings.filter((l) => l.shown() !== target.get(l.id));
    if (due.length > 0) {
      const r = await connector.pushStock(
        account,
        due.map((l) => toUpdate(l, target.get(l.id) ?? 0)),
      );
      held += r.failed.length;
    }
    overAdvertisedMinutes += listings.filter((l) => l.shown() > (target.get(l.id) ?? 0)).length;
    clock.advance(PASS_MS);
  }
  const day = ebayDay(dayStart + 3_600_000);
  const used = listings.map((l) => sim.state.revisions.get(`${day}|offer:${l.offerId}`) ?? 0);
  const most = Math.max(...used);
  const atLimit = used.filter((u) => u >= REVISIONS_PER_LISTING_PER_DAY).length;
  const hot = listings.slice(0, 5).map((l) => changes.get(l.id) ?? 0);
  // After the day turns, one pass brings every listing to its target.
  const after = listings.filter((l) => l.shown() !== target.get(l.id));
  if (after.length > 0)
    await connector.pushStock(
      account,
      after.map((l) => toUpdate(l, target.get(l.id) ?? 0)),
    );
  const unsettled = listings.filter((l) => l.shown() !== target.get(l.id)).length;
  console.log('\n2. Revisions per listing per eBay day (60 listings, a push pass a minute, 24 h)');
  console.log(`   changes on the 5 hot listings   ${hot.join(', ')}`);
  console.log(`   most revisions of one listing   ${most} (limit ${REVISIONS_PER_LISTING_PER_DAY})`);
  console.log(`   listings that used all 250      ${atLimit}`);
  console.log(
    `   listing pushes held by the budget ${held} (raises in the reserve or nothing left; a held listing counts once a minute)`,
  );
  console.log(`   listing-minutes showing more than the target  ${overAdvertisedMinutes}`);
  console.log(`   listings off target after the day turned      ${unsettled}`);
  verdict.that('no listing revised more than 250 times in a day', most <= REVISIONS_PER_LISTING_PER_DAY, `${most}`);
  verdict.zero('revisions eBay refused for the daily limit (the connector knew)', sim.stats.revisionRefusals);
  verdict.zero('listings off target after the day turned', unsettled);
}

async function main() {
  const verdict = new Verdict();
  await callsPerThousand(verdict, false);
  await callsPerThousand(verdict, true);
  await revisionsPerDay(verdict);
  exitWithVerdict(verdict);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
