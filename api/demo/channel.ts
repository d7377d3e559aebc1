// What the demo's channels beside the Shopify shops have in common (the Amazon seller, the eBay
// seller, the Square till): a vendor simulator on its own 127.0.0.1 port that the hub reaches
// through the account's endpointOverride, sending its notifications to the hub's app-level door,
// showing a quantity per listing and selling to simulated buyers. run.ts starts, reads, feeds and
// stops them all alike (channels.ts lists them).
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { ChannelConnector } from '../../connectors/connector.ts';
import type { DemoSku } from './catalogue.ts';

export const DEMO_CHANNEL_KEYS = ['amazon', 'ebay', 'square'] as const;
export type DemoChannelKey = (typeof DEMO_CHANNEL_KEYS)[number];

export interface DemoChannel {
  key: DemoChannelKey;
  accountId: string;
  /** A few words for the landing page's subtitle ("eBay seller"). */
  name: string;
  /** Where its simulator listens (the account's endpointOverride). */
  url: string;
  /** The banner's line for it: what it is, where it listens, how its orders reach the hub. */
  summary: string;
  /** Sends the simulator's notifications to the hub. */
  pointNotificationsAt(hubUrl: string): void;
  /** What the channel shows now for a listing (by the listing's external stock id). */
  shows(externalStockId: string): number | null;
  /** A buyer takes `quantity` of a SKU; the order's id, or null when the channel shows too few. */
  sell(sku: string, quantity: number): Promise<string | null>;
  close(): Promise<void>;
}

/** What a channel needs from the seeded demo to start. */
export interface DemoChannelContext {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: Partial<Record<string, ChannelConnector>>;
  host: string;
  currency: string;
  catalogue: DemoSku[];
  skuIds: Map<string, string>;
}

/** The connector of `type`, or an error naming what this build lacks. */
export function connectorOf(ctx: DemoChannelContext, type: string): ChannelConnector {
  const connector = ctx.connectors[type];
  if (!connector) throw new Error(`this build has no ${type} connector`);
  return connector;
}

/**
 * Buyers on one channel: a quarter of the demo's order rate, at least four seconds apart (with
 * three such channels beside the shops, a fast demo stays mostly Shopify's), one unit of a
 * random SKU; the channel refuses what it does not show. Returns the stop function.
 */
export function startBuyers(channel: DemoChannel, catalogue: DemoSku[], ratePerMinute: number): () => Promise<void> {
  if (ratePerMinute <= 0) return async () => undefined;
  const every = Math.max(4_000, Math.round(240_000 / ratePerMinute));
  const timer = setInterval(() => {
    const sku = catalogue[Math.floor(Math.random() * catalogue.length)];
    if (sku) void channel.sell(sku.code, 1).catch(() => undefined);
  }, every);
  timer.unref();
  return async () => clearInterval(timer);
}
