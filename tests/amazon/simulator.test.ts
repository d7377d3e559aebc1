// The simulator enforces what Amazon documents, called directly (no connector pacing): LWA
// tokens, the usage plan per seller and operation with and without x-amzn-RateLimit-Limit,
// the two-minute rule of searchOrders, and pre-signed document URLs that expire.
import { describe, expect, it } from 'vitest';
import { retryAfter } from '../../connectors/amazon/client.ts';
import { createAmazonSimulator, DOCUMENT_HOST } from '../../connectors/amazon/simulator/index.ts';
import { ManualClock } from '../../core/clock.ts';

const HOST = 'https://sellingpartnerapi-na.amazon.com';

async function setup() {
  const clock = new ManualClock('2026-11-20T10:00:00Z');
  const sim = createAmazonSimulator({ clock, refreshToken: 'Atzr|r' });
  const res = await sim.fetch(
    new Request('https://api.amazon.com/auth/o2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'Atzr|r',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
      }).toString(),
    }),
  );
  const token = ((await res.json()) as { access_token: string; expires_in: number }).access_token;
  const get = (path: string) => sim.fetch(new Request(`${HOST}${path}`, { headers: { 'x-amz-access-token': token } }));
  return { clock, sim, token, get };
}

describe('Amazon simulator', () => {
  it('answers 429 QuotaExceeded once a seller spent the burst of an operation, and refills at its rate', async () => {
    const { clock, get } = await setup();
    const search = () => get('/orders/2026-01-01/orders?lastUpdatedAfter=2026-11-19T00:00:00Z');
    for (let i = 0; i < 20; i++) expect((await search()).status).toBe(200);
    const refused = await search();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ errors: [{ code: 'QuotaExceeded' }] });
    expect(refused.headers.get('x-amzn-RateLimit-Limit')).toBe('0.0056');
    expect(retryAfter(refused.headers, 'searchOrders')).toBe(178_572);
    clock.advance(179_000);
    expect((await search()).status).toBe(200);
  });

  it('can leave x-amzn-RateLimit-Limit off a 429; the connector then waits one token of the published plan', async () => {
    const { sim, get } = await setup();
    sim.faults.rateHeaderOn429(false);
    sim.faults.failNext(1, 429);
    const res = await get('/orders/2026-01-01/orders/111-0000000-0000000');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-amzn-RateLimit-Limit')).toBeNull();
    expect(retryAfter(res.headers, 'getOrder')).toBe(2_000);
    expect(retryAfter(new Headers({ 'x-amzn-RateLimit-Limit': '5' }), 'getOrder')).toBe(200);
  });

  it('refuses a window ending less than two minutes ago, and an expired token', async () => {
    const { clock, get } = await setup();
    const tooLate = await get(
      '/orders/2026-01-01/orders?lastUpdatedAfter=2026-11-19T00:00:00Z&lastUpdatedBefore=2026-11-20T09:59:00Z',
    );
    expect(tooLate.status).toBe(400);
    clock.advance(3_600_000);
    const expired = await get('/orders/2026-01-01/orders?lastUpdatedAfter=2026-11-19T00:00:00Z');
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({
      errors: [{ code: 'Unauthorized', details: 'The access token you provided has expired.' }],
    });
  });

  it('serves feed documents on its own host; a pre-signed URL stops working after 5 minutes', async () => {
    const { clock, sim, token } = await setup();
    const created = await sim.fetch(
      new Request(`${HOST}/feeds/2021-06-30/documents`, {
        method: 'POST',
        headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ contentType: 'application/json; charset=UTF-8' }),
      }),
    );
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    expect(new URL(url).host).toBe(DOCUMENT_HOST);
    clock.advance(5 * 60_000 + 1);
    const late = await sim.fetch(new Request(url, { method: 'PUT', body: '{}' }));
    expect(late.status).toBe(403);
  });
});
