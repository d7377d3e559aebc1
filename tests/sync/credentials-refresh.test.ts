// Token refresh without lost writes, against a fake channel whose refresh tokens rotate: a
// refresh token works once, and using a spent one is refused (as with rotating OAuth tokens).
// Two refreshers stand for two processes (each its own in-process lock and memory; on
// PostgreSQL each its own database client): concurrent refreshes, scheduled or asked for in
// the middle of a run after a 401, leave one consistent credential set — the newest the
// channel issued, never a mix and never a spent token — and a set a person stores during a
// refresh is kept whole. On PGlite and PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { createAccount, loadAccountContext, replaceCredentials } from '../../core/accounts/accounts.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { type AccountContext, type ChannelConnector, ConnectorError } from '../../connectors/connector.ts';
import { accountDecorator } from '../../sync/account-services.ts';
import { CredentialRefresher } from '../../sync/credentials-refresh.ts';
import { testDatabases } from '../support/databases.ts';
import { SimClock } from '../support/sim-clock.ts';
import { quietLogger } from './helpers.ts';

const START = Date.parse('2026-03-01T00:00:00Z');

/** The channel's token endpoint: each refresh token works once and yields the next pair. */
function tokenServer() {
  let issued = 0;
  let valid = 'refresh-0';
  const refused: string[] = [];
  return {
    issued: () => issued,
    valid: () => valid,
    refused,
    /** Held open until `release` is called when a test needs to act during the call. */
    gate: null as Promise<void> | null,
    /** Called when a refresh reaches the channel. */
    onCall: null as (() => void) | null,
    async refresh(refreshToken: string) {
      this.onCall?.();
      await new Promise((r) => setTimeout(r, 10)); // the network: concurrent refreshes overlap here
      if (this.gate) await this.gate;
      if (refreshToken !== valid) {
        refused.push(refreshToken);
        throw new ConnectorError('invalid_grant', 'refresh token already used', { retryable: false });
      }
      issued += 1;
      valid = `refresh-${issued}`;
      return { refreshToken: valid, accessToken: `access-${issued}` };
    },
  };
}

function connectorFor(server: ReturnType<typeof tokenServer>, accessInMemory: boolean): ChannelConnector {
  return {
    type: 'amazon',
    limits: { stockBatchSize: 1, rateLimitModel: 'requests', ordersNeedPolling: true, supportsPickup: false },
    async refreshCredentials(account: AccountContext) {
      const t = await server.refresh(account.credentials.refreshToken ?? '');
      const base = { clientId: account.credentials.clientId ?? '', refreshToken: t.refreshToken };
      return accessInMemory
        ? {
            stored: base,
            ephemeral: { accessToken: t.accessToken },
            expiresAt: new Date(START + 3_600_000).toISOString(),
          }
        : { stored: { ...base, accessToken: t.accessToken } };
    },
  } as unknown as ChannelConnector;
}

