// Pure helpers of personal-data erasure: which strings identify a person on an order, and
// blanking them out of any stored JSON or text. Structural (a channel's personal keys, e.g.
// a payload's customer or shipping address, become null) and by value (any string holding
// one of the person's identifiers has it replaced), so a copy under an unexpected key
// (a note, an exception message) goes too.

export const ERASED = '[erased]';

/** Identifiers shorter than this are not searched for by value (a 2-letter code would hit everything). */
const MIN_VALUE_LENGTH = 3;

interface PersonFields {
  customer: unknown;
  billingAddress: unknown;
  shippingAddress: unknown;
  buyerVatId?: string | null;
}

// The parts of a person that identify them anywhere; city, region, postal and country codes
// are erased from the order's addresses but are too common to search for elsewhere.
const IDENTIFYING = ['name', 'email', 'phone', 'externalId', 'company', 'line1', 'line2'] as const;

/** The identifying strings of the person on one order (customer, both addresses, VAT id). */
export function identifiersOf(order: PersonFields): string[] {
  const out = new Set<string>();
  for (const part of [order.customer, order.billingAddress, order.shippingAddress]) {
    if (!part || typeof part !== 'object') continue;
    for (const k of IDENTIFYING) {
      const v = (part as Record<string, unknown>)[k];
      if (typeof v !== 'string') continue;
      const t = v.trim();
      // Whole values only: a first name alone would hit other people's records ("Ada" in "Adam");
      // split names in payloads sit under the channel's personal keys, which go whole.
      if (t.length >= MIN_VALUE_LENGTH) out.add(t);
    }
  }
  // The VAT id, and its number without the country prefix, which is how some channels send it.
  const vat = order.buyerVatId?.trim() ?? '';
  for (const v of [vat, vat.slice(2)]) if (vat && v.length >= MIN_VALUE_LENGTH) out.add(v);
  // Longest first, so that "Ada Lovelace" is replaced whole before "Ada".
  return [...out].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every occurrence of the identifiers in a string (case-insensitive). */
export function scrubText(text: string, values: readonly string[]): string {
  if (!values.length) return text;
  const re = new RegExp(values.map(escapeRegExp).join('|'), 'gi');
  return text.replace(re, ERASED);
}

/**
 * A copy of `value` with every key in `keys` set to null (whatever it held) and the
 * identifiers replaced in every remaining string, keys included.
 */
export function scrubJson(value: unknown, keys: ReadonlySet<string>, values: readonly string[]): unknown {
  if (typeof value === 'string') return scrubText(value, values);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, keys, values));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[scrubText(k, values)] = keys.has(k) && v !== null ? null : scrubJson(v, keys, values);
    }
    return out;
  }
  return value;
}
