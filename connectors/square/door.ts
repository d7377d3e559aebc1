// Square's webhook door: the application's subscriptions, HMAC-SHA256 over URL + body with the
// app's signature keys, routed by merchant id. Spread into the connector; served by the edge door.
import { type AppContext, appLevelOnly, type WebhookDoor, type WebhookRequest } from '../connector.ts';
import { squareAccountIdentity } from './account-input.ts';
import { appSignatureKeys, verifySquareNotification } from './webhooks.ts';

export function createSquareDoor(): WebhookDoor {
  return {
    type: 'square',
    // Buyer data in Square's payloads: the pickup recipient, and payments' addresses and e-mail.
    personalDataKeys: ['recipient', 'buyer_email_address', 'billing_address', 'shipping_address', 'customer'],
    async verifyWebhook() {
      // Square signs with the application's subscription key.
      return appLevelOnly('square', "Square sends the application's subscriptions");
    },
    async verifyAppWebhook(app: AppContext, req: WebhookRequest) {
      // Square signs the URL it was given: the hub's public address; without one (a local demo), the address called.
      return verifySquareNotification(appSignatureKeys(app), app.notificationUrl ?? req.url, req);
    },
    accountIdentity: squareAccountIdentity,
  };
}
