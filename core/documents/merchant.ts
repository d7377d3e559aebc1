// The merchant's details printed on documents, and the prefixes of its number series: one row
// of merchant_settings. Documents are refused until it is set (omnihub merchant set).
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { type Logo, readLogo } from './logo.ts';
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
  /** PNG or JPEG bytes printed at the top of every document; null removes it. */
  logo?: Uint8Array | null;
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
    ...(input.logo === null ? { logo: null, logoType: null } : {}),
    ...(input.logo ? logoColumns(readLogo(input.logo)) : {}),
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

const logoColumns = (logo: Logo) => ({ logo: new Uint8Array(logo.bytes), logoType: logo.type });

/** The stored logo, when there is one. */
export function logoOf(settings: { logo: Uint8Array | null; logoType: string | null }): Logo | null {
  if (!settings.logo || (settings.logoType !== 'image/png' && settings.logoType !== 'image/jpeg')) return null;
  return { bytes: settings.logo, type: settings.logoType };
}
