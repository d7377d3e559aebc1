// Shared set-up for the eBay tests: the simulator on a virtual clock, msw forwarding every
// https://api.ebay.com request to it (so the connector's own client and the network transport
// run), an account, and an AccountContext whose refreshCredentials() behaves as the sync
// runtime's (the connector's refresh, ephemeral token laid over the stored set).
import { http } from 'msw';
import { setupServer } from 'msw/node';
import type { AccountContext } from '../../connectors/connector.ts';
import { createEbayConnector, type EbayConnector } from '../../connectors/ebay/connector.ts';
import {
  createEbaySimulator,
  type EbaySimulator,
  type EbaySimulatorOptions,
} from '../../connectors/ebay/simulator/index.ts';
import { ManualClock } from '../../core/clock.ts';

export const SELLER = 'omnihub_seller';

export function ebayAccount(sim: EbaySimulator, settings: Record<string, unknown> = {}): AccountContext {
  return {
    id: 'acct-ebay-1',
    type: 'ebay',
    name: 'Test eBay seller',
    credentials: {
      refreshToken: sim.credentials.refreshToken,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      sellerUsername: sim.sellerUsername,
    },
    endpointOverride: null,
    settings,
  };
}

/** The account as the sync runtime hands it over: refreshCredentials() renews through the connector. */
export function withPlatformRefresh(
  connector: EbayConnector,
  base: AccountContext,
): AccountContext & { refreshes: number } {
  const ctx = { ...base, refreshes: 0 } as AccountContext & { refreshes: number };
  ctx.refreshCredentials = async () => {
    ctx.refreshes += 1;
    const r = await connector.refreshCredentials?.(ctx);
    const renewed = { ...ctx, credentials: { ...ctx.credentials, ...(r?.ephemeral ?? {}) } };
    Object.assign(ctx, { credentials: renewed.credentials });
    return renewed;
  };
  return ctx;
}

export interface Harness {
  clock: ManualClock;
  sim: EbaySimulator;
  connector: EbayConnector;
  account: AccountContext & { refreshes: number };
  /** URLs the connector called, in order. */
  urls: string[];
  close(): void;
}

export function harness(options: EbaySimulatorOptions = {}, settings: Record<string, unknown> = {}): Harness {
  const clock = new ManualClock('2026-11-30T18:00:00Z');
  const sim = createEbaySimulator({ clock, sellerUsername: SELLER, ...options });
  const urls: string[] = [];
  const server = setupServer(
    http.all('https://api.ebay.com/*', ({ request }) => {
      urls.push(request.url);
      return sim.fetch(request);
    }),
  );
  server.listen({ onUnhandledFrame: 'error' });
  const connector = createEbayConnector({ clock });
  const account = withPlatformRefresh(connector, ebayAccount(sim, settings));
  let open = true;
  return {
    clock,
    sim,
    connector,
    account,
    urls,
    close: () => {
      if (open) server.close();
      open = false;
    },
  };
}
