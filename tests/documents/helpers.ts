// Orders, merchant settings and text extraction for the document tests. Money in minor units;
// the three currencies cover exponents 2 (EUR), 0 (JPY) and 3 (KWD).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { setMerchantSettings } from '../../core/documents/merchant.ts';
import { seedAccount } from '../support/seed.ts';

const run = promisify(execFile);

export interface LineSpec {
  title: string;
  quantity: number;
  unitPrice: number;
  taxLines?: { title: string; rate: string | null; amount: number }[];
}

export interface OrderSpec {
  currency: string;
  language?: string | null;
  lines: LineSpec[];
  shipping?: { price: number; taxTotal: number };
  /** Prices contain the tax (the total does not add it). */
  taxIncluded?: boolean;
  status?: 'confirmed' | 'shipped' | 'cancelled' | 'captured';
  /** Replaces the default billing address (a consumer in London). */
  billingAddress?: Record<string, string>;
  email?: string;
  /** The buyer's VAT id, country-prefixed (BT-48). */
  buyerVatId?: string;
}

/** A business customer in Munich (a company in the address: XRechnung as well as Factur-X). */
export const BUSINESS_BUYER = {
  name: 'Grace Hopper',
  company: 'Compiler Werke GmbH',
  line1: 'Ringstraße 7',
  city: 'München',
  postalCode: '80331',
  countryCode: 'DE',
};

export async function seedMerchant(prisma: PrismaClient) {
  await setMerchantSettings(prisma, {
    name: 'Müller & Söhne GmbH',
    addressLines: ['Hauptstraße 1', '10115 Berlin'],
    vatId: 'DE123456789',
    street: 'Hauptstraße 1',
    postalCode: '10115',
    city: 'Berlin',
    countryCode: 'DE',
    email: 'rechnung@mueller-soehne.example',
    phone: '+49 30 1234567',
  });
}

let accounts = 0;
export async function seedDocumentAccount(prisma: PrismaClient): Promise<string> {
  const id = `docs-${++accounts}-${randomUUID().slice(0, 8)}`;
  await seedAccount(prisma, id, []);
  return id;
}

/** An order with the given lines; totals computed as a channel would send them. */
export async function seedOrder(prisma: PrismaClient, accountId: string, spec: OrderSpec) {
  const id = randomUUID();
  const subtotal = spec.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const lineTax = spec.lines.reduce((s, l) => s + (l.taxLines ?? []).reduce((a, t) => a + t.amount, 0), 0);
  const shipping = spec.shipping?.price ?? 0;
  const taxTotal = lineTax + (spec.shipping?.taxTotal ?? 0);
  const total = subtotal + shipping + (spec.taxIncluded ? 0 : taxTotal);
  const at = new Date('2026-11-20T10:00:00Z');
  await prisma.order.create({
    data: {
      id,
      accountId,
      externalId: id,
      displayNumber: `#${id.slice(0, 6)}`,
      status: spec.status ?? 'shipped',
      currency: spec.currency,
      language: spec.language ?? null,
      subtotal: BigInt(subtotal),
      shippingTotal: BigInt(shipping),
      taxTotal: BigInt(taxTotal),
      total: BigInt(total),
      billingAddress: spec.billingAddress ?? {
        name: 'Ada Lovelace',
        line1: '12 Analytical Row',
        city: 'London',
        postalCode: 'N1 9GU',
        countryCode: 'GB',
      },
      ...(spec.email ? { customer: { email: spec.email } } : {}),
      buyerVatId: spec.buyerVatId ?? null,
      shippingLines: spec.shipping ? [{ title: 'Standard', price: shipping, taxTotal: spec.shipping.taxTotal }] : [],
      channelCreatedAt: at,
      channelUpdatedAt: at,
      lines: {
        create: spec.lines.map((l, i) => ({
          id: randomUUID(),
          channelLineId: `L${i + 1}`,
          skuCode: null,
          title: l.title,
          position: i,
          quantity: l.quantity,
          unitPrice: BigInt(l.unitPrice),
          taxTotal: BigInt((l.taxLines ?? []).reduce((a, t) => a + t.amount, 0)),
          taxLines: l.taxLines ?? [],
          fulfilledQty: l.quantity,
        })),
      },
    },
  });
  return prisma.order.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: 'asc' } } } });
}

/** The text of a PDF as poppler's pdftotext extracts it (-layout keeps a table row on one line). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'omnihub-pdf-'));
  try {
    const file = join(dir, 'doc.pdf');
    await writeFile(file, bytes);
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Collapses runs of spaces, so that a row reads "Subtotal 2,489.11 EUR" whatever the column widths. */
export function rows(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}
