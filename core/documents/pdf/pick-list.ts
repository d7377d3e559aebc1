// Lays a pick list out (writer.ts): per group (bin or SKU) the SKUs, their titles, the quantity
// to pick and the orders it goes to.
import { formatDate } from '../amounts.ts';
import { LABELS } from '../labels.ts';
import type { DocumentLanguage } from '../language.ts';
import type { PickList } from '../pick-list.ts';
import type { DocumentFonts } from './fonts.ts';
import { COLUMNS, finishPdf, MARGIN, openPdf } from './writer.ts';

const SKU_X = MARGIN + 20;
const TITLE_X = SKU_X + 110;
const QTY_RIGHT = COLUMNS.amount;

export async function renderPickList(
  list: PickList,
  head: { at: Date; language: DocumentLanguage; merchantName: string },
  fonts: DocumentFonts,
): Promise<Uint8Array> {
  const L = LABELS[head.language];
  const title = `${L.pickList} ${list.location.code}`;
  const { pdf, w } = await openPdf({ title, author: head.merchantName, at: head.at, language: head.language }, fonts);
  w.text(title, MARGIN, { bold: true, size: 16 });
  w.next(1.8);
  w.text(`${L.location}: ${list.location.name} (${list.location.code})`, MARGIN);
  w.next();
  w.text(`${L.date}: ${formatDate(head.at, head.language)}`, MARGIN);
  w.next();
  w.text(`${L.orders}: ${list.orderCount}`, MARGIN);
  w.next();
  w.text(`${L.toPick}: ${list.quantity}`, MARGIN);
  w.next(2);
  w.text(L.sku, SKU_X, { bold: true });
  w.text(L.description, TITLE_X, { bold: true });
  w.right(L.quantity, QTY_RIGHT, { bold: true });
  w.next(1.5);

  for (const g of list.groups) {
    if (list.groupBy === 'bin') {
      w.text(g.key ?? '—', MARGIN, { bold: true });
      w.right(String(g.quantity), QTY_RIGHT, { bold: true });
      w.next();
    }
    for (const r of g.rows) {
      w.text(w.fit(r.sku, TITLE_X - SKU_X - 8), SKU_X);
      w.text(w.fit(r.title, QTY_RIGHT - TITLE_X - 40), TITLE_X);
      w.right(String(r.quantity), QTY_RIGHT);
      w.next();
      w.paragraph(r.orders.map((o) => `${o.number} ×${o.quantity}`).join(', '), TITLE_X, QTY_RIGHT - TITLE_X - 40);
    }
    w.next(0.5);
  }
  return finishPdf(pdf, w, L.page);
}
