// Refunds through the Admin API, as shopify.dev documents them (2026-10): Order.suggestedRefund
// for given lines (what Shopify would give back and through which payment), and refundCreate
// (RefundInput: orderId, note, notify, refundLineItems with restockType / locationId,
// transactions naming a parent SALE, its gateway and an amount). Refused input comes back as
// userErrors and changes nothing; from 2026-01 the @idempotent key answers a repeat with the
// first result (mandatory from 2026-04, as for inventorySetQuantities).
import { formatMinor, parseMinor } from '../../../core/money/money.ts';
import { versionAtLeast } from '../config.ts';
import type { OpContext, OpResult } from './operations.ts';
import { gqlMoney } from './serialize.ts';
import type { SimOrder, SimStore } from './state.ts';

type RestockType = 'RETURN' | 'CANCEL' | 'NO_RESTOCK';
interface LineInput {
  lineItemId?: string;
  quantity?: number;
  restockType?: RestockType;
  locationId?: string | null;
}
interface TransactionInput {
  orderId?: string;
  parentId?: string;
  gateway?: string;
  kind?: string;
  amount?: string;
}
interface RefundInput {
  orderId?: string;
  note?: string | null;
  notify?: boolean;
  refundLineItems?: LineInput[];
  transactions?: TransactionInput[];
}
interface UserErr {
  field: string[];
  message: string;
}

/** What refunding these lines would give back, spread over the payments that can still give. */
export function suggestRefund(store: SimStore, order: SimOrder, lines: LineInput[]) {
  let amount = 0;
  for (const l of lines) {
    const line = order.lines.find((x) => x.id === l.lineItemId);
    if (line) amount += store.lineRefundAmount(order, line, Math.min(l.quantity ?? 0, line.currentQuantity));
  }
  const sales = order.transactions.filter((t) => t.kind === 'SALE');
  const refundable = sales.reduce((s, t) => s + store.refundable(order, t), 0);
  amount = Math.min(amount, refundable);
  let left = amount;
  const suggestedTransactions = sales.flatMap((sale) => {
    const max = store.refundable(order, sale);
    const take = Math.min(left, max);
    left -= take;
    if (take <= 0) return [];
    return [
      {
        gateway: sale.gateway,
        kind: 'SUGGESTED_REFUND',
        amountSet: gqlMoney(order, take),
        maximumRefundableSet: gqlMoney(order, max),
        parentTransaction: { id: sale.id },
      },
    ];
  });
  return { amountSet: gqlMoney(order, amount), suggestedTransactions };
}

export function refundContext({ store, variables }: OpContext): OpResult {
  const order = store.orders.get(String(variables.id ?? ''));
  if (!order) return { data: { order: null }, actualCost: 1 };
  const lines = Array.isArray(variables.refundLineItems) ? (variables.refundLineItems as LineInput[]) : [];
  return {
    data: {
      order: {
        id: order.id,
        currencyCode: order.currency,
        presentmentCurrencyCode: order.presentment?.currency ?? order.currency,
        refunds: store.refundsOf(order.id).map((r) => ({ id: r.id, note: r.note })),
        suggestedRefund: suggestRefund(store, order, lines),
      },
    },
    actualCost: 3,
  };
}

function validateLines(store: SimStore, order: SimOrder, lines: LineInput[]): UserErr[] {
  const errors: UserErr[] = [];
  const wanted = new Map<string, number>();
  for (const [i, l] of lines.entries()) {
    const field = ['refundLineItems', String(i)];
    const line = order.lines.find((x) => x.id === l.lineItemId);
    if (!line) {
      errors.push({ field: [...field, 'lineItemId'], message: 'Line item does not exist.' });
      continue;
    }
    const total = (wanted.get(line.id) ?? 0) + (l.quantity ?? 0);
    wanted.set(line.id, total);
    if (!Number.isInteger(l.quantity) || (l.quantity ?? 0) <= 0 || total > line.currentQuantity)
      errors.push({
        field: [...field, 'quantity'],
        message: `Quantity cannot refund more items than were purchased (${line.currentQuantity} refundable).`,
      });
    if (l.locationId && !store.locations.has(l.locationId))
      errors.push({ field: [...field, 'locationId'], message: 'Location does not exist.' });
  }
  return errors;
}

