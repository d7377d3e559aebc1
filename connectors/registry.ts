// The connectors this build of the hub ships, by channel type. Entry points (api/main.ts,
// the CLI, the demo) hand this to the sync runtime and the API; nothing below imports it.
import { createAmazonConnector } from './amazon/connector.ts';
import type { ChannelConnector, ChannelType } from './connector.ts';
import { createEbayConnector } from './ebay/connector.ts';
import { createTillConnector } from './pos-webhook/connector.ts';
import { createShopifyConnector } from './shopify/connector.ts';
import { createSquareConnector } from './square/connector.ts';

export type ConnectorRegistry = Partial<Record<ChannelType, ChannelConnector>>;

export function defaultConnectors(): ConnectorRegistry {
  return {
    shopify: createShopifyConnector(),
    amazon: createAmazonConnector(),
    ebay: createEbayConnector(),
    square: createSquareConnector(),
    // Any till that signs and posts JSON events (connectors/pos-webhook/README.md).
    pos: createTillConnector(),
  };
}
