// Serves a simulator's fetch on a local port (the demo, a manual try; Node only, never on a
// webhook path). Point an account at it with endpointOverride "http://127.0.0.1:<port>": the
// connector's transport sends the vendor's requests there (transport.ts). `retryDue`, when the
// simulator delivers webhooks, is called every second so failed deliveries are retried on the
// vendor's schedule as their time comes.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface ServedSimulator {
  url: string;
  close(): Promise<void>;
}

export async function serveOnPort(
  fetch: (req: Request) => Promise<Response>,
  opts: { port?: number; hostname?: string; retryDue?: () => Promise<unknown> } = {},
): Promise<ServedSimulator> {
  const hostname = opts.hostname ?? '127.0.0.1';
  let server: ReturnType<typeof serve> | undefined;
  // Port 0 asks the OS for a free port; the callback reports the one bound.
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch, port: opts.port ?? 0, hostname }, (info: AddressInfo) => resolve(info.port));
  });
  const retryDue = opts.retryDue;
  const retries = retryDue ? setInterval(() => void retryDue().catch(() => undefined), 1000) : null;
  retries?.unref();
  return {
    url: `http://${hostname}:${port}`,
    close: () => {
      if (retries) clearInterval(retries);
      return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
