// `npm run drill`: the fault drill, on the embedded database and then on PostgreSQL + a Redis of
// its own. Prints the figures of each pass and exits non-zero on any breach.
//   npm run drill                      full drill (2,000 orders per pass)
//   npm run drill -- --orders 300 --outage-ms 8000 --quiet-ms 10000 --db pglite
//   npm run drill -- --processes multi  the multi-process, multi-channel drill (multi/run.ts): 10,000
//                                      channel deliveries, PostgreSQL (TEST_DATABASE_URL) + its own Redis
//   npm run drill -- --processes multi --events 1500 --outage-ms 10000 --redis-down-ms 8000
//   DRILL_HUB_LOG_LEVEL=info npm run drill …   the hub's log (hub.log in the drill's directory under the system's temporary directory) at info
import { parseArgs } from 'node:util';
import { type DrillResult, runDrill } from './run.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '25' },
    'outage-ms': { type: 'string', default: '30000' },
    'quiet-ms': { type: 'string', default: '30000' },
    'settle-ms': { type: 'string', default: '300000' },
    db: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '20261201' },
    processes: { type: 'string', default: 'single' },
    events: { type: 'string', default: '10000' },
    'redis-down-ms': { type: 'string', default: '30000' },
    'kill-every-ms': { type: 'string', default: '5000' },
  },
});

export function printResult(r: DrillResult, out: (s: string) => void = console.log): void {
  const s = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  out(`\n== drill on ${r.options.db}: ${r.traffic.placed} orders at ${r.options.perSecond}/s`);
  out(
    `faults: ${r.kills} SIGKILLs; webhooks ${r.webhooks.dropped} dropped + ${r.webhooks.refused} failed of ${r.webhooks.attempted} deliveries; ` +
      `${r.outageAnswers} 429/503 answers; ${r.lostStockAnswers} stock answers lost after applying`,
  );
  out(
    `traffic: ${r.traffic.cancelled} cancelled, ${r.traffic.refunded} refunded, ${r.traffic.restocks} restocks via API`,
  );
  for (const o of r.state.orders)
    out(
      `orders ${o.accountId}: ${o.onShop} on the shop, ${o.inHub} in the hub, ${o.missing} missing, ${o.extra} extra`,
    );
  out(`orders stored twice: ${r.state.duplicateOrders}`);
  out(`missing when traffic stopped: ${r.missingAtStop}; all in after ${s(r.ordersInMs)} (poll interval ${10} s)`);
  out(`listings off target: ${r.state.listingsOff.length}; converged after ${s(r.convergedMs)}`);
  out(
    `stock writes: ${r.stockWrites}; after convergence: ${r.pushesAfterConvergence} (watched ${r.options.quietMs / 1000} s)`,
  );
  out(`oversold orders: strict ${r.state.strictOversold}, shared pool ${r.state.sharedOversold} (allowed by design)`);
  out(`ledger vs movements: ${r.state.ledgerMismatches} mismatches, ${r.state.invariantBreaches} invariant breaches`);
  out(
    `channel events not applied: ${r.state.failedEvents} failed; ${r.state.pendingEvents} not yet tried when the hub stopped (durable: the next start applies them), ${r.state.stalePendingEvents} of them older than a minute`,
  );
  out(r.breaches.length ? `BREACHES:\n  - ${r.breaches.join('\n  - ')}` : 'no breach');
}

async function multi(): Promise<never> {
  const { runMultiDrill } = await import('./multi/run.ts');
  const { printMultiResult } = await import('./multi/print.ts');
  const r = await runMultiDrill({
    events: Number(values.events),
    perSecond: Number(values.rate),
    outageMs: Number(values['outage-ms']),
    redisDownMs: Number(values['redis-down-ms']),
    killEveryMs: Number(values['kill-every-ms']),
    badRounds: 10,
    quietMs: Number(values['quiet-ms']),
    settleTimeoutMs: Number(values['settle-ms']),
    seed: Number(values.seed),
    ...(process.env.TEST_DATABASE_URL ? { postgresUrl: process.env.TEST_DATABASE_URL } : {}),
    log: (l) => console.log(`[${new Date().toISOString()}] ${l}`),
  });
  printMultiResult(r);
  process.exit(r.breaches.length ? 1 : 0);
}

if ((import.meta.main || process.argv[1]?.endsWith('drill.ts')) && values.processes === 'multi') await multi();
else if (import.meta.main || process.argv[1]?.endsWith('drill.ts')) {
  const passes = values.db === 'both' ? (['pglite', 'postgres'] as const) : [values.db as 'pglite' | 'postgres'];
  let failed = false;
  for (const db of passes) {
    const r = await runDrill({
      db,
      orders: Number(values.orders),
      perSecond: Number(values.rate),
      outageMs: Number(values['outage-ms']),
      quietMs: Number(values['quiet-ms']),
      settleTimeoutMs: Number(values['settle-ms']),
      seed: Number(values.seed),
      ...(process.env.TEST_DATABASE_URL ? { postgresUrl: process.env.TEST_DATABASE_URL } : {}),
      log: (l) => console.log(`[${new Date().toISOString()}] ${l}`),
    });
    printResult(r);
    if (r.breaches.length) failed = true;
  }
  process.exit(failed ? 1 : 0);
}
