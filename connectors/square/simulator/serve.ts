// Serves the Square simulator on a local port (the demo, a manual try; Node only, never on a
// webhook path). Point an account at it with endpointOverride "http://127.0.0.1:<port>": the
// connector's transport sends https://connect.squareup.com/... there (connectors/transport.ts).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSquareSimulator, type SquareSimulator, type SquareSimulatorOptions } from './index.ts';

export async function serveSquareSimulator(
  options: SquareSimulatorOptions & { port?: number; hostname?: string } = {},
): Promise<{ sim: SquareSimulator; url: string; close: () => Promise<void> }> {
  const sim = createSquareSimulator(options);
  const hostname = options.hostname ?? '127.0.0.1';
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve(
      { fetch: (req: Request) => sim.fetch(req), port: options.port ?? 0, hostname },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  // Failed notifications are retried on Square's schedule as their time comes.
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
