// Serves the Square simulator on a local port (connectors/serve-on-port.ts): the connector's
// transport sends https://connect.squareup.com/... there; failed notifications are retried on
// Square's schedule.
import { serveOnPort } from '../../serve-on-port.ts';
import { createSquareSimulator, type SquareSimulator, type SquareSimulatorOptions } from './index.ts';

export async function serveSquareSimulator(
  options: SquareSimulatorOptions & { port?: number; hostname?: string } = {},
): Promise<{ sim: SquareSimulator; url: string; close: () => Promise<void> }> {
  const sim = createSquareSimulator(options);
  const served = await serveOnPort((req) => sim.fetch(req), {
    port: options.port ?? 0,
    ...(options.hostname ? { hostname: options.hostname } : {}),
    retryDue: () => sim.webhooks.retryDue(),
  });
  return { sim, ...served };
}
