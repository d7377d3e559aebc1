// Writes e-invoices with @e-invoice-eu/core: Factur-X (profile EN 16931: CII XML embedded in a
// PDF/A-3, made from the hub's own PDF) and XRechnung (CII syntax, the XML alone).
//
// The steps are the library's own InvoiceService.generate (check the input against its JSON
// schema as the format patches it, fill the format's defaults, write), with one change: that
// method compiles the ~100-kB schema with Ajv on every call (~0.3–0.4 s of CPU per document);
// here each format's validator is compiled once per process.
import {
  type EInvoiceFormat,
  FormatFactoryService,
  type Invoice,
  invoiceSchema,
  type Logger,
} from '@e-invoice-eu/core';
import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import type { DocumentContent } from '../content.ts';
import { toEInvoice } from './mapping.ts';

/** The library reports deviations it repairs as warnings; the official rules in CI judge the result. */
const quiet: Logger = { log() {}, warn() {}, error() {} };
const factory = new FormatFactoryService();

export const FACTUR_X = 'Factur-X-EN16931';
export const XRECHNUNG = 'XRECHNUNG-CII';

const validators = new Map<string, ValidateFunction>();

function validatorFor(format: string, formatter: EInvoiceFormat): ValidateFunction {
  let validate = validators.get(format);
  if (!validate) {
    const schema = structuredClone(invoiceSchema);
    formatter.patchSchema(schema);
    validate = new Ajv2019({ strict: true, allErrors: true, useDefaults: true }).compile(schema);
    validators.set(format, validate);
  }
  return validate;
}

/** A mapping the library's schema refuses is a bug of toEInvoice, not a property of the order. */
export class EInvoiceInputError extends Error {
  constructor(
    readonly format: string,
    readonly errors: unknown,
  ) {
    super(`the e-invoice input does not fit ${format}: ${JSON.stringify(errors)}`);
    this.name = 'EInvoiceInputError';
  }
}

async function generate(format: string, invoice: Invoice, options: { lang: string; pdf?: Uint8Array; name: string }) {
  const formatter = factory.createFormatService(format, quiet);
  const validate = validatorFor(format, formatter);
  if (!validate(invoice)) throw new EInvoiceInputError(format, validate.errors);
  formatter.fillInvoiceDefaults(invoice);
  const out = await formatter.generate(invoice, {
    format: factory.normalizeFormat(format),
    lang: options.lang,
    noWarnings: true,
    ...(options.pdf
      ? { pdf: { buffer: options.pdf, filename: `${options.name}.pdf`, mimetype: 'application/pdf' } }
      : {}),
  });
  return typeof out === 'string' ? new TextEncoder().encode(out) : out;
}

/** The hub's PDF with the document's CII XML embedded (factur-x.xml), as PDF/A-3. */
export function facturX(content: DocumentContent, pdf: Uint8Array): Promise<Uint8Array> {
  return generate(FACTUR_X, toEInvoice(content), { lang: content.language, pdf, name: content.number });
}

/** The document as an XRechnung (CII) XML. */
export function xrechnung(content: DocumentContent): Promise<Uint8Array> {
  return generate(XRECHNUNG, toEInvoice(content), { lang: content.language, name: content.number });
}
