// omnihub archive verify | omnihub merchant set
import { readFile } from 'node:fs/promises';
import { verifyArchive } from '../../../core/documents/archive/verify.ts';
import { archiveStores } from '../../../core/documents/archive/stores.ts';
import { setMerchantSettings } from '../../../core/documents/merchant.ts';
import { type CommandSpec, type ParsedArgs, UsageError } from '../args.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';

export const archiveVerify: CommandSpec = {
  name: 'archive verify',
  summary:
    'Check every archived document: numbered without gaps, each hash chain intact, each file present with its SHA-256. Exits 1 naming each problem.',
  notes: ['Reads files from OMNIHUB_ARCHIVE_DIR for documents archived there, the rest from the database.'],
  examples: ['omnihub archive verify'],
};

export const merchantSet: CommandSpec = {
  name: 'merchant set',
  summary: 'Set the merchant name, address and VAT id printed on invoices and credit notes, and the number prefixes.',
  options: {
    name: { type: 'string', required: true, valueName: 'name', description: 'the legal name' },
    address: { type: 'string', multiple: true, valueName: 'line', description: 'one address line (repeat for each)' },
    'vat-id': { type: 'string', valueName: 'id', description: 'the VAT identification number' },
    street: { type: 'string', valueName: 'street', description: 'e-invoices: street and number' },
    'postal-code': { type: 'string', valueName: 'code', description: 'e-invoices: postal code (XRechnung needs it)' },
    city: { type: 'string', valueName: 'city', description: 'e-invoices: city (XRechnung needs it)' },
    country: {
      type: 'string',
      valueName: 'CC',
      description: 'e-invoices: ISO country code (DE); default: the VAT id prefix',
    },
    email: { type: 'string', valueName: 'address', description: 'e-invoices: contact e-mail (XRechnung needs it)' },
    phone: { type: 'string', valueName: 'number', description: 'e-invoices: contact phone (XRechnung needs it)' },
    'invoice-prefix': {
      type: 'string',
      valueName: 'prefix',
      description: 'invoice numbers: PREFIX-YEAR-000001 (default INV)',
    },
    'credit-note-prefix': { type: 'string', valueName: 'prefix', description: 'credit note numbers (default CN)' },
    'invoice-per': {
      type: 'string',
      valueName: 'order|shipment',
      description: 'one invoice per order when it has shipped (default), or one per shipped parcel',
    },
    logo: { type: 'string', valueName: 'file', description: 'a PNG or JPEG printed at the top of every document' },
    'no-logo': { type: 'boolean', description: 'print documents without a logo again' },
  },
  examples: [
    'omnihub merchant set --name "Shop GmbH" --address "Hauptstr. 1" --address "10115 Berlin" --vat-id DE123456789',
    'omnihub merchant set --name "Shop GmbH" --street "Hauptstr. 1" --postal-code 10115 --city Berlin --country DE --email rechnung@shop.example --phone "+49 30 1234567"',
  ],
};

export async function runArchiveVerify(ctx: CliContext): Promise<number> {
  return withDatabase(ctx, async (db) => {
    const stores = archiveStores(db.prisma, ctx.config().archiveDir);
    const report = await verifyArchive(db.prisma, stores.byName);
    for (const p of report.problems) ctx.stdout.write(`FAIL ${p.kind} ${p.message}\n`);
    const summary = `${report.documents} documents in ${report.series} series, ${report.problems.length} problems`;
    if (report.problems.length) {
      ctx.stderr.write(`archive verify: ${summary}\n`);
      return EXIT.failed;
    }
    ctx.stdout.write(`archive verify: ${summary}\n`);
    return EXIT.ok;
  });
}

export async function runMerchantSet(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const o = args.options;
  let logo: Uint8Array | null | undefined = o['no-logo'] ? null : undefined;
  if (typeof o.logo === 'string') {
    try {
      logo = new Uint8Array(await readFile(o.logo));
    } catch (e) {
      throw new UsageError(`cannot read the logo ${o.logo}: ${(e as Error).message}`, merchantSet.name);
    }
  }
  return withDatabase(ctx, async (db) => {
    try {
      const m = await setMerchantSettings(db.prisma, {
        ...(logo !== undefined ? { logo } : {}),
        name: o.name as string,
        ...(o.address ? { addressLines: o.address as string[] } : {}),
        ...(o['vat-id'] !== undefined ? { vatId: o['vat-id'] as string } : {}),
        ...(o.street !== undefined ? { street: o.street as string } : {}),
        ...(o['postal-code'] !== undefined ? { postalCode: o['postal-code'] as string } : {}),
        ...(o.city !== undefined ? { city: o.city as string } : {}),
        ...(o.country !== undefined ? { countryCode: (o.country as string).toUpperCase() } : {}),
        ...(o.email !== undefined ? { email: o.email as string } : {}),
        ...(o.phone !== undefined ? { phone: o.phone as string } : {}),
        ...(o['invoice-prefix'] ? { invoicePrefix: o['invoice-prefix'] as string } : {}),
        ...(o['credit-note-prefix'] ? { creditNotePrefix: o['credit-note-prefix'] as string } : {}),
        ...(o['invoice-per'] ? { invoicePer: o['invoice-per'] as string } : {}),
      });
      ctx.stdout.write(
        `merchant ${m.name}: invoices ${m.invoicePrefix}-YYYY-NNNNNN, credit notes ${m.creditNotePrefix}-YYYY-NNNNNN, one invoice per ${m.invoicePer}${m.logo ? `, logo ${m.logoType}` : ''}\n`,
      );
      return EXIT.ok;
    } catch (e) {
      throw new UsageError((e as Error).message, merchantSet.name);
    }
  });
}