describe.each(testDatabases())('token refresh on $kind', ({ kind, open }) => {
  const opened: Database[] = [];
  afterEach(async () => {
    for (const d of opened.splice(0).reverse()) await d.close();
  });

  /** The database and a second client to it (PostgreSQL: a second "process"; PGlite is one process). */
  async function setup() {
    const db = await open();
    opened.push(db);
    const url = (db as { url?: string }).url;
    const other = kind === 'postgres' && url ? await openDatabase({ url, migrate: false, poolSize: 2 }) : db;
    if (other !== db) opened.unshift(other);
    const key = generateSecretKey();
    await createAccount(db.prisma, key, {
      id: 'seller',
      type: 'amazon',
      name: 'Seller',
      credentials: { clientId: 'app-1', refreshToken: 'refresh-0', accessToken: 'access-0' },
    });
    return { db, other, key };
  }

  function processes(s: Awaited<ReturnType<typeof setup>>, connector: ChannelConnector, clock: SimClock) {
    return [s.db, s.other].map(
      (d) =>
        new CredentialRefresher({
          prisma: d.prisma,
          secretKey: s.key,
          connectors: { amazon: connector },
          logger: quietLogger(),
          clock,
        }),
    );
  }

  /** Runs each call as one worker of the simulated clock. */
  const asWorkers = <T>(clock: SimClock, calls: (() => Promise<T>)[]) =>
    Promise.allSettled(calls.map((c) => c().finally(() => clock.done())));

  async function storedOf(s: Awaited<ReturnType<typeof setup>>) {
    const ctx = await loadAccountContext(s.db.prisma, s.key, 'seller');
    const row = await s.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'seller' } });
    return { credentials: ctx.credentials, version: row.credentialsVersion, envelope: row.credentialsEnc };
  }

  it('two scheduled refreshes at once: each uses the newest refresh token, one consistent set is stored', async () => {
    const s = await setup();
    const server = tokenServer();
    const clock = new SimClock(START, 2);
    const [a, b] = processes(s, connectorFor(server, false), clock);
    const results = await asWorkers(clock, [() => a!.refresh('seller', null), () => b!.refresh('seller', null)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(server.refused).toEqual([]); // no spent token was ever sent
    const stored = await storedOf(s);
    // The last pair issued, whole: refresh and access token of the same answer.
    expect(stored.credentials).toEqual({
      clientId: 'app-1',
      refreshToken: server.valid(),
      accessToken: `access-${server.issued()}`,
    });
    expect(stored.version).toBe(server.issued());
    expect(stored.envelope).not.toContain(server.valid());
  });

  it("two runs refused at once refresh once: the second gets the winner's set without calling the channel", async () => {
    const s = await setup();
    const server = tokenServer();
    const clock = new SimClock(START, 2);
    const connector = connectorFor(server, false);
    const contexts = await Promise.all(
      processes(s, connector, clock).map(async (r, i) => {
        const stored = await loadAccountContext((i === 0 ? s.db : s.other).prisma, s.key, 'seller');
        return accountDecorator({ limiter: null, refresher: r })(stored, connector);
      }),
    );
    const results = await asWorkers(
      clock,
      contexts.map((c) => () => c.refreshCredentials!()),
    );
    expect(server.issued()).toBe(1);
    expect(server.refused).toEqual([]);
    for (const r of results) {
      expect(r.status).toBe('fulfilled');
      if (r.status === 'fulfilled')
        expect(r.value.credentials).toMatchObject({ refreshToken: 'refresh-1', accessToken: 'access-1' });
    }
    expect((await storedOf(s)).credentials).toEqual({
      clientId: 'app-1',
      refreshToken: 'refresh-1',
      accessToken: 'access-1',
    });
  });

  it('keeps a short-lived access token in memory only, never stored', async () => {
    const s = await setup();
    const server = tokenServer();
    const clock = new SimClock(START, 1);
    const connector = connectorFor(server, true);
    const [a] = processes(s, connector, clock);
    const ctx = accountDecorator({ limiter: null, refresher: a! })(
      await loadAccountContext(s.db.prisma, s.key, 'seller'),
      connector,
    );
    const fresh = await ctx.refreshCredentials!();
    expect(fresh.credentials).toMatchObject({ refreshToken: 'refresh-1', accessToken: 'access-1' });
    const stored = await storedOf(s);
    expect(stored.credentials).toEqual({ clientId: 'app-1', refreshToken: 'refresh-1' });
  });

  it('keeps credentials a person stores during a refresh, whole (compare-and-set)', async () => {
    const s = await setup();
    const server = tokenServer();
    let release!: () => void;
    server.gate = new Promise<void>((r) => {
      release = r;
    });
    const clock = new SimClock(START, 1);
    const [a] = processes(s, connectorFor(server, false), clock);
    const called = new Promise<void>((r) => {
      server.onCall = r;
    });
    const refreshing = a!.refresh('seller', null);
    await called; // the refresh read version 0 and is waiting for the channel
    const typed = { clientId: 'app-2', refreshToken: 'typed-by-person', accessToken: 'typed-access' };
    await replaceCredentials(s.db.prisma, s.key, 'seller', typed, 'user:test');
    release();
    await refreshing;
    const stored = await storedOf(s);
    expect(stored.credentials).toEqual(typed);
    expect(stored.version).toBe(1);
  });
});
