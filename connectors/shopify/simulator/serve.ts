// Serves the Shopify simulator on a local port for the demo (connectors/serve-on-port.ts): the
// connector rewrites https://{shop} to that origin (client.ts); failed webhook deliveries are
// retried on Shopify's schedule (webhooks.ts).
import { serveOnPort } from '../../serve-on-port.ts';
import { createShopifySimulator, type ShopifySimulator, type SimulatorOptions } from './index.ts';

export async function serveSimulator(options: SimulatorOptions & { port?: number; hostname?: string } = {}): Promise<{
  sim: ShopifySimulator;
  url: string;
  close: () => Promise<void>;
}> {
  const sim = createShopifySimulator(options);
  const served = await serveOnPort((req) => sim.fetch(req), {
    port: options.port ?? 8787,
    ...(options.hostname ? { hostname: options.hostname } : {}),
    retryDue: () => sim.webhooks.retryDue(),
  });
  return { sim, ...served };
}
