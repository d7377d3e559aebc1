// The merchant's details printed on documents, and the prefixes of its number series: one row
// of merchant_settings. Documents are refused until it is set (omnihub merchant set).
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { Tx } from './order-state.ts';

export const MERCHANT_ID = 'default';

export interface MerchantSettingsInput {
  name: string;
  addressLines?: string[];
  vatId?: string | null;
  street?: string | null;
  postalCode?: string | null;
  city?: string | null;
  countryCode?: string | null;
  email?: string | null;
  phone?: string | null;
  invoicePrefix?: string;
  creditNotePrefix?: string;
  /** order: one invoice when the whole order has shipped; shipment: one per shipped parcel. */
  invoicePer?: string;
}

export const INVOICE_PER = ['order', 'shipment'] as const;

/** Letters, digits and dashes: the prefix is part of every printed number. */
export const PREFIX = /^[A-Z0-9][A-Z0-9-]{0,15}$/;

export async function setMerchantSettings(prisma: PrismaClient, input: MerchantSettingsInput) {
  for (const [field, value] of [
    ['invoicePrefix', input.invoicePrefix],
    ['creditNotePrefix', input.creditNotePrefix],
  ] as const) {
    if (value !== undefined && !PREFIX.test(value)) {
      throw new Error(
        `${field} must be upper-case letters, digits and dashes (at most 16), got ${JSON.stringify(value)}`,
      );
    }
  }
  if (input.countryCode && !/^[A-Z]{2}$/.test(input.countryCode)) {
    throw new Error(`countryCode must be an ISO 3166-1 alpha-2 code (DE), got ${JSON.stringify(input.countryCode)}`);
  }
  const optional = (['street', 'postalCode', 'city', 'countryCode', 'email', 'phone'] as const).filter(
    (k) => input[k] !== undefined,
  );
  if (input.invoicePer !== undefined && !(INVOICE_PER as readonly string[]).includes(input.invoicePer)) {
    throw new Error(`invoicePer must be order or shipment, got ${JSON.stringify(input.invoicePer)}`);
  }
  const data = {
    name: input.name,
    ...Object.fromEntries(optional.map((k) => [k, input[k]])),
    ...(input.addressLines ? { addressLines: input.addressLines } : {}),
    ...(input.vatId !== undefined ? { vatId: input.vatId } : {}),
    ...(input.invoicePrefix ? { invoicePrefix: input.invoicePrefix } : {}),
    ...(input.creditNotePrefix ? { creditNotePrefix: input.creditNotePrefix } : {}),
    ...(input.invoicePer ? { invoicePer: input.invoicePer } : {}),
  };
  return prisma.merchantSettings.upsert({
    where: { id: MERCHANT_ID },
    create: { id: MERCHANT_ID, ...data },
    update: data,
  });
}

export function readMerchantSettings(tx: Tx) {
  return tx.merchantSettings.findUnique({ where: { id: MERCHANT_ID } });
}
