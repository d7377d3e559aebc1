// webhookSubscriptions / webhookSubscriptionCreate as the Admin GraphQL API 2026-10 answers
// them: `WebhookSubscription { id topic uri format createdAt }`, `userErrors { field message }`.
// A topic outside the WebhookSubscriptionTopic enum fails variable coercion (a top-level error,
// nothing runs); an address that is not https / pubsub / EventBridge, or a topic already
// subscribed to the same address, is a user error.
import { iso } from './serialize.ts';
import type { SimStore, SimWebhookSubscription } from './state.ts';
import type { OpContext, OpResult } from './operations.ts';

/** The WebhookSubscriptionTopic values the simulator accepts (a subset of Shopify's enum). */
export const SIM_WEBHOOK_TOPICS = new Set([
  'APP_UNINSTALLED',
  'FULFILLMENTS_CREATE',
  'FULFILLMENTS_UPDATE',
  'INVENTORY_LEVELS_UPDATE',
  'ORDERS_CANCELLED',
  'ORDERS_CREATE',
  'ORDERS_DELETE',
  'ORDERS_EDITED',
  'ORDERS_FULFILLED',
  'ORDERS_PAID',
  'ORDERS_PARTIALLY_FULFILLED',
  'ORDERS_UPDATED',
  'REFUNDS_CREATE',
]);

function node(s: SimWebhookSubscription) {
  return { id: s.id, topic: s.topic, uri: s.uri, format: s.format, createdAt: iso(s.createdAt) };
}

function b64(v: unknown): string {
  return btoa(JSON.stringify(v));
}

export function webhookSubscriptions({ store, variables }: OpContext): OpResult {
  const first = Math.min(250, Math.max(0, Number(variables.first ?? 50)));
  let after = 0;
  if (typeof variables.after === 'string' && variables.after) {
    try {
      after = Number((JSON.parse(atob(variables.after)) as { id?: number }).id ?? 0);
    } catch {
      after = 0;
    }
  }
  const rows = [...store.webhookSubscriptions.values()]
    .sort((a, b) => a.legacyId - b.legacyId)
    .filter((s) => s.legacyId > after);
  const page = rows.slice(0, first);
  const last = page.at(-1);
  return {
    data: {
      webhookSubscriptions: {
        nodes: page.map(node),
        pageInfo: { hasNextPage: rows.length > first, endCursor: last ? b64({ id: last.legacyId }) : null },
      },
    },
    actualCost: 2 + page.length,
  };
}

const ADDRESS = /^(https:\/\/[^\s/]+\S*|pubsub:\/\/[^\s:]+:\S+|arn:aws:events:\S+)$/;

export function webhookSubscriptionCreate({ store, variables }: OpContext): OpResult {
  const topic = String(variables.topic ?? '');
  if (!SIM_WEBHOOK_TOPICS.has(topic)) {
    return {
      errors: [
        {
          message: `Variable $topic of type WebhookSubscriptionTopic! was provided invalid value`,
          extensions: { code: 'INVALID_VARIABLE' },
        },
      ],
      actualCost: 0,
    };
  }
  const input = (variables.webhookSubscription ?? {}) as { uri?: unknown; format?: unknown };
  const uri = typeof input.uri === 'string' ? input.uri : '';
  const fail = (message: string): OpResult => ({
    data: {
      webhookSubscriptionCreate: {
        webhookSubscription: null,
        userErrors: [{ field: ['webhookSubscription', 'uri'], message }],
      },
    },
    actualCost: 10,
  });
  if (!ADDRESS.test(uri)) return fail('Address is invalid');
  if ([...store.webhookSubscriptions.values()].some((s) => s.topic === topic && s.uri === uri)) {
    return fail('Address for this topic has already been taken');
  }
  const { id, legacyId } = store.nextId('WebhookSubscription');
  const sub: SimWebhookSubscription = {
    id,
    legacyId,
    topic,
    uri,
    format: input.format === 'XML' ? 'XML' : 'JSON',
    createdAt: store.stamp(),
  };
  store.webhookSubscriptions.set(id, sub);
  return { data: { webhookSubscriptionCreate: { webhookSubscription: node(sub), userErrors: [] } }, actualCost: 10 };
}

/** Test helper: subscriptions as the merchant sees them in the admin. */
export function subscriptionsOf(store: SimStore): { topic: string; uri: string }[] {
  return [...store.webhookSubscriptions.values()].map((s) => ({ topic: s.topic, uri: s.uri }));
}
