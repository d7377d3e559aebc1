// Shopify's webhook door: HMAC-SHA256 over the raw body with the account's webhook secrets,
// the shop as identity, and the payload keys holding a buyer's personal data. Spread into the
// connector (connector.ts) and served as it is by the edge door (api/worker-app.ts).
import type { AccountContext, WebhookDoor, WebhookRequest } from '../connector.ts';
import { shopifyAccountIdentity } from './account-input.ts';
import { readConfig } from './config.ts';
import { verifyShopifyWebhook } from './webhooks.ts';

export function createShopifyDoor(): WebhookDoor {
  return {
    type: 'shopify',
    // Personal data in Shopify's order payloads: the REST webhook body (customer, addresses,
    // e-mail and phone fields, the buyer's browser) and the GraphQL order read (queries.ts).
    personalDataKeys: [
      'customer',
      'billing_address',
      'shipping_address',
      'billingAddress',
      'shippingAddress',
      'email',
      'contact_email',
      'phone',
      'browser_ip',
      'client_details',
    ],
    async verifyWebhook(account: AccountContext, req: WebhookRequest) {
      const cfg = readConfig(account);
      return verifyShopifyWebhook({ shop: cfg.shop, secrets: cfg.webhookSecrets }, req);
    },
    accountIdentity: shopifyAccountIdentity,
  };
}
