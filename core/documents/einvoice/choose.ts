// Which e-invoices a document gets. Every invoice and credit note is a Factur-X (profile
// EN 16931): the PDF a consumer opens as before, with the structured data embedded, which a
// German business buyer may book as an e-invoice (the B2B mandate accepts ZUGFeRD/Factur-X from
// profile EN 16931 up). A business customer (the order's address names a company, or the buyer
// gave a VAT id) also gets an
// XRechnung, the German CIUS that public buyers and many companies' inboxes require. When the
// data cannot make a conforming e-invoice (no country for the seller, 3-decimal amounts, a total
// that does not add up), the document is still issued, as a plain PDF, and says why.
import type { Buyer, DocumentContent, Merchant } from '../content.ts';
import { EInvoiceUnsupported } from './breakdown.ts';
import { FACTUR_X, facturX, XRECHNUNG, xrechnung } from './generate.ts';

export const PDF_PROFILE = 'factur-x-en16931';
export const XML_FORMAT = 'xrechnung-cii';

export interface WithEInvoices {
  pdf: Uint8Array;
  pdfProfile: string | null;
  xml: { format: string; bytes: Uint8Array } | null;
  note: string | null;
}

/** The address names a company, or the buyer gave a VAT id (only businesses have one). */
export function isBusinessCustomer(buyer: Buyer | null): boolean {
  return Boolean(buyer?.company || buyer?.vatId);
}

/** XRechnung's rules beyond EN 16931 (BR-DE-*): what the hub must know before it writes one. */
export function xrechnungMissing(merchant: Merchant, buyer: Buyer | null): string[] {
  const missing: string[] = [];
  if (!merchant.city) missing.push("merchant's city");
  if (!merchant.postalCode) missing.push("merchant's postal code");
  if (!merchant.email) missing.push("merchant's e-mail");
  if (!merchant.phone) missing.push("merchant's phone");
  if (!buyer?.city) missing.push("buyer's city");
  if (!buyer?.postalCode) missing.push("buyer's postal code");
  if (!buyer?.email) missing.push("buyer's e-mail");
  return missing;
}

async function attempt<T>(make: () => Promise<T>): Promise<T | string> {
  try {
    return await make();
  } catch (e) {
    if (e instanceof EInvoiceUnsupported) return e.message;
    throw e;
  }
}

export async function withEInvoices(content: DocumentContent, pdf: Uint8Array): Promise<WithEInvoices> {
  const notes: string[] = [];
  const fx = await attempt(() => facturX(content, pdf));
  if (typeof fx === 'string') return { pdf, pdfProfile: null, xml: null, note: `no ${FACTUR_X}: ${fx}` };
  let xml: WithEInvoices['xml'] = null;
  if (isBusinessCustomer(content.buyer)) {
    const missing = xrechnungMissing(content.merchant, content.buyer);
    if (missing.length) notes.push(`no ${XRECHNUNG}: missing ${missing.join(', ')}`);
    else {
      const xr = await attempt(() => xrechnung(content));
      if (typeof xr === 'string') notes.push(`no ${XRECHNUNG}: ${xr}`);
      else xml = { format: XML_FORMAT, bytes: xr };
    }
  }
  return { pdf: fx, pdfProfile: PDF_PROFILE, xml, note: notes.length ? notes.join('; ') : null };
}
