// The fault drill in its reduced form (fewer orders, shorter outage, the same faults): the hub
// as a real process killed twice with SIGKILL, 30 % of webhooks dropped, a shop answering
// 429/503, lost answers to applied stock updates. Every figure comes from the hub's database
// and the simulators' state; `npm run drill` runs the full form.
import { describe, expect, it } from 'vitest';
import { postgresTemplateUrl, testDatabases } from '../support/databases.ts';
import { withDatabase } from '../support/pg-url.ts';
import { printResult } from './drill.ts';
import { runDrill } from './run.ts';

describe.each(testDatabases().map((d) => d.kind))('fault drill on %s', (db) => {
  it('loses no order, stores none twice, converges every listing and then stays quiet, oversells nothing in strict mode', async () => {
    const template = postgresTemplateUrl();
    const lines: string[] = [];
    const r = await runDrill({
      db,
      orders: 240,
      perSecond: 20,
      outageMs: 15_000,
      quietMs: 8_000,
      settleTimeoutMs: 420_000,
      seed: 7,
      ...(template ? { postgresUrl: withDatabase(template, 'postgres') } : {}),
    });
    printResult(r, (l) => lines.push(l));
    console.log(lines.join('\n'));
    // The faults happened.
    expect(r.kills).toBe(2);
    expect(r.webhooks.dropped).toBeGreaterThan(0);
    expect(r.outageAnswers).toBeGreaterThan(0);
    expect(r.lostStockAnswers).toBeGreaterThan(0);
    // And the hub kept its promises.
    expect(r.breaches).toEqual([]);
    expect(r.state.orders.reduce((n, o) => n + o.onShop, 0)).toBe(r.traffic.placed);
    expect(r.convergedMs).not.toBeNull();
  }, 900_000);
});
