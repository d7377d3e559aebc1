// Serves the Amazon simulator on a local port for the demo (connectors/serve-on-port.ts): the
// connector's transport sends the LWA, SP-API and document-URL requests there, and the
// simulator tells them apart by path.
import { serveOnPort } from '../../serve-on-port.ts';
import { type AmazonSimulator, type AmazonSimulatorOptions, createAmazonSimulator } from './index.ts';

export async function serveAmazonSimulator(
  options: AmazonSimulatorOptions & { port?: number; hostname?: string } = {},
): Promise<{ sim: AmazonSimulator; url: string; close: () => Promise<void> }> {
  const sim = createAmazonSimulator(options);
  const served = await serveOnPort((req) => sim.fetch(req), {
    port: options.port ?? 8788,
    ...(options.hostname ? { hostname: options.hostname } : {}),
  });
  return { sim, ...served };
}
