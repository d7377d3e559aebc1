// Channels whose notifications are the application's (Amazon's EventBridge, eBay's, Square's)
// refuse a delivery to an account's address and name the one that takes it, so that a merchant
// who pasted the wrong URL into the vendor's console is told where it should point.
import { describe, expect, it } from 'vitest';
import type { AccountContext } from '../../connectors/connector.ts';
import { defaultConnectors } from '../../connectors/registry.ts';

describe('app-level channels at an account address', () => {
  for (const type of ['amazon', 'ebay', 'square'] as const) {
    it(`${type}: 405 naming /webhooks/channel/${type}`, async () => {
      const connector = defaultConnectors()[type];
      expect(connector?.verifyAppWebhook).toBeTypeOf('function');
      const result = await connector!.verifyWebhook(
        { id: 'acc', type } as AccountContext,
        {
          method: 'POST',
          url: 'https://hub.example/webhooks/acc',
          headers: new Headers(),
          rawBody: new Uint8Array(),
        } as never,
      );
      expect(result).toMatchObject({ ok: false, status: 405, code: 'app_level_only' });
      expect(result.ok ? '' : result.message).toContain(`/webhooks/channel/${type}`);
    });
  }
});
