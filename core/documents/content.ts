// What a document says, in the shape the PDF renderer lays out: built from the order's state
// by invoice-content.ts / credit-note-content.ts / parcel-content.ts, printed by pdf/render.ts. Amounts are integer
// minor units of `currency`.
import type { DocumentLanguage } from './language.ts';

export interface Merchant {
  name: string;
  addressLines: string[];
  vatId: string | null;
}

export interface ContentLine {
  title: string;
  quantity: number;
  unitPrice: number;
  amount: number;
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
