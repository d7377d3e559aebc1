// ISO 4217 minor-unit exponents (List One), plus a few codes withdrawn recently
// that still appear in historical channel orders. Codes whose minor unit is
// "N.A." (precious metals XAU/XAG/XPT/XPD, XDR, XSU, XUA, XTS, XXX) are not money
// a channel can charge, so they are deliberately absent.

export type MoneyErrorCode =
  | 'unknown_currency'
  | 'invalid_amount'
  | 'invalid_quantity'
  | 'currency_mismatch'
  | 'invalid_allocation'
  | 'overflow';

// Defined here rather than in money.ts so that money.ts -> currencies.ts stays acyclic.
export class MoneyError extends Error {
  readonly code: MoneyErrorCode;
  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.name = 'MoneyError';
    this.code = code;
  }
}

const ZERO = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR = 'CLF UYW';
const TWO =
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP ' +
  'GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP ' +
  'LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR ' +
  'NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN ' +
  'SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ' +
  'ZMW ZWG';
// Withdrawn (replaced by EUR, SLE, ZWG, XCG) but still present in older orders.
const LEGACY_TWO = 'ANG HRK SLL ZWL';

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  (
    [
      [ZERO, 0],
      [TWO, 2],
      [LEGACY_TWO, 2],
      [THREE, 3],
      [FOUR, 4],
    ] as const
  ).flatMap(([codes, exp]) => codes.split(' ').map((code) => [code, exp] as const)),
);

/** All known currency codes, sorted. */
export const CURRENCY_CODES: readonly string[] = [...EXPONENTS.keys()].sort();

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && EXPONENTS.has(code);
}

/** Number of decimal digits of the currency's minor unit (USD 2, JPY 0, KWD 3, CLF 4). */
export function currencyExponent(code: string): number {
  const exp = typeof code === 'string' ? EXPONENTS.get(code) : undefined;
  if (exp === undefined) {
    throw new MoneyError('unknown_currency', `unknown currency ${JSON.stringify(code)}`);
  }
  return exp;
}