function validateTransactions(store: SimStore, order: SimOrder, transactions: TransactionInput[]): UserErr[] {
  const errors: UserErr[] = [];
  const given = new Map<string, number>();
  for (const [i, t] of transactions.entries()) {
    const field = ['transactions', String(i)];
    const parent = order.transactions.find((x) => x.id === t.parentId && x.kind === 'SALE');
    if (t.kind !== 'REFUND') errors.push({ field: [...field, 'kind'], message: 'Kind must be refund.' });
    if (t.orderId !== order.id) errors.push({ field: [...field, 'orderId'], message: 'Order does not match.' });
    if (!parent) {
      errors.push({ field: [...field, 'parentId'], message: 'Parent transaction does not exist.' });
      continue;
    }
    if (t.gateway !== parent.gateway)
      errors.push({ field: [...field, 'gateway'], message: `Gateway must be ${parent.gateway}.` });
    let amount: number;
    try {
      amount = parseMinor(String(t.amount ?? ''), order.currency);
    } catch {
      errors.push({ field: [...field, 'amount'], message: 'Amount is invalid.' });
      continue;
    }
    const total = (given.get(parent.id) ?? 0) + amount;
    given.set(parent.id, total);
    const left = store.refundable(order, parent);
    if (amount <= 0 || total > left)
      errors.push({
        field: [...field, 'amount'],
        message: `Refund amount ${formatMinor(total, order.currency)} is greater than the ${formatMinor(left, order.currency)} ${order.currency} that can still be refunded.`,
      });
  }
  return errors;
}

export function refundCreate(modernOp: boolean) {
  return (ctx: OpContext): OpResult => {
    const { store, version, variables, query } = ctx;
    const keyed = versionAtLeast(version, '2026-01');
    if (modernOp && !keyed)
      return {
        errors: [
          { message: `Directive 'idempotent' is not defined (API ${version})`, extensions: { code: 'undefinedField' } },
        ],
        actualCost: 1,
      };
    const key = typeof variables.idempotencyKey === 'string' ? variables.idempotencyKey : null;
    if (versionAtLeast(version, '2026-04') && (!query.includes('@idempotent') || !key))
      return {
        errors: [
          {
            message: 'The @idempotent directive with a key is required for this mutation from 2026-04.',
            extensions: { code: 'IDEMPOTENCY_KEY_REQUIRED' },
          },
        ],
        actualCost: 1,
      };
    const input = (variables.input ?? {}) as RefundInput;
    const fingerprint = JSON.stringify(input);
    const slot = key ? `refundCreate:${key}` : null;
    const seen = slot ? ctx.idempotency.get(slot) : undefined;
    const answer = (refund: unknown, userErrors: UserErr[] | { code: string; field: null; message: string }[]) => ({
      data: { refundCreate: { refund, userErrors } },
      actualCost: 10,
    });
    if (seen && seen.fingerprint !== fingerprint)
      return answer(null, [
        {
          code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
          field: null,
          message: 'The same idempotency key cannot be used with different operation parameters.',
        },
      ]);
    if (seen) return { data: seen.data, actualCost: 10 };
    const order = store.orders.get(String(input.orderId ?? ''));
    const errors = order
      ? [
          ...validateLines(store, order, input.refundLineItems ?? []),
          ...validateTransactions(store, order, input.transactions ?? []),
        ]
      : [{ field: ['orderId'], message: 'Order does not exist.' }];
    let result: OpResult;
    if (!order || errors.length > 0) result = answer(null, errors);
    else {
      const refund = store.applyRefund(
        order,
        (input.refundLineItems ?? []).map((l) => ({
          lineItemId: l.lineItemId ?? '',
          quantity: l.quantity ?? 0,
          restockType: l.restockType ?? 'RETURN',
          locationId: l.locationId ?? null,
        })),
        input.note ?? null,
        (input.transactions ?? []).map((t) => ({
          parentId: t.parentId ?? '',
          gateway: t.gateway ?? '',
          amount: parseMinor(String(t.amount), order.currency),
        })),
      );
      ctx.refundCreated(order.id, refund.id);
      ctx.orderChanged(order.id);
      result = answer(
        { id: refund.id, note: refund.note, totalRefundedSet: { shopMoney: gqlMoney(order, refund.amount).shopMoney } },
        [],
      );
    }
    if (slot) ctx.idempotency.set(slot, { fingerprint, data: result.data });
    return result;
  };
}
