// The generic till's webhook door: HMAC over timestamp + body with the account's secrets, the
// timestamp within ±5 minutes of the hub's clock. Spread into the connector; served by the edge door.
import type { Clock } from '../../core/clock.ts';
import type { AccountContext, WebhookDoor, WebhookRequest } from '../connector.ts';
import { readTillConfig } from './config.ts';
import { verifyTillWebhook } from './webhooks.ts';

export function createTillDoor(options: { clock: Clock }): WebhookDoor {
  return {
    type: 'pos',
    personalDataKeys: ['customer', 'shippingAddress'],
    async verifyWebhook(account: AccountContext, req: WebhookRequest) {
      return verifyTillWebhook({ secrets: readTillConfig(account).secrets, nowMs: options.clock.nowMs() }, req);
    },
  };
}
