// The outbox dispatcher. Core writes an outbox row in the same transaction as each change
// (ledger moves, oversells, inbox events). Here, in one transaction, a batch of rows is
// claimed with FOR UPDATE SKIP LOCKED (a second dispatcher, in this or another process,
// skips them), the SKUs they name get fresh targets, and the rows are marked dispatched.
// Only after the commit are jobs enqueued. A crash before the commit leaves the rows for the
// next dispatcher; a crash between the commit and the enqueue leaves durable state (listings
// whose target the channel lacks, pending inbox rows) that the runtime's sweep turns into jobs.
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { Logger } from '../../core/log.ts';
import { DocumentIssuedPayload } from '../document-push.ts';
import { FulfilmentPushPayload } from '../fulfilment-push.ts';
import { recomputeTargets } from '../stock/recompute.ts';

const PAYLOADS = {
  'inventory.changed': z.object({ skuId: z.string().min(1) }),
  'stock.prioritize': z.object({ skuIds: z.array(z.string().min(1)) }),
  'inbox.received': z.object({ accountId: z.string().min(1) }),
  // Written by sync itself when a channel's belief changed (sync/stock/beliefs.ts).
  'stock.recompute': z.object({ skuIds: z.array(z.string().min(1)) }),
  // Written by the order actions (core/orders/action-kit.ts): tell the channel.
  'fulfilment.push': FulfilmentPushPayload,
  // Written by core/documents/issue.ts: the channel may keep the seller's documents.
  'document.issued': DocumentIssuedPayload,
  // Written by order changes (core/documents/due.ts): issue the order's documents now due.
  'documents.due': z.object({ orderId: z.string().min(1) }),
  // Written with a customer notification (the orders trigger, core/notifications/delayed.ts).
  'notification.send': z.object({ notificationId: z.string().min(1) }),
};

export interface PushIntent {
  /** SKUs to send first and without the debounce (oversold); null for an ordinary push. */
  prioritySkuIds: string[] | null;
  /** Unique per prioritize event, so that a second oversell is not absorbed by a running job. */
  priorityKey: string | null;
}

export interface DispatchIntents {
  push: Map<string, PushIntent>;
  inbox: Set<string>;
  fulfilments: FulfilmentPushPayload[];
  documents: DocumentIssuedPayload[];
  /** Orders due documents → the newest outbox row asking (part of the job id). */
  documentsDue: Map<string, string>;
  notifications: string[];
}

export interface DispatchHooks {
  /** Inside the transaction, rows claimed (tests simulate a crash by throwing). */
  beforeCommit?(ids: bigint[]): void | Promise<void>;
  /** After the commit, before any job is enqueued. */
  afterCommit?(ids: bigint[]): void | Promise<void>;
}

export interface DispatcherDeps {
  prisma: PrismaClient;
  logger: Logger;
  unitsPerChannel: number;
  batchSize: number;
  /** Stamps dispatched_at: the sweep and retention compare it with this same clock. */
  clock: Clock;
  enqueue(intents: DispatchIntents): Promise<void>;
  hooks?: DispatchHooks;
}

/** Dispatches one batch; returns the number of rows dispatched (0 when the outbox is empty). */
export async function dispatchOnce(deps: DispatcherDeps): Promise<number> {
  const done = await deps.prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; kind: string; payload: unknown }[]>`
        SELECT id, kind, payload FROM outbox_events
         WHERE dispatched_at IS NULL ORDER BY id LIMIT ${deps.batchSize}
         FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return null;
      const skus = new Set<string>();
      const prioritized = new Map<string, bigint>();
      const inbox = new Set<string>();
      const fulfilments: FulfilmentPushPayload[] = [];
      const documents: DocumentIssuedPayload[] = [];
      const documentsDue = new Map<string, string>();
      const notifications: string[] = [];
      for (const row of rows) {
        const schema = PAYLOADS[row.kind as keyof typeof PAYLOADS];
        const parsed = schema?.safeParse(row.payload);
        if (!parsed?.success) {
          // A row nobody can handle must not block the ones behind it.
          deps.logger.warn(
            { outboxId: String(row.id), kind: row.kind },
            'outbox row skipped: unknown kind or bad payload',
          );
          continue;
        }
        const p = parsed.data as { skuId?: string; skuIds?: string[]; accountId?: string };
        if (row.kind === 'inventory.changed' && p.skuId) skus.add(p.skuId);
        if (row.kind === 'stock.prioritize') {
          for (const s of p.skuIds ?? []) {
            skus.add(s);
            prioritized.set(s, row.id);
          }
        }
        if (row.kind === 'stock.recompute') for (const s of p.skuIds ?? []) skus.add(s);
        if (row.kind === 'inbox.received' && p.accountId) inbox.add(p.accountId);
        if (row.kind === 'fulfilment.push') fulfilments.push(parsed.data as FulfilmentPushPayload);
        if (row.kind === 'document.issued') documents.push(parsed.data as DocumentIssuedPayload);
        if (row.kind === 'documents.due')
          documentsDue.set((parsed.data as { orderId: string }).orderId, String(row.id));
        if (row.kind === 'notification.send')
          notifications.push((parsed.data as { notificationId: string }).notificationId);
      }
      const { dirty } = await recomputeTargets(tx, [...skus], deps.unitsPerChannel);
      const ids = rows.map((r) => r.id);
      await tx.$executeRaw`
        UPDATE outbox_events SET dispatched_at = ${deps.clock.now()}, attempts = attempts + 1
         WHERE id = ANY(${ids}::bigint[])`;
      await deps.hooks?.beforeCommit?.(ids);
      const push = new Map<string, PushIntent>();
      for (const [accountId, skuIds] of dirty) {
        const urgent = [...skuIds].filter((s) => prioritized.has(s));
        let key: bigint | null = null;
        for (const s of urgent) {
          const id = prioritized.get(s) ?? 0n;
          if (key === null || id > key) key = id;
        }
        push.set(accountId, {
          prioritySkuIds: urgent.length ? urgent : null,
          priorityKey: key === null ? null : String(key),
        });
      }
      return {
        ids,
        intents: { push, inbox, fulfilments, documents, documentsDue, notifications } satisfies DispatchIntents,
      };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  if (!done) return 0;
  await deps.hooks?.afterCommit?.(done.ids);
  await deps.enqueue(done.intents);
  return done.ids.length;
}

export interface DispatcherLoop {
  /** Dispatch now instead of at the next poll (a change committed in this process). */
  kick(): void;
  stop(): Promise<void>;
}

/** Polls the outbox: again at once after a full batch, else every intervalMs; backs off on errors. */
export function startDispatcher(deps: DispatcherDeps, intervalMs: number): DispatcherLoop {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  const tick = () => {
    timer = null;
    if (stopped || running) return;
    running = (async () => {
      let next = intervalMs;
      try {
        const n = await dispatchOnce(deps);
        if (n >= deps.batchSize) next = 0;
      } catch (err) {
        deps.logger.error({ err }, 'outbox dispatch failed; retrying');
        next = Math.max(1000, intervalMs);
      } finally {
        running = null;
      }
      if (!stopped) timer = setTimeout(tick, next);
    })();
  };
  timer = setTimeout(tick, 0);
  return {
    kick() {
      if (!stopped && !running && timer) {
        clearTimeout(timer);
        timer = setTimeout(tick, 0);
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
