// The multi-process, multi-channel fault drill in its reduced form (fewer deliveries, shorter
// faults, the same kinds): api ×2, worker ×2 and a scheduler as real processes on PostgreSQL and
// a Redis of the drill's own, two Shopify shops, Amazon, eBay, Square and the generic till;
// duplicated and reordered deliveries, workers SIGKILLed, Redis stopped, a shop answering
// 429/503, lost answers to applied stock updates, forged and malformed webhooks. Every figure
// comes from the database and the simulators; `npm run drill -- --processes multi` is the full form.
import { describe, expect, it } from 'vitest';
import { postgresTemplateUrl } from '../support/databases.ts';
import { withDatabase } from '../support/pg-url.ts';
import { printMultiResult } from './multi/print.ts';
import { runMultiDrill } from './multi/run.ts';

const template = postgresTemplateUrl();

describe.skipIf(!template)('multi-process drill on PostgreSQL and Redis', () => {
  it('every channel: no order lost or stored twice, every listing on target and then quiet, forged refused, malformed in view', async () => {
    const lines: string[] = [];
    const r = await runMultiDrill({
      events: 400,
      perSecond: 8,
      outageMs: 15_000,
      redisDownMs: 6_000,
      killEveryMs: 6_000,
      badRounds: 3,
      quietMs: 5_000,
      // A channel showing less than the hub believes (a sale that raced a push) is repaired only
      // once nothing sold there for reconcileGraceMs (120 s, sync/runtime.ts DEFAULT_TUNING), at
      // the next drift check (every 10 s here, multi/channels.ts): the hub settles ~130 s after
      // the last sale by that rule, so the window must be well over that.
      settleTimeoutMs: 300_000,
      seed: 11,
      postgresUrl: withDatabase(template as string, 'postgres'),
    });
    printMultiResult(r, (l) => lines.push(l));
    console.log(lines.join('\n'));
    // The faults happened.
    expect(r.kills).toBeGreaterThan(0);
    expect(r.redisStops).toBe(1);
    expect(r.door.duplicates).toBeGreaterThan(0);
    expect(r.outageAnswers).toBeGreaterThan(0);
    expect(r.lostStockAnswers).toBeGreaterThan(0);
    expect(r.bad.forged.sent).toBeGreaterThan(0);
    expect(r.bad.malformed.sent).toBe(3);
    // Every channel took part.
    expect(new Set(r.channels.map((c) => c.type))).toEqual(new Set(['shopify', 'amazon', 'ebay', 'square', 'till']));
    for (const c of r.channels) expect(c.onChannel, c.accountId).toBeGreaterThan(0);
    // And the hub kept its promises.
    expect(r.breaches).toEqual([]);
    expect(r.convergedMs).not.toBeNull();
  }, 900_000);
});
