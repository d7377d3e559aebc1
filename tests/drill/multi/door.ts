// The multi-process drill's front door: what a load balancer in front of the api processes
// does (round robin, the next process when one does not answer), plus the network's faults on
// the way in. Every channel's deliveries pass through it: each waits a random time before it is
// forwarded (so deliveries overtake one another: random reordering), and a share of them is
// forwarded a second time a little later (a duplicate delivery, as channels send on a retry).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface DoorCounts {
  /** Deliveries the channels made (each answered once to the channel). */
  received: number;
  /** Second copies forwarded. */
  duplicates: number;
  /** Deliveries no api process answered (the channel sees a 503 and retries, or polling recovers). */
  unanswered: number;
}

export interface ChaosDoor {
  url: string;
  counts: DoorCounts;
  /** Share (0..1) of deliveries forwarded twice. */
  duplicateShare: number;
  /** Longest random hold before forwarding (ms). */
  maxHoldMs: number;
  /** Waits for second copies still on their way. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startChaosDoor(apiUrls: string[], random: () => number): Promise<ChaosDoor> {
  const counts: DoorCounts = { received: 0, duplicates: 0, unanswered: 0 };
  const pending = new Set<Promise<unknown>>();
  let turn = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const forward = async (path: string, method: string, headers: Headers, body: ArrayBuffer | undefined) => {
    const start = turn++;
    for (let i = 0; i < apiUrls.length; i++) {
      const base = apiUrls[(start + i) % apiUrls.length];
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers,
          ...(body ? { body } : {}),
          signal: AbortSignal.timeout(10_000),
        });
        const bytes = await res.arrayBuffer();
        // 204 and the like carry no body, and a Response refuses one, even empty.
        const empty = res.status === 204 || res.status === 205 || res.status === 304;
        return new Response(empty ? null : bytes, { status: res.status, headers: res.headers });
      } catch {
        // this process does not answer: the next one
      }
    }
    counts.unanswered += 1;
    return new Response(JSON.stringify({ error: 'no upstream' }), { status: 503 });
  };
  const door: ChaosDoor = {
    url: '',
    counts,
    duplicateShare: 0.3,
    maxHoldMs: 400,
    async settle() {
      while (pending.size) await Promise.all([...pending]);
    },
    close: async () => undefined,
  };
  const handler = async (req: Request): Promise<Response> => {
    counts.received += 1;
    const url = new URL(req.url);
    const path = `${url.pathname}${url.search}`;
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
    const headers = new Headers(req.headers);
    headers.delete('host');
    headers.delete('content-length');
    if (random() < door.duplicateShare) {
      counts.duplicates += 1;
      const copy = (async () => {
        await sleep(random() * door.maxHoldMs * 2);
        await forward(path, req.method, headers, body).then((r) => r.arrayBuffer());
      })();
      pending.add(copy);
      void copy.finally(() => pending.delete(copy));
    }
    await sleep(random() * door.maxHoldMs);
    return forward(path, req.method, headers, body);
  };
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
  });
  door.url = `http://127.0.0.1:${port}`;
  door.close = () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return door;
}
