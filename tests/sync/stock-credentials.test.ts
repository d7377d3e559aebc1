// A stock push whose credentials the channel refuses: the account is flagged once (one
// exception a person sees), no listing is filed as refused for good, pushes wait, and once
// the credentials are replaced the values reach the channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceCredentials } from '../../core/accounts/accounts.ts';
import { authRefusedAt } from '../../core/accounts/auth-status.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { eventually, product, shown, start, type World, world } from './helpers.ts';

describe.each(testDatabases())('a stock push refused for credentials on $kind', ({ open }) => {
  let db: Database;
  let w: World;
  beforeAll(async () => {
    db = await open();
    w = await world(db, 1);
    await product(w, 'CAP', 10);
  });
  afterAll(() => db?.close());

  it('flags the account once, files no listing as refused, and pushes once the credentials are replaced', async () => {
    const shop = w.shops[0]!;
    const credentials = (accessToken: string) => ({
      shop: shop.sim.shop,
      accessToken,
      apiSecretKey: shop.sim.apiSecret,
    });
    await replaceCredentials(db.prisma, w.key, 'shop-0', credentials('shpat_revoked'));
    const s = await start(w, 'memory');
    try {
      await s.runtime.requestPush('shop-0');
      await eventually(async () => (await authRefusedAt(db.prisma, 'shop-0')) !== null, 'account flagged');
      await s.runtime.flush();
      expect(await db.prisma.exceptionItem.count({ where: { kind: 'stock_push_refused' } })).toBe(0);
      expect(
        await db.prisma.exceptionItem.count({
          where: { kind: 'credentials_refused', accountId: 'shop-0', resolvedAt: null },
        }),
      ).toBe(1);
      expect(shown(w, 'CAP', 0)).toBe(0);

      await replaceCredentials(db.prisma, w.key, 'shop-0', credentials(shop.sim.accessToken));
      s.runtime.forgetAccount('shop-0');
      await s.runtime.sweep();
      await eventually(() => shown(w, 'CAP', 0) === 10, 'the value pushed with the new credentials');
      expect(await authRefusedAt(db.prisma, 'shop-0')).toBeNull();
    } finally {
      await s.stop();
    }
  });
});
