// Shared set-up for the Amazon tests: the SP-API simulator on a virtual clock, msw forwarding
// the LWA host, the regional SP-API host and the documents' host to it (so every call goes
// through the connector's own client and the global fetch), an account, and fixtures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { type AmazonConnector, createAmazonConnector } from '../../connectors/amazon/connector.ts';
import {
  type AmazonSimulator,
  type AmazonSimulatorOptions,
  createAmazonSimulator,
  DOCUMENT_HOST,
} from '../../connectors/amazon/simulator/index.ts';
import type { AccountContext } from '../../connectors/connector.ts';
import { ManualClock } from '../../core/clock.ts';

export const SELLER = 'A3SIMSELLER01';
export const REFRESH = 'Atzr|test-refresh-token';
export const US = 'ATVPDKIKX0DER';
export const CA = 'A2EUQ1WTGCTBG2';
/** Amazon.de and Amazon.co.uk (Amazon's Marketplace IDs page). */
export const DE = 'A1PA6795UKMFR9';
export const UK = 'A1F83G8C2ARO7P';

export interface Harness {
  clock: ManualClock;
  sim: AmazonSimulator;
  connector: AmazonConnector;
  account(settings?: Record<string, unknown>): AccountContext;
  close(): void;
}

export function harness(options: AmazonSimulatorOptions = {}): Harness {
  const clock = new ManualClock('2026-11-20T10:00:00Z');
  const sim = createAmazonSimulator({
    clock,
    sellerId: SELLER,
    refreshToken: REFRESH,
    marketplaceIds: [US, CA],
    ...options,
  });
  const forward = ({ request }: { request: Request }) => sim.fetch(request);
  const server = setupServer(
    http.all('https://api.amazon.com/*', forward),
    http.all('https://sellingpartnerapi-na.amazon.com/*', forward),
    http.all('https://sellingpartnerapi-eu.amazon.com/*', forward),
    http.all(`https://${DOCUMENT_HOST}/*`, forward),
  );
  server.listen({ onUnhandledFrame: 'error' });
  const connector = createAmazonConnector({ clock });
  let open = true;
  return {
    clock,
    sim,
    connector,
    account: (settings = {}) => ({
      id: 'acct-amazon-1',
      type: 'amazon',
      name: 'Amazon US',
      credentials: { sellerId: SELLER, refreshToken: REFRESH },
      app: { lwaClientId: sim.clientId, lwaClientSecret: sim.clientSecret },
      endpointOverride: null,
      settings: { marketplaceIds: [US, CA], region: 'na', ...settings },
    }),
    close: () => {
      if (open) server.close();
      open = false;
    },
  };
}

const FIXTURES = fileURLToPath(new URL('../fixtures/amazon/', import.meta.url));

/** One of Amazon's published examples (tests/fixtures/amazon/README.md names each source). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as T;
}
