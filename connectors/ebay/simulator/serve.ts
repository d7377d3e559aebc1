// Serves the eBay simulator on a local port for the demo (Node only). Point an account at it
// with endpointOverride "http://127.0.0.1:<port>": the connector's transport rewrites
// https://api.ebay.com to that origin (connectors/transport.ts).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEbaySimulator, type EbaySimulator, type EbaySimulatorOptions } from './index.ts';

export async function serveEbaySimulator(
  options: EbaySimulatorOptions & { port?: number; hostname?: string } = {},
): Promise<{
  sim: EbaySimulator;
  url: string;
  close: () => Promise<void>;
}> {
  const sim = createEbaySimulator(options);
  const hostname = options.hostname ?? '127.0.0.1';
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve(
      { fetch: (req: Request) => sim.fetch(req), port: options.port ?? 8788, hostname },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  return {
    sim,
    url: `http://${hostname}:${port}`,
    close: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}
