// Recovery after an outage: a Shopify shop holds K orders the hub never heard of (webhooks lost
// while the hub was down). The polling safety net reads them through the real connector and
// the Shopify simulator (standard plan bucket: 1,000 points, 100 restored per second, queries
// priced by Shopify's published rules), stores each page in the inbox with its cursor and
// processes it into orders, exactly as the orders.poll and inbox.process jobs do.
// Time: the channel's pacing runs on a virtual clock (waiting for the bucket costs no real
// time), the hub's own work (database, mapping) on the real one; the recovery time printed is
// their sum, an upper bound (the runtime overlaps them). It is compared with the minimum the
// rate limit allows: the points Shopify must charge for these orders by its rules (every
// order's objects, plus 2 per orders page), less the full bucket at the start, over the restore
// rate. Exits 1 (verdict.ts) when an order is missing from the hub's database or recorded twice.
// --known then sweeps the same orders again while the hub holds them all: the cost of a poll
// with nothing to recover (listing pages, plus the refunded orders it reads by rule).
// Run: npm run bench:poll [-- --orders 500] [--known]
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import type { AccountContext } from '../../connectors/connector.ts';
import { createShopifyConnector } from '../../connectors/shopify/connector.ts';
import { listingPageFirst, POLL_ORDER_SIZES, pollPageFirst } from '../../connectors/shopify/orders.ts';
import {
  FULL_ORDER_SIZES,
  ORDER_DETAILS_QUERY,
  ORDERS_BY_ID_QUERY,
  ORDERS_UPDATED_SINCE_QUERY,
} from '../../connectors/shopify/queries.ts';
import { actualQueryCost, requestedQueryCost } from '../../connectors/shopify/query-cost.ts';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { gqlOrder } from '../../connectors/shopify/simulator/serialize.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { openDatabase } from '../../core/db/database.ts';
import { Prisma } from '../../core/db/generated/prisma/client.ts';
import { createLogger } from '../../core/log.ts';
import { processInbox } from '../../sync/inbox-processor.ts';
import { pollAccountOrders } from '../../sync/orders-poll.ts';
import { exitWithVerdict, Verdict } from './verdict.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
  return v;
};
const K = arg('orders', 500);
const BUCKET = { maximumAvailable: 1000, restoreRate: 100 };
const SHOP = 'omnihub-pollbench.myshopify.com';

const clock = new ManualClock(Date.now() - 3_600_000);
const sim = createShopifySimulator({ shop: SHOP, accessToken: 'shpat_bench', clock, bucket: BUCKET });
const loc = sim.store.addLocation('Warehouse');
const variants = Array.from({ length: 20 }, (_, i) =>
  sim.store.addVariant({
    sku: `SKU-${i}`,
    productTitle: `P${i}`,
    price: 1000 + i * 100,
    stock: { [loc.id]: 1_000_000 },
  }),
);
// The outage: K orders over the last hour, mostly 1-3 lines, one in ten with 8 (more than the
// poll page's 5: their lines are completed by a follow-up read), one in twenty-five refunded.
for (let i = 0; i < K; i++) {
  clock.advance(Math.floor(3_600_000 / K));
  const n = i % 10 === 0 ? 8 : 1 + (i % 3);
  const o = await sim.placeOrder({
    lines: Array.from({ length: n }, (_, j) => ({
      variantId: variants[(i + j) % variants.length]!.id,
      quantity: 1 + ((i + j) % 2),
    })),
    shippingAddress: {
      firstName: 'A',
      lastName: `B${i}`,
      address1: `${i} Main St`,
      city: 'Ottawa',
      countryCode: 'CA',
      zip: 'K1A 0A1',
    },
    customer: { firstName: 'A', lastName: `B${i}`, email: `b${i}@example.com` },
    shipping: { title: 'Standard', price: 500 },
  });
  if (i % 25 === 0) await sim.refund(o.id, [{ lineItemId: o.lines[0]!.id, quantity: 1, restockType: 'NO_RESTOCK' }]);
}
sim.bucket.configure({ currentlyAvailable: BUCKET.maximumAvailable });

// The least Shopify must charge for these orders by its rules, whatever the queries look like.
let orderPoints = 0;
for (const o of sim.store.orders.values()) {
  const sizes = { ...FULL_ORDER_SIZES, lines: o.lines.length };
  orderPoints += actualQueryCost(
    ORDER_DETAILS_QUERY,
    { ids: [o.id], ...sizes },
    { nodes: [gqlOrder(sim.store, o, sizes)] },
  );
}
const minimumPoints = orderPoints + 2 * Math.ceil(K / 250);
const minimumSeconds = Math.max(0, minimumPoints - BUCKET.maximumAvailable) / BUCKET.restoreRate;

const db = await openDatabase({ dataDir: 'memory://' });
const key = generateSecretKey();
await createAccount(db.prisma, key, {
  id: 'shop',
  type: 'shopify',
  name: 'shop',
  credentials: { shop: SHOP, accessToken: 'shpat_bench' },
});
const connector = createShopifyConnector({ clock, transport: (req) => sim.fetch(req) });
const deps = {
  prisma: db.prisma,
  secretKey: key,
  connectors: { shopify: connector },
  logger: createLogger({ logLevel: 'silent' }),
  clock,
};

