// Stock pushes interrupted at every step — the process dying before the call, after Shopify
// applied it but before the hub heard back, between the answer and its record, between the two
// writes of a strict push — and answers lost for a while. Against the Shopify simulator behind
// the real connector, what must hold after a restart:
// - the channel reaches the target within a bounded number of pushes;
// - once the channel shows its target and the hub recorded it, nothing is pushed again;
// - "in sync" (sync/stock/status.ts) is never reported while the channel differs from the target;
// - strict: no push raises what the shops advertise together above the pool (units sold there
//   count as advertised until their orders land: the shop sold them out of the pool).
// The shops also sell, before a push or while its call is on the way, and the orders land in the
// hub (its stock and the shop's claim fall, as order ingestion does) at random points, also while
// a write's outcome is in doubt. Until the end, "in sync" is never reported while a shop claims
// more than its target (that oversells); when every order has landed and the pushes settled, one
// reconcile (as the hub runs every few minutes) repairs a claim the hub had to over-count (a lost
// write it cannot tell from sales), and the shops must then show the targets.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../core/db/database.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { adjust } from '../../core/inventory/ledger.ts';
import { takeSoldUnits } from '../../sync/stock/beliefs.ts';
import type { ChannelConnector } from '../../connectors/connector.ts';
import { AccountCache, openAccount } from '../../sync/connectors.ts';
import { pushAccountStock, type StockDeps } from '../../sync/stock/push.ts';
import { recomputeTargets } from '../../sync/stock/recompute.ts';
import { reconcileAccount } from '../../sync/stock/reconcile.ts';
import { IN_SYNC_SQL, inFlight } from '../../sync/stock/status.ts';
import { testDatabases } from '../support/databases.ts';
import { listing, product, quietLogger, shown, type World, world } from './helpers.ts';

class Crash extends Error {}

/** Where the process dies: before or after the n-th step of a push (a database statement or a channel call). */
type CrashAt = { step: number | 'channel'; when: 'before' | 'after' };

/**
 * The hub's dependencies with a kill switch: every database statement and channel call is a
 * step; when the armed step is reached the process "dies": that step and every later one throw,
 * so nothing the real process would not have done gets done (no error recorded, no retry).
 */
