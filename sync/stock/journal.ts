// The journal of an account's last stock push: the push as planned and every request the
// connector sent for it, written before the request leaves. When the answer is lost (the
// process died, the connection dropped after the channel applied it), the next push first
// replays those requests under their idempotency keys (connector.replayStock): the channel
// answers with what it did then, applied or refused, and the outcome is recorded as if the
// answer had come. Without it the hub can only guess (the doubt rules in record.ts): a write
// refused by compare-and-set because the shop sold units looks exactly like one applied when
// the shop happens to show the lost value, and the hub would claim the sold units were never sold.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { Sql } from '../../core/db/sql.ts';
import type { Logger } from '../../core/log.ts';
import {
  type AccountContext,
  type ChannelConnector,
  ConnectorError,
  type StockJournal,
  type StockPushResult,
  type StockUpdate,
} from '../../connectors/connector.ts';
import type { PushPlan, StampBefore } from './plan.ts';
import { type Doubt, recordPush, unstampRefused } from './record.ts';

interface JournaledPlan {
  updates: StockUpdate[];
  doubt: [string, Doubt][];
  before: [string, StampBefore][];
  /** First writes of two-phase strict pushes: recorded as such (they stay in flight for the second). */
  interim: string[];
  /** Each listing's belief as planned (older journals lack it: the belief now stands in). */
  beliefAt?: [string, number | null][];
}

/** Replaces the account's journal with this plan (in the plan's transaction); returns the push id. */
export async function writeJournal(sql: Sql, accountId: string, plan: PushPlan): Promise<string> {
  const pushId = randomUUID();
  const journaled: JournaledPlan = {
    updates: plan.updates,
    doubt: [...plan.doubt],
    before: [...plan.before],
    interim: [...plan.twoPhase.keys()],
    beliefAt: [...plan.beliefAt],
  };
  await sql.$executeRaw`
    INSERT INTO stock_push_journal (account_id, push_id, plan, requests)
    VALUES (${accountId}, ${pushId}, ${JSON.stringify(journaled)}::jsonb, ARRAY[]::text[])
    ON CONFLICT (account_id) DO UPDATE SET push_id = EXCLUDED.push_id, plan = EXCLUDED.plan,
           requests = EXCLUDED.requests, settled = ARRAY[]::text[], created_at = now()`;
  return pushId;
}

/**
 * Marks first writes of a two-phase push as recorded, in the transaction that records them: they
 * stay in flight until the second write, so being in flight does not say their answer is missing.
 */
export async function settleInterim(sql: Sql, accountId: string, pushId: string, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await sql.$executeRaw`
    UPDATE stock_push_journal SET settled = settled || ${listingIds}::text[]
     WHERE account_id = ${accountId} AND push_id = ${pushId}`;
}

/** What the connector calls before each request of push `pushId` leaves. */
export function journalFor(sql: Sql, accountId: string, pushId: string): StockJournal {
  return {
    async record(request) {
      await sql.$executeRaw`
        UPDATE stock_push_journal SET requests = array_append(requests, ${JSON.stringify(request)})
         WHERE account_id = ${accountId} AND push_id = ${pushId}`;
    },
  };
}

export interface Replayed {
  /** Listings whose outcome the replay settled. */
  settled: number;
}

/**
 * Replays the account's last push if listings of it are still in flight (their answer was never
 * recorded), and records what the channel says it did. Throws a ConnectorError the queue retries
 * when the channel cannot be asked now; a push that cannot be replayed leaves the doubt rules to it.
 */
export async function replayLostPush(
  deps: { prisma: PrismaClient; logger: Logger },
  account: AccountContext,
  connector: ChannelConnector,
): Promise<Replayed> {
  if (!connector.replayStock) return { settled: 0 };
  // Listings of the push still in flight whose answer was not recorded: a recorded confirmation
  // ends the flight, a recorded refusal puts the stamp back, a recorded first write is settled.
  const [row] = await deps.prisma.$queryRaw<
    { push_id: string; plan: JournaledPlan; requests: string[]; open: string[] }[]
  >`
    SELECT j.push_id, j.plan, j.requests,
           ARRAY(SELECT l.id FROM listings l
                  WHERE l.account_id = j.account_id
                    AND l.id IN (SELECT u->>'listingId' FROM jsonb_array_elements(j.plan->'updates') u)
                    AND l.id <> ALL (j.settled)
                    AND l.last_sent_at IS NOT NULL
                    AND (l.last_confirmed_at IS NULL OR l.last_sent_at > l.last_confirmed_at)) AS open
      FROM stock_push_journal j WHERE j.account_id = ${account.id}`;
  if (!row) return { settled: 0 };
  const open = new Set(row.open);
  if (open.size === 0) return { settled: 0 };
  const done = (sql: Sql) =>
    sql.$executeRaw`DELETE FROM stock_push_journal WHERE account_id = ${account.id} AND push_id = ${row.push_id}`;
  let result: StockPushResult | null;
  try {
    result = await connector.replayStock(
      account,
      row.plan.updates,
      row.requests.map((r) => JSON.parse(r) as Record<string, unknown>),
    );
  } catch (error) {
    if (error instanceof ConnectorError && !error.retryable) result = null;
    else throw error;
  }
  if (!result) {
    await done(deps.prisma);
    deps.logger.info(
      { accountId: account.id, listings: open.size },
      'lost stock push cannot be replayed; left in doubt',
    );
    return { settled: 0 };
  }
  const mine = <T extends { listingId: string }>(xs: T[]) => xs.filter((x) => open.has(x.listingId));
  // Only certain outcomes: a request whose replay got no answer either stays in flight, replayed next time.
  const certain: StockPushResult = {
    confirmed: mine(result.confirmed),
    failed: mine(result.failed).filter((f) => f.refused),
    pending: [],
  };
  const interim = new Set(row.plan.interim.filter((id) => open.has(id)));
  const settled = certain.confirmed.length + certain.failed.length;
  // One transaction: a replay recorded twice would count the same answer twice.
  await deps.prisma.$transaction(async (tx) => {
    await recordPush(
      tx,
      account.id,
      mine(row.plan.updates),
      certain,
      interim,
      new Map(row.plan.doubt),
      new Map(row.plan.beliefAt ?? []),
    );
    await unstampRefused(tx, certain, new Map(row.plan.before));
    if (settled === open.size) await done(tx);
    else
      await settleInterim(
        tx,
        account.id,
        row.push_id,
        certain.confirmed.map((c) => c.listingId).filter((id) => interim.has(id)),
      );
  });
  deps.logger.info(
    { accountId: account.id, confirmed: certain.confirmed.length, refused: certain.failed.length },
    'lost stock push replayed',
  );
  return { settled };
}
