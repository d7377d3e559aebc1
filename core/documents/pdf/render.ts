// Lays an order document out on A4 pages (writer.ts): invoices, credit notes and order
// confirmations with prices, taxes and totals; delivery notes with the parcel's lines only.
import { formatAmount, formatDate, formatRate } from '../amounts.ts';
import type { ContentKind, DocumentContent } from '../content.ts';
import { type Labels, LABELS } from '../labels.ts';
import type { DocumentFonts } from './fonts.ts';
import { A4, COLUMNS, finishPdf, MARGIN, openPdf, type Writer } from './writer.ts';

/** Room for the logo: wide logos are scaled to the width, tall ones to the height. */
const LOGO_BOX = { width: 150, height: 60 };

const TITLES: Record<ContentKind, keyof Labels> = {
  invoice: 'invoice',
  credit_note: 'creditNote',
  order_confirmation: 'orderConfirmation',
  delivery_note: 'deliveryNote',
};

export async function renderPdf(content: DocumentContent, fonts: DocumentFonts): Promise<Uint8Array> {
  const L = LABELS[content.language];
  // A packing slip printed at the desk is not archived and has no number of its own.
  const title = content.number ? `${L[TITLES[content.kind]]} ${content.number}` : L[TITLES[content.kind]];
  const { pdf, w } = await openPdf(
    { title, author: content.merchant.name, at: content.issuedAt, language: content.language },
    fonts,
  );
  // The logo at the top right of the first page, beside the merchant's name and address.
  if (content.merchant.logo) await w.image(content.merchant.logo, A4[0] - MARGIN, A4[1] - MARGIN + 10, LOGO_BOX);
  header(w, content, L, title);
  if (content.kind === 'delivery_note') parcelLines(w, content, L);
  else pricedLines(w, content, L);
  return finishPdf(pdf, w, L.page);
}

function header(w: Writer, content: DocumentContent, L: Labels, title: string) {
  w.text(content.merchant.name, MARGIN, { bold: true, size: 14 });
  w.next(1.5);
  for (const line of content.merchant.addressLines) {
    w.text(line, MARGIN);
    w.next();
  }
  if (content.merchant.vatId) {
    w.text(`${L.vatId}: ${content.merchant.vatId}`, MARGIN);
    w.next();
  }
  w.next();
  w.text(title, MARGIN, { bold: true, size: 16 });
  w.next(1.8);
  w.text(`${L.date}: ${formatDate(content.issuedAt, content.language)}`, MARGIN);
  w.next();
  w.text(`${L.order}: ${content.orderNumber}`, MARGIN);
  w.next();
  if (content.refersToNumber) {
    w.text(`${L.refersTo}: ${content.refersToNumber}`, MARGIN);
    w.next();
  }
  if (content.tracking) {
    w.text(`${L.tracking}: ${content.tracking}`, MARGIN);
    w.next();
  }
  if (content.billTo.length > 0) {
    w.next();
    w.text(content.kind === 'delivery_note' ? L.shipTo : L.billTo, MARGIN, { bold: true });
    w.next();
    for (const line of content.billTo) {
      w.text(line, MARGIN);
      w.next();
    }
    // The buyer's VAT id belongs to the bill-to party (a delivery note names who receives the parcel).
    if (content.kind !== 'delivery_note' && content.buyer?.vatId) {
      w.text(`${L.vatId}: ${content.buyer.vatId}`, MARGIN);
      w.next();
    }
  }
  w.next();
}

/** A parcel's contents: what is in the box, no prices. */
function parcelLines(w: Writer, content: DocumentContent, L: Labels) {
  w.text(L.description, MARGIN, { bold: true });
  w.right(L.quantity, COLUMNS.amount, { bold: true });
  w.next();
  for (const line of content.lines) {
    w.text(w.fit(line.title, COLUMNS.amount - MARGIN - 60), MARGIN);
    w.right(String(line.quantity), COLUMNS.amount);
    w.next();
  }
}

function pricedLines(w: Writer, content: DocumentContent, L: Labels) {
  const money = (minor: number) => formatAmount(minor, content.currency, content.language);
  w.text(L.description, MARGIN, { bold: true });
  w.right(L.quantity, COLUMNS.qty, { bold: true });
  w.right(L.unitPrice, COLUMNS.unit, { bold: true });
  w.right(L.amount, COLUMNS.amount, { bold: true });
  w.next();
  for (const line of content.lines) {
    w.text(w.fit(line.title, COLUMNS.qty - MARGIN - 40), MARGIN);
    w.right(String(line.quantity), COLUMNS.qty);
    w.right(money(line.unitPrice), COLUMNS.unit);
    w.right(money(line.amount), COLUMNS.amount);
    w.next();
  }
  w.next();

  // Totals: label at the unit-price column's left, amount right-aligned.
  const row = (label: string, minor: number, bold = false) => {
    w.right(label, COLUMNS.unit, { bold });
    w.right(money(minor), COLUMNS.amount, { bold });
    w.next();
  };
  row(L.subtotal, content.subtotal);
  if (content.discount !== 0) row(L.discount, -content.discount);
  if (content.shipping !== 0) row(L.shipping, content.shipping);
  if (content.tip !== 0) row(L.tip, content.tip);
  for (const t of content.taxes) {
    row(`${t.title || L.tax}${t.rate ? ` ${formatRate(t.rate, content.language)}` : ''}`, t.amount);
  }
  if (content.shippingTax !== 0) row(L.shippingTax, content.shippingTax);
  row(L.total, content.total, true);
  if (content.taxIncluded) {
    w.next();
    w.text(L.taxIncluded, MARGIN);
    w.next();
  }
  if (content.taxCollectedBy) {
    w.next();
    w.paragraph(L.taxCollectedBy.replace('{marketplace}', content.taxCollectedBy), MARGIN, COLUMNS.amount - MARGIN);
  }
}
