// Lays a document's content out on A4 pages with pdf-lib. The fonts are embedded (subset) with
// a Unicode map, so the text is real text: selectable, searchable, extractable (pdftotext).
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import { formatAmount, formatDate, formatRate } from '../amounts.ts';
import type { DocumentContent } from '../content.ts';
import { LABELS } from '../labels.ts';
import type { DocumentFonts } from './fonts.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const SIZE = 10;
const LEADING = 14;
/** Right edges of the quantity, unit price and amount columns. */
const COLUMNS = { qty: 360, unit: 455, amount: A4[0] - MARGIN };

class Writer {
  page!: PDFPage;
  y = 0;
  pages = 0;

  constructor(
    private readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  newPage() {
    this.page = this.pdf.addPage(A4);
    this.pages += 1;
    this.y = A4[1] - MARGIN;
  }

  /** Moves down one line, starting a new page when the bottom margin is reached. */
  next(lines = 1) {
    this.y -= LEADING * lines;
    if (this.y < MARGIN + LEADING) this.newPage();
  }

  text(s: string, x: number, opts: { bold?: boolean; size?: number } = {}) {
    const font = opts.bold ? this.bold : this.regular;
    this.page.drawText(s, { x, y: this.y, size: opts.size ?? SIZE, font, color: rgb(0, 0, 0) });
  }

  right(s: string, xRight: number, opts: { bold?: boolean } = {}) {
    const font = opts.bold ? this.bold : this.regular;
    this.text(s, xRight - font.widthOfTextAtSize(s, SIZE), opts);
  }

  /** Cuts `s` to `width` with an ellipsis, so that a long title never runs into the numbers. */
  fit(s: string, width: number): string {
    if (this.regular.widthOfTextAtSize(s, SIZE) <= width) return s;
    let cut = s;
    while (cut.length > 1 && this.regular.widthOfTextAtSize(`${cut}…`, SIZE) > width) cut = cut.slice(0, -1);
    return `${cut}…`;
  }
}

// pdf-lib parses a font's bytes with fontkit on every embedFont (~100 ms for DejaVu Sans), and
// lays out every string through the font's OpenType tables on every drawText and width
// measurement, which is most of a document's time. Both results depend only on the font and
// the text, so each font is parsed once and its layouts are remembered (bounded); every
// document still makes its own subset of the glyphs it uses.
type FontkitFont = ReturnType<typeof fontkit.create>;
const LAYOUTS_KEPT = 20_000;
const parsed = new WeakMap<Uint8Array, FontkitFont>();

function withRememberedLayouts(font: FontkitFont): FontkitFont {
  const layout = font.layout.bind(font);
  const kept = new Map<string, ReturnType<FontkitFont['layout']>>();
  font.layout = (text: string, features?: Parameters<FontkitFont['layout']>[1]) => {
    const key = features ? `${JSON.stringify(features)}\u0000${text}` : text;
    let run = kept.get(key);
    if (!run) {
      if (kept.size >= LAYOUTS_KEPT) kept.clear();
      run = layout(text, features);
      kept.set(key, run);
    }
    return run;
  };
  return font;
}

// A shared font also shares fontkit's glyph objects, whose codePoints feed the PDF's Unicode
// map. fontkit keeps the first glyph object it made for an id: one made as the component of an
// accented glyph (o inside ö) has no code point, and text using that glyph later would extract
// with a hole ("T tal"). The first caller that knows the glyph's character fills it in.
function withCodePointsKept(font: FontkitFont): FontkitFont {
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id: number, codePoints?: number[]) => {
    const glyph = getGlyph(id, codePoints);
    if (codePoints?.length && glyph.codePoints.length === 0) glyph.codePoints = codePoints;
    return glyph;
  };
  return font;
}

const cachingFontkit: typeof fontkit = {
  ...fontkit,
  create(data: Uint8Array, postscriptName?: string) {
    let font = parsed.get(data);
    if (!font) {
      font = withRememberedLayouts(withCodePointsKept(fontkit.create(data, postscriptName)));
      parsed.set(data, font);
    }
    return font;
  },
};

export async function renderPdf(content: DocumentContent, fonts: DocumentFonts): Promise<Uint8Array> {
  const L = LABELS[content.language];
  const money = (minor: number) => formatAmount(minor, content.currency, content.language);
  const title = content.kind === 'invoice' ? L.invoice : L.creditNote;

  const pdf = await PDFDocument.create();
  pdf.registerFontkit(cachingFontkit);
  // Fixed metadata dates: the same content gives the same bytes whenever it is rendered.
  pdf.setTitle(`${title} ${content.number}`);
  pdf.setAuthor(content.merchant.name);
  pdf.setProducer('omnihub');
  pdf.setCreator('omnihub');
  pdf.setCreationDate(content.issuedAt);
  pdf.setModificationDate(content.issuedAt);
  pdf.setLanguage(content.language);
  const w = new Writer(
    pdf,
    await pdf.embedFont(fonts.regular, { subset: true }),
    await pdf.embedFont(fonts.bold, { subset: true }),
  );

  // Merchant block.
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

  // Title and references.
  w.text(`${title} ${content.number}`, MARGIN, { bold: true, size: 16 });
  w.next(1.8);
  w.text(`${L.date}: ${formatDate(content.issuedAt, content.language)}`, MARGIN);
  w.next();
  w.text(`${L.order}: ${content.orderNumber}`, MARGIN);
  w.next();
  if (content.refersToNumber) {
    w.text(`${L.refersTo}: ${content.refersToNumber}`, MARGIN);
    w.next();
  }
  if (content.billTo.length > 0) {
    w.next();
    w.text(L.billTo, MARGIN, { bold: true });
    w.next();
    for (const line of content.billTo) {
      w.text(line, MARGIN);
      w.next();
    }
  }
  w.next();

  // Lines.
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
  }

  // Page numbers once the count is known.
  const pages = pdf.getPages();
  pages.forEach((p, i) => {
    const label = `${L.page} ${i + 1}/${pages.length}`;
    p.drawText(label, {
      x: A4[0] - MARGIN - w.regular.widthOfTextAtSize(label, 8),
      y: MARGIN / 2,
      size: 8,
      font: w.regular,
    });
  });
  return pdf.save({ useObjectStreams: true });
}
