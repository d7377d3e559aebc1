import { z } from 'zod';
import { currencyExponent, isCurrency, MoneyError } from './currencies.ts';

export { currencyExponent, isCurrency, MoneyError, type MoneyErrorCode } from './currencies.ts';

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'currency must be 3 upper-case letters')
  .refine(isCurrency, { message: 'unknown currency' });

/** An amount in integer minor units of its currency (1299 USD = $12.99). */
export const MoneySchema = z.object({
  amount: z.number().int().safe(),
  currency: CurrencySchema,
});
export type Money = z.infer<typeof MoneySchema>;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function invalid(value: unknown, why: string): MoneyError {
  return new MoneyError('invalid_amount', `invalid amount ${JSON.stringify(String(value))}: ${why}`);
}

function toSafeNumber(n: bigint, value: unknown): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw invalid(value, 'out of the safe integer range');
  }
  return Number(n);
}

/**
 * Converts a channel's decimal amount ("12.99", "-3.5", "1000.0") into integer
 * minor units without floating point. Only plain decimals are accepted: no
 * exponent ("1e2"), no "+", no ".5"/"5.", no whitespace.
 *
 * Digits beyond the currency's exponent are tolerated because channels send
 * them: Shopify formats JPY as "1000.0", and tax amounts sometimes carry extra
 * precision ("0.125"). Trailing zeros are dropped exactly; anything else is
 * rounded half-to-even (banker's rounding), which does not bias sums of many
 * rounded tax lines upwards the way half-up does.
 *
 * Numbers are accepted only when finite and are read through their shortest
 * round-trip string (12.99 -> "12.99"), so 0.1 + 0.2 gives "0.30000000000000004"
 * -> 30 and not a binary artefact; numbers that print in exponent form are rejected.
 */
export function parseMinor(amount: string | number, currency: string): number {
  const exp = currencyExponent(currency);
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) throw invalid(amount, 'not a finite number');
    text = String(amount); // String(-0) === "0"
  } else if (typeof amount === 'string') {
    text = amount;
  } else {
    throw invalid(amount, 'expected a decimal string or number');
  }
  const m = DECIMAL.exec(text);
  if (!m) throw invalid(text, 'not a plain decimal number');
  const [, sign = '', whole = '', frac = ''] = m;

  const kept = frac.slice(0, exp).padEnd(exp, '0');
  const extra = frac.slice(exp);
  let magnitude = BigInt(whole + kept);
  if (/[1-9]/.test(extra)) {
    const first = extra.charCodeAt(0) - 48;
    const restNonZero = /[1-9]/.test(extra.slice(1));
    const roundUp = first > 5 || (first === 5 && (restNonZero || magnitude % 2n === 1n));
    if (roundUp) magnitude += 1n;
  }
  return toSafeNumber(sign === '-' ? -magnitude : magnitude, amount);
}

function assertMinor(minor: number, what = 'amount'): void {
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyError('invalid_amount', `invalid ${what} ${String(minor)}: not a safe integer of minor units`);
  }
}

/** Inverse of parseMinor: 1299 USD -> "12.99", 1000 JPY -> "1000", 1234 KWD -> "1.234", -5 USD -> "-0.05". */
export function formatMinor(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  assertMinor(minor);
  const digits = String(Math.abs(minor));
  if (exp === 0) return minor < 0 ? `-${digits}` : digits;
  const padded = digits.padStart(exp + 1, '0');
  const text = `${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
  return minor < 0 ? `-${text}` : text;
}

/** A validated Money from integer minor units. */
export function money(amount: number, currency: string): Money {
  currencyExponent(currency);
  assertMinor(amount);
  return { amount: amount === 0 ? 0 : amount, currency };
}

/** A Money from a channel's decimal amount ("12.99"); see parseMinor. */
export function parseMoney(amount: string | number, currency: string): Money {
  return { amount: parseMinor(amount, currency), currency };
}

function checked(result: number, what: string): number {
  if (!Number.isSafeInteger(result)) throw new MoneyError('overflow', `${what} overflows the safe integer range`);
  return result;
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) {
    throw new MoneyError('currency_mismatch', `cannot add ${b.currency} to ${a.currency}`);
  }
  return money(checked(a.amount + b.amount, 'sum'), a.currency);
}

/** Sums amounts that must all be in `currency`; an empty list sums to zero. */
export function sumMoney(list: readonly Money[], currency: string): Money {
  let total = money(0, currency);
  for (const m of list) {
    if (m.currency !== currency) {
      throw new MoneyError('currency_mismatch', `cannot sum ${m.currency} into ${currency}`);
    }
    total = addMoney(total, m);
  }
  return total;
}

export function multiplyMoney(m: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) {
    throw new MoneyError('invalid_quantity', `invalid quantity ${String(quantity)}: not an integer`);
  }
  return money(checked(m.amount * quantity, 'product'), m.currency);
}

/**
 * Splits an integer total into parts proportional to integer weights (largest
 * remainder method); the parts always sum exactly to `total`. Used to spread an
 * order-level discount over its lines, weighted by line subtotal. Leftover units
 * go to the largest remainders, ties to the earlier weight, so results are
 * deterministic. A negative total is split as its magnitude, then negated.
 */
export function allocateMinor(total: number, weights: readonly number[]): number[] {
  assertMinor(total, 'total');
  weights.forEach((w, i) => {
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new MoneyError('invalid_allocation', `weights[${i}] must be a non-negative integer, got ${String(w)}`);
    }
  });
  if (total === 0) return weights.map(() => 0);
  const weightSum = weights.reduce((s, w) => s + BigInt(w), 0n);
  if (weightSum === 0n) {
    throw new MoneyError('invalid_allocation', `cannot allocate ${total} over weights that are all zero`);
  }
  // BigInt: total * weight can exceed 2^53 for large amounts.
  const abs = BigInt(Math.abs(total));
  const parts = weights.map((w) => (abs * BigInt(w)) / weightSum);
  const remainders = weights.map((w) => (abs * BigInt(w)) % weightSum);
  let left = abs - parts.reduce((s, p) => s + p, 0n);
  const order = weights
    .map((_, i) => i)
    .sort((i, j) => {
      const ri = remainders[i] ?? 0n;
      const rj = remainders[j] ?? 0n;
      return ri === rj ? i - j : ri > rj ? -1 : 1;
    });
  for (const i of order) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map((p) => (p === 0n ? 0 : Number(total < 0 ? -p : p)));
}
