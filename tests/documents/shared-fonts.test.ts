// The fonts are parsed once per process and shared by every document (pdf/render.ts). A glyph
// that fontkit first meets as a part of an accented letter (the o inside ö, when the PDF's font
// subset is written) must still extract as its letter in every later document. A file of its
// own: the font state is per process, and here nothing has drawn a bold "o" before.
import { describe, expect, it } from 'vitest';
import type { DocumentContent } from '../../core/documents/content.ts';
import { loadDocumentFonts } from '../../core/documents/pdf/fonts.ts';
import { renderPdf } from '../../core/documents/pdf/render.ts';
import { pdfText, rows } from './helpers.ts';

const base: DocumentContent = {
  kind: 'invoice',
  language: 'de',
  number: 'INV-2026-000001',
  issuedAt: new Date('2026-03-15T10:00:00Z'),
  orderNumber: '#1',
  refersToNumber: null,
  // Bold in the German document: the merchant name (with ö) and labels without a plain o.
  merchant: { name: 'Müller & Söhne GmbH', addressLines: [], vatId: null },
  billTo: [],
  buyer: null,
  currency: 'EUR',
  lines: [{ title: 'Tasse', quantity: 1, unitPrice: 100, amount: 100, discount: 0, tax: 0, rate: null }],
  subtotal: 100,
  discount: 0,
  shipping: 0,
  tip: 0,
  taxes: [],
  shippingTax: 0,
  taxIncluded: false,
  total: 100,
  taxCollectedBy: null,
  tracking: null,
};

describe('fonts shared between documents', () => {
  it('keep the text of letters first drawn inside accented ones', async () => {
    const fonts = await loadDocumentFonts();
    await renderPdf(base, fonts);
    const english = await renderPdf({ ...base, language: 'en', number: 'INV-2026-000002' }, fonts);
    expect(rows(await pdfText(english))).toEqual(
      expect.arrayContaining(['Müller & Söhne GmbH', 'Invoice INV-2026-000002', 'Total 1.00 EUR']),
    );
  });
});
