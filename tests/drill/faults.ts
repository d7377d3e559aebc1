// The drill's faults on the wire between the hub and a simulated shop, and between the shop
// and the hub's webhook door. A proxy in front of each simulator (the account's endpoint points
// at it) answers 429/503 during an outage, or lets a stock update through and then loses its
// answer; a webhook target drops a share of deliveries and fails while the hub is down.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface ShopFaults {
  /** Until this epoch ms every call answers 429 (Retry-After 1) or 503, alternately. */
  outageUntil: number;
  /** Share (0..1) of stock updates applied by the shop whose answer is then lost. */
  loseStockAnswers: number;
  /** When > 0, the next call starts an outage of this many ms (so that it surely meets the hub's calls). */
  outageOnNextCallMs?: number;
}

export interface FaultCounts {
  outageAnswers: number;
  lostStockAnswers: number;
  forwarded: number;
}

export interface ShopProxy {
  url: string;
  faults: ShopFaults;
  counts: FaultCounts;
  close(): Promise<void>;
}

export async function startShopProxy(targetUrl: string, random: () => number): Promise<ShopProxy> {
  const faults: ShopFaults = { outageUntil: 0, loseStockAnswers: 0 };
  const counts: FaultCounts = { outageAnswers: 0, lostStockAnswers: 0, forwarded: 0 };
  let flip = 0;
  const handler = async (req: Request): Promise<Response> => {
    if (faults.outageOnNextCallMs) {
      faults.outageUntil = Date.now() + faults.outageOnNextCallMs;
      faults.outageOnNextCallMs = 0;
    }
    if (Date.now() < faults.outageUntil) {
      counts.outageAnswers += 1;
      flip += 1;
      return flip % 2
        ? new Response(JSON.stringify({ errors: 'Exceeded 2 calls per second for api client.' }), {
            status: 429,
            headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
          })
        : new Response(JSON.stringify({ errors: 'Service Unavailable' }), { status: 503 });
    }
    const url = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.text();
    counts.forwarded += 1;
    const res = await fetch(`${targetUrl}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      ...(body === undefined ? {} : { body }),
    });
    const isStockWrite = body?.includes('inventorySetQuantities') ?? false;
    // The first answer while the fault is on is always lost, so that even a run with few stock
    // writes meets it (the drill asserts that every fault happened); later ones by chance.
    if (
      isStockWrite &&
      faults.loseStockAnswers > 0 &&
      (counts.lostStockAnswers === 0 || random() < faults.loseStockAnswers)
    ) {
      await res.arrayBuffer();
      counts.lostStockAnswers += 1;
      return new Response('upstream connect error or disconnect/reset before headers', { status: 502 });
    }
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  };
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    counts,
    close: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

export interface WebhookCounts {
  attempted: number;
  dropped: number;
  refused: number;
  delivered: number;
}

/**
 * A webhook target for a simulator: drops `dropShare` of deliveries on the way (the hub never
 * sees them, the shop sees a failure and retries as Shopify does), and turns a hub that is down
 * into a failed delivery instead of an exception in the shop.
 */
export function lossyWebhookTarget(
  url: string,
  opts: { dropShare: () => number; random: () => number },
): { target: (req: Request) => Promise<Response>; counts: WebhookCounts } {
  const counts: WebhookCounts = { attempted: 0, dropped: 0, refused: 0, delivered: 0 };
  const target = async (req: Request): Promise<Response> => {
    counts.attempted += 1;
    if (opts.random() < opts.dropShare()) {
      counts.dropped += 1;
      return new Response(null, { status: 504 });
    }
    try {
      const res = await fetch(url, {
        method: req.method,
        headers: req.headers,
        body: await req.arrayBuffer(),
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok) counts.delivered += 1;
      else counts.refused += 1;
      return new Response(await res.arrayBuffer(), { status: res.status });
    } catch {
      counts.refused += 1;
      return new Response(null, { status: 503 });
    }
  };
  return { target, counts };
}
