// Amazon benchmark, in process (simulator as the transport, no network) on virtual time:
// 1. a first import of 1,000 orders (and 3,000, where the usage plan's burst runs out) through
//    pollOrders, against the minimum searchOrders' published plan allows (0.0056/s, burst 20,
//    100 orders a page);
// 2. bringing 5,000 SKU quantities to Amazon: by one JSON_LISTINGS_FEED (what the connector
//    chooses) and by patchListingsItem alone (5/s, burst 5), each against its minimum.
// Prints calls spent and simulated time; exits 1 (tests/bench/verdict.ts) when an order is
// missing or twice, a call was throttled, or Amazon ends with a quantity the hub did not send.
// Run: npx tsx scripts/bench-amazon.ts   (npm run bench:amazon)
import { createAmazonConnector } from '../connectors/amazon/connector.ts';
import { OPERATIONS } from '../connectors/amazon/operations.ts';
import type { SpOrder } from '../connectors/amazon/payloads.ts';
import { createAmazonSimulator } from '../connectors/amazon/simulator/index.ts';
import type { AccountContext, StockUpdate } from '../connectors/connector.ts';
import { ManualClock } from '../core/clock.ts';
import { exitWithVerdict, Verdict } from '../tests/bench/verdict.ts';

const US = 'ATVPDKIKX0DER';
const SELLER = 'A3BENCHSELLER';
const PAGE = 100;
const verdict = new Verdict();

function setup(feedProcessingMs = 90_000) {
  const clock = new ManualClock('2026-11-20T00:00:00Z');
  const sim = createAmazonSimulator({
    clock,
    sellerId: SELLER,
    refreshToken: 'Atzr|bench',
    marketplaceIds: [US],
    feedProcessingMs,
  });
  const connector = createAmazonConnector({ clock, transport: (req) => sim.fetch(req) });
  const account = (settings: Record<string, unknown> = {}): AccountContext => ({
    id: 'bench',
    type: 'amazon',
    name: 'bench',
    credentials: { sellerId: SELLER, refreshToken: 'Atzr|bench' },
    app: { lwaClientId: sim.clientId, lwaClientSecret: sim.clientSecret },
    settings: { marketplaceIds: [US], ...settings },
  });
  return { clock, sim, connector, account };
}

/** Minimum seconds for n calls of a plan starting with a full bucket. */
function minimumSeconds(calls: number, plan: { ratePerSecond: number; burst: number }): number {
  return Math.max(0, calls - plan.burst) / plan.ratePerSecond;
}

const ratio = (measured: number, minimum: number) =>
  minimum === 0 ? (measured === 0 ? '1.00' : '∞') : (measured / minimum).toFixed(2);

async function importOrders(n: number) {
  const { clock, sim, connector, account } = setup();
  for (let i = 0; i < n; i++) {
    clock.advance(1000);
    sim.placeOrder({ items: [{ sku: `SKU-${i % 50}`, quantity: 1 + (i % 3) }] });
  }
  clock.advance(3 * 60_000);
  const start = clock.nowMs();
  const acct = account();
  const seen = new Map<string, number>();
  let cursor: unknown = null;
  for (;;) {
    const res = await connector.pollOrders(acct, cursor, clock.now());
    for (const e of res.events) {
      const id = (e.payload as SpOrder).orderId;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      connector.interpret(acct, e); // every order maps
    }
    cursor = res.cursor;
    if (!res.hasMore) break;
  }
  const seconds = (clock.nowMs() - start) / 1000;
  const calls = sim.stats.byOperation.searchOrders ?? 0;
  const minCalls = Math.ceil(n / PAGE);
  const minTime = minimumSeconds(minCalls, OPERATIONS.searchOrders);
  console.log(
    `import ${n} orders: ${calls} searchOrders calls (minimum ${minCalls}), ${seconds.toFixed(1)} s simulated (minimum ${minTime.toFixed(1)} s, ratio ${ratio(seconds, minTime)}), throttled ${sim.stats.throttled}, LWA tokens ${sim.stats.tokensIssued}`,
  );
  verdict.equal(`orders imported of ${n}`, seen.size, n);
  verdict.that(
    `no order of ${n} read twice`,
    [...seen.values()].every((c) => c === 1),
    'each once',
  );
  verdict.zero(`throttled answers importing ${n}`, sim.stats.throttled);
  verdict.equal(`searchOrders calls for ${n}`, calls, minCalls);
}

async function pushQuantities(skus: number, patchMaxSkus: number) {
  const { clock, sim, connector, account } = setup();
  for (let i = 0; i < skus; i++) sim.addListing({ sku: `S${i}`, productType: 'HOME' });
  const acct = account({ patchMaxSkus });
  const updates: StockUpdate[] = Array.from({ length: skus }, (_, i) => ({
    listingId: `l${i}`,
    externalStockId: `S${i}`,
    channelData: { productType: 'HOME', marketplaceId: US },
    externalLocationId: null,
    quantity: (i * 7) % 40,
    previousQuantity: null,
  }));
  const start = clock.nowMs();
  const res = await connector.pushStock(acct, updates);
  let confirmed = res.confirmed.length;
  const feeds = new Set(res.pending.map((p) => p.submissionId));
  // What stock.confirm does: ask again every 30 s until Amazon settles each feed (the
  // simulator processes one in 90 s, so the third check finds it done).
  while (feeds.size) {
    await clock.sleep(30_000);
    for (const id of [...feeds]) {
      const check = await connector.checkStockSubmission?.(acct, id, updates);
      if (check && check.confirmed.length + check.failed.length > 0) {
        confirmed += check.confirmed.length;
        feeds.delete(id);
      }
    }
  }
  // Accepted patches are applied by Amazon's queue a little later (the simulator: 5 s).
  if (res.confirmed.length) await clock.sleep(5_000);
  const seconds = (clock.nowMs() - start) / 1000;
  const calls = Object.values(sim.stats.byOperation).reduce((a, b) => a + b, 0);
  const wrong = updates.filter((u) => sim.quantity(u.externalStockId) !== u.quantity).length;
  const how = res.pending.length ? 'one JSON_LISTINGS_FEED' : 'patchListingsItem';
  const minTime = res.pending.length ? 90 : minimumSeconds(skus, OPERATIONS.patchListingsItem);
  console.log(
    `push ${skus} quantities by ${how}: ${calls} calls ${JSON.stringify(sim.stats.byOperation)}, ${seconds.toFixed(1)} s simulated until Amazon shows them (minimum ${minTime.toFixed(1)} s${res.pending.length ? ': the simulated processing time; its calls fit the bursts' : ' by the 5/s plan'}, ratio ${ratio(seconds, minTime)}), throttled ${sim.stats.throttled}`,
  );
  verdict.equal(`quantities confirmed by ${how}`, confirmed, skus);
  verdict.zero(`quantities Amazon shows wrong after ${how}`, wrong);
  verdict.zero(`throttled answers pushing by ${how}`, sim.stats.throttled);
}

await importOrders(1_000);
await importOrders(3_000);
await pushQuantities(5_000, 100);
await pushQuantities(5_000, 25_000);
exitWithVerdict(verdict);
