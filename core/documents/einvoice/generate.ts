// Writes e-invoices with @e-invoice-eu/core: Factur-X (profile EN 16931: CII XML embedded in a
// PDF/A-3, made from the hub's own PDF) and XRechnung (CII syntax, the XML alone).
import { InvoiceService, type Logger } from '@e-invoice-eu/core';
import type { DocumentContent } from '../content.ts';
import { toEInvoice } from './mapping.ts';

/** The library reports deviations it repairs as warnings; the official rules in CI judge the result. */
const quiet: Logger = { log() {}, warn() {}, error() {} };
const service = new InvoiceService(quiet);

export const FACTUR_X = 'Factur-X-EN16931';
export const XRECHNUNG = 'XRECHNUNG-CII';

/** The hub's PDF with the document's CII XML embedded (factur-x.xml), as PDF/A-3. */
export async function facturX(content: DocumentContent, pdf: Uint8Array): Promise<Uint8Array> {
  const out = await service.generate(toEInvoice(content), {
    format: FACTUR_X,
    lang: content.language,
    pdf: { buffer: pdf, filename: `${content.number}.pdf`, mimetype: 'application/pdf' },
    noWarnings: true,
  });
  return typeof out === 'string' ? new TextEncoder().encode(out) : out;
}

/** The document as an XRechnung (CII) XML. */
export async function xrechnung(content: DocumentContent): Promise<Uint8Array> {
  const out = await service.generate(toEInvoice(content), { format: XRECHNUNG, lang: content.language });
  return typeof out === 'string' ? new TextEncoder().encode(out) : out;
}
