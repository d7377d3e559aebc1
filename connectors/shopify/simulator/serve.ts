// Serves a simulator on a local port for the demo (Node only; not on any webhook path).
// Point an account at it with endpointOverride "http://127.0.0.1:<port>": the connector
// rewrites https://{shop} to that origin (client.ts).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createShopifySimulator, type ShopifySimulator, type SimulatorOptions } from './index.ts';

export async function serveSimulator(options: SimulatorOptions & { port?: number; hostname?: string } = {}): Promise<{
  sim: ShopifySimulator;
  url: string;
  close: () => Promise<void>;
}> {
  const sim = createShopifySimulator(options);
  const hostname = options.hostname ?? '127.0.0.1';
  let server: ReturnType<typeof serve> | undefined;
  // Port 0 asks the OS for a free port; the callback reports the one bound.
  const port = await new Promise<number>((resolve) => {
    server = serve(
      { fetch: (req: Request) => sim.fetch(req), port: options.port ?? 8787, hostname },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  // Failed webhook deliveries are retried on Shopify's schedule (webhooks.ts) as their time comes.
  const retries = setInterval(() => void sim.webhooks.retryDue().catch(() => undefined), 1000);
  retries.unref();
  return {
    sim,
    url: `http://${hostname}:${port}`,
    close: () => {
      clearInterval(retries);
      return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
