// Erases a person: their name, e-mail, phone, addresses and VAT id leave the orders (which keep
// their lines, money and status) and every other place the hub stored them: the raw
// channel events of the inbox, the outbox, exceptions, the audit log, order history and
// return reasons. One transaction; recorded in each order's history without the values.
// Called by the API (DELETE /customers/{email}, POST /orders/{id}/erase-personal-data),
// the retention job (retention.ts) and a channel's account-deletion notice.
import type { Clock } from '../clock.ts';
import { Prisma, type PrismaClient } from '../db/generated/prisma/client.ts';
import { withTxRetry } from '../db/retry.ts';
import type { Tx } from '../db/sql.ts';
import { identifiersOf, scrubJson, scrubText } from './scrub.ts';

/** Who to erase: every order of a buyer (by e-mail or the channel's buyer id), or one order's buyer. */
export type ErasureSubject = { email: string } | { externalBuyerId: string } | { orderId: string };

export interface EraseOptions {
  clock: Clock;
  /** Who asked: an API key's actor, `system:retention`, `channel:<account>`. */
  actor: string;
  /** Why, as recorded in the order's history (never a personal value). */
  reason: string;
  /**
   * JSON keys under which channels keep personal data in their payloads (the connectors'
   * personalDataKeys): blanked whole wherever they appear in stored JSON.
   */
  personalKeys?: readonly string[];
}

export interface ErasureResult {
  /** The orders whose buyer was erased. */
  orderIds: string[];
  /** Rows outside the orders that held one of the person's identifiers and were scrubbed. */
  scrubbedRows: number;
}

// Every other column that may hold a copy of a buyer's identifiers: [table, id column, column, kind].
const COPIES: readonly (readonly [string, string, string, 'text' | 'json'])[] = [
  ['inbox_events', 'id', 'payload', 'json'],
  ['inbox_events', 'id', 'last_error', 'text'],
  ['outbox_events', 'id', 'payload', 'json'],
  ['exceptions', 'id', 'message', 'text'],
  ['exceptions', 'id', 'data', 'json'],
  ['audit_log', 'id', 'data', 'json'],
  ['order_events', 'id', 'reason', 'text'],
  ['returns', 'id', 'reason', 'text'],
  ['orders', 'id', 'channel_ref', 'json'],
];

export async function erasePerson(
  prisma: PrismaClient,
  subject: ErasureSubject,
  opts: EraseOptions,
): Promise<ErasureResult> {
  const now = opts.clock.now();
  return withTxRetry(() =>
    prisma.$transaction((tx) => eraseInTx(tx, subject, opts, now), { timeout: 60_000, maxWait: 30_000 }),
  );
}

async function eraseInTx(tx: Tx, subject: ErasureSubject, opts: EraseOptions, now: Date): Promise<ErasureResult> {
  const orders = await findOrders(tx, subject);
  const values = new Set<string>();
  if ('email' in subject) values.add(subject.email.trim());
  if ('externalBuyerId' in subject) values.add(subject.externalBuyerId.trim());
  for (const o of orders) for (const v of identifiersOf(o)) values.add(v);
  const identifiers = [...values].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  const keys = new Set(opts.personalKeys ?? []);

  let scrubbedRows = 0;
  for (const [table, idCol, col, kind] of COPIES) {
    // A row is scrubbed only when it holds one of the person's identifiers: another buyer's
    // events are left alone, even under the same personal keys.
    const search = identifiers;
    if (!search.length) continue;
    // Identifiers are compared lowercased as text: JSON escapes nothing in e-mails, names or phones.
    const rows = await tx.$queryRawUnsafe<{ id: unknown; v: unknown }[]>(
      `SELECT ${idCol} AS id, ${col} AS v FROM ${table}
        WHERE ${col} IS NOT NULL
          AND EXISTS (SELECT 1 FROM unnest($1::text[]) s WHERE strpos(lower(${col}::text), lower(s)) > 0)`,
      search,
    );
    for (const r of rows) {
      if (kind === 'text') {
        await tx.$executeRawUnsafe(
          `UPDATE ${table} SET ${col} = $1 WHERE ${idCol} = $2`,
          scrubText(String(r.v), identifiers),
          r.id,
        );
      } else {
        const json = typeof r.v === 'string' ? JSON.parse(r.v) : r.v;
        await tx.$executeRawUnsafe(
          `UPDATE ${table} SET ${col} = $1::jsonb WHERE ${idCol} = $2`,
          JSON.stringify(scrubJson(json, keys, identifiers)),
          r.id,
        );
      }
      scrubbedRows++;
    }
  }

  for (const o of orders) {
    await tx.order.update({
      where: { id: o.id },
      data: {
        customer: Prisma.DbNull,
        billingAddress: Prisma.DbNull,
        shippingAddress: Prisma.DbNull,
        buyerVatId: null,
        personalDataErasedAt: now,
      },
    });
    // History: the order stays where it is; the event says what happened and why, nothing more.
    await tx.orderEvent.create({
      data: {
        orderId: o.id,
        fromStatus: o.status,
        toStatus: o.status,
        actor: opts.actor,
        reason: `personal data erased (${opts.reason})`,
        createdAt: now,
      },
    });
    await tx.auditLog.create({
      data: {
        actor: opts.actor,
        action: 'order.personal_data_erased',
        entity: 'order',
        entityId: o.id,
        data: { reason: opts.reason },
        createdAt: now,
      },
    });
  }
  return { orderIds: orders.map((o) => o.id), scrubbedRows };
}

interface PersonOrder {
  id: string;
  externalId: string;
  status: Prisma.OrderGetPayload<object>['status'];
  customer: unknown;
  billingAddress: unknown;
  shippingAddress: unknown;
  buyerVatId: string | null;
}

async function findOrders(tx: Tx, s: ErasureSubject): Promise<PersonOrder[]> {
  const select = {
    id: true,
    externalId: true,
    status: true,
    customer: true,
    billingAddress: true,
    shippingAddress: true,
    buyerVatId: true,
  } as const;
  if ('orderId' in s) return tx.order.findMany({ where: { id: s.orderId }, select });
  const ids =
    'email' in s
      ? await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM orders WHERE lower(customer->>'email') = lower(${s.email.trim()})`
      : await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM orders WHERE customer->>'externalId' = ${s.externalBuyerId.trim()}`;
  if (!ids.length) return [];
  return tx.order.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select, orderBy: { id: 'asc' } });
}