function crashable(
  w: World,
  around: <T>(call: () => Promise<T>) => Promise<T> = (call) => call(),
  onPush: () => Promise<void> = async () => {},
) {
  let armed: CrashAt | null = null;
  let steps = 0;
  let dead = false;
  const step = async <T>(run: () => Promise<T>, channel = false): Promise<T> => {
    if (dead) throw new Crash('dead');
    steps += 1;
    const here = armed?.step === steps || (channel && armed?.step === 'channel');
    if (here && armed?.when === 'before') {
      dead = true;
      throw new Crash('before');
    }
    const out = await run();
    if (here && armed?.when === 'after') {
      dead = true;
      throw new Crash('after');
    }
    return out;
  };
  const real = w.db.prisma;
  const prisma = new Proxy(real, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === '$queryRaw' || prop === '$executeRaw' || prop === '$transaction')
        return (...args: unknown[]) => step(() => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as PrismaClient;
  const connector = new Proxy(w.connector, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === 'pushStock')
        return (...args: Parameters<ChannelConnector['pushStock']>) =>
          step(() => around(() => target.pushStock(...args)), true);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as ChannelConnector;
  // The account is opened before the switch is armed (as a running hub has it cached): the
  // steps count the push's own statements and calls, whatever loading an account takes.
  const accounts = new AccountCache(systemClock, 3_600_000);
  const deps: StockDeps = {
    prisma,
    secretKey: w.key,
    connectors: { shopify: connector },
    accountCache: accounts,
    logger: w.logger,
    unitsPerChannel: 5,
    requestPush: async () => {},
  };
  return {
    deps,
    /** One push, dying at `crash` if given; a restart clears the switch. */
    async push(accountId: string, crash: CrashAt | null = null): Promise<'done' | 'crashed' | 'failed'> {
      await openAccount({ ...deps, prisma: real }, accountId);
      armed = crash;
      steps = 0;
      await onPush();
      dead = false;
      try {
        await pushAccountStock(deps, accountId);
        return 'done';
      } catch (e) {
        return e instanceof Crash ? 'crashed' : 'failed';
      } finally {
        armed = null;
        dead = false;
      }
    },
  };
}

/** Calls that touch a shop's stock (writes and the connector's re-reads). */
const stockCalls = (w: World, i: number) => {
  const ops = w.shops[i]?.sim.stats.byOperation ?? {};
  return (ops.InventorySetQuantities ?? 0) + (ops.InventoryLevelsAtLocation ?? 0);
};

/**
 * Listings the hub reports in sync (the one SQL rule) while their shop claims something else:
 * what it shows plus the units it sold whose orders have not landed (`unlanded`).
 */
async function inSyncLies(
  w: World,
  code: string,
  unlandedNow: readonly number[] = [0, 0],
  above = false,
): Promise<string[]> {
  const rows = await w.db.prisma.$queryRaw<{ id: string; account_id: string; target_qty: number }[]>`
    SELECT l.id, l.account_id, l.target_qty FROM listings l JOIN skus s ON s.id = l.sku_id
     WHERE s.code = ${code} AND ${IN_SYNC_SQL}`;
  const claim = (accountId: string) => {
    const i = w.shops.findIndex((s) => s.accountId === accountId);
    return (shown(w, code, i) ?? 0) + (unlandedNow[i] ?? 0);
  };
  return rows
    .filter((r) => (above ? claim(r.account_id) > r.target_qty : claim(r.account_id) !== r.target_qty))
    .map((r) => `${r.id}: in sync at ${r.target_qty}, shop claims ${claim(r.account_id)}`);
}

/** The lies that oversell: in sync while the shop claims more than the target. */
const overClaims = (w: World, code: string, unlandedNow: readonly number[] = [0, 0]) =>
  inSyncLies(w, code, unlandedNow, true);

const isInFlight = (l: Parameters<typeof inFlight>[0]) => inFlight(l) !== null;

const onHand = async (w: World, code: string) =>
  (await w.db.prisma.inventoryLevel.findFirst({ where: { sku: { code }, locationId: 'wh' } }))?.onHand ?? 0;

/** A stock change (0: none), and its targets recomputed as the outbox dispatcher does. */
async function change(w: World, code: string, delta: number): Promise<void> {
  if (delta !== 0) await adjust(w.db.prisma, `sku-${code}`, 'wh', delta, delta > 0 ? 'receipt' : 'damage');
  await w.db.prisma.$transaction((tx) => recomputeTargets(tx, [`sku-${code}`], 5));
}

/** Units each shop sold whose orders have not landed in the hub yet. */
const unlanded = [0, 0];

/** A buyer orders on a shop: it takes the units off its own stock at once (up to what it shows). */
function sellOn(w: World, code: string, shop: number, units: number): void {
  const s = w.shops[shop];
  const item = w.items.get(code)?.[shop];
  if (!s || !item) throw new Error('no shop');
  const sold = Math.min(units, s.sim.available(item, s.location) ?? 0);
  s.sim.store.levels.set(`${item}|${s.location}`, (s.sim.available(item, s.location) ?? 0) - sold);
  unlanded[shop] = (unlanded[shop] ?? 0) + sold;
}

/** The shop's orders land as ingestion lands them: the stock is taken, then the shop's claim falls. */
async function land(w: World, code: string, shop: number): Promise<void> {
  const units = unlanded[shop] ?? 0;
  const s = w.shops[shop];
  if (units === 0 || !s) return;
  unlanded[shop] = 0;
  const take = Math.min(units, await onHand(w, code));
  if (take > 0) await adjust(w.db.prisma, `sku-${code}`, 'wh', -take, 'sale');
  await takeSoldUnits(w.db.prisma, s.accountId, new Map([[code, units]]));
  await change(w, code, 0);
}

/** A SKU on both shops (showing 0 there), with `units` in the warehouse and its targets computed. */
async function newSku(w: World, code: string, units: number, mode: 'shared' | 'strict' = 'shared'): Promise<void> {
  await product(w, code, units, { mode });
  await change(w, code, 0);
}

describe.each(testDatabases())('stock pushes interrupted at every step ($kind)', ({ open }) => {
  let db: Database;
  let w: World;
  let hub: ReturnType<typeof crashable>;
  /** Strict: the SKU whose shops are watched, and every channel call that left them advertising more than the pool and than before the push. */
  let watched: string | null = null;
  const raisesAbovePool: string[] = [];
  /** The SKU of the current property run, traced in both modes. */
  let traced: string | null = null;
  /** What happened to the watched SKU, for the failure message. */
  const trace: string[] = [];
  let n = 0;
  /** Run once just before the next channel call (a sale or a landing while a push is on its way). */
  let duringCall: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 2);
    w.logger = quietLogger();
    // Sold units count until they land: the shop took them out of the pool.
    const advertised = () =>
      watched ? [0, 1].reduce((sum, i) => sum + (shown(w, watched ?? '', i) ?? 0) + (unlanded[i] ?? 0), 0) : 0;
    let atPushStart = 0;
    hub = crashable(
      w,
      async (call) => {
        const hook = duringCall;
        duringCall = null;
        if (hook) await hook();
        const out = await call();
        const t = watched ?? traced;
        if (t) trace.push(`call ${JSON.stringify(out)} -> shops ${[0, 1].map((i) => shown(w, t, i))}`);
        if (watched) {
          // A stock drop (damage) can leave the shops above the pool until the hub lowers them; a
          // push may lower them in two steps (0, then the share), but never leave more than it found.
          const now = advertised();
          const stock = await onHand(w, watched);
          if (now > stock && now > atPushStart)
            raisesAbovePool.push(`${watched}: ${atPushStart} -> ${now} > ${stock}\n${trace.join('\n')}`);
        }
        return out;
      },
      async () => {
        atPushStart = advertised();
        const t = watched ?? traced;
        if (t) {
          const ls = await Promise.all([0, 1].map((i) => listing(w, i, t)));
          trace.push(
            `push: stock ${await onHand(w, t)}, [target, sent, belief, doubtFrom, inFlight] ${JSON.stringify(
              ls.map((l) => [l.targetQty, l.lastSentQty, l.lastConfirmedQty, l.doubtFromQty, isInFlight(l)]),
            )}, shops ${[0, 1].map((i) => shown(w, t, i))}, unlanded ${unlanded}`,
          );
        }
      },
    );
  });
  afterAll(() => db?.close());

  /** Restarted, the hub pushes both shops until neither needs anything; returns the pushes that sent. */
  async function settle(code: string, maxRounds: number, lies = inSyncLies): Promise<number> {
    let pushes = 0;
    for (let round = 0; round < maxRounds; round++) {
      const before = [0, 1].map((i) => stockCalls(w, i));
      for (const s of w.shops) expect(await hub.push(s.accountId)).toBe('done');
      expect(await lies(w, code)).toEqual([]);
      const sent = [0, 1].filter((i) => stockCalls(w, i) > (before[i] ?? 0)).length;
      if (sent === 0) return pushes;
      pushes += sent;
    }
    const ls = await Promise.all([0, 1].map((i) => listing(w, i, code)));
    throw new Error(
      `${code}: still pushing after ${maxRounds} rounds: shops ${[0, 1].map((i) => shown(w, code, i))}, [target, sent, belief, doubtFrom, error] ${JSON.stringify(
        ls.map((l) => [l.targetQty, l.lastSentQty, l.lastConfirmedQty, l.doubtFromQty, l.lastError]),
      )}\n${trace.join('\n')}`,
    );
  }

  type Sale = { shop: number; units: number; at: 'before' | 'during' };
  type Landing = { shop: number; at: 'before' | 'during' | 'after' };
  type Step = {
    delta: number;
    shop: number;
    crash: CrashAt | { lose: number } | null;
    sell?: Sale | null;
    land?: Landing | null;
  };
  /**
   * Found by this property: both shops of a strict pool end in doubt, each with an unconfirmed
   * write above its share; each one's raise waited for the other's decrease to be confirmed.
   */
  const bothInDoubt: [number, Step[]] = [
    1,
    [
      { delta: 5, shop: 0, crash: { lose: 8 } },
      { delta: 5, shop: 0, crash: { step: 2, when: 'after' } },
      { delta: 0, shop: 1, crash: { lose: 11 } },
      { delta: -6, shop: 0, crash: { lose: 11 } },
    ],
  ];

  /**
   * Also found by it: a lost answer left a shop's belief above what it showed, and a share below
   * the belief looked like a decrease; written (0, then the share), it raised the shop while the
   * other still showed its old share, above the pool.
   */
  const doubtDecrease: [number, Step[]] = [
    3,
    [
      { delta: 1, shop: 0, crash: null },
      { delta: 6, shop: 1, crash: null },
      { delta: 4, shop: 0, crash: { lose: 7 } },
      { delta: -5, shop: 1, crash: { step: 1, when: 'before' } },
      { delta: -4, shop: 0, crash: { step: 11, when: 'before' } },
    ],
  ];

  /**
   * The fault drill's oversell: a raise 10 -> 14 is stamped and the hub dies before sending it;
   * the shop sells 3 (showing 7) while the write is in doubt; the next push (14) meets 7. Read as
   * "the channel showed 10", the claim lost the 3 unlanded units: when their orders landed the
   * hub believed the shop showed the new target 11 ("in sync") while it showed 14.
   */
  const drillOversell: [number, Step[]] = [
    10,
    [
      { delta: 4, shop: 0, crash: { step: 'channel', when: 'before' } },
      { delta: 0, shop: 0, crash: null, sell: { shop: 0, units: 3, at: 'before' }, land: { shop: 0, at: 'after' } },
    ],
  ];

  /**
   * Found by this property once the shops sold: shop 0's raise (4) applied with its answer lost,
   * then it sold 2 (unlanded); its next write in doubt went out in one step, believed from 0, and
   * put the 2 sold units back on sale beside shop 1's share, above the pool.
   */
  const doubtSales: [number, Step[]] = [
    3,
    [
      {
        delta: 2,
        shop: 1,
        crash: { step: 5, when: 'before' },
        sell: { shop: 0, units: 3, at: 'before' },
        land: { shop: 1, at: 'after' },
      },
      { delta: 5, shop: 1, crash: null, sell: { shop: 0, units: 1, at: 'during' }, land: { shop: 0, at: 'after' } },
      {
        delta: 1,
        shop: 0,
        crash: { lose: 7 },
        sell: { shop: 0, units: 3, at: 'during' },
        land: { shop: 1, at: 'during' },
      },
      { delta: 3, shop: 1, crash: null, sell: { shop: 0, units: 1, at: 'during' }, land: null },
      { delta: -5, shop: 1, crash: null, sell: null, land: { shop: 1, at: 'during' } },
      { delta: -1, shop: 0, crash: null, sell: { shop: 0, units: 1, at: 'before' }, land: null },
    ],
  ];

  /**
   * Found by this property with other seeds: a lowering write (3 -> 2) refused by compare-and-set
   * because the shop sold a unit during the call, its refusal lost. The shop then shows exactly
   * the lost write's value, as if it had been applied and nothing sold: the hub cannot tell the two
   * apart from what the shop shows, only the replay of the request under its key can.
   */
  const lostRefusal: [number, Step[]] = [
    3,
    [
      { delta: -1, shop: 0, crash: { lose: 12 }, sell: { shop: 0, units: 1, at: 'during' } },
      { delta: 5, shop: 0, crash: null },
    ],
  ];

  /**
   * Seed 99 of this property: shop 1's strict decrease (0 first, then its share) stamped and
   * journaled, the hub dying before the first write left; the shop then sold. Left to the doubt
   * rules, the shop showing the share looked like both writes applied and the sale went uncounted
   * ("in sync" while the shop claimed more); replaying the journaled first write settles it.
   */
  const firstWriteNeverSent: [number, Step[]] = [
    9,
    [
      {
        delta: -6,
        shop: 1,
        crash: { step: 6, when: 'before' },
        sell: { shop: 1, units: 2, at: 'before' },
        land: { shop: 1, at: 'after' },
      },
      { delta: -1, shop: 0, crash: null, sell: { shop: 0, units: 3, at: 'during' }, land: { shop: 0, at: 'before' } },
      { delta: -5, shop: 0, crash: null, sell: { shop: 1, units: 1, at: 'during' }, land: { shop: 1, at: 'before' } },
      {
        delta: -6,
        shop: 1,
        crash: { lose: 3 },
        sell: { shop: 0, units: 1, at: 'before' },
        land: { shop: 0, at: 'after' },
      },
      {
        delta: 0,
        shop: 1,
        crash: { lose: 6 },
        sell: { shop: 0, units: 3, at: 'before' },
        land: { shop: 1, at: 'after' },
      },
      {
        delta: -4,
        shop: 0,
        crash: { lose: 4 },
        sell: { shop: 1, units: 2, at: 'before' },
        land: { shop: 1, at: 'after' },
      },
    ],
  ];

  for (const mode of ['shared', 'strict'] as const) {
    it(`${mode}: converges after a crash at any step, pushes nothing more, never claims in sync wrongly`, async () => {
      const crash = fc.oneof(
        fc.constant(null),
        fc.record({
          step: fc.integer({ min: 1, max: 14 }),
          when: fc.constantFrom('before' as const, 'after' as const),
        }),
        fc.record({ lose: fc.integer({ min: 1, max: 12 }) }),
      );
      const shopArb = fc.constantFrom(0, 1);
      const stepArb = fc.record({
        delta: fc.integer({ min: -6, max: 6 }),
        shop: shopArb,
        crash,
        sell: fc.option(
          fc.record({
            shop: shopArb,
            units: fc.integer({ min: 1, max: 3 }),
            at: fc.constantFrom('before' as const, 'during' as const),
          }),
          { nil: null },
        ),
        land: fc.option(
          fc.record({ shop: shopArb, at: fc.constantFrom('before' as const, 'during' as const, 'after' as const) }),
          { nil: null },
        ),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 12 }),
          fc.array(stepArb, { minLength: 1, maxLength: 6 }),
          async (start, steps) => {
            const code = `${mode.toUpperCase()}-${++n}`;
            watched = mode === 'strict' ? code : null;
            traced = code;
            raisesAbovePool.length = 0;
            trace.length = 0;
            unlanded.fill(0);
            duringCall = null;
            await newSku(w, code, start, mode);
            await settle(code, 4);
            for (const s of steps) {
              const delta = Math.max(-(await onHand(w, code)), s.delta);
              await change(w, code, delta);
              const shop = w.shops[s.shop];
              if (!shop) throw new Error('no shop');
              const { sell, land: landing } = s;
              trace.push(`step ${JSON.stringify(s)}`);
              if (sell?.at === 'before') sellOn(w, code, sell.shop, sell.units);
              if (landing?.at === 'before') await land(w, code, landing.shop);
              duringCall = async () => {
                if (sell?.at === 'during') sellOn(w, code, sell.shop, sell.units);
                if (landing?.at === 'during') await land(w, code, landing.shop);
              };
              if (s.crash && 'lose' in s.crash) {
                shop.sim.faults.loseNextResponses(s.crash.lose);
                await hub.push(shop.accountId);
                shop.sim.faults.clear();
              } else {
                await hub.push(shop.accountId, s.crash);
              }
              // A push that planned nothing made no call: its sale or landing happens now.
              const missed = duringCall as (() => Promise<void>) | null;
              duringCall = null;
              if (missed) await missed();
              if (landing?.at === 'after') await land(w, code, landing.shop);
              expect(await overClaims(w, code, unlanded), trace.join('\n')).toEqual([]);
            }
            // Every order lands (the hub may have been down meanwhile, or up).
            for (const i of [0, 1]) await land(w, code, i);
            // Restarted: a bounded number of pushes, then nothing more, never in sync above the target.
            // (Sales cost pushes: a write that met unseen sales is corrected at once.)
            const pushes = await settle(code, mode === 'shared' ? 4 : 6, overClaims);
            // A lost write the channel's answers cannot tell from sales was counted as sales (the
            // claim too high: the shop shows less than it could); reconcile reads the shops, as it
            // does every few minutes, and the hub then settles at the targets.
            for (const s of w.shops) await reconcileAccount({ ...hub.deps, graceMs: 0 }, s.accountId);
            await settle(code, 4);
            const stock = await onHand(w, code);
            const ls = await Promise.all([0, 1].map((i) => listing(w, i, code)));
            for (const [i, l] of ls.entries()) {
              expect(shown(w, code, i), trace.join('\n')).toBe(l.targetQty);
              expect(l.lastConfirmedQty, trace.join('\n')).toBe(l.targetQty);
            }
            if (mode === 'shared') expect(ls.map((l) => l.targetQty)).toEqual([stock, stock]);
            else expect(ls.reduce((sum, l) => sum + (l.targetQty ?? 0), 0)).toBe(stock);
            expect(pushes).toBeLessThanOrEqual(mode === 'shared' ? 4 : 8);
            // Strict: no push raised what the shops advertise together above the pool.
            expect(raisesAbovePool).toEqual([]);
          },
        ),
        {
          endOnFailure: true,
          numRuns: 40,
          // One fixed seed, so that CI is reproducible; STOCK_CRASH_SEED explores others.
          seed: Number(process.env.STOCK_CRASH_SEED ?? 20261201),
          examples:
            mode === 'strict'
              ? [bothInDoubt, doubtDecrease, doubtSales, firstWriteNeverSent]
              : [drillOversell, lostRefusal],
        },
      );
      // Forty runs with sales and reconciles take minutes on a loaded machine (no assertion on time).
    }, 600_000);
  }

  it('strict: a write in doubt keeps its bound until confirmed, so the other shop cannot raise into it', async () => {
    const code = 'BOUND';
    await newSku(w, code, 4, 'strict');
    await settle(code, 4);
    watched = code;
    traced = null;
    unlanded.fill(0);
    raisesAbovePool.length = 0;
    trace.length = 0;
    try {
      // Freed units: shop 0 is raised 2 -> 0 -> 4; the second write's answer never arrives.
      await change(w, code, 4);
      expect(await hub.push('shop-0', { step: 7, when: 'after' })).toBe('crashed');
      expect(shown(w, code, 0)).toBe(4);
      // Stock drops: its next write (a lower share) is stamped, and the hub dies before sending it.
      await change(w, code, -4);
      expect(await hub.push('shop-0', { step: 4, when: 'before' })).toBe('crashed');
      expect(shown(w, code, 0)).toBe(4);
      // Units come back: shop 1 may rise only beside what shop 0 may still show (4).
      await change(w, code, 2);
      await hub.push('shop-1');
      expect(raisesAbovePool).toEqual([]);
      await settle(code, 6);
      expect(raisesAbovePool).toEqual([]);
      expect(shown(w, code, 0)! + shown(w, code, 1)!).toBeLessThanOrEqual(6);
    } finally {
      watched = null;
    }
  });

  it('the drill: a shop already at the target the hub believes is lower takes one push, then none', async () => {
    await newSku(w, 'DRILL-LOW', 40);
    await settle('DRILL-LOW', 2);
    await change(w, 'DRILL-LOW', 4);
    // Shopify applies 44, the hub dies before recording it: it still believes 40.
    expect(await hub.push('shop-0', { step: 'channel', when: 'after' })).toBe('crashed');
    expect(shown(w, 'DRILL-LOW', 0)).toBe(44);
    expect((await listing(w, 0, 'DRILL-LOW')).lastConfirmedQty).toBe(40);
    expect(await hub.push('shop-0')).toBe('done');
    expect(await listing(w, 0, 'DRILL-LOW')).toMatchObject({ targetQty: 44, lastConfirmedQty: 44, lastError: null });
    const calls = stockCalls(w, 0);
    expect(await hub.push('shop-0')).toBe('done');
    expect(stockCalls(w, 0)).toBe(calls);
    expect(shown(w, 'DRILL-LOW', 0)).toBe(44);
  });

  it('the drill: a shop showing more than the target is never "in sync", and is brought down', async () => {
    await newSku(w, 'DRILL-HIGH', 44);
    await settle('DRILL-HIGH', 2);
    await change(w, 'DRILL-HIGH', 4);
    expect(await hub.push('shop-0', { step: 'channel', when: 'after' })).toBe('crashed');
    expect(shown(w, 'DRILL-HIGH', 0)).toBe(48);
    // The target returns to what the hub last confirmed: only the unconfirmed write says otherwise.
    await change(w, 'DRILL-HIGH', -4);
    expect(await listing(w, 0, 'DRILL-HIGH')).toMatchObject({ targetQty: 44, lastConfirmedQty: 44 });
    expect(await inSyncLies(w, 'DRILL-HIGH')).toEqual([]);
    expect(await hub.push('shop-0')).toBe('done');
    expect(shown(w, 'DRILL-HIGH', 0)).toBe(44);
    expect(await listing(w, 0, 'DRILL-HIGH')).toMatchObject({ targetQty: 44, lastConfirmedQty: 44, lastError: null });
    const calls = stockCalls(w, 0);
    expect(await hub.push('shop-0')).toBe('done');
    expect(stockCalls(w, 0)).toBe(calls);
  });

  it('the drill: a shop that put a unit back itself is believed at what it shows, and settles at the target', async () => {
    await newSku(w, 'RESTOCKED', 10);
    await settle('RESTOCKED', 2);
    // A cancelled order's unit is restocked on shop 0 before the hub has processed the cancellation.
    const s = w.shops[0]!;
    const item = w.items.get('RESTOCKED')![0]!;
    s.sim.store.levels.set(`${item}|${s.location}`, 11);
    // Another change moves the target: the write (8) meets 11 and replaces it.
    await change(w, 'RESTOCKED', -2);
    expect(await hub.push('shop-0')).toBe('done');
    expect(shown(w, 'RESTOCKED', 0)).toBe(8);
    expect((await listing(w, 0, 'RESTOCKED')).lastConfirmedQty).toBe(8);
    // The cancellation lands: its unit is back in the pool, and both shops must show 9.
    await change(w, 'RESTOCKED', 1);
    await settle('RESTOCKED', 3);
    expect([shown(w, 'RESTOCKED', 0), shown(w, 'RESTOCKED', 1)]).toEqual([9, 9]);
    expect(await inSyncLies(w, 'RESTOCKED')).toEqual([]);
  });

  it('every answer lost for a while: the shop ends at the target, not below it', async () => {
    await newSku(w, 'ALL-LOST', 10);
    await settle('ALL-LOST', 2);
    const shop = w.shops[0];
    if (!shop) throw new Error('no shop');
    shop.sim.faults.loseNextResponses(1000); // Shopify applies every call; no answer comes back
    await change(w, 'ALL-LOST', -3);
    expect(await hub.push('shop-0')).toBe('failed');
    expect(await hub.push('shop-0')).toBe('failed');
    expect(shown(w, 'ALL-LOST', 0)).toBe(7);
    shop.sim.faults.clear();
    await settle('ALL-LOST', 2);
    expect(shown(w, 'ALL-LOST', 0)).toBe(7);
    expect(await listing(w, 0, 'ALL-LOST')).toMatchObject({ targetQty: 7, lastConfirmedQty: 7, lastError: null });
  });
});
