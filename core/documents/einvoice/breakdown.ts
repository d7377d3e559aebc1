// The numbers of an EN 16931 invoice, computed from a document's content in integer minor
// units: net line amounts (VAT exclusive, after the line's discount), document-level charges
// (shipping, tip) and allowances (an order discount not on the lines), the VAT breakdown per
// category and rate (BG-23) and the totals (BG-22). The sums are exact by construction, and the
// result must reproduce the hub's own total: when it cannot, there is no e-invoice.
import type { DocumentContent } from '../content.ts';

/** EN 16931 VAT category codes used here: S standard rate, Z zero rated. */
export type VatCategory = 'S' | 'Z';

export interface VatGroup {
  category: VatCategory;
  /** The rate in percent as a decimal string ("19", "7.5", "0"). */
  percent: string;
  taxable: number;
  tax: number;
}

export interface NetLine {
  title: string;
  quantity: number;
  net: number;
  group: VatGroup;
}

export interface DocumentCharge {
  /** UNTDID 7161 (charges) / 5189 (allowances) reason code and text. */
  code: string;
  reason: string;
  amount: number;
  group: VatGroup;
}

export interface Breakdown {
  lines: NetLine[];
  charges: DocumentCharge[];
  allowances: DocumentCharge[];
  groups: VatGroup[];
  lineTotal: number;
  chargeTotal: number;
  allowanceTotal: number;
  taxExclusive: number;
  taxTotal: number;
  taxInclusive: number;
}

export class EInvoiceUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EInvoiceUnsupported';
  }
}

/** A channel's decimal rate ("0.19") in percent ("19"), by moving the point: no floating point. */
export function ratePercent(rate: string): string {
  const [whole = '0', frac = ''] = rate.split('.');
  const digits = `${whole}${frac.padEnd(2, '0')}`;
  const cut = whole.length + 2;
  const intPart = digits.slice(0, cut).replace(/^0+(?=\d)/, '');
  const fracPart = digits.slice(cut).replace(/0+$/, '');
  return fracPart ? `${intPart}.${fracPart}` : intPart;
}

export function computeBreakdown(content: DocumentContent): Breakdown {
  const groups = new Map<string, VatGroup>();
  const groupOf = (category: VatCategory, percent: string) => {
    const key = `${category}:${percent}`;
    let g = groups.get(key);
    if (!g) {
      g = { category, percent, taxable: 0, tax: 0 };
      groups.set(key, g);
    }
    return g;
  };

  const lines: NetLine[] = content.lines.map((l) => {
    const net = l.amount - l.discount - (content.taxIncluded ? l.tax : 0);
    let group: VatGroup;
    if (l.rate !== null && (l.tax !== 0 || Number(l.rate) > 0)) group = groupOf('S', ratePercent(l.rate));
    else if (l.tax === 0) group = groupOf('Z', '0');
    else
      throw new EInvoiceUnsupported(`line "${l.title}" has tax but no rate: EN 16931 needs the VAT rate of every line`);
    group.taxable += net;
    group.tax += l.tax;
    return { title: l.title, quantity: l.quantity, net, group };
  });

  const charges: DocumentCharge[] = [];
  const allowances: DocumentCharge[] = [];
  if (content.shipping !== 0) {
    const net = content.shipping - (content.taxIncluded ? content.shippingTax : 0);
    // Channels give shipping tax without a rate: take the lines' rate that explains it best.
    const group =
      content.shippingTax === 0 ? groupOf('Z', '0') : closestGroup([...groups.values()], net, content.shippingTax);
    if (!group) throw new EInvoiceUnsupported('shipping is taxed but no line has a VAT rate to apply to it');
    group.taxable += net;
    group.tax += content.shippingTax;
    charges.push({ code: 'FC', reason: 'Shipping', amount: net, group });
  }
  if (content.tip !== 0) {
    const group = groupOf('Z', '0');
    group.taxable += content.tip;
    charges.push({ code: 'ABK', reason: 'Tip', amount: content.tip, group });
  }
  // An order discount the lines do not carry is a document-level allowance on the main rate.
  const lineDiscounts = content.lines.reduce((s, l) => s + l.discount, 0);
  const orderDiscount = content.discount - lineDiscounts;
  if (orderDiscount !== 0) {
    const main = [...groups.values()].sort((a, b) => b.taxable - a.taxable)[0];
    if (!main) throw new EInvoiceUnsupported('a discount on an invoice without lines');
    main.taxable -= orderDiscount;
    allowances.push({ code: '95', reason: 'Discount', amount: orderDiscount, group: main });
  }

  const lineTotal = lines.reduce((s, l) => s + l.net, 0);
  const chargeTotal = charges.reduce((s, c) => s + c.amount, 0);
  const allowanceTotal = allowances.reduce((s, a) => s + a.amount, 0);
  const taxExclusive = lineTotal + chargeTotal - allowanceTotal;
  const all = [...groups.values()];
  const taxTotal = all.reduce((s, g) => s + g.tax, 0);
  const taxInclusive = taxExclusive + taxTotal;
  if (taxInclusive !== content.total) {
    throw new EInvoiceUnsupported(
      `the lines, charges and taxes add up to ${taxInclusive} but the document's total is ${content.total} (minor units)`,
    );
  }
  return {
    lines,
    charges,
    allowances,
    groups: all,
    lineTotal,
    chargeTotal,
    allowanceTotal,
    taxExclusive,
    taxTotal,
    taxInclusive,
  };
}

function closestGroup(groups: VatGroup[], net: number, tax: number): VatGroup | undefined {
  const rated = groups.filter((g) => g.category === 'S');
  const off = (g: VatGroup) => Math.abs((net * Number(g.percent)) / 100 - tax);
  return rated.sort((a, b) => off(a) - off(b))[0];
}
