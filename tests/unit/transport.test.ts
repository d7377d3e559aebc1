// The one transport every connector sends its HTTP through: an endpoint override (the
// simulator on a port, a sandbox) moves only the origin, keeping what the client built; an
// in-process simulator given to the connector wins over the override, which wins over the network.
import { afterEach, expect, it } from 'vitest';
import { accountTransport, networkTransport, originTransport, type Transport } from '../../connectors/transport.ts';

const seen: Request[] = [];
const recorder: Transport = async (req) => {
  seen.push(req);
  return new Response('ok');
};
const realFetch = globalThis.fetch;
afterEach(() => {
  seen.length = 0;
  globalThis.fetch = realFetch;
});

it('an endpoint override changes scheme, host and port only', async () => {
  const t = originTransport('http://127.0.0.1:4100', recorder);
  await t(
    new Request('https://shop.example.com/admin/api/2026-10/graphql.json?x=1', {
      method: 'POST',
      headers: { 'x-token': 'abc', 'content-type': 'application/json' },
      body: '{"query":"{ shop { name } }"}',
    }),
  );
  const req = seen[0] as Request;
  expect(req.url).toBe('http://127.0.0.1:4100/admin/api/2026-10/graphql.json?x=1');
  expect(req.method).toBe('POST');
  expect(req.headers.get('x-token')).toBe('abc');
  expect(await req.text()).toBe('{"query":"{ shop { name } }"}');
});

it('picks the in-process transport, then the override, then the network (fetch read at call time)', async () => {
  const inProcess: Transport = async () => new Response('in-process');
  const url = 'https://vendor.example.com/ping';
  expect(
    await (await accountTransport({ endpointOverride: 'http://127.0.0.1:1' }, inProcess)(new Request(url))).text(),
  ).toBe('in-process');
  // Replaced after import, as msw does: the network transport must see the replacement.
  globalThis.fetch = async (input) => new Response(`fetched ${new Request(input).url}`);
  expect(await (await accountTransport({ endpointOverride: 'http://127.0.0.1:4200' })(new Request(url))).text()).toBe(
    'fetched http://127.0.0.1:4200/ping',
  );
  expect(accountTransport({ endpointOverride: null })).toBe(networkTransport);
  expect(await (await networkTransport(new Request(url))).text()).toBe(`fetched ${url}`);
});
