import { describe, expect, it } from 'vitest';
import type { StockLevel } from '../../core/inventory/available-to-sell.ts';
import { computeTargets, poolsOf, sellableAt, type TargetAccount } from '../../core/inventory/stock-targets.ts';

const lvl = (locationId: string, onHand: number, reserved = 0, safetyStock = 0): StockLevel => ({
  locationId,
  onHand,
  reserved,
  safetyStock,
});
const acct = (id: string, locationIds: string[], over: Partial<TargetAccount> = {}): TargetAccount => ({
  id,
  locationIds,
  buffer: 0,
  max: null,
  percent: 100,
  ...over,
});
const listing = (accountId: string, belief: number | null = null, inFlight: number | null = null) => ({
  id: `L-${accountId}`,
  accountId,
  belief,
  inFlight,
});
const byAccount = (r: ReturnType<typeof computeTargets>) => Object.fromEntries(r.map((t) => [t.accountId, t.target]));

describe('poolsOf', () => {
  it('joins accounts that share a location, directly or through another account', () => {
    const pools = poolsOf([acct('a', ['wh']), acct('b', ['wh', 'store']), acct('c', ['store']), acct('d', ['other'])]);
    expect(pools.get('a')).toBe(pools.get('b'));
    expect(pools.get('b')).toBe(pools.get('c'));
    expect(pools.get('d')).not.toBe(pools.get('a'));
  });
});

describe('computeTargets', () => {
  const levels = [lvl('wh', 12, 2, 1), lvl('store', 5, 0, 2)];

  it('gives every channel its own available-to-sell in shared mode', () => {
    const r = computeTargets({
      skuMode: 'shared',
      levels,
      accounts: [
        acct('web', ['wh', 'store'], { buffer: 2 }),
        acct('amazon', ['wh'], { percent: 50 }),
        acct('pos', ['store']),
      ],
      listings: [listing('web'), listing('amazon'), listing('pos')],
    });
    expect(byAccount(r)).toEqual({ web: 10, amazon: 4, pos: 3 }); // web: 12 sellable − buffer 2
    expect(r.every((t) => t.mode === 'shared')).toBe(true);
    expect(sellableAt(levels, ['wh', 'store'])).toBe(12);
  });

  it('splits the pool in strict mode, each share within the channel’s own cap', () => {
    const r = computeTargets({
      skuMode: 'strict',
      levels,
      accounts: [acct('web', ['wh', 'store']), acct('amazon', ['wh'], { max: 2 })],
      listings: [listing('web'), listing('amazon')],
    });
    expect(byAccount(r)).toEqual({ web: 10, amazon: 2 });
    expect(r[0]).toMatchObject({ mode: 'strict', pool: 12 });
  });

  it('auto is strict below five units per channel, shared from there on', () => {
    const input = (onHand: number) => ({
      skuMode: 'auto' as const,
      levels: [lvl('wh', onHand)],
      accounts: [acct('a', ['wh']), acct('b', ['wh'])],
      listings: [listing('a'), listing('b')],
    });
    expect(byAccount(computeTargets(input(9)))).toEqual({ a: 5, b: 4 });
    expect(byAccount(computeTargets(input(10)))).toEqual({ a: 10, b: 10 });
  });

  it('lets an account group ask for strict (the strictest member wins), and a SKU override it', () => {
    const accounts = [acct('a', ['wh'], { mode: 'strict' }), acct('b', ['wh'], { mode: 'shared' })];
    const base = { levels: [lvl('wh', 100)], accounts, listings: [listing('a'), listing('b')] };
    expect(byAccount(computeTargets({ ...base, skuMode: 'auto' }))).toEqual({ a: 50, b: 50 });
    expect(byAccount(computeTargets({ ...base, skuMode: 'shared' }))).toEqual({ a: 100, b: 100 });
  });

  it('reports the other channels’ bounds: beliefs, higher values in flight, unknown as infinite', () => {
    const r = computeTargets({
      skuMode: 'strict',
      levels: [lvl('wh', 9)],
      accounts: [acct('a', ['wh']), acct('b', ['wh']), acct('c', ['wh'])],
      listings: [listing('a', 3, 5), listing('b', 2), listing('c', null)],
    });
    const of = (id: string) => r.find((t) => t.accountId === id);
    expect(of('a')?.othersBound).toBe(Number.POSITIVE_INFINITY);
    expect(of('c')?.othersBound).toBe(7);
  });

  it('keeps separate pools apart', () => {
    const r = computeTargets({
      skuMode: 'strict',
      levels: [lvl('wh', 4), lvl('store', 1)],
      accounts: [acct('a', ['wh']), acct('b', ['wh']), acct('pos', ['store'])],
      listings: [listing('a'), listing('b'), listing('pos')],
    });
    expect(byAccount(r)).toEqual({ a: 2, b: 2, pos: 1 });
    expect(r.find((t) => t.accountId === 'pos')).toMatchObject({ mode: 'shared', pool: 1 });
  });
});
