// The demo's channels beside the Shopify shops, by key, and how each starts. Every one of them
// runs by default; `--only shopify` (args.ts) leaves them out.
import { startAmazonSellerFor } from './amazon-seller.ts';
import type { DemoChannel, DemoChannelContext, DemoChannelKey } from './channel.ts';
import { startEbaySellerFor } from './ebay-seller.ts';
import { startSquareTill } from './square-till.ts';

export const DEMO_CHANNELS: Record<DemoChannelKey, (ctx: DemoChannelContext) => Promise<DemoChannel>> = {
  amazon: startAmazonSellerFor,
  ebay: startEbaySellerFor,
  square: startSquareTill,
};

/** Starts the channels named, in order; on a failure closes the ones started and throws. */
export async function startDemoChannels(
  ctx: DemoChannelContext,
  keys: readonly DemoChannelKey[],
): Promise<DemoChannel[]> {
  const started: DemoChannel[] = [];
  try {
    for (const key of keys) started.push(await DEMO_CHANNELS[key](ctx));
  } catch (e) {
    await Promise.all(started.map((c) => c.close().catch(() => undefined)));
    throw e;
  }
  return started;
}
