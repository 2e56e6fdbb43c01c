import currencyCodes from 'currency-codes';
import { describe, expect, it } from 'vitest';
import { formatMoney, minorDigits } from './money.ts';

/** Codes ISO 4217 lists without a minor unit ("N.A."): metals, SDR, testing, no currency. */
const NOT_MONEY = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);

describe('money in minor units', () => {
  it('counts minor digits as ISO 4217 does, for every currency it lists', () => {
    const wrong = currencyCodes.data
      .filter((currency) => !NOT_MONEY.has(currency.code))
      .filter((currency) => minorDigits(currency.code) !== currency.digits)
      .map((currency) => `${currency.code}: ${minorDigits(currency.code)} (ISO ${currency.digits})`);
    expect(wrong).toEqual([]);
    expect(['JPY', 'HUF', 'IQD', 'KWD', 'USD'].map(minorDigits)).toEqual([0, 2, 3, 3, 2]);
  });

  it('shows amounts in the reader’s language from minor units', () => {
    expect(formatMoney(3000, 'USD', 'en')).toBe('$30.00');
    expect(formatMoney(3000, 'JPY', 'en')).toBe('¥3,000');
    expect(formatMoney(150_000, 'HUF', 'en')).toMatch(/^HUF\s1,500$/); // not 150,000: ISO says 2 digits
    expect(formatMoney(25_000, 'IQD', 'en')).toMatch(/IQD\s25/);
    expect(formatMoney(1_500, 'KWD', 'en')).toMatch(/^KWD\s1.500$/);
  });
});
