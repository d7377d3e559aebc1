// Webhook subscriptions through the Admin GraphQL API: list what Shopify holds for this app and
// shop, and create the topics the hub needs (SUBSCRIBED_TOPICS) for the account's address. Made
// idempotent by the read first: a topic already subscribed to the same address is left as is
// (Shopify refuses a duplicate topic + address with a user error anyway).
import type { WebhookRegistration, WebhookSubscription } from '../connector.ts';
import type { ShopifyClient } from './client.ts';
import type { UserError } from './payloads.ts';
import { OP, WEBHOOK_SUBSCRIPTION_CREATE_MUTATION, WEBHOOK_SUBSCRIPTIONS_QUERY } from './queries.ts';
import { ORDER_TOPICS, REFUND_TOPIC, REFUSED_TOPICS, SUBSCRIBED_TOPICS } from './webhooks.ts';

/** "orders/create" -> "ORDERS_CREATE" (WebhookSubscriptionTopic enum). */
export function topicEnum(topic: string): string {
  return topic.replace(/\//g, '_').toUpperCase();
}

const KNOWN_TOPICS = new Map(
  [...ORDER_TOPICS, REFUND_TOPIC, ...Object.keys(REFUSED_TOPICS), 'app/uninstalled'].map((t) => [topicEnum(t), t]),
);

/**
 * "ORDERS_CREATE" -> "orders/create". Topics the hub knows come from their table (resources
 * such as inventory_levels hold an underscore); others split at the first underscore.
 */
export function topicName(value: string): string {
  const known = KNOWN_TOPICS.get(value);
  if (known) return known;
  const lower = value.toLowerCase();
  const i = lower.indexOf('_');
  return i < 0 ? lower : `${lower.slice(0, i)}/${lower.slice(i + 1)}`;
}

interface GqlSubscription {
  id: string;
  topic: string;
  uri: string;
  format?: string | null;
  createdAt?: string | null;
}

function toSubscription(s: GqlSubscription): WebhookSubscription {
  return { id: s.id, topic: topicName(s.topic), uri: s.uri, createdAt: s.createdAt ?? null };
}

const PAGE = 100;

export async function listWebhooks(client: ShopifyClient): Promise<WebhookSubscription[]> {
  const out: WebhookSubscription[] = [];
  let after: string | null = null;
  for (;;) {
    const data: {
      webhookSubscriptions: { nodes: GqlSubscription[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await client.request(
      OP.webhookSubscriptions,
      WEBHOOK_SUBSCRIPTIONS_QUERY,
      { first: PAGE, after },
      { retrySafe: true },
    );
    out.push(...data.webhookSubscriptions.nodes.map(toSubscription));
    const { hasNextPage, endCursor } = data.webhookSubscriptions.pageInfo;
    if (!hasNextPage || !endCursor) return out;
    after = endCursor;
  }
}

export async function registerWebhooks(client: ShopifyClient, callbackUrl: string): Promise<WebhookRegistration> {
  const held = await listWebhooks(client);
  const result: WebhookRegistration = { created: [], existing: [], failed: [], elsewhere: [] };
  for (const topic of SUBSCRIBED_TOPICS) {
    const mine = held.find((s) => s.topic === topic && s.uri === callbackUrl);
    if (mine) {
      result.existing.push(mine);
      continue;
    }
    // Not retried blindly after an unclear failure (no @idempotent): a new call reads again first.
    const data: {
      webhookSubscriptionCreate: { webhookSubscription: GqlSubscription | null; userErrors: UserError[] } | null;
    } = await client.request(
      OP.webhookSubscriptionCreate,
      WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
      { topic: topicEnum(topic), webhookSubscription: { uri: callbackUrl, format: 'JSON' } },
      { retrySafe: false },
    );
    const res = data.webhookSubscriptionCreate;
    const created = res?.webhookSubscription;
    if (created) result.created.push(toSubscription(created));
    else result.failed.push({ topic, message: res?.userErrors.map((e) => e.message).join('; ') || 'not created' });
  }
  const wanted = new Set<string>(SUBSCRIBED_TOPICS);
  result.elsewhere = held.filter((s) => wanted.has(s.topic) && s.uri !== callbackUrl);
  return result;
}
