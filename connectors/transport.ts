// Every connector sends all of its HTTP through one Transport, a plain
// `(Request) => Promise<Response>`, and never calls fetch, node:https or a vendor SDK's own
// HTTP stack directly (an SDK is given the transport as its fetch, or wrapped). So one client
// code path runs, unchanged, against:
// - the network: `networkTransport`, which looks globalThis.fetch up at call time, so that msw
//   (tests), which patches globalThis.fetch after modules load, intercepts it;
// - a simulator served on a local port (the demo, a vendor sandbox): the account's
//   endpointOverride, through `originTransport`;
// - a simulator in the same process (benchmarks, sync tests): the simulator's own
//   `(Request) => Promise<Response>` handler, handed to the connector's factory.
// `accountTransport` picks one per account: in-process first, then the override, then the network.

/** A plain Request -> Response function: the network, a simulator, anything that stands in for the vendor. */
export type Transport = (request: Request) => Promise<Response>;

/** The real network; globalThis.fetch is read on each call (msw replaces it after import). */
export const networkTransport: Transport = (request) => globalThis.fetch(request);

/**
 * Sends every request to `origin` (scheme, host and port) instead of the vendor's host, with
 * the same path, query, method, headers and body: a simulator on a local port, a sandbox.
 */
export function originTransport(origin: string, next: Transport = networkTransport): Transport {
  const target = new URL(origin);
  return async (request) => {
    const url = new URL(request.url);
    url.protocol = target.protocol;
    url.host = target.host;
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    return next(new Request(url, { method: request.method, headers: request.headers, body }));
  };
}

/**
 * The transport for one account: the in-process one when the caller gave one (benchmark,
 * tests), else the account's endpoint override, else the network.
 */
export function accountTransport(
  account: { endpointOverride?: string | null | undefined },
  inProcess?: Transport | null,
): Transport {
  if (inProcess) return inProcess;
  if (account.endpointOverride) return originTransport(account.endpointOverride);
  return networkTransport;
}
