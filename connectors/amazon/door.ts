// Amazon's webhook door: notifications (SQS via EventBridge, relayed) reach the application's
// endpoint only, routed by the selling partner id. Spread into the connector; served by the edge door.
import { appLevelOnly, type WebhookDoor } from '../connector.ts';
import { amazonAccountIdentity } from './config.ts';
import { verifyAmazonAppWebhook } from './webhooks.ts';

export function createAmazonDoor(): WebhookDoor {
  return {
    type: 'amazon',
    personalDataKeys: ['buyer', 'recipient'],
    async verifyWebhook() {
      return appLevelOnly('amazon', 'Amazon notifications come through EventBridge');
    },
    verifyAppWebhook: verifyAmazonAppWebhook,
    accountIdentity: amazonAccountIdentity,
  };
}
