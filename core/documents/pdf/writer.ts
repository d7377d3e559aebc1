// The page writer every document layout shares (render.ts for invoices, credit notes,
// confirmations and delivery notes; pick-list.ts): A4 pages, embedded DejaVu fonts (subset,
// with a Unicode map, so the text is real text), one line at a time, page numbers at the end.
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import type { DocumentLanguage } from '../language.ts';
import type { Logo } from '../logo.ts';
import type { DocumentFonts } from './fonts.ts';

export const A4: [number, number] = [595.28, 841.89];
export const MARGIN = 50;
export const SIZE = 10;
const LEADING = 14;
/** Right edges of the quantity, unit price and amount columns. */
export const COLUMNS = { qty: 360, unit: 455, amount: A4[0] - MARGIN };

export class Writer {
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

  /** Writes `s` from `x` as lines no wider than `width`, broken between words. */
  paragraph(s: string, x: number, width: number) {
    let line = '';
    for (const word of s.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (line && this.regular.widthOfTextAtSize(next, SIZE) > width) {
        this.text(line, x);
        this.next();
        line = word;
      } else line = next;
    }
    if (line) {
      this.text(line, x);
      this.next();
    }
  }

  /** Draws an image into a box whose top-right corner is (xRight, yTop), scaled down to fit, aspect kept. */
  async image(logo: Logo, xRight: number, yTop: number, box: { width: number; height: number }) {
    const img = logo.type === 'image/png' ? await this.pdf.embedPng(logo.bytes) : await this.pdf.embedJpg(logo.bytes);
    const scale = Math.min(1, box.width / img.width, box.height / img.height);
    const width = img.width * scale;
    const height = img.height * scale;
    this.page.drawImage(img, { x: xRight - width, y: yTop - height, width, height });
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

export interface PdfMeta {
  title: string;
  author: string;
  /** Stamped as creation and modification date: the same content gives the same bytes. */
  at: Date;
  language: DocumentLanguage;
}

export async function openPdf(meta: PdfMeta, fonts: DocumentFonts): Promise<{ pdf: PDFDocument; w: Writer }> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(cachingFontkit);
  pdf.setTitle(meta.title);
  pdf.setAuthor(meta.author);
  pdf.setProducer('omnihub');
  pdf.setCreator('omnihub');
  pdf.setCreationDate(meta.at);
  pdf.setModificationDate(meta.at);
  pdf.setLanguage(meta.language);
  const w = new Writer(
    pdf,
    await pdf.embedFont(fonts.regular, { subset: true }),
    await pdf.embedFont(fonts.bold, { subset: true }),
  );
  return { pdf, w };
}

/** Numbers the pages ("Page 1/2") once the count is known, and returns the file's bytes. */
export function finishPdf(pdf: PDFDocument, w: Writer, pageWord: string): Promise<Uint8Array> {
  const pages = pdf.getPages();
  pages.forEach((p, i) => {
    const label = `${pageWord} ${i + 1}/${pages.length}`;
    p.drawText(label, {
      x: A4[0] - MARGIN - w.regular.widthOfTextAtSize(label, 8),
      y: MARGIN / 2,
      size: 8,
      font: w.regular,
    });
  });
  return pdf.save({ useObjectStreams: true });
}
