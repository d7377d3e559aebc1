import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_CODES } from '../../core/money/currencies.ts';
import {
  addMoney,
  allocateMinor,
  CurrencySchema,
  currencyExponent,
  formatMinor,
  isCurrency,
  MoneyError,
  MoneySchema,
  money,
  multiplyMoney,
  parseMinor,
  parseMoney,
  sumMoney,
} from '../../core/money/money.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MoneyError);
    return (e as MoneyError).code;
  }
  return undefined;
}

describe('currencies', () => {
  it('knows ISO 4217 exponents', () => {
    for (const c of ['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'XPF', 'PYG'])
      expect(currencyExponent(c)).toBe(0);
    for (const c of ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']) expect(currencyExponent(c)).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    for (const c of ['USD', 'EUR', 'GBP', 'CHF', 'HUF', 'INR', 'BRL']) expect(currencyExponent(c)).toBe(2);
  });

  it('rejects unknown or badly cased codes', () => {
    expect(codeOf(() => currencyExponent('XYZ'))).toBe('unknown_currency');
    expect(codeOf(() => currencyExponent('usd'))).toBe('unknown_currency');
    expect(() => currencyExponent('XAU')).toThrow(/unknown currency "XAU"/);
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('eur')).toBe(false);
    expect(isCurrency(42)).toBe(false);
  });

  it('covers every currency the runtime knows except N.A. units', () => {
    const runtime = Intl.supportedValuesOf('currency').filter((c) => !['XDR', 'XSU'].includes(c));
    expect(runtime.filter((c) => !isCurrency(c))).toEqual([]);
    expect(CURRENCY_CODES.length).toBeGreaterThan(160);
  });

  it('validates with zod', () => {
    expect(CurrencySchema.safeParse('USD').success).toBe(true);
    expect(CurrencySchema.safeParse('usd').success).toBe(false);
    expect(CurrencySchema.safeParse('ABC').success).toBe(false);
    expect(MoneySchema.safeParse({ amount: 1299, currency: 'USD' }).success).toBe(true);
    expect(MoneySchema.safeParse({ amount: 12.99, currency: 'USD' }).success).toBe(false);
    expect(MoneySchema.safeParse({ amount: 2 ** 53, currency: 'USD' }).success).toBe(false);
  });
});

describe('parseMinor', () => {
  it('parses channel decimals exactly', () => {
    expect(parseMinor('12.99', 'USD')).toBe(1299);
    expect(parseMinor('0.1', 'USD')).toBe(10);
    expect(parseMinor('5', 'USD')).toBe(500);
    expect(parseMinor('1.234', 'KWD')).toBe(1234);
    expect(parseMinor('1', 'CLF')).toBe(10000);
    expect(parseMinor('9007199254740.99', 'USD')).toBe(900719925474099);
  });

  it('accepts JPY with a trailing ".0" as Shopify sends it', () => {
    expect(parseMinor('1000.0', 'JPY')).toBe(1000);
    expect(parseMinor('1000.000', 'JPY')).toBe(1000);
    expect(parseMinor('12.9900', 'USD')).toBe(1299);
  });

  it('rounds extra precision half to even', () => {
    expect(parseMinor('0.125', 'USD')).toBe(12);
    expect(parseMinor('0.135', 'USD')).toBe(14);
    expect(parseMinor('0.1251', 'USD')).toBe(13);
    expect(parseMinor('0.126', 'USD')).toBe(13);
    expect(parseMinor('0.124999', 'USD')).toBe(12);
    expect(parseMinor('1000.5', 'JPY')).toBe(1000);
    expect(parseMinor('1001.5', 'JPY')).toBe(1002);
  });

  it('handles negative amounts symmetrically', () => {
    expect(parseMinor('-3.5', 'USD')).toBe(-350);
    expect(parseMinor('-0.125', 'USD')).toBe(-12);
    expect(parseMinor('-0.135', 'USD')).toBe(-14);
    expect(Object.is(parseMinor('-0.00', 'USD'), 0)).toBe(true);
    expect(Object.is(parseMinor('-0.004', 'USD'), 0)).toBe(true);
  });

  it('accepts finite numbers via their shortest string', () => {
    expect(parseMinor(12.99, 'USD')).toBe(1299);
    expect(parseMinor(0.1 + 0.2, 'USD')).toBe(30);
    expect(parseMinor(1000, 'JPY')).toBe(1000);
    expect(parseMinor(-0, 'USD')).toBe(0);
  });

  it.each(['1e2', '', ' 1.00', '+1', '.5', '5.', '1,000.00', 'abc', '12.99 USD', '0x10', 'NaN', '--1'])(
    'rejects %j with invalid_amount',
    (bad) => {
      expect(codeOf(() => parseMinor(bad, 'USD'))).toBe('invalid_amount');
      expect(() => parseMinor(bad, 'USD')).toThrow(`invalid amount ${JSON.stringify(bad)}`);
    },
  );

  it('rejects non-finite, exponent-form and out-of-range numbers', () => {
    expect(codeOf(() => parseMinor(Number.NaN, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor(Number.POSITIVE_INFINITY, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor(1e21, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor(1e-7, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor('90071992547409.92', 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor(null as unknown as string, 'USD'))).toBe('invalid_amount');
  });

  it('rejects unknown currencies', () => {
    expect(codeOf(() => parseMinor('1.00', 'ZZZ'))).toBe('unknown_currency');
  });
});

describe('formatMinor', () => {
  it('formats with the currency exponent', () => {
    expect(formatMinor(1299, 'USD')).toBe('12.99');
    expect(formatMinor(1000, 'JPY')).toBe('1000');
    expect(formatMinor(1234, 'KWD')).toBe('1.234');
    expect(formatMinor(5, 'USD')).toBe('0.05');
    expect(formatMinor(-5, 'USD')).toBe('-0.05');
    expect(formatMinor(-1000, 'JPY')).toBe('-1000');
    expect(formatMinor(0, 'USD')).toBe('0.00');
    expect(formatMinor(12345, 'CLF')).toBe('1.2345');
  });

  it('rejects non-integers', () => {
    expect(codeOf(() => formatMinor(12.5, 'USD'))).toBe('invalid_amount');
  });

  it('round-trips with parseMinor for every currency', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCY_CODES), fc.maxSafeInteger(), (currency, minor) => {
        expect(parseMinor(formatMinor(minor, currency), currency)).toBe(minor);
      }),
    );
  });
});

describe('arithmetic', () => {
  it('builds, adds, sums and multiplies', () => {
    expect(money(1299, 'USD')).toEqual({ amount: 1299, currency: 'USD' });
    expect(parseMoney('12.99', 'USD')).toEqual({ amount: 1299, currency: 'USD' });
    expect(addMoney(money(100, 'EUR'), money(-30, 'EUR'))).toEqual(money(70, 'EUR'));
    expect(sumMoney([money(1, 'JPY'), money(2, 'JPY'), money(3, 'JPY')], 'JPY')).toEqual(money(6, 'JPY'));
    expect(sumMoney([], 'GBP')).toEqual(money(0, 'GBP'));
    expect(multiplyMoney(money(1299, 'USD'), 3)).toEqual(money(3897, 'USD'));
  });

  it('refuses mixed currencies and bad quantities', () => {
    expect(codeOf(() => addMoney(money(1, 'USD'), money(1, 'EUR')))).toBe('currency_mismatch');
    expect(codeOf(() => sumMoney([money(1, 'USD'), money(1, 'EUR')], 'USD'))).toBe('currency_mismatch');
    expect(codeOf(() => sumMoney([money(1, 'USD')], 'EUR'))).toBe('currency_mismatch');
    expect(codeOf(() => multiplyMoney(money(1, 'USD'), 1.5))).toBe('invalid_quantity');
    expect(codeOf(() => multiplyMoney(money(2 ** 52, 'USD'), 4))).toBe('overflow');
    expect(codeOf(() => money(1.5, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => money(1, 'XXX'))).toBe('unknown_currency');
  });
});

describe('allocateMinor', () => {
  it('splits proportionally with largest remainders', () => {
    expect(allocateMinor(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateMinor(1000, [2000, 1000, 1000])).toEqual([500, 250, 250]);
    expect(allocateMinor(10, [3, 7])).toEqual([3, 7]);
    expect(allocateMinor(5, [1, 2, 2])).toEqual([1, 2, 2]);
    expect(allocateMinor(7, [1, 0, 2])).toEqual([2, 0, 5]);
    expect(allocateMinor(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocateMinor(0, [0, 0])).toEqual([0, 0]);
    expect(allocateMinor(2 ** 52, [3, 1])).toEqual([3 * 2 ** 50, 2 ** 50]);
  });

  it('rejects bad weights', () => {
    expect(codeOf(() => allocateMinor(10, [0, 0]))).toBe('invalid_allocation');
    expect(codeOf(() => allocateMinor(10, []))).toBe('invalid_allocation');
    expect(codeOf(() => allocateMinor(10, [1, -1]))).toBe('invalid_allocation');
    expect(codeOf(() => allocateMinor(10, [1.5]))).toBe('invalid_allocation');
    expect(codeOf(() => allocateMinor(1.5, [1]))).toBe('invalid_amount');
  });

  it('parts sum exactly to the total and stay within one unit of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 20 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocateMinor(total, weights);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
          const weightSum = weights.reduce((s, w) => s + w, 0);
          parts.forEach((p, i) => {
            expect(Number.isSafeInteger(p)).toBe(true);
            expect(Math.abs(p - (total * (weights[i] ?? 0)) / weightSum)).toBeLessThan(1.001);
            if (weights[i] === 0) expect(p).toBe(0);
          });
        },
      ),
    );
  });
});
