// Stock push benchmark: 10,000 stock changes over 2,000 SKUs through the Shopify connector
// (real @shopify/shopify-api client) to the simulator, in process (no network, no msw),
// on virtual time. Prints GraphQL calls and cost points spent against the minimum Shopify's
// published cost rules allow, whatever batch size the connector happens to use.
// Exits 1 (tests/bench/verdict.ts) when Shopify ends with a value the hub did not mean, or a
// listing is not confirmed.
// Run: npx tsx scripts/bench-shopify.ts   (npm run bench:shopify)
import type { AccountContext, StockUpdate } from '../connectors/connector.ts';
import { createShopifyConnector } from '../connectors/shopify/connector.ts';
import { ManualClock } from '../core/clock.ts';
import { createShopifySimulator } from '../connectors/shopify/simulator/index.ts';
import { exitWithVerdict, Verdict } from '../tests/bench/verdict.ts';

// Shopify's published rules (shopify.dev/docs/api/usage/limits, GraphQL Admin API rate limits):
// "Cost calculation": a field that is a mutation costs 10 points ("Mutation | 10"); "Maximum
// input array size limit": "Input arguments that accept an array have a maximum size of 250."
// inventorySetQuantities takes the quantities as one input array, so n distinct inventory
// item x location pairs need at least ceil(n / 250) calls of at least 10 points each.
const MUTATION_COST = 10;
const MAX_INPUT_ARRAY = 250;

const SKUS = 2_000;
const CHANGES = 10_000;
const SHOP = 'omnihub-bench.myshopify.com';

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

interface Scenario {
  name: string;
  /** How the 10,000 changes reach the connector: one call, or bursts as they arrive. */
  burst: number;
  bucket: { maximumAvailable: number; restoreRate: number };
  /** Share of items changed on Shopify behind the hub's back before the push (stale compare-and-swap). */
  driftShare: number;
}

async function run(s: Scenario) {
  const clock = new ManualClock();
  const sim = createShopifySimulator({ shop: SHOP, accessToken: 'shpat_bench', clock, bucket: s.bucket });
  const loc = sim.store.addLocation('Warehouse');
  const items = Array.from(
    { length: SKUS },
    (_, i) =>
      sim.store.addVariant({ sku: `SKU-${i}`, productTitle: `P${i}`, price: 1000, stock: { [loc.id]: 50 } })
        .inventoryItemId,
  );
  const connector = createShopifyConnector({ clock, transport: (req) => sim.fetch(req) });
  const account: AccountContext = {
    id: 'bench',
    type: 'shopify',
    name: 'bench',
    credentials: { shop: SHOP, accessToken: 'shpat_bench' },
    settings: {},
  };

  // 5 changes per SKU, interleaved at random: what a busy hour of orders and receipts looks like.
  const random = rng(42);
  const order = Array.from({ length: CHANGES }, (_, i) => i % SKUS);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const hubView = new Array<number>(SKUS).fill(50);
  const changes: StockUpdate[] = order.map((sku) => {
    const previous = hubView[sku] as number;
    const quantity = Math.floor(random() * 100);
    hubView[sku] = quantity;
    return {
      listingId: `listing-${sku}`,
      externalStockId: items[sku] as string,
      externalLocationId: loc.id,
      quantity,
      previousQuantity: previous,
    };
  });
  for (let i = 0; i < SKUS * s.driftShare; i++) sim.store.levels.set(`${items[i]}|${loc.id}`, 49);

  const started = performance.now();
  let confirmed = 0;
  let failed = 0;
  let minimumCalls = 0;
  let listings = 0;
  for (let i = 0; i < changes.length; i += s.burst) {
    const burst = changes.slice(i, i + s.burst);
    const pairs = new Set(burst.map((u) => `${u.externalStockId}|${u.externalLocationId}`)).size;
    minimumCalls += Math.ceil(pairs / MAX_INPUT_ARRAY);
    listings += new Set(burst.map((u) => u.listingId)).size;
    const res = await connector.pushStock(account, burst);
    confirmed += res.confirmed.length;
    failed += res.failed.length;
  }
  const realMs = performance.now() - started;
  const stats = connector.clientStats(account);
  const wrong = items.filter((item, i) => sim.available(item, loc.id) !== hubView[i]).length;
  return {
    s,
    stats,
    minimumCalls,
    minimumCost: minimumCalls * MUTATION_COST,
    listings,
    confirmed,
    failed,
    wrong,
    realMs,
    virtualMs: clock.slept,
  };
}

const scenarios: Scenario[] = [
  {
    name: 'one push of 10,000 changes (coalesced per item x location)',
    burst: CHANGES,
    bucket: { maximumAvailable: 1000, restoreRate: 100 },
    driftShare: 0,
  },
  {
    name: 'bursts of 500 changes as they arrive',
    burst: 500,
    bucket: { maximumAvailable: 1000, restoreRate: 100 },
    driftShare: 0,
  },
  {
    name: 'bursts of 500, tight bucket (50 points, 5/s)',
    burst: 500,
    bucket: { maximumAvailable: 50, restoreRate: 5 },
    driftShare: 0,
  },
  {
    name: 'one push, 5% of items changed on Shopify meanwhile (stale compare-and-swap)',
    burst: CHANGES,
    bucket: { maximumAvailable: 1000, restoreRate: 100 },
    driftShare: 0.05,
  },
];

console.log(
  `Shopify stock push: ${CHANGES.toLocaleString('en')} changes over ${SKUS.toLocaleString('en')} SKUs. Minimum by Shopify's published rules: ` +
    `at most ${MAX_INPUT_ARRAY} quantities per inventorySetQuantities call, ${MUTATION_COST} points per mutation.`,
);
console.log(
  `Without coalescing a push would need ${Math.ceil(CHANGES / MAX_INPUT_ARRAY)} calls; the 2,000 distinct item x location pairs need ${Math.ceil(SKUS / MAX_INPUT_ARRAY)}.\n`,
);
const verdict = new Verdict();
for (const s of scenarios) {
  const r = await run(s);
  verdict.zero(`${s.name}: items whose Shopify value differs from the hub`, r.wrong);
  verdict.zero(`${s.name}: listings failed`, r.failed);
  verdict.equal(`${s.name}: listings confirmed = listings pushed`, r.confirmed, r.listings);
  const ops = Object.entries(r.stats.byOperation)
    .map(([op, v]) => `${op} ${v.calls}`)
    .join(', ');
  console.log(`# ${s.name}`);
  console.log(`  GraphQL calls      ${r.stats.calls}  (minimum: ${r.minimumCalls})  [${ops}]`);
  console.log(
    `  cost points        ${r.stats.costPoints}  (minimum: ${r.minimumCost}; requested ${r.stats.requestedPoints})`,
  );
  console.log(
    `  throttled answers  ${r.stats.throttled}   paced waits ${(r.stats.waitedMs / 1000).toFixed(1)} s virtual   elapsed ${(r.virtualMs / 1000).toFixed(1)} s virtual, ${r.realMs.toFixed(0)} ms real`,
  );
  console.log(
    `  listings confirmed ${r.confirmed} of ${r.listings}, failed ${r.failed}; items whose final Shopify value differs from the hub: ${r.wrong}\n`,
  );
}
exitWithVerdict(verdict);
