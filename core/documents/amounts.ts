// Amounts, rates and dates as documents print them. The digits after the separator come from
// the currency's ISO exponent (core/money: EUR 2, JPY 0, KWD 3), never from floating point.
import { formatMinor } from '../money/money.ts';
import type { DocumentLanguage } from './language.ts';

const SEPARATORS: Record<DocumentLanguage, { group: string; decimal: string }> = {
  en: { group: ',', decimal: '.' },
  de: { group: '.', decimal: ',' },
};

/** 123456 EUR → "1,234.56 EUR" (en) / "1.234,56 EUR" (de); 5000 JPY → "5,000 JPY"; 1234 KWD → "1.234 KWD" (en). */
export function formatAmount(minor: number, currency: string, language: DocumentLanguage): string {
  const { group, decimal } = SEPARATORS[language];
  const plain = formatMinor(minor, currency);
  const negative = plain.startsWith('-');
  const [whole = '0', frac] = (negative ? plain.slice(1) : plain).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? '-' : ''}${grouped}${frac === undefined ? '' : decimal + frac} ${currency}`;
}

/** A channel's decimal rate ("0.19", "0.075") as a percentage ("19 %", "7.5 %" / "7,5 %"), by moving the point. */
export function formatRate(rate: string, language: DocumentLanguage): string {
  const [whole = '0', frac = ''] = rate.split('.');
  const digits = `${whole}${frac.padEnd(2, '0')}`;
  const cut = whole.length + 2;
  const intPart = digits.slice(0, cut).replace(/^0+(?=\d)/, '');
  const fracPart = digits.slice(cut).replace(/0+$/, '');
  return `${intPart}${fracPart ? SEPARATORS[language].decimal + fracPart : ''} %`;
}

/** The issue date, in UTC: 2026-12-01 (en) / 01.12.2026 (de). */
export function formatDate(at: Date, language: DocumentLanguage): string {
  const iso = at.toISOString().slice(0, 10);
  if (language === 'en') return iso;
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}
