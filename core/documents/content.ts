// What a document says, in the shape the PDF renderer lays out: built from the order's state
// by invoice-content.ts / credit-note-content.ts / parcel-content.ts, printed by pdf/render.ts. Amounts are integer
// minor units of `currency`.
import type { DocumentLanguage } from './language.ts';
import type { Logo } from './logo.ts';

export interface Merchant {
  name: string;
  addressLines: string[];
  vatId: string | null;
  /** The structured address and contact an e-invoice needs (EN 16931 BG-5, BG-6); null when not set. */
  street?: string | null;
  postalCode?: string | null;
  city?: string | null;
  countryCode?: string | null;
  email?: string | null;
  phone?: string | null;
  /** Printed at the top right of the first page. */
  logo?: Logo | null;
}

/** The buyer as an e-invoice names them (EN 16931 BG-7): from the order's billing (or shipping) address. */
export interface Buyer {
  name: string | null;
  company: string | null;
  line1: string | null;
  line2: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  email: string | null;
  /** The buyer's VAT id with its country prefix (BT-48), printed under the billing address. */
  vatId: string | null;
}

export interface ContentLine {
  title: string;
  quantity: number;
  unitPrice: number;
  amount: number;
  /** The line's own discount and tax (minor units), and its tax rate as the channel gives it ("0.19"). */
  discount: number;
  tax: number;
  rate: string | null;
}

export interface TaxRow {
  title: string;
  /** Decimal fraction as the channel states it ("0.19"), null when not given. */
  rate: string | null;
  amount: number;
}

export type ContentKind = 'invoice' | 'credit_note' | 'order_confirmation' | 'delivery_note';

export interface DocumentContent {
  kind: ContentKind;
  language: DocumentLanguage;
  number: string;
  issuedAt: Date;
  orderNumber: string;
  /** The invoice a credit note corrects. */
  refersToNumber: string | null;
  merchant: Merchant;
  /** The billing address; a delivery note's is the shipping address. */
  billTo: string[];
  buyer: Buyer | null;
  currency: string;
  lines: ContentLine[];
  subtotal: number;
  discount: number;
  shipping: number;
  tip: number;
  taxes: TaxRow[];
  /** Tax on shipping lines, which channels give without a rate. */
  shippingTax: number;
  /** The prices already contain the tax (gross prices): the tax rows are shown, not added. */
  taxIncluded: boolean;
  total: number;
  /** The marketplace that collects and remits the tax on this sale (facilitator), when it does. */
  taxCollectedBy: string | null;
  /** A delivery note's parcel: carrier and tracking number. */
  tracking: string | null;
}

/** Sums tax lines by title and rate, keeping the order they first appear in; zero rows are dropped. */
export function taxesByRate(entries: readonly TaxRow[]): TaxRow[] {
  const rows = new Map<string, TaxRow>();
  for (const e of entries) {
    const key = `${e.title}\u0000${e.rate ?? ''}`;
    const row = rows.get(key);
    if (row) row.amount += e.amount;
    else rows.set(key, { ...e });
  }
  return [...rows.values()].filter((r) => r.amount !== 0);
}

/** The rate of a line with several tax lines is their sum ("0.06" + "0.0125" → "0.0725"); null when none gives one. */
export function combinedRate(rows: readonly TaxRow[]): string | null {
  const rates = rows.map((r) => r.rate).filter((r): r is string => r !== null && /^\d+(\.\d+)?$/.test(r));
  if (rates.length === 0) return null;
  if (rates.length === 1) return rates[0] ?? null;
  const scale = Math.max(...rates.map((r) => (r.split('.')[1] ?? '').length));
  const sum = rates.reduce((s, r) => {
    const [w = '0', f = ''] = r.split('.');
    return s + BigInt(w + f.padEnd(scale, '0'));
  }, 0n);
  const digits = sum.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}