/** One recovery: sweeps until the poll has nothing more, each page processed as it lands. */
async function recover() {
  const before = structuredClone(sim.stats);
  const virtualStart = clock.nowMs();
  const realStart = performance.now();
  let sweeps = 0;
  let pages = 0;
  let events = 0;
  for (;;) {
    sweeps += 1;
    const run = await pollAccountOrders(deps, 'shop', {
      maxPages: 1_000_000,
      onStored: async () => {
        for (;;) if (!(await processInbox(deps, 'shop')).more) break;
      },
    });
    pages += run.pages;
    events += run.events;
    if (!run.more) break;
  }
  const byOperation: Record<string, number> = {};
  for (const [op, n] of Object.entries(sim.stats.byOperation)) {
    const d = n - (before.byOperation[op] ?? 0);
    if (d) byOperation[op] = d;
  }
  return {
    sweeps,
    pages,
    events,
    virtualSeconds: (clock.nowMs() - virtualStart) / 1000,
    realSeconds: (performance.now() - realStart) / 1000,
    requests: sim.stats.requests - before.requests,
    throttled: sim.stats.throttled - before.throttled,
    charged: sim.stats.costPoints - before.costPoints,
    requested: sim.stats.requestedPoints - before.requestedPoints,
    byOperation,
  };
}

const unseen = await recover();
const { virtualSeconds, realSeconds } = unseen;
const recoverySeconds = virtualSeconds + realSeconds;

const rows = await db.prisma.order.findMany({ where: { accountId: 'shop' }, select: { externalId: true } });
const distinct = new Set(rows.map((r) => r.externalId));
const missing = [...sim.store.orders.keys()].filter((id) => !distinct.has(id)).length;
const stats = connector.clientStats({
  id: 'shop',
  type: 'shopify',
  name: 'shop',
  credentials: { shop: SHOP, accessToken: 'shpat_bench' },
  settings: {},
} as AccountContext);
const first = pollPageFirst(250, BUCKET.maximumAvailable);
const perPage = requestedQueryCost(ORDERS_BY_ID_QUERY, {
  ids: Array.from({ length: first }, (_, i) => `gid://shopify/Order/${i}`),
  ...POLL_ORDER_SIZES,
});
const listing = listingPageFirst(250, BUCKET.maximumAvailable);
const perListing = requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, { first: listing });
const opsText = (byOperation: Record<string, number>) =>
  Object.entries(byOperation)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

console.log(
  `Poll recovery: ${K} orders the hub never saw, Shopify standard bucket (${BUCKET.maximumAvailable} points, ${BUCKET.restoreRate}/s), PGlite in memory.`,
);
console.log(
  `  listing            ${listing} ids per OrdersUpdatedSince query (requested ${perListing} points); whole orders ${first} per OrdersById query (requested ${perPage}; limit 1,000)`,
);
console.log(
  `  GraphQL calls      ${unseen.requests}  [${opsText(unseen.byOperation)}]  pages ${unseen.pages} in ${unseen.sweeps} sweep(s); throttled ${unseen.throttled}`,
);
console.log(
  `  points             charged ${unseen.charged}, requested ${unseen.requested}; minimum by Shopify's rules ${minimumPoints}`,
);
console.log(
  `  recovery time      ${recoverySeconds.toFixed(1)} s = ${virtualSeconds.toFixed(1)} s waiting for the bucket (virtual) + ${realSeconds.toFixed(1)} s hub work (real)`,
);
console.log(
  `  rate-limit minimum ${minimumSeconds.toFixed(1)} s  ((minimum points - full bucket) / restore rate); requested total / restore rate: ${(unseen.requested / BUCKET.restoreRate).toFixed(1)} s`,
);
console.log(`  ratio              ${(recoverySeconds / minimumSeconds).toFixed(2)} x the minimum`);
console.log(
  `  orders in the hub  ${distinct.size} of ${K} (rows ${rows.length}); client waited ${(stats.waitedMs / 1000).toFixed(1)} s virtual`,
);

// --known: the same orders swept again from the start while the hub holds every one of them
// (webhooks delivered): what the listing-first poll costs when there is nothing to recover.
let knownUnread = 0; // events of orders read whole beyond the refunded ones
if (process.argv.includes('--known')) {
  await db.prisma.channelAccount.update({ where: { id: 'shop' }, data: { cursor: Prisma.JsonNull } });
  const known = await recover();
  const refunded = [...sim.store.orders.values()].filter((o) => /REFUNDED/.test(o.financialStatus)).length;
  // Only the refunded orders (read whole by rule) may come back: their snapshot and refunds.
  knownUnread = known.events - (refunded + sim.store.refunds.size);
  console.log(
    `  already known      a sweep over the same ${K} orders, all held by the hub: ${known.requests} calls [${opsText(known.byOperation)}], charged ${known.charged} points (requested ${known.requested}) vs ${unseen.charged} unseen; ${(known.virtualSeconds + known.realSeconds).toFixed(1)} s = ${known.virtualSeconds.toFixed(1)} s virtual + ${known.realSeconds.toFixed(1)} s real; ${refunded} refunded orders read whole by rule`,
  );
}
console.log(
  `  load average       ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const verdict = new Verdict();
verdict.zero('orders missing from the hub', missing);
verdict.zero('orders recorded twice', rows.length - distinct.size);
verdict.zero('events of orders read again although the hub held them (--known)', knownUnread);
verdict.zero(
  'unprocessed inbox events',
  await db.prisma.inboxEvent.count({ where: { accountId: 'shop', processedAt: null } }),
);
await db.close();
exitWithVerdict(verdict);
