// The webhook doors of every channel this build ships, without the rest of the connectors (API
// clients, vendor SDKs): what the edge door (api/worker-app.ts) bundles. The Node door gets the
// same parts inside the full connectors (registry.ts), which spread these.
import type { Clock } from '../core/clock.ts';
import { createAmazonDoor } from './amazon/door.ts';
import type { ChannelType, WebhookDoor } from './connector.ts';
import { createEbayDoor } from './ebay/door.ts';
import { createTillDoor } from './pos-webhook/door.ts';
import { createShopifyDoor } from './shopify/door.ts';
import { createSquareDoor } from './square/door.ts';
import type { Transport } from './transport.ts';

export function webhookDoors(options: { clock: Clock; transport?: Transport }): Record<ChannelType, WebhookDoor> {
  return {
    shopify: createShopifyDoor(),
    amazon: createAmazonDoor(),
    ebay: createEbayDoor(options),
    square: createSquareDoor(),
    pos: createTillDoor(options),
  };
}
