// eBay's webhook door: notifications go to the application's endpoint only, signed with ECDSA
// under a key fetched by kid from eBay's Notification API (public-keys.ts, through `transport`,
// cached per kid). Spread into the connector and served as it is by the edge door.
import type { Clock } from '../../core/clock.ts';
import { type AppContext, appLevelOnly, type WebhookDoor, type WebhookRequest } from '../connector.ts';
import { networkTransport, type Transport } from '../transport.ts';
import { ebayAccountIdentity } from './account-input.ts';
import { PublicKeys } from './public-keys.ts';
import { verifyEbayNotification } from './webhooks.ts';

export function createEbayDoor(options: { clock: Clock; transport?: Transport | undefined }): WebhookDoor & {
  keys: PublicKeys;
} {
  const keys = new PublicKeys(options.transport ?? networkTransport, options.clock);
  return {
    type: 'ebay',
    keys,
    // Personal data in eBay's order payloads (getOrder / getOrders): the buyer (user id,
    // registration name, e-mail, phone, address, tax ids), the ship-to contact, checkout notes.
    personalDataKeys: ['buyer', 'shipTo', 'buyerCheckoutNotes', 'finalDestinationAddress', 'pickupStep'],
    async verifyWebhook() {
      return appLevelOnly('ebay', "eBay sends notifications to the application's endpoint");
    },
    async verifyAppWebhook(app: AppContext, req: WebhookRequest) {
      return verifyEbayNotification(keys, app, req);
    },
    accountIdentity: ebayAccountIdentity,
  };
}
