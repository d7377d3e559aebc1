// Serves the Amazon simulator on a local port for the demo (Node only). Point an Amazon account
// at it with endpointOverride "http://127.0.0.1:<port>": the connector's transport sends the
// LWA, SP-API and document-URL requests there (connectors/transport.ts originTransport), and the
// simulator tells them apart by path.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type AmazonSimulator, type AmazonSimulatorOptions, createAmazonSimulator } from './index.ts';

export async function serveAmazonSimulator(
  options: AmazonSimulatorOptions & { port?: number; hostname?: string } = {},
): Promise<{ sim: AmazonSimulator; url: string; close: () => Promise<void> }> {
  const sim = createAmazonSimulator(options);
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
