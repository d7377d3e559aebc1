// The multi-process drill's figures as `npm run drill -- --processes multi` prints them.
import type { MultiDrillResult } from './run.ts';

export function printMultiResult(r: MultiDrillResult, out: (s: string) => void = console.log): void {
  const s = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  out(
    `\n== multi-process drill (2 api, 2 worker, 1 scheduler; PostgreSQL + own Redis): ${r.door.received} channel deliveries`,
  );
  out(
    `faults: ${r.door.duplicates} duplicate deliveries, random reordering (hold up to 400 ms); ${r.kills} worker SIGKILLs; ` +
      `Redis stopped ${r.redisStops}× for ${r.options.redisDownMs / 1000} s; ${r.outageAnswers} 429/503 answers; ` +
      `${r.lostStockAnswers} stock answers lost after applying`,
  );
  out(
    `forged: ${r.bad.forged.sent} sent, ${r.bad.forged.accepted} accepted (answers ${JSON.stringify(r.bad.forged.statuses)}); ` +
      `malformed: ${r.bad.malformed.sent} sent, ${r.bad.malformed.refused} refused at the door, ${r.bad.malformed.storedIds.length} stored → ` +
      `${r.bad.malformed.storedIds.length - r.events.malformedWithoutException} open exceptions`,
  );
  out(
    `traffic: ${r.traffic.placed} Shopify orders (${r.traffic.cancelled} cancelled, ${r.traffic.refunded} refunded), ` +
      `${r.otherSales} sales on the other channels, in ${((r.traffic.endedAt - r.traffic.startedAt) / 1000).toFixed(0)} s ` +
      `(hub up in ${(r.fleetStartMs / 1000).toFixed(0)} s, every channel stocked ${(r.stockedMs / 1000).toFixed(0)} s later)`,
  );
  out(
    `events: ${r.door.perSecond.toFixed(1)} deliveries/s at the door during traffic; ${r.events.stored} stored once, ` +
      `${r.events.applied} applied, ${r.events.appliedPerSecond.toFixed(1)} applied/s sustained (first stored to last applied)`,
  );
  out('channel            type      on channel  in hub  missing  extra  twice  listings off refused  writes after');
  for (const c of r.channels)
    out(
      `${c.accountId.padEnd(18)} ${c.type.padEnd(9)} ${String(c.onChannel).padStart(10)} ${String(c.inHub).padStart(7)} ` +
        `${String(c.missing).padStart(8)} ${String(c.extra).padStart(6)} ${String(c.duplicates).padStart(6)} ` +
        `${String(c.listings).padStart(8)} ${String(c.listingsOff.length).padStart(4)} ${String(c.listingsRefused.length).padStart(7)} ${String(c.writesAfterConvergence).padStart(13)}`,
    );
  for (const c of r.channels)
    if (c.listingsRefused.length)
      out(`refused by ${c.accountId} (on the listing, not silent): ${c.listingsRefused.slice(0, 3).join('; ')}`);
  out(
    `orders missing or behind the channel's last version when traffic stopped → all in after: ${r.recovery
      .map((c) => `${c.accountId} ${c.missingAtStop} → ${s(c.allInMs)}`)
      .join('; ')}`,
  );
  out(
    `all orders in after ${s(r.ordersInMs)}; every listing on target after ${s(r.convergedMs)} (watched ${r.options.quietMs / 1000} s more)`,
  );
  if (r.afterConvergence !== null)
    out(`in the ${r.options.quietMs / 1000} s watched after convergence: ${r.afterConvergence}`);
  out(
    `oversold: strict ${r.state.strictOversold}, shared pool ${r.state.sharedOversold} (allowed by design); ` +
      `ledger vs movements: ${r.state.ledgerMismatches} mismatches; events not applied: ${r.events.failedOther} (+ ${r.events.failedMalformed} malformed, on purpose)`,
  );
  const forged5xx = Object.entries(r.bad.forged.statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((n, [, k]) => n + k, 0);
  if (forged5xx)
    out(
      `note: ${forged5xx} forged deliveries answered 5xx, not 4xx (a door that could not decide, e.g. eBay's key endpoint unreachable, so that the channel retries)`,
    );
  out(`processes that exited on their own (restarted by the supervisor): ${r.crashes.length}`);
  for (const c of r.crashes)
    out(
      `  ${c.process} at ${c.at}, code ${c.code ?? '-'} signal ${c.signal ?? '-'}; last lines:\n    ${c.tail.split('\n').join('\n    ')}`,
    );
  out(r.breaches.length ? `BREACHES:\n  - ${r.breaches.join('\n  - ')}` : 'no breach');
}
