// The hub's invoice or credit note as the input of @e-invoice-eu/core: its data model follows
// UBL element names (cbc:/cac:), and the library writes CII (Factur-X, XRechnung-CII) or UBL
// from it. One function per party or block, each field named with its EN 16931 business term.
// Amounts are decimal strings made from integer minor units with the currency's exponent
// (core/money): EUR 12.50 → "12.5", JPY 5000 → "5000", KWD 1.230 → "1.23".
import type { Invoice } from '@e-invoice-eu/core';
import { formatMinor } from '../../money/money.ts';
import type { Buyer, DocumentContent, Merchant } from '../content.ts';
import { type Breakdown, computeBreakdown, EInvoiceUnsupported, type VatGroup } from './breakdown.ts';

type Doc = Invoice['ubl:Invoice'];
type Currency = Doc['cbc:DocumentCurrencyCode'];

/** EN 16931 allows at most 2 decimals in every amount (BR-DEC-*), whatever the currency's exponent. */
export const MAX_AMOUNT_DECIMALS = 2;

/** A minor-unit amount as EN 16931 writes it: the currency's decimals, trailing zeros dropped. */
export function decimalAmount(minor: number, currency: string): string {
  const text = formatMinor(minor, currency);
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  const decimals = trimmed.split('.')[1]?.length ?? 0;
  if (decimals > MAX_AMOUNT_DECIMALS) {
    throw new EInvoiceUnsupported(
      `${text} ${currency} has ${decimals} decimals; EN 16931 allows ${MAX_AMOUNT_DECIMALS} in amounts (BR-DEC)`,
    );
  }
  return trimmed;
}

/**
 * The net price (BT-146) of a line, exact: per unit when the net amount divides by the quantity,
 * else the price of the whole quantity with that quantity as its base (BT-149), because the
 * library takes prices with at most 2 decimals.
 */
function price(net: number, quantity: number, currency: string) {
  if (quantity > 0 && net % quantity === 0) {
    return { 'cbc:PriceAmount': decimalAmount(net / quantity, currency), 'cbc:PriceAmount@currencyID': currency };
  }
  return {
    'cbc:PriceAmount': decimalAmount(net, currency),
    'cbc:PriceAmount@currencyID': currency,
    'cbc:BaseQuantity': String(quantity),
    'cbc:BaseQuantity@unitCode': 'C62',
  };
}

/** The seller's country: as set, else the prefix of its VAT id (DE123… → DE; Greece's EL → GR). */
export function sellerCountry(m: Merchant): string | null {
  if (m.countryCode) return m.countryCode;
  const prefix = m.vatId?.slice(0, 2).toUpperCase();
  if (!prefix || !/^[A-Z]{2}$/.test(prefix)) return null;
  return prefix === 'EL' ? 'GR' : prefix;
}

function category(g: VatGroup) {
  return { 'cbc:ID': g.category, 'cbc:Percent': g.percent, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } as const;
}

function sellerParty(m: Merchant): Doc['cac:AccountingSupplierParty'] {
  const country = sellerCountry(m);
  if (!country) throw new EInvoiceUnsupported('the merchant has no country: omnihub merchant set --country DE');
  const street = m.street ?? m.addressLines[0] ?? null;
  return {
    'cac:Party': {
      ...(m.email ? { 'cbc:EndpointID': m.email, 'cbc:EndpointID@schemeID': 'EM' } : {}),
      'cac:PartyName': { 'cbc:Name': m.name },
      'cac:PostalAddress': {
        ...(street ? { 'cbc:StreetName': street } : {}),
        ...(m.city ? { 'cbc:CityName': m.city } : {}),
        ...(m.postalCode ? { 'cbc:PostalZone': m.postalCode } : {}),
        'cac:Country': { 'cbc:IdentificationCode': country },
      },
      ...(m.vatId
        ? { 'cac:PartyTaxScheme': [{ 'cbc:CompanyID': m.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }] }
        : {}),
      'cac:PartyLegalEntity': { 'cbc:RegistrationName': m.name },
      ...(m.email || m.phone
        ? {
            'cac:Contact': {
              'cbc:Name': m.name,
              ...(m.phone ? { 'cbc:Telephone': m.phone } : {}),
              ...(m.email ? { 'cbc:ElectronicMail': m.email } : {}),
            },
          }
        : {}),
    },
  } as Doc['cac:AccountingSupplierParty'];
}

function buyerName(b: Buyer | null): string {
  const name = b?.company ?? b?.name;
  if (!name) throw new EInvoiceUnsupported("the order has no buyer's name (BT-44)");
  return name;
}

