// Serves the eBay simulator on a local port for the demo (connectors/serve-on-port.ts): the
// connector's transport rewrites https://api.ebay.com to that origin.
import { serveOnPort } from '../../serve-on-port.ts';
import { createEbaySimulator, type EbaySimulator, type EbaySimulatorOptions } from './index.ts';

export async function serveEbaySimulator(
  options: EbaySimulatorOptions & { port?: number; hostname?: string } = {},
): Promise<{ sim: EbaySimulator; url: string; close: () => Promise<void> }> {
  const sim = createEbaySimulator(options);
  const served = await serveOnPort((req) => sim.fetch(req), {
    port: options.port ?? 8788,
    ...(options.hostname ? { hostname: options.hostname } : {}),
  });
  return { sim, ...served };
}
