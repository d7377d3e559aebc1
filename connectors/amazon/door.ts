// Amazon's webhook door: notifications (SQS via EventBridge, relayed) reach the application's
// endpoint only, routed by the selling partner id. Spread into the connector; served by the edge door.
import { appLevelOnly, type WebhookDoor } from '../connector.ts';
import { amazonAccountIdentity } from './config.ts';
import { verifyAmazonAppWebhook } from './webhooks.ts';

export function createAmazonDoor(): WebhookDoor {
  return {
    type: 'amazon',
    // The buyer's name and e-mail (BUYER), the delivery address with its phone (RECIPIENT), and
    // the tax registrations (TAX: the buyer's VAT number, legal name and registration address).
    personalDataKeys: ['buyer', 'recipient', 'taxRegistrations'],
    async verifyWebhook() {
      return appLevelOnly('amazon', 'Amazon notifications come through EventBridge');
    },
    verifyAppWebhook: verifyAmazonAppWebhook,
    accountIdentity: amazonAccountIdentity,
  };
}
