import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, isSecretKey, REDACT_CENSOR, redactSecrets } from '../../core/log.ts';

/** Parsed JSON (log lines, response bodies), navigated freely in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test-only navigation of parsed JSON
type Json = any;

function capture(level: 'trace' | 'debug' | 'info' | 'warn' = 'trace') {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ logLevel: level, nodeEnv: 'test' }, stream);
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, text, lines };
}

// Every sentinel below must never appear in the output.
const S = (name: string) => `SENTINEL_${name}_9f3a`;

describe('log redaction', () => {
  it('redacts credentials at the top level and nested at any depth', () => {
    const { logger, text, lines } = capture();
    logger.info(
      {
        password: S('password'),
        accessToken: S('accessToken'),
        token: S('token'),
        secret: S('secret'),
        account: {
          id: 'acc_1',
          accessToken: S('account_accessToken'),
          credentials: { apiKey: S('apiKey'), apiSecret: S('apiSecret') },
          settings: { webhookSecret: S('webhookSecret'), webhook_secret: S('webhook_secret') },
        },
        lwa: { client_secret: S('client_secret'), refresh_token: S('refresh_token'), clientId: 'amzn1.app.public' },
        deep: { a: { b: { c: { d: { e: { privateKey: S('privateKey'), signingSecret: S('signingSecret') } } } } } },
        list: [{ sku: 'SKU-1', token: S('array_token') }, { nested: [{ password: S('array_password') }] }],
        config: { databaseUrl: S('databaseUrl'), redisUrl: S('redisUrl'), OMNIHUB_SECRET_KEY: S('env_key') },
      },
      'account connected',
    );
    const out = text();
    expect(out).not.toContain('SENTINEL');
    const line = lines()[0] as Json;
    expect(line.password).toBe(REDACT_CENSOR);
    expect(line.account.accessToken).toBe(REDACT_CENSOR);
    expect(line.account.credentials).toBe(REDACT_CENSOR);
    expect(line.account.id).toBe('acc_1');
    expect(line.lwa.clientId).toBe('amzn1.app.public');
    expect(line.list[0].sku).toBe('SKU-1');
    expect(line.deep.a.b.c.d.e.privateKey).toBe(REDACT_CENSOR);
    expect(line.msg).toBe('account connected');
  });

  it('redacts authorization, cookie and channel token headers in any letter case', () => {
    const { logger, text, lines } = capture();
    const headers = {
      authorization: `Bearer ${S('bearer')}`,
      Cookie: `session=${S('cookie')}`,
      'set-cookie': [`sid=${S('setcookie')}`],
      'X-Shopify-Access-Token': S('shopify_upper'),
      'x-shopify-access-token': S('shopify_lower'),
      'x-amz-access-token': S('amz'),
      'x-api-key': S('xapikey'),
      'proxy-authorization': `Basic ${S('proxy')}`,
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
    };
    logger.info({ headers }, 'a');
    logger.info({ req: { method: 'POST', headers } }, 'b');
    logger.info({ request: { headers }, response: { headers } }, 'c');
    logger.info({ upstream: { call: { req: { headers } } } }, 'd');
    expect(text()).not.toContain('SENTINEL');
    const [a, b] = lines() as Json[];
    expect(a?.headers.authorization).toBe(REDACT_CENSOR);
    expect(a?.headers['content-type']).toBe('application/json');
    expect(b?.req.headers['x-shopify-topic']).toBe('orders/create');
    expect(b?.req.method).toBe('POST');
  });

  it('redacts secrets inside logged errors (including HTTP client config) but keeps the stack', () => {
    const { logger, text, lines } = capture();
    class HttpError extends Error {
      config = { url: 'https://api.ebay.com/sell', headers: { Authorization: `Bearer ${S('axios')}` } };
      response = { status: 401, data: { error: 'invalid_token' } };
    }
    const err = new HttpError('request failed', { cause: new Error('socket hang up') });
    logger.error({ err, account: 'ebay-1' }, 'push failed');
    logger.error(err);
    logger.warn({ error: err }, 'other key');
    expect(text()).not.toContain('SENTINEL');
    const [first, second, third] = lines() as Json[];
    expect(first?.err.type).toBe('HttpError');
    expect(first?.err.message).toContain('request failed');
    expect(first?.err.stack).toContain('request failed');
    expect(first?.err.stack).toContain('log-redaction.test.ts');
    expect(first?.err.stack).toContain('socket hang up');
    expect(first?.err.config.url).toBe('https://api.ebay.com/sell');
    expect(first?.err.response.status).toBe(401);
    expect(second?.err.type).toBe('HttpError');
    expect(second?.msg).toBe('request failed');
    expect(third?.error.config.headers.Authorization).toBe(REDACT_CENSOR);
  });

  it('redacts child logger bindings, at every generation', () => {
    const { logger, text, lines } = capture();
    const child = logger.child({ accountId: 'acc_7', accessToken: S('child') });
    const grandchild = child.child({ job: 'stock.push', creds: { clientSecret: S('grandchild') } });
    child.info('one');
    grandchild.info({ qty: 3 }, 'two');
    expect(text()).not.toContain('SENTINEL');
    const [one, two] = lines() as Json[];
    expect(one?.accountId).toBe('acc_7');
    expect(two?.job).toBe('stock.push');
    expect(two?.qty).toBe(3);
  });

  it('hides the password of connection URLs in string values', () => {
    const { logger, text, lines } = capture();
    logger.info({
      target: `postgres://omnihub:${S('pgpass')}@db:5432/omnihub`,
      cache: `rediss://:${S('redis')}@r:6380`,
    });
    expect(text()).not.toContain('SENTINEL');
    const line = lines()[0] as Json;
    expect(line.target).toBe(`postgres://omnihub:${REDACT_CENSOR}@db:5432/omnihub`);
  });

  it('keeps pagination cursors and ordinary fields', () => {
    const { logger, lines } = capture();
    logger.info({ nextToken: 'page-2', tokenType: 'bearer', orderId: 'o1', sku: 'A' });
    const line = lines()[0] as Json;
    expect(line.nextToken).toBe('page-2');
    expect(line.tokenType).toBe('bearer');
    expect(line.orderId).toBe('o1');
  });

  it('does not modify the logged object and copes with cycles', () => {
    const { logger, text } = capture();
    const obj: Json = { user: { password: S('cycle') }, name: 'n' };
    obj.self = obj;
    logger.info(obj, 'cyclic');
    expect(obj.user.password).toBe(S('cycle'));
    expect(text()).not.toContain('SENTINEL');
    expect(text()).toContain('[Circular]');
  });

  it('adds service, ISO time and honours the level', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.info('shown');
    const all = lines();
    expect(all).toHaveLength(1);
    expect(all[0]?.service).toBe('omnihub');
    expect(all[0]?.msg).toBe('shown');
    expect(String(all[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('property: a secret under a secret key never reaches the output, at any depth', () => {
    const secretKeys = fc.constantFrom(
      'password',
      'accessToken',
      'access_token',
      'refreshToken',
      'clientSecret',
      'client_secret',
      'apiKey',
      'webhookSecret',
      'authorization',
      'Authorization',
      'cookie',
      'x-shopify-access-token',
      'secretKey',
      'privateKey',
    );
    const plainKey = fc.constantFrom('order', 'lines', 'meta', 'account', 'data', 'headers', 'req', 'x');
    fc.assert(
      fc.property(fc.array(plainKey, { maxLength: 8 }), secretKeys, fc.boolean(), (path, key, inArray) => {
        let value: unknown = { [key]: S('prop') };
        for (const k of [...path].reverse()) value = inArray ? { [k]: [value] } : { [k]: value };
        const { logger, text } = capture();
        logger.info(value as object, 'p');
        expect(text()).not.toContain('SENTINEL');
      }),
      { numRuns: 200 },
    );
  });
});

describe('isSecretKey / redactSecrets', () => {
  it('classifies keys', () => {
    for (const k of [
      'password',
      'accessToken',
      'X-Shopify-Access-Token',
      'client_secret',
      'OMNIHUB_ADMIN_TOKEN',
      'set-cookie',
    ]) {
      expect(isSecretKey(k)).toBe(true);
    }
    for (const k of ['sku', 'orderId', 'nextToken', 'tokenType', 'status', 'headers', 'secretary_name_x']) {
      expect(isSecretKey(k)).toBe(false);
    }
  });

  it('returns the same object when there is nothing to redact', () => {
    const obj = { a: 1, b: { c: [1, 2, { d: 'e' }] } };
    expect(redactSecrets(obj)).toBe(obj);
  });

  it('leaves null and undefined secrets visible as such', () => {
    expect(redactSecrets({ password: null, token: undefined })).toEqual({ password: null, token: undefined });
  });
});
