// Shopify webhook verification: nothing is parsed before the HMAC over the exact raw bytes
// checks out. node:crypto where the runtime has it, else WebCrypto: this file runs on Node and
// on Cloudflare Workers, and imports nothing from @shopify/shopify-api (whose adapters pull
// in platform code). Header names are the two styles @shopify/shopify-api's
// webhooks.validate accepts: "X-Shopify-*" (webhooks) and "shopify-*" (events).
import type { InboundEvent, WebhookRequest, WebhookResult } from '../connector.ts';
import { saneInstant } from '../../core/instant.ts';
import { hmacMatches, signBody } from '../hmac.ts';

/** The topics this connector subscribes to; others are stored too and ignored by interpret(). */
/**
 * Topics whose body is the whole REST Order: each is one snapshot of the order, applied through
 * the same path as orders/updated (ordered by the body's updated_at, then the version key), so a
 * merchant who points orders/paid or orders/fulfilled at the hub loses nothing and a late one
 * never rolls an order back.
 */
export const ORDER_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'orders/paid',
  'orders/fulfilled',
  'orders/partially_fulfilled',
] as const;

/**
 * Order-related topics a merchant may point at the hub that it does not act on, with why
 * (README, Webhooks). They are answered 2xx like any signed delivery (Shopify would retry and
 * then drop the subscription otherwise) and recorded as ignored with this reason.
 */
export const REFUSED_TOPICS: Readonly<Record<string, string>> = {
  'orders/edited': 'the body is an order edit, not the order; the orders/updated that follows carries the result',
  'orders/delete': 'the body holds only the id; the hub keeps the order it recorded (stock and history stay)',
  'orders/risk_assessment_changed': 'fraud risk is not part of the hub order; hold the order in the hub if needed',
  'fulfillments/create': 'orders/updated carries the fulfilment with its tracking',
  'fulfillments/update': 'orders/updated carries the fulfilment with its tracking',
  'inventory_levels/update': 'the hub is the source of stock: channel quantities are overwritten, not read back',
};

/** What the hub subscribes to itself (orders/updated already fires on payment and fulfilment). */
export const SUBSCRIBED_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled', 'refunds/create'] as const;
export const REFUND_TOPIC = 'refunds/create';

/** Larger bodies are refused before hashing (413): an order with 1,000 lines is far below this. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

const HEADER_STYLES = [
  {
    hmac: 'X-Shopify-Hmac-Sha256',
    topic: 'X-Shopify-Topic',
    domain: 'X-Shopify-Shop-Domain',
    apiVersion: 'X-Shopify-API-Version',
    webhookId: 'X-Shopify-Webhook-Id',
    triggeredAt: 'X-Shopify-Triggered-At',
  },
  {
    hmac: 'shopify-hmac-sha256',
    topic: 'shopify-topic',
    domain: 'shopify-shop-domain',
    apiVersion: 'shopify-api-version',
    webhookId: 'shopify-webhook-id',
    triggeredAt: 'shopify-triggered-at',
  },
] as const;

function fail(status: 400 | 401 | 405 | 413, code: string, message: string): WebhookResult {
  return { ok: false, status, code, message };
}

// The HMAC-SHA256 of the raw body (connectors/hmac.ts), as Shopify signs it; re-exported for the simulator and tests.
export { hmacMatches, signBody };

/** "orders/create", "ORDERS_CREATE" and "orders.create" all name the same topic. */
export function normalizeTopic(topic: string): string {
  const t = topic.trim();
  if (t.includes('/')) return t.toLowerCase();
  if (t.includes('.')) return t.toLowerCase().replace('.', '/');
  const i = t.lastIndexOf('_');
  return i < 0 ? t.toLowerCase() : `${t.slice(0, i)}/${t.slice(i + 1)}`.toLowerCase();
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as strings. Shopify's REST ids are
 * 64-bit (its published samples use ids like 820982911946154508, which a plain parse
 * rounds to ...500); the reviver's third argument (the source text) is in V8 since Node 21
 * and in Workers.
 */
export function parseJsonKeepingBigInts(text: string): unknown {
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (
      typeof value === 'number' &&
      !Number.isSafeInteger(value) &&
      typeof context?.source === 'string' &&
      /^-?\d+$/.test(context.source)
    ) {
      return context.source;
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

/** A time the event can be ordered by; out-of-range dates ("+275760-…") are not. */
const validInstant = saneInstant;

/**
 * The event's occurredAt: the version of the state the body carries. For orders that is the
 * body's updated_at (the same clock the poller's updatedAt uses, so a webhook and a poll of
 * the same version compare equal, and an older body never wins). Refunds have no updated_at:
 * the delivery's triggered-at header, then the refund's own times.
 */
export function occurredAtFor(topic: string, payload: unknown, triggeredAt: string | null): string | null {
  const body = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  if (topic.startsWith('orders/')) return validInstant(body.updated_at) ?? validInstant(triggeredAt);
  if (topic === REFUND_TOPIC)
    return validInstant(triggeredAt) ?? validInstant(body.processed_at) ?? validInstant(body.created_at);
  return validInstant(triggeredAt) ?? validInstant(body.updated_at);
}

export interface WebhookVerifyConfig {
  shop: string;
  /** Current secret first, then a previous one while rotating. */
  secrets: readonly string[];
}

export async function verifyShopifyWebhook(cfg: WebhookVerifyConfig, req: WebhookRequest): Promise<WebhookResult> {
  if (req.method.toUpperCase() !== 'POST') return fail(405, 'method_not_allowed', 'Shopify webhooks are POST requests');
  if (req.rawBody.byteLength > MAX_WEBHOOK_BYTES) return fail(413, 'too_large', `body over ${MAX_WEBHOOK_BYTES} bytes`);
  const style = HEADER_STYLES.find((s) => req.headers.has(s.hmac)) ?? HEADER_STYLES[0];
  const hmac = req.headers.get(style.hmac);
  if (!hmac) return fail(401, 'missing_hmac', `missing ${style.hmac}`);
  if (cfg.secrets.length === 0) return fail(401, 'no_secret', 'no webhook secret configured for this account');
  if (req.rawBody.byteLength === 0) return fail(401, 'empty_body', 'an empty body cannot carry a valid signature');
  let valid = false;
  for (const secret of cfg.secrets) {
    if (await hmacMatches(secret, req.rawBody, hmac)) {
      valid = true;
      break;
    }
  }
  if (!valid) return fail(401, 'invalid_hmac', 'HMAC does not match the body');

  // Authentic from here on; what follows checks it is complete and meant for this account.
  const topicHeader = req.headers.get(style.topic);
  const webhookId = req.headers.get(style.webhookId);
  const domain = req.headers.get(style.domain);
  const missing = [
    [style.topic, topicHeader],
    [style.webhookId, webhookId],
    [style.domain, domain],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0 || !topicHeader || !webhookId || !domain) {
    return fail(400, 'missing_headers', `missing ${missing.join(', ')}`);
  }
  if (domain.toLowerCase() !== cfg.shop.toLowerCase()) {
    return fail(400, 'shop_mismatch', `webhook for ${domain} sent to the account of ${cfg.shop}`);
  }
  let payload: unknown;
  try {
    payload = parseJsonKeepingBigInts(new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody));
  } catch {
    return fail(400, 'invalid_json', 'body is not UTF-8 JSON');
  }
  const topic = normalizeTopic(topicHeader);
  const event: InboundEvent = {
    externalEventId: webhookId,
    topic,
    occurredAt: occurredAtFor(topic, payload, req.headers.get(style.triggeredAt)),
    payload,
  };
  return { ok: true, events: [event] };
}
