// The job kinds and their payloads, validated with zod when a job starts: a payload from
// Redis may come from an older or newer process, so it is checked like any other input.
import { z } from 'zod';

const accountId = z.string().min(1).max(200);

export const JOB_PAYLOADS = {
  /** Push the account's stale listings (one batch per run, paced per account). */
  'stock.push': z.object({ accountId, prioritySkuIds: z.array(z.string().min(1)).max(1000).optional() }),
  /** Ask the channel what became of the account's open asynchronous stock submissions (submissions.ts). */
  'stock.confirm': z.object({ accountId }),
  /** Read the channel's quantities, repair drift. */
  'stock.reconcile': z.object({ accountId }),
  /** Turn the account's pending inbox events into orders and returns. */
  'inbox.process': z.object({ accountId }),
  /** Poll the channel for changed orders. */
  'orders.poll': z.object({ accountId }),
  /** Let the connector refresh short-lived credentials. */
  'token.refresh': z.object({ accountId }),
  /** Tell the channel about a shipment, a pickup step or a cancellation (see fulfilment-push.ts). */
  'fulfilment.push': z.object({ accountId, pushId: z.string().min(1) }).passthrough(),
  /** Hand an issued invoice or credit note to the order's channel (see document-push.ts). */
  'document.push': z
    .object({ accountId, documentId: z.string().min(1), orderId: z.string().min(1), taxTotal: z.number().int() })
    .passthrough(),
  /** Issue the documents an order is now due: confirmation, delivery notes, invoice, credit notes. */
  'documents.issue': z.object({ orderId: z.string().min(1).max(200) }),
  /** E-mail one customer notification (sync/notifications/send.ts). */
  'notification.send': z.object({ notificationId: z.string().min(1).max(200) }),
  /** Write a `delayed` notification for every order past its promised date (core/notifications/delayed.ts). */
  'notifications.delayed': z.object({}),
  /** Delete old processed inbox rows and dispatched outbox rows. */
  'maintenance.cleanup': z.object({}),
} as const;

export type JobName = keyof typeof JOB_PAYLOADS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_PAYLOADS)[N]>;
export const JOB_NAMES = Object.keys(JOB_PAYLOADS) as JobName[];

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOB_PAYLOADS[name].parse(data) as JobPayload<N>;
}

/**
 * Jobs that touch an account's stock on the channel run one at a time per account, and so do
 * the account's inbox runs. Polling has a group of its own: two polls of an account never
 * overlap (they share its cursor), but a long poll (minutes of paced reads after an outage)
 * never holds up the events webhooks already stored; it only adds events to the inbox.
 */
export function accountGroup(name: JobName, data: unknown): string | null {
  const id = (data as { accountId?: unknown } | null)?.accountId;
  if (typeof id !== 'string') return null;
  if (name === 'stock.push' || name === 'stock.confirm' || name === 'stock.reconcile') return `stock:${id}`;
  if (name === 'inbox.process') return `orders:${id}`;
  if (name === 'orders.poll') return `poll:${id}`;
  return `misc:${id}`;
}
