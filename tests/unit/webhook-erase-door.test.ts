// A channel's "forget this buyer" notice (eBay's marketplace account deletion) at a door that
// cannot erase (the edge: erasure is a Prisma transaction): answered 503, nothing written, so
// the channel delivers it again; at a door that can (Node), the erasure runs before the answer.
import { describe, expect, it } from 'vitest';
import { AccountCache } from '../../api/webhooks/account-cache.ts';
import { AppCache } from '../../api/webhooks/app-cache.ts';
import { webhookRoutes } from '../../api/webhooks/routes.ts';
import type { WebhookDoor } from '../../connectors/connector.ts';
import type { AccountRows } from '../../core/accounts/account-rows.ts';
import { ManualClock } from '../../core/clock.ts';
import { encryptJson, generateSecretKey } from '../../core/crypto/secrets.ts';
import type { RawSql } from '../../core/db/sql.ts';
import { hubMetrics } from '../../core/metrics/hub-metrics.ts';
import { MetricsRegistry } from '../../core/metrics/registry.ts';

const quiet = { info() {}, warn() {}, error() {} };

async function door(erase?: Parameters<typeof webhookRoutes>[0]['erase']) {
  const key = generateSecretKey();
  const clock = new ManualClock('2026-11-30T12:00:00Z');
  const appEnc = await encryptJson({ verificationToken: 't' }, key, 'app:ebay');
  const rows: AccountRows = {
    account: async () => null,
    appCredentials: async (type) => (type === 'ebay' ? appEnc : null),
    activeAccountIds: async () => [],
  };
  const statements: string[] = [];
  const sql: RawSql = {
    $queryRaw: async (q) => {
      statements.push(q.join('?'));
      return [] as never;
    },
    $executeRaw: async (q) => {
      statements.push(q.join('?'));
      return 0;
    },
  };
  const ebay: WebhookDoor = {
    type: 'ebay',
    personalDataKeys: ['buyer'],
    verifyWebhook: async () => ({ ok: false, status: 400, code: 'app_level_only', message: 'app only' }),
    verifyAppWebhook: async () => ({
      ok: true,
      identity: null,
      events: [],
      erase: [{ externalBuyerId: 'leaving_buyer', reason: 'eBay marketplace account deletion' }],
      reply: null,
    }),
  };
  const app = webhookRoutes({
    sql,
    connectors: { ebay },
    accounts: new AccountCache(rows, key, clock),
    apps: new AppCache(rows, key, clock),
    logger: quiet,
    metrics: hubMetrics(new MetricsRegistry()),
    clock,
    ...(erase ? { erase } : {}),
  });
  const res = await app.request('http://hub.test/webhooks/channel/ebay', { method: 'POST', body: '{}' });
  return { res, statements };
}

describe('a deletion notice at the webhook door', () => {
  it('without an eraser (the edge): 503 erasure_unavailable, nothing written', async () => {
    const { res, statements } = await door();
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('erasure_unavailable');
    expect(statements).toEqual([]);
  });

  it('with one (Node): the person is erased with the channel door personal keys, then 200', async () => {
    const calls: unknown[] = [];
    const { res } = await door(async (type, d, person) => {
      calls.push([type, d.personalDataKeys, person]);
    });
    expect(res.status).toBe(200);
    expect(calls).toEqual([
      ['ebay', ['buyer'], { externalBuyerId: 'leaving_buyer', reason: 'eBay marketplace account deletion' }],
    ]);
  });
});
