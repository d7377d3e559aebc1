// Square OAuth through the platform's safe refresh: access tokens last 30 days and are renewed
// once a week; PKCE refresh tokens rotate (the simulator's token endpoint honours each once).
// The scheduled refresh does nothing while the token is fresh, renews it after a week and
// stores the rotated refresh token; a call refused for an expired token refreshes once
// (account.refreshCredentials) and goes through with the new token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, loadAccountContext } from '../../core/accounts/accounts.ts';
import { ManualClock } from '../../core/clock.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { createSquareConnector } from '../../connectors/square/connector.ts';
import { createSquareSimulator } from '../../connectors/square/simulator/index.ts';
import { accountDecorator } from '../../sync/account-services.ts';
import { CredentialRefresher } from '../../sync/credentials-refresh.ts';
import { testDatabases } from '../support/databases.ts';
import { quietLogger } from '../sync/helpers.ts';

const DAY = 86_400_000;

// PGlite only: the refresh lease and compare-and-set are tested on both databases in
// tests/sync/credentials-refresh.test.ts; this file checks what the Square connector does with them.
describe.each(testDatabases().slice(0, 1))('Square tokens on $kind', ({ open }) => {
  let db: Database;
  const key = generateSecretKey();
  const clock = new ManualClock();
  const sim = createSquareSimulator({ clock });
  const connector = createSquareConnector({ clock, transport: (r) => sim.fetch(r) });
  let refresher: CredentialRefresher;
  const tokenCalls = () => sim.stats.byPath['/oauth2/token'] ?? 0;
  const stored = async () => (await loadAccountContext(db.prisma, key, 'till')).credentials;
  const postToken = (refreshToken: string) =>
    sim.fetch(
      new Request('https://connect.squareup.com/oauth2/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: sim.applicationId,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }),
      }),
    );

  beforeAll(async () => {
    db = await open();
    sim.state.addLocation('Flagship');
    await createAccount(db.prisma, key, {
      id: 'till',
      type: 'square',
      name: 'Till',
      credentials: {
        merchantId: sim.merchantId,
        accessToken: sim.tokens.access,
        accessTokenExpiresAt: sim.tokens.expiresAt,
        refreshToken: sim.tokens.refresh,
        applicationId: sim.applicationId,
      },
      settings: { stockTarget: 'held' },
    });
    refresher = new CredentialRefresher({
      prisma: db.prisma,
      secretKey: key,
      connectors: { square: connector },
      logger: quietLogger(),
      clock,
    });
  });
  afterAll(() => db?.close());

  it('leaves a fresh token alone, renews it after a week, and stores the rotated refresh token', async () => {
    await refresher.refresh('till', null);
    expect(tokenCalls()).toBe(0);
    const first = await stored();
    clock.advance(7 * DAY + 60_000);
    await refresher.refresh('till', null);
    expect(tokenCalls()).toBe(1);
    const second = await stored();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(Date.parse(second.accessTokenExpiresAt ?? '')).toBe(clock.nowMs() + 30 * DAY);
    // The old refresh token is spent; the stored one works (then is spent in turn).
    expect((await postToken(first.refreshToken ?? '')).status).toBe(401);
    // A second scheduled run the same day sends nothing.
    const calls = tokenCalls();
    await refresher.refresh('till', null);
    expect(tokenCalls()).toBe(calls);
  });

  it('a call refused for an expired token refreshes once and goes through', async () => {
    clock.advance(31 * DAY);
    const before = await stored();
    const calls = tokenCalls();
    const account = accountDecorator({ limiter: null, refresher })(
      await loadAccountContext(db.prisma, key, 'till'),
      connector,
    );
    const r = await connector.testConnection(account);
    expect(r).toEqual({ ok: true, detail: `merchant ${sim.merchantId}: 1 location(s)` });
    expect(tokenCalls()).toBe(calls + 1);
    const after = await stored();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(sim.stats.byPath['/v2/locations']).toBe(2); // refused once, then answered
  });
});