function buyerParty(b: Buyer | null): Doc['cac:AccountingCustomerParty'] {
  const name = buyerName(b);
  if (!b) throw new EInvoiceUnsupported("the order has no buyer's name (BT-44)");
  if (!b.countryCode) throw new EInvoiceUnsupported("the buyer's address has no country (BT-55)");
  return {
    'cac:Party': {
      ...(b.email ? { 'cbc:EndpointID': b.email, 'cbc:EndpointID@schemeID': 'EM' } : {}),
      'cac:PartyName': { 'cbc:Name': name },
      'cac:PostalAddress': {
        ...(b.line1 ? { 'cbc:StreetName': b.line1 } : {}),
        ...(b.line2 ? { 'cbc:AdditionalStreetName': b.line2 } : {}),
        ...(b.city ? { 'cbc:CityName': b.city } : {}),
        ...(b.postalCode ? { 'cbc:PostalZone': b.postalCode } : {}),
        'cac:Country': { 'cbc:IdentificationCode': b.countryCode },
      },
      // BT-48, the buyer's VAT identifier (country-prefixed when stored: core/order/vat-id.ts); one
      // object here, where the seller's is a list (the library's schema).
      ...(b.vatId ? { 'cac:PartyTaxScheme': { 'cbc:CompanyID': b.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } } : {}),
      'cac:PartyLegalEntity': { 'cbc:RegistrationName': name },
      ...(b.company && b.name ? { 'cac:Contact': { 'cbc:Name': b.name } } : {}),
    },
  } as Doc['cac:AccountingCustomerParty'];
}

function charges(content: DocumentContent, b: Breakdown, amount: (minor: number) => string) {
  const c = content.currency;
  return [
    ...b.charges.map((x) => ({ ...x, charge: 'true' as const })),
    ...b.allowances.map((x) => ({ ...x, charge: 'false' as const })),
  ].map((x) => ({
    'cbc:ChargeIndicator': x.charge,
    'cbc:AllowanceChargeReasonCode': x.code,
    'cbc:AllowanceChargeReason': x.reason,
    'cbc:Amount': amount(x.amount),
    'cbc:Amount@currencyID': c,
    'cac:TaxCategory': category(x.group),
  }));
}

/** The library's input for one document; throws EInvoiceUnsupported when EN 16931 cannot say it. */
export function toEInvoice(content: DocumentContent): Invoice {
  const c = content.currency;
  const amount = (minor: number) => decimalAmount(minor, c);
  const b = computeBreakdown(content);
  const withCurrency = (key: string, minor: number) => ({ [key]: amount(minor), [`${key}@currencyID`]: c });
  const isCredit = content.kind === 'credit_note';
  const docCharges = charges(content, b, amount);
  const doc = {
    'cbc:CustomizationID': 'urn:cen.eu:en16931:2017',
    'cbc:ID': content.number,
    'cbc:IssueDate': content.issuedAt.toISOString().slice(0, 10),
    'cbc:InvoiceTypeCode': isCredit ? '381' : '380',
    'cbc:Note': [isCredit ? `Credit note for order ${content.orderNumber}` : `Order ${content.orderNumber}`],
    'cbc:DocumentCurrencyCode': c as Currency,
    // BT-10: XRechnung requires a buyer reference; the channel's order number is the one the buyer knows.
    'cbc:BuyerReference': content.orderNumber,
    'cac:OrderReference': { 'cbc:ID': content.orderNumber },
    ...(content.refersToNumber
      ? { 'cac:BillingReference': [{ 'cac:InvoiceDocumentReference': { 'cbc:ID': content.refersToNumber } }] }
      : {}),
    'cac:AccountingSupplierParty': sellerParty(content.merchant),
    'cac:AccountingCustomerParty': buyerParty(content.buyer),
    // CII requires its delivery block (BG-13); the buyer is the party delivered to (BT-70).
    'cac:Delivery': { 'cac:DeliveryParty': { 'cac:PartyName': { 'cbc:Name': buyerName(content.buyer) } } },
    // BG-16: paid (or refunded) through the channel's own payment service (UNTDID 4461: 68).
    'cac:PaymentMeans': [{ 'cbc:PaymentMeansCode': '68' }],
    'cac:PaymentTerms': {
      'cbc:Note': isCredit ? 'Refunded through the original payment method' : 'Paid through the sales channel',
    },
    ...(docCharges.length ? { 'cac:AllowanceCharge': docCharges } : {}),
    'cac:TaxTotal': [
      {
        ...withCurrency('cbc:TaxAmount', b.taxTotal),
        'cac:TaxSubtotal': b.groups.map((g) => ({
          ...withCurrency('cbc:TaxableAmount', g.taxable),
          ...withCurrency('cbc:TaxAmount', g.tax),
          'cac:TaxCategory': category(g),
        })),
      },
    ],
    'cac:LegalMonetaryTotal': {
      ...withCurrency('cbc:LineExtensionAmount', b.lineTotal),
      ...withCurrency('cbc:TaxExclusiveAmount', b.taxExclusive),
      ...withCurrency('cbc:TaxInclusiveAmount', b.taxInclusive),
      ...(b.allowanceTotal ? withCurrency('cbc:AllowanceTotalAmount', b.allowanceTotal) : {}),
      ...(b.chargeTotal ? withCurrency('cbc:ChargeTotalAmount', b.chargeTotal) : {}),
      ...withCurrency('cbc:PayableAmount', b.taxInclusive),
    },
    'cac:InvoiceLine': b.lines.map((l, i) => ({
      'cbc:ID': String(i + 1),
      'cbc:InvoicedQuantity': String(l.quantity),
      'cbc:InvoicedQuantity@unitCode': 'C62',
      ...withCurrency('cbc:LineExtensionAmount', l.net),
      'cac:Item': { 'cbc:Name': l.title, 'cac:ClassifiedTaxCategory': category(l.group) },
      'cac:Price': price(l.net, l.quantity, c),
    })),
  };
  return { 'ubl:Invoice': doc } as unknown as Invoice;
}
