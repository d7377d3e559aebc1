// The overview at "/" (orders, stock, exception messages of every store) on a real hub, as
// `npm start` composes it: without a key "/" only says where to sign in and the data routes
// answer 401; an admin or read-only API key (Bearer, or the password of the browser's Basic
// sign-in) or the admin token opens it; a staff key does not. The demo's public overview is
// checked by tests/demo.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../api/hub.ts';
import { createApiKey } from '../../core/auth/api-keys.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { createLogger } from '../../core/log.ts';
import { MetricsRegistry } from '../../core/metrics/registry.ts';

const SECRET_MESSAGE = 'listing LAMP-42 refused by the channel: price below floor';
const adminToken = 'landing-access-admin-token-0123456789abcdef';

describe('the overview on a real hub', () => {
  let db: Database;
  let hub: RunningHub;
  let readonlyKey: string;
  let staffKey: string;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await db.prisma.location.create({ data: { id: 'store-1', code: 'S1', name: 'Store 1', kind: 'store' } });
    await db.prisma.exceptionItem.create({
      data: { id: 'ex-1', kind: 'listing_refused', dedupeKey: 'ex-1', message: SECRET_MESSAGE },
    });
    readonlyKey = (await createApiKey(db.prisma, { name: 'grafana', role: 'readonly' })).key;
    staffKey = (await createApiKey(db.prisma, { name: 'counter', role: 'staff', locationIds: ['store-1'] })).key;
    hub = await startHub({
      db,
      secretKey: generateSecretKey(),
      connectors: {},
      logger: createLogger({ logLevel: 'fatal' }, new Writable({ write: (_c, _e, cb) => cb() })),
      host: '127.0.0.1',
      port: 0,
      adminToken,
      metrics: new MetricsRegistry(),
    });
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await db?.close();
  });

  const get = async (path: string, authorization?: string) => {
    const res = await fetch(`${hub.url}${path}`, authorization ? { headers: { authorization } } : {});
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const basic = (password: string) => `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`;

  it('shows a newcomer at "/" where to sign in, and none of the data', async () => {
    const root = await get('/');
    expect(root.status).toBe(200);
    expect(root.text).toContain('data-testid="sign-in-needed"');
    expect(root.text).toContain('href="/staff"');
    expect(root.text).not.toContain(SECRET_MESSAGE);
    expect(root.headers.get('www-authenticate')).toBeNull(); // no browser pop-up at "/"
  });

  it('answers 401 on every data route without a key, and asks the browser to sign in at /landing', async () => {
    const landing = await get('/landing');
    expect(landing.status).toBe(401);
    expect(landing.headers.get('www-authenticate')).toMatch(/^Basic realm="omnihub overview"/);
    expect(landing.text).not.toContain(SECRET_MESSAGE);
    const state = await get('/landing/state.json');
    expect(state.status).toBe(401);
    expect(JSON.parse(state.text).error.code).toBe('unauthorized');
    expect(state.text).not.toContain(SECRET_MESSAGE);
    const live = await get('/landing/live');
    expect(live.status).toBe(401);
    expect(live.text).not.toContain(SECRET_MESSAGE);
    // Wrong keys and staff keys do not open it.
    expect((await get('/landing/state.json', 'Bearer not-a-key')).status).toBe(401);
    expect((await get('/landing/state.json', `Bearer ${staffKey}`)).status).toBe(401);
    expect((await get('/landing', basic(staffKey))).status).toBe(401);
    expect((await get('/', basic('wrong'))).text).not.toContain(SECRET_MESSAGE);
    // The assets carry no data and stay public.
    expect((await get('/landing/assets/landing.css')).status).toBe(200);
  });

  it('opens to a read-only or admin key (Bearer or Basic) and to the admin token', async () => {
    const state = await get('/landing/state.json', `Bearer ${readonlyKey}`);
    expect(state.status).toBe(200);
    expect(state.text).toContain(SECRET_MESSAGE);
    for (const path of ['/', '/landing', '/landing/live']) {
      const viaBasic = await get(path, basic(readonlyKey));
      expect(viaBasic.status, path).toBe(200);
      expect(viaBasic.text, path).toContain(SECRET_MESSAGE);
    }
    expect((await get('/landing', basic(adminToken))).text).toContain(SECRET_MESSAGE);
  });
});
