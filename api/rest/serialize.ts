// Shaping database rows for responses: money as { amount, currency } (BigInt columns
// converted after a safe-integer check), times as UTC ISO-8601, cursors as opaque text.
import type { z } from 'zod';
import { invalid } from './api-error.ts';

export function money(amount: bigint | number, currency: string): { amount: number; currency: string } {
  const n = typeof amount === 'bigint' ? Number(amount) : amount;
  if (!Number.isSafeInteger(n) || (typeof amount === 'bigint' && BigInt(n) !== amount)) {
    throw new RangeError(`amount ${String(amount)} ${currency} is beyond the safe integer range`);
  }
  return { amount: n, currency };
}

export function iso(d: Date): string;
export function iso(d: Date | null | undefined): string | null;
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is a 400 naming `cursor`. */
export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw invalid('cursor', 'not a cursor this API issued (pass nextCursor from the previous page)');
}

/** Splits `limit + 1` rows into a page and the next cursor. */
export function pageOf<R, O>(rows: R[], limit: number, shape: (r: R) => O, cursorOf: (r: R) => unknown) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { data: items.map(shape), nextCursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
